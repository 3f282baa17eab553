@testable import BrazosMPI
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as where a leaving or admitting peer says
/// the ranks are, in a job of 4 ranks on 3 nodes. What decodes names every rank once and
/// only nodes of the job; anything else is a typed error.
@main
enum FuzzRankLocations {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        do {
            let locations = try MessageEngine.rankLocations(decoding: Array(input), ranks: 4, nodes: 3)
            precondition(locations.count == 4 && locations.allSatisfy { (0..<3).contains($0.node) })
        } catch {
            precondition(!"\(error)".isEmpty)
        }
    }
}
