#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry for programs with a main of their own (SwiftPM gives every
/// executable one); scripts/fuzz links its no-main runtime, which defines it.
@_extern(c, "LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                                 _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer with this process's arguments (a corpus folder, -max_total_time=...),
/// handing it each input; exits with its status, which is not 0 once an input crashed.
public func runFuzzer(_ test: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    fuzzTest = test
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzTest?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    })
}

/// The test `runFuzzer` was given: a C callback cannot capture it. Set once, before
/// libFuzzer's only thread starts calling it.
nonisolated(unsafe) private var fuzzTest: ((UnsafeRawBufferPointer) -> Void)?
