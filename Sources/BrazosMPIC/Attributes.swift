import BrazosMPI
import CMPI

/// Values of the predefined attributes, where `MPI_Comm_get_attr` points (MPI gives
/// them as the address of an int). Unchecked: each slot is written with the same
/// value every time (the attributes do not change while the process runs).
nonisolated(unsafe) private let predefinedValues = UnsafeMutablePointer<Int32>.allocate(capacity: PredefinedAttribute.allCases.count)

/// The C shapes of the callbacks (`MPI_Comm_copy_attr_function`, `MPI_Type_copy_attr_function`,
/// `MPI_Copy_function`; the delete ones), with the object's handle as its pointer.
private typealias CopyFunction = @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?,
                                                 UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> Int32
private typealias DeleteFunction = @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32

/// The handle the program knows an attribute's object by, for its callbacks.
private func handle(of owner: AttributeOwner) -> OpaquePointer? {
    switch owner {
    case let .communicator(communicator): return Handles.handle(of: communicator)
    case let .datatype(datatype): return Handles.handle(of: datatype)
    case let .window(window): return Handles.handle(of: window)
    }
}

/// The error a callback's return code stands for.
private func callbackFailure(_ code: Int32, _ what: String, _ keyval: Keyval) -> MPIError {
    MPIError(ErrorClass(rawValue: code) ?? .other, "the \(what) callback of keyval \(keyval.id) returned \(code)")
}

/// A C copy callback (`MPI_Comm_copy_attr_function`, `MPI_Type_copy_attr_function` and
/// `MPI_Copy_function` share its shape): 0 is the null function, 1 the duplicating one.
private func copyCallback(_ function: UnsafeRawPointer?, extraState: UnsafeMutableRawPointer?) -> Keyval.Copy {
    let address = Int(bitPattern: function), state = Int(bitPattern: extraState)
    switch address {
    case 0: return .never
    case 1: return .sameValue
    default:
        return .custom { (owner, keyval, value) throws(MPIError) -> Int? in
            let copy = unsafeBitCast(UnsafeRawPointer(bitPattern: address)!, to: CopyFunction.self)
            var result: UnsafeMutableRawPointer?
            var flag: Int32 = 0
            let code = copy(handle(of: owner), Int32(keyval.id), UnsafeMutableRawPointer(bitPattern: state), UnsafeMutableRawPointer(bitPattern: value),
                            &result, &flag)
            guard code == 0 else { throw callbackFailure(code, "copy", keyval) }
            return flag != 0 ? Int(bitPattern: result) : nil
        }
    }
}

/// A C delete callback; 0 is the null function (nil: nothing to run).
private func deleteCallback(_ function: UnsafeRawPointer?, extraState: UnsafeMutableRawPointer?) -> Keyval.Delete? {
    let address = Int(bitPattern: function), state = Int(bitPattern: extraState)
    guard address != 0 else { return nil }
    return { (owner, keyval, value) throws(MPIError) in
        let delete = unsafeBitCast(UnsafeRawPointer(bitPattern: address)!, to: DeleteFunction.self)
        let code = delete(handle(of: owner), Int32(keyval.id), UnsafeMutableRawPointer(bitPattern: value), UnsafeMutableRawPointer(bitPattern: state))
        guard code == 0 else { throw callbackFailure(code, "delete", keyval) }
    }
}

private func createKeyval(_ function: StaticString, kind: Keyval.Kind, _ copy: UnsafeRawPointer?, _ delete: UnsafeRawPointer?,
                          _ keyval: UnsafeMutablePointer<Int32>?, _ extraState: UnsafeMutableRawPointer?) -> Int32 {
    mpiCall(function) { () throws(MPIError) in
        let result = try output(keyval, "the keyval")
        let made = Keyval.create(kind: kind, copy: copyCallback(copy, extraState: extraState), delete: deleteCallback(delete, extraState: extraState))
        result.pointee = Int32(made.id)
    }
}

private func freeKeyval(_ function: StaticString, kind: Keyval.Kind, _ keyval: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall(function) { () throws(MPIError) in
        let handle = try output(keyval, "the keyval")
        try Keyval.find(Int(handle.pointee), kind: kind).free()
        handle.pointee = 0
    }
}

/// `MPI_Comm_create_keyval`: `MPI_COMM_NULL_COPY_FN`, `MPI_COMM_DUP_FN`,
/// `MPI_COMM_NULL_DELETE_FN` or the program's functions.
@_cdecl("MPI_Comm_create_keyval")
public func mpiCommCreateKeyval(_ copy: UnsafeRawPointer?, _ delete: UnsafeRawPointer?, _ keyval: UnsafeMutablePointer<Int32>?,
                                _ extraState: UnsafeMutableRawPointer?) -> Int32 {
    createKeyval("MPI_Comm_create_keyval", kind: .communicator, copy, delete, keyval, extraState)
}

/// `MPI_Keyval_create` (deprecated): `MPI_Comm_create_keyval`.
@_cdecl("MPI_Keyval_create")
public func mpiKeyvalCreate(_ copy: UnsafeRawPointer?, _ delete: UnsafeRawPointer?, _ keyval: UnsafeMutablePointer<Int32>?,
                            _ extraState: UnsafeMutableRawPointer?) -> Int32 {
    createKeyval("MPI_Keyval_create", kind: .communicator, copy, delete, keyval, extraState)
}

/// `MPI_Type_create_keyval`.
@_cdecl("MPI_Type_create_keyval")
public func mpiTypeCreateKeyval(_ copy: UnsafeRawPointer?, _ delete: UnsafeRawPointer?, _ keyval: UnsafeMutablePointer<Int32>?,
                                _ extraState: UnsafeMutableRawPointer?) -> Int32 {
    createKeyval("MPI_Type_create_keyval", kind: .datatype, copy, delete, keyval, extraState)
}

/// `MPI_Comm_free_keyval`: sets it to `MPI_KEYVAL_INVALID`; values set with it keep
/// their callbacks. A predefined or unknown key is `MPI_ERR_KEYVAL`.
@_cdecl("MPI_Comm_free_keyval")
public func mpiCommFreeKeyval(_ keyval: UnsafeMutablePointer<Int32>?) -> Int32 {
    freeKeyval("MPI_Comm_free_keyval", kind: .communicator, keyval)
}

/// `MPI_Keyval_free` (deprecated): `MPI_Comm_free_keyval`.
@_cdecl("MPI_Keyval_free")
public func mpiKeyvalFree(_ keyval: UnsafeMutablePointer<Int32>?) -> Int32 {
    freeKeyval("MPI_Keyval_free", kind: .communicator, keyval)
}

/// `MPI_Type_free_keyval`.
@_cdecl("MPI_Type_free_keyval")
public func mpiTypeFreeKeyval(_ keyval: UnsafeMutablePointer<Int32>?) -> Int32 {
    freeKeyval("MPI_Type_free_keyval", kind: .datatype, keyval)
}

// MARK: Communicator attributes

private func setCommAttribute(_ function: StaticString, _ comm: MPI_Comm?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?) -> Int32 {
    mpiCall(function, on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.setAttribute(try Keyval.find(Int(keyval), kind: .communicator), Int(bitPattern: value))
    }
}

private func getCommAttribute(_ function: StaticString, _ comm: MPI_Comm?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?,
                              _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall(function, on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let found = try output(flag, "the flag")
        guard let value else { throw MPIError(.arg, "null pointer for the attribute value") }
        let target = value.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        if let predefined = PredefinedAttribute(rawValue: Int(keyval)) {
            let slot = predefinedValues + (predefined.rawValue - PredefinedAttribute.tagUpperBound.rawValue)
            slot.pointee = Int32(truncatingIfNeeded: communicator.attribute(predefined))
            target.pointee = UnsafeMutableRawPointer(slot)
            found.pointee = 1
            return
        }
        let attribute = try communicator.attribute(try Keyval.find(Int(keyval), kind: .communicator))
        found.pointee = attribute == nil ? 0 : 1
        if let attribute { target.pointee = UnsafeMutableRawPointer(bitPattern: attribute) }
    }
}

private func deleteCommAttribute(_ function: StaticString, _ comm: MPI_Comm?, _ keyval: Int32) -> Int32 {
    mpiCall(function, on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.deleteAttribute(try Keyval.find(Int(keyval), kind: .communicator))
    }
}

/// `MPI_Comm_set_attr`: a value already set is deleted first (its delete callback runs).
@_cdecl("MPI_Comm_set_attr")
public func mpiCommSetAttr(_ comm: MPI_Comm?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?) -> Int32 {
    setCommAttribute("MPI_Comm_set_attr", comm, keyval, value)
}

/// `MPI_Attr_put` (deprecated): `MPI_Comm_set_attr`.
@_cdecl("MPI_Attr_put")
public func mpiAttrPut(_ comm: MPI_Comm?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?) -> Int32 {
    setCommAttribute("MPI_Attr_put", comm, keyval, value)
}

/// `MPI_Comm_get_attr`: `attribute_val` is where the value (a `void *`) goes; a
/// predefined attribute's value is the address of an int.
@_cdecl("MPI_Comm_get_attr")
public func mpiCommGetAttr(_ comm: MPI_Comm?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    getCommAttribute("MPI_Comm_get_attr", comm, keyval, value, flag)
}

/// `MPI_Attr_get` (deprecated): `MPI_Comm_get_attr`.
@_cdecl("MPI_Attr_get")
public func mpiAttrGet(_ comm: MPI_Comm?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    getCommAttribute("MPI_Attr_get", comm, keyval, value, flag)
}

/// `MPI_Comm_delete_attr`: runs the delete callback.
@_cdecl("MPI_Comm_delete_attr")
public func mpiCommDeleteAttr(_ comm: MPI_Comm?, _ keyval: Int32) -> Int32 {
    deleteCommAttribute("MPI_Comm_delete_attr", comm, keyval)
}

/// `MPI_Attr_delete` (deprecated): `MPI_Comm_delete_attr`.
@_cdecl("MPI_Attr_delete")
public func mpiAttrDelete(_ comm: MPI_Comm?, _ keyval: Int32) -> Int32 {
    deleteCommAttribute("MPI_Attr_delete", comm, keyval)
}

// MARK: Datatype attributes

/// `MPI_Type_set_attr`.
@_cdecl("MPI_Type_set_attr")
public func mpiTypeSetAttr(_ datatype: MPI_Datatype?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?) -> Int32 {
    mpiCall("MPI_Type_set_attr") { () throws(MPIError) in
        try Handles.datatype(datatype).setAttribute(try Keyval.find(Int(keyval), kind: .datatype), Int(bitPattern: value))
    }
}

/// `MPI_Type_get_attr`.
@_cdecl("MPI_Type_get_attr")
public func mpiTypeGetAttr(_ datatype: MPI_Datatype?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Type_get_attr") { () throws(MPIError) in
        let type = try Handles.datatype(datatype)
        let found = try output(flag, "the flag")
        guard let value else { throw MPIError(.arg, "null pointer for the attribute value") }
        let attribute = try type.attribute(try Keyval.find(Int(keyval), kind: .datatype))
        found.pointee = attribute == nil ? 0 : 1
        if let attribute { value.assumingMemoryBound(to: UnsafeMutableRawPointer?.self).pointee = UnsafeMutableRawPointer(bitPattern: attribute) }
    }
}

/// `MPI_Type_delete_attr`.
@_cdecl("MPI_Type_delete_attr")
public func mpiTypeDeleteAttr(_ datatype: MPI_Datatype?, _ keyval: Int32) -> Int32 {
    mpiCall("MPI_Type_delete_attr") { () throws(MPIError) in
        try Handles.datatype(datatype).deleteAttribute(try Keyval.find(Int(keyval), kind: .datatype))
    }
}

// MARK: Window attributes

/// `MPI_Win_create_keyval`: `MPI_WIN_NULL_COPY_FN`, `MPI_WIN_DUP_FN` (windows are never
/// duplicated, so neither is called), `MPI_WIN_NULL_DELETE_FN` or the program's functions.
@_cdecl("MPI_Win_create_keyval")
public func mpiWinCreateKeyval(_ copy: UnsafeRawPointer?, _ delete: UnsafeRawPointer?, _ keyval: UnsafeMutablePointer<Int32>?,
                               _ extraState: UnsafeMutableRawPointer?) -> Int32 {
    createKeyval("MPI_Win_create_keyval", kind: .window, copy, delete, keyval, extraState)
}

/// `MPI_Win_free_keyval`.
@_cdecl("MPI_Win_free_keyval")
public func mpiWinFreeKeyval(_ keyval: UnsafeMutablePointer<Int32>?) -> Int32 {
    freeKeyval("MPI_Win_free_keyval", kind: .window, keyval)
}

/// `MPI_Win_set_attr`.
@_cdecl("MPI_Win_set_attr")
public func mpiWinSetAttr(_ win: MPI_Win?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?) -> Int32 {
    windowCall("MPI_Win_set_attr", win) { (window) throws(MPIError) in
        try window.setAttribute(try Keyval.find(Int(keyval), kind: .window), Int(bitPattern: value))
    }
}

/// `MPI_Win_get_attr`: the predefined `MPI_WIN_BASE` is the base itself; `MPI_WIN_SIZE`,
/// `MPI_WIN_DISP_UNIT`, `MPI_WIN_CREATE_FLAVOR` and `MPI_WIN_MODEL` the address of the value.
@_cdecl("MPI_Win_get_attr")
public func mpiWinGetAttr(_ win: MPI_Win?, _ keyval: Int32, _ value: UnsafeMutableRawPointer?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    windowCall("MPI_Win_get_attr", win) { (window) throws(MPIError) in
        let found = try output(flag, "the flag")
        guard let value else { throw MPIError(.arg, "null pointer for the attribute value") }
        let target = value.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        if (601...605).contains(keyval) {
            target.pointee = WindowPredefinedValues.address(of: keyval, in: window)
            found.pointee = 1
            return
        }
        let attribute = try window.attribute(try Keyval.find(Int(keyval), kind: .window))
        found.pointee = attribute == nil ? 0 : 1
        if let attribute { target.pointee = UnsafeMutableRawPointer(bitPattern: attribute) }
    }
}

/// `MPI_Win_delete_attr`.
@_cdecl("MPI_Win_delete_attr")
public func mpiWinDeleteAttr(_ win: MPI_Win?, _ keyval: Int32) -> Int32 {
    windowCall("MPI_Win_delete_attr", win) { (window) throws(MPIError) in
        try window.deleteAttribute(try Keyval.find(Int(keyval), kind: .window))
    }
}
