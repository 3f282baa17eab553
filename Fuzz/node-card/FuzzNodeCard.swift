import BrazosCore
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as the launcher's table of node cards.
/// A table parses into cards with numbers in range, or is a typed error, never a trap.
@main
enum FuzzNodeCard {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        do {
            let cards = try NodeCard.decodeTable(Substring(text))
            for card in cards { precondition(card.node >= 0 && card.ranks.allSatisfy { $0 >= 0 }) }
        } catch {
            precondition(!"\(error)".isEmpty)
        }
    }
}
