/// How a datatype was made, as `MPI_Type_get_envelope` and `MPI_Type_get_contents` give it
/// back: the constructor (`combiner`) and its arguments in the standard's order.
extension Datatype {
    public struct Envelope: Sendable {
        /// `MPI_COMBINER_*`, with the ABI's values.
        public enum Combiner: Int, Sendable {
            case named = 101, dup, contiguous, vector, hvector, indexed, hindexed, indexedBlock, hindexedBlock, structure
            case subarray, darray, f90Real, f90Complex, f90Integer, resized, valueIndex
        }

        /// One argument; its kind decides which array of `MPI_Type_get_contents` it goes to.
        public enum Argument: Sendable, Equatable {
            /// An `int` in both forms (a number of dimensions, an order, a distribution).
            case integer(Int)
            /// An `int` count of the classic form, an `MPI_Count` of the large-count (`_c`) form.
            case count(Int)
            /// An `MPI_Aint` of the classic form, an `MPI_Count` of the large-count form.
            case address(Int)
        }

        public let combiner: Combiner
        public let arguments: [Argument]
        public let datatypes: [Datatype]
        /// Made by a large-count (`_c`) constructor: its counts and addresses are reported as
        /// large counts.
        public let isLargeCount: Bool

        public init(_ combiner: Combiner, _ arguments: [Argument] = [], _ datatypes: [Datatype] = [], isLargeCount: Bool = false) {
            self.combiner = combiner
            self.arguments = arguments
            self.datatypes = datatypes
            self.isLargeCount = isLargeCount
        }

        static let named = Envelope(.named)

        /// The arguments as `MPI_Type_get_contents` (or its `_c` form, `largeCounts`) splits
        /// them: integers, addresses, large counts.
        public func split(largeCounts: Bool) -> (integers: [Int], addresses: [Int], largeCounts: [Int]) {
            var integers: [Int] = [], addresses: [Int] = [], counts: [Int] = []
            let large = largeCounts && isLargeCount
            for argument in arguments {
                switch argument {
                case let .integer(value): integers.append(value)
                case let .count(value): if large { counts.append(value) } else { integers.append(value) }
                case let .address(value): if large { counts.append(value) } else { addresses.append(value) }
                }
            }
            return (integers, addresses, counts)
        }
    }
}
