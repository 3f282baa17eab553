// The compiler wrappers brazoscc (C) and brazoscxx (C++): they compile and link MPI
// programs against Brazos, as OpenMPI's mpicc and mpicxx do against OpenMPI.
//
//   WRAPPER [compiler arguments...]   runs: COMPILER -I<incdir> ARGS -L<libdir> -Wl,-rpath,<libdir> -lbrazosmpi
//   WRAPPER --showme [args...]        prints that command instead of running it
//   WRAPPER --showme:WHAT             compile, link, command, incdirs, libdirs, libs, version, help
//
// The header and the library are found from the wrapper's own location, never from a
// path compiled in: installed (scripts/install), they are PREFIX/include and PREFIX/lib
// beside PREFIX/bin; in a build tree (.build/<triple>/<configuration>/), mpi.h is the
// source tree's Sources/CMPI/include above it and libbrazosmpi.so lies beside the wrapper.
// BRAZOS_INCLUDE and BRAZOS_LIB override either.
#if canImport(Glibc)
import Glibc
#endif

public struct Wrapper: Sendable {
    /// The wrapper's name, as its messages and --showme:version give it.
    let name: String
    /// "C" or "C++", as OpenMPI's --showme:version says.
    let language: String
    /// The environment variable naming the compiler, and the compiler used without it.
    let compilerVariable: String
    let defaultCompiler: String

    public static let c = Wrapper(name: "brazoscc", language: "C", compilerVariable: "BRAZOS_CC", defaultCompiler: "cc")
    public static let cxx = Wrapper(name: "brazoscxx", language: "C++", compilerVariable: "BRAZOS_CXX", defaultCompiler: "g++")

    /// What a --showme argument asks for: `whole` is --showme alone, the others --showme:NAME.
    enum Query: String {
        case whole = "", command, compile, link, incdirs, libdirs, libs, version, help
    }

    /// Runs the wrapper on this process's arguments; it replaces the process with the
    /// compiler, or prints and exits.
    public func run() -> Never {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var query: Query?
        if let first = arguments.first, let asked = Self.showme(first) {
            guard let known = Query(rawValue: asked) else {
                fail("unrecognized option: --showme:\(asked) (\(name) --showme:help lists them)", status: 1)
            }
            query = known
            arguments.removeFirst()
        }
        let compiler = environment(compilerVariable) ?? defaultCompiler
        // Only the queries that name the header or the library need them to exist.
        func compileFlags() -> [String] { ["-I" + locate().include] }
        func linkFlags() -> [String] {
            let library = locate().library
            return ["-L" + library, "-Wl,-rpath," + library, "-l" + Self.library]
        }
        func command() -> [String] {
            // Compile-only runs need no library; everything else links.
            let compileOnly = arguments.contains { ["-c", "-E", "-S", "-M", "-MM"].contains($0) }
            return [compiler] + compileFlags() + arguments + (compileOnly ? [] : linkFlags())
        }

        switch query {
        case .help?: printHelp()
        case .version?: say("\(name): Brazos for Swift (Language: \(language))")
        case .command?: say(compiler)
        // As OpenMPI's, these two print the arguments given after the query first.
        case .compile?: say((arguments + compileFlags()).joined(separator: " "))
        case .link?: say((arguments + linkFlags()).joined(separator: " "))
        case .incdirs?: say(locate().include)
        case .libdirs?: say(locate().library)
        case .libs?: say(Self.library)
        case .whole?: say(command().joined(separator: " "))
        case nil:
            let command = command()
            var cArguments = command.map { strdup($0) } + [nil]
            execvp(compiler, &cArguments)
            fail("cannot run \(compiler): \(String(cString: strerror(errno)))")
        }
    }

    static let library = "brazosmpi"

    /// nil when the argument is no --showme (OpenMPI accepts -showme and --showme alike,
    /// and CMake's FindMPI uses the single dash); "" for --showme alone; else what follows
    /// the colon.
    static func showme(_ argument: String) -> String? {
        for prefix in ["--showme", "-showme"] where argument.hasPrefix(prefix) {
            let rest = argument.dropFirst(prefix.count)
            if rest.isEmpty { return "" }
            if rest.first == ":" { return String(rest.dropFirst()) }
        }
        return nil
    }

    /// The header directory and the library directory, or a message and exit status 2.
    func locate() -> (include: String, library: String) {
        let bin = executableDirectory()
        let prefix = parent(of: bin)
        let installed = exists(prefix + "/include/brazos-mpi") && exists(prefix + "/lib/lib\(Self.library).so")
        let include = environment("BRAZOS_INCLUDE")
            ?? (installed ? prefix + "/include" : sourceTreeHeaders(above: bin) ?? prefix + "/include")
        let library = environment("BRAZOS_LIB") ?? (installed ? prefix + "/lib" : bin)
        guard exists(include + "/mpi.h") else { fail("no mpi.h in \(include) (set BRAZOS_INCLUDE)") }
        guard exists(library + "/lib\(Self.library).so") else {
            fail("no lib\(Self.library).so in \(library) (build with swift build, or set BRAZOS_LIB)")
        }
        return (include, library)
    }

    /// Sources/CMPI/include of the nearest directory above `directory` that has one: the
    /// source tree whose .build holds this wrapper.
    func sourceTreeHeaders(above directory: String) -> String? {
        var current = directory
        while current != "/" && !current.isEmpty {
            let candidate = current + "/Sources/CMPI/include"
            if exists(candidate + "/mpi.h") { return candidate }
            current = parent(of: current)
        }
        return nil
    }

    /// The real directory holding this executable (symbolic links resolved).
    func executableDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { fail("cannot find its own location (/proc/self/exe)") }
        return parent(of: String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    func printHelp() -> Never {
        say("""
            \(name) [--showme[:<command,compile,link,incdirs,libdirs,libs,version,help>]] args

              --showme           Show the whole command instead of running it
              --showme:command   Show the compiler it runs (\(compilerVariable), else \(defaultCompiler))
              --showme:compile   Show flags added when compiling
              --showme:link      Show flags added when linking
              --showme:incdirs   Show the include directory added when compiling (BRAZOS_INCLUDE)
              --showme:libdirs   Show the library directory added when linking (BRAZOS_LIB)
              --showme:libs      Show the libraries added when linking
              --showme:version   Show the version of Brazos
              --showme:help      This help message
            """)
    }

    func say(_ line: String) -> Never {
        print(line)
        exit(0)
    }

    func fail(_ message: String, status: Int32 = 2) -> Never {
        let line = Array("\(name): \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(status)
    }
}

func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
