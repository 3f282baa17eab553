/// Small puts and accumulates an origin has made to one member on another node and not
/// sent yet (`Window.heldAccess`): their messages encoded back to back, as one frame
/// will carry them.
struct HeldAccess {
    /// The communicator rank of the target.
    let target: Int
    private(set) var bytes: [UInt8] = []
    /// Where the last message starts: a flush asks it for the answer.
    private var lastStart = 0

    init(target: Int) { self.target = target }

    mutating func append(_ message: WindowMessage, data: UnsafeRawBufferPointer) {
        lastStart = bytes.count
        message.append(to: &bytes, data: data)
    }

    /// Makes the last message carry `cookie` (see `WindowMessage.cookie`).
    mutating func setCookie(_ cookie: UInt64) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: cookie.littleEndian, toByteOffset: lastStart + WindowMessage.cookieOffset, as: UInt64.self) }
    }
}
