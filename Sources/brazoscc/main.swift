// brazoscc: compiles and links C MPI programs against Brazos, as mpicc does for OpenMPI.
//
//   brazoscc [cc arguments...]      runs: cc -I<mpi.h dir> ARGS -L<lib dir> -Wl,-rpath,<lib dir> -lbrazosmpi
//   brazoscc --showme [args...]     prints that command instead of running it
//
// The compiler is $BRAZOS_CC, else cc. mpi.h is found in this package's source tree
// (Sources/CMPI/include, or $BRAZOS_INCLUDE); libbrazosmpi.so lies beside brazoscc.
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let line = Array("brazoscc: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
}

/// The directory holding this executable (and the library built with it).
func executableDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard length > 0 else { fail("cannot find its own location (/proc/self/exe)") }
    return directory(of: String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
}

func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

let environment = { (name: String) -> String? in getenv(name).map { String(cString: $0) } }
let sourceRoot = directory(of: directory(of: directory(of: #filePath)))
let include = environment("BRAZOS_INCLUDE") ?? sourceRoot + "/Sources/CMPI/include"
let libraryDirectory = environment("BRAZOS_LIB") ?? executableDirectory()
guard exists(include + "/mpi.h") else { fail("no mpi.h in \(include) (set BRAZOS_INCLUDE)") }
guard exists(libraryDirectory + "/libbrazosmpi.so") else { fail("no libbrazosmpi.so in \(libraryDirectory) (build with swift build, or set BRAZOS_LIB)") }

var arguments = Array(CommandLine.arguments.dropFirst())
let showOnly = arguments.first == "--showme"
if showOnly { arguments.removeFirst() }
// Compile-only runs need no library; everything else links.
let compileOnly = arguments.contains { $0 == "-c" || $0 == "-E" || $0 == "-S" || $0 == "-M" || $0 == "-MM" }
let compiler = environment("BRAZOS_CC") ?? "cc"
var command = [compiler, "-I" + include] + arguments
if !compileOnly {
    command += ["-L" + libraryDirectory, "-Wl,-rpath," + libraryDirectory, "-lbrazosmpi"]
}

if showOnly {
    print(command.joined(separator: " "))
    exit(0)
}
var cArguments = command.map { strdup($0) } + [nil]
execvp(compiler, &cArguments)
fail("cannot run \(compiler): \(String(cString: strerror(errno)))")
