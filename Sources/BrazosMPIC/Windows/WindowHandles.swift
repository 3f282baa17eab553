import BrazosMPI
import CMPI

extension Handles {
    static let windowNull = 0x110
    static let windows = HandleTable<Window>()

    static func window(_ handle: MPI_Win?) throws(MPIError) -> Window {
        guard let window = windows.object(handle) else {
            throw MPIError(.win, "invalid window: \(describe(handle, null: windowNull, "MPI_WIN_NULL"))")
        }
        return window
    }

    static func handle(of window: Window) -> MPI_Win? {
        windows.handle(of: window) ?? opaque(windowNull)
    }
}

/// Runs a call on a window; its errors go to the window's error handler (those of an
/// invalid handle to the world's, as for communicators).
func windowCall(_ function: StaticString, _ handle: MPI_Win?, _ body: (Window) throws(MPIError) -> Void) -> Int32 {
    let window: Window
    do {
        window = try Handles.window(handle)
    } catch {
        return raise(error, in: function, on: nil)
    }
    do {
        try body(window)
        return 0
    } catch {
        return raise(error, in: function, on: window)
    }
}

/// `windowCall` with the window lent unretained (`HandleTable.withObject`): for the calls
/// an 8-byte put's latency is made of (accesses, flushes), never for `MPI_Win_free`.
func lentWindowCall(_ function: StaticString, _ handle: MPI_Win?, _ body: (Window) throws(MPIError) -> Void) -> Int32 {
    let outcome = Handles.windows.withObject(handle) { (window) -> Int32 in
        do throws(MPIError) {
            try body(window)
            return 0
        } catch {
            return raise(error, in: function, on: window)
        }
    }
    return outcome ?? raise(MPIError(.win, "invalid window: \(Handles.describe(handle, null: Handles.windowNull, "MPI_WIN_NULL"))"), in: function, on: nil)
}

/// Hands `error` to `window`'s error handler (`MPI_ERRORS_ARE_FATAL` unless the program
/// set another).
func raise(_ error: MPIError, in function: StaticString, on window: Window) -> Int32 {
    if case let .custom(custom) = window.errorHandler { custom.handle(error, on: window) }
    return apply(window.errorHandler, to: error, in: function)
}

/// The assertions of a synchronisation: the `MPI_MODE_*` bits the standard defines for
/// it (MPI_ERR_ASSERT for any other bit).
func assertions(_ value: Int32) throws(MPIError) -> Window.Assertions {
    let known: Window.Assertions = [.noCheck, .noStore, .noPut, .noPrecede, .noSucceed]
    let given = Window.Assertions(rawValue: Int(value))
    guard known.isSuperset(of: given) else { throw MPIError(.assert, "assert \(value) has bits that are no MPI_MODE_* assertion") }
    return given
}
