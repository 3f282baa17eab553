import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// How the examples (ring, sor, water) read their command lines, each declared as an
/// ArgumentParser command: `--help` prints the generated usage and exits 0; an unknown
/// option or a bad value says what is wrong and exits 2 before the program joins its job,
/// so that a typo never starts a full-size run.
extension ParsableCommand {
    /// The program's own command line, parsed; exits on `--help` or an error.
    public static func parseCommandLine(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Self {
        do {
            return try parse(arguments)
        } catch {
            let message = fullMessage(for: error)
            guard exitCode(for: error) != .success else {
                print(message)
                Glibc.exit(0)
            }
            // ArgumentParser's usage status is 64 (EX_USAGE); these programs have always said 2.
            Array((message + "\n").utf8).withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
            Glibc.exit(2)
        }
    }
}

/// The value of an option that counts something (steps, molecules, laps): at least 1.
public func positiveInteger(_ text: String) throws -> Int {
    guard let value = Int(text), value > 0 else { throw ValidationError("takes a positive integer") }
    return value
}
