/// How the ranks of a communicator other than the world map to world ranks. Requests
/// keep it (not their communicator) so that a communicator may own a request without a
/// reference cycle.
final class RankTranslation: Sendable {
    /// World rank of each rank of the communicator.
    let worldRanks: [Int]
    private let rankOfWorld: [Int: Int]

    init(worldRanks: [Int]) {
        self.worldRanks = worldRanks
        rankOfWorld = Dictionary(uniqueKeysWithValues: worldRanks.enumerated().map { ($1, $0) })
    }

    func worldRank(of rank: Int) -> Int { worldRanks[rank] }

    func rank(ofWorld world: Int) -> Int { rankOfWorld[world] ?? MPI.procNull }
}
