import BrazosMPI
import CMPI

/// Handles of matched messages (`MPI_Message`): the probe's message until a receive takes it.
extension Handles {
    static let messages = HandleTable<MatchedMessage>()
    static let messageNull = 0x128, messageNoProcess = 0x129

    static func handle(of message: MatchedMessage) -> MPI_Message? {
        message.isNoProcess ? opaque(messageNoProcess) : messages.add(message)
    }

    /// The message behind `*pointer`, which becomes `MPI_MESSAGE_NULL` (a message is received once).
    static func takeMessage(_ pointer: UnsafeMutablePointer<MPI_Message?>?, on communicator: inout Communicator?) throws(MPIError) -> MatchedMessage? {
        guard let pointer else { throw MPIError(.arg, "null pointer for the message") }
        if value(pointer.pointee) == messageNoProcess {
            pointer.pointee = opaque(messageNull)
            return nil
        }
        guard let message = messages.remove(pointer.pointee) else {
            throw MPIError(.request, "invalid message: \(describe(pointer.pointee, null: messageNull, "MPI_MESSAGE_NULL"))")
        }
        pointer.pointee = opaque(messageNull)
        communicator = message.communicator
        return message
    }
}

/// `MPI_Mprobe`.
@_cdecl("MPI_Mprobe")
public func mpiMprobe(_ source: Int32, _ tag: Int32, _ comm: MPI_Comm?, _ message: UnsafeMutablePointer<MPI_Message?>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Mprobe", on: comm) { () throws(MPIError) in
        let message = try output(message, "the message")
        let found = try Handles.communicator(comm).mprobe(from: Int(source), tag: Int(tag))
        message.pointee = Handles.handle(of: found.message)
        store(found.status, in: status)
    }
}

/// `MPI_Improbe`.
@_cdecl("MPI_Improbe")
public func mpiImprobe(_ source: Int32, _ tag: Int32, _ comm: MPI_Comm?, _ flag: UnsafeMutablePointer<Int32>?, _ message: UnsafeMutablePointer<MPI_Message?>?,
                       _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Improbe", on: comm) { () throws(MPIError) in
        let flag = try output(flag, "the flag")
        let message = try output(message, "the message")
        let found = try Handles.communicator(comm).improbe(from: Int(source), tag: Int(tag))
        flag.pointee = found == nil ? 0 : 1
        if let found {
            message.pointee = Handles.handle(of: found.message)
            store(found.status, in: status)
        }
    }
}

/// The no-process message's receive: an empty status from `MPI_PROC_NULL`.
private let noProcessStatus = Status(source: MPI.procNull, tag: MPI.anyTag, byteCount: 0)

private func mrecv(_ function: StaticString, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ datatype: MPI_Datatype?,
                   _ message: UnsafeMutablePointer<MPI_Message?>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    var communicator: Communicator?
    do {
        let type = try Handles.datatype(datatype)
        guard let taken = try Handles.takeMessage(message, on: &communicator) else {
            store(noProcessStatus, in: status)
            return 0
        }
        store(try taken.mrecv(buffer, count: count, datatype: type), in: status)
        return 0
    } catch {
        return raise(error, in: function, on: communicator)
    }
}

private func imrecv(_ function: StaticString, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ datatype: MPI_Datatype?,
                    _ message: UnsafeMutablePointer<MPI_Message?>?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    var communicator: Communicator?
    do {
        let output = try requestOutput(request)
        let type = try Handles.datatype(datatype)
        guard let taken = try Handles.takeMessage(message, on: &communicator) else {
            // The no-process message: a receive from MPI_PROC_NULL, complete at once.
            output.pointee = Handles.requests.add(try Runtime.rank().selfCommunicator.irecv(buffer, count: 0, datatype: type, from: MPI.procNull, tag: MPI.anyTag))
            return 0
        }
        output.pointee = Handles.requests.add(try taken.imrecv(buffer, count: count, datatype: type))
        return 0
    } catch {
        return raise(error, in: function, on: communicator)
    }
}

/// `MPI_Mrecv`: receives the matched message; the handle becomes `MPI_MESSAGE_NULL`.
@_cdecl("MPI_Mrecv")
public func mpiMrecv(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ message: UnsafeMutablePointer<MPI_Message?>?,
                     _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mrecv("MPI_Mrecv", buffer, Int(count), datatype, message, status)
}

/// `MPI_Mrecv_c`.
@_cdecl("MPI_Mrecv_c")
public func mpiMrecvC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ message: UnsafeMutablePointer<MPI_Message?>?,
                      _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mrecv("MPI_Mrecv_c", buffer, Int(count), datatype, message, status)
}

/// `MPI_Imrecv`.
@_cdecl("MPI_Imrecv")
public func mpiImrecv(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ message: UnsafeMutablePointer<MPI_Message?>?,
                      _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    imrecv("MPI_Imrecv", buffer, Int(count), datatype, message, request)
}

/// `MPI_Imrecv_c`.
@_cdecl("MPI_Imrecv_c")
public func mpiImrecvC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ message: UnsafeMutablePointer<MPI_Message?>?,
                       _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    imrecv("MPI_Imrecv_c", buffer, Int(count), datatype, message, request)
}
