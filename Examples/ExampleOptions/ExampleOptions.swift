#if canImport(Glibc)
import Glibc
#endif

/// The command line of an example program (sor, water): options that take a positive
/// integer, each with its default (0 for one that is off unless given), and plain flags. `--help` prints the usage and exits 0;
/// an unknown option or a value that is not a positive integer says what is wrong and
/// exits 2, so that a typo never starts a full-size run.
public struct ExampleOptions {
    private var values: [String: Int]
    private var given: Set<String> = []

    /// Parses `arguments` (the program's own by default); exits on `--help` or an error.
    public init(usage: String, integers defaults: [String: Int], flags: Set<String> = [],
                arguments: [String] = CommandLine.arguments) {
        values = defaults
        let program = arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "program"
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--help" || argument == "-h" {
                print("usage: \(program) \(usage)")
                exit(0)
            } else if flags.contains(argument) {
                given.insert(argument)
            } else if defaults[argument] != nil {
                guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
                    Self.refuse("\(program): \(argument) takes a positive integer")
                }
                values[argument] = value
                index += 1
            } else {
                Self.refuse("\(program): unknown option '\(argument)' (\(program) --help lists them)")
            }
            index += 1
        }
    }

    /// The value of integer option `name`: as given, or its default.
    public subscript(_ name: String) -> Int {
        guard let value = values[name] else { preconditionFailure("\(name) is not one of this program's options") }
        return value
    }

    /// Whether flag `name` was given.
    public func has(_ name: String) -> Bool { given.contains(name) }

    private static func refuse(_ message: String) -> Never {
        fputs(message + "\n", stderr)
        exit(2)
    }
}
