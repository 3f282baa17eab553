/// One node's protocol state for every page of the region, owned by its coherence
/// service thread (nothing else reads or writes it).
///
/// | state     | application view | meaning |
/// | untouched | no access        | never accessed here |
/// | invalid   | no access        | the copy here may be stale: fetch from the home |
/// | readOnly  | read             | a valid copy; a write faults |
/// | writable  | read + write     | at the home, unshared (writes need no notice) or dirty; elsewhere dirty, with a twin |
struct PageTable {
    enum State: UInt8 {
        case untouched, invalid, readOnly, writable
    }

    private(set) var states: [State]
    /// Copies of pages before their first write since the last release (off the home).
    var twins: [Int: UnsafeMutableRawPointer] = [:]
    /// Pages written since the last release (they become write notices).
    var dirty: Set<Int> = []
    /// Home pages that another node has fetched: writes to them need notices.
    var shared: Set<Int> = []

    init(pages: Int) { states = Array(repeating: .untouched, count: pages) }

    subscript(page: Int) -> State {
        get { states[page] }
        set { states[page] = newValue }
    }

    mutating func takeTwin(of page: Int) -> UnsafeMutableRawPointer? { twins.removeValue(forKey: page) }
}
