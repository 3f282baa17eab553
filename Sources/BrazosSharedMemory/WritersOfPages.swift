/// Who wrote each page between two shared barriers, from every node's notices: a page
/// that one node alone wrote, and wrote off its home, moves its home to that node (the
/// node computing on it then writes it with no twin, no diff and no fault but the first).
struct WritersOfPages {
    private enum Writers {
        case one(node: Int, offItsHome: Bool)
        case several
    }

    private var pages: [Int: Writers] = [:]

    /// Node `node` wrote `page` (its notice says so), off the page's home or at it.
    mutating func note(page: Int, writtenBy node: Int, offItsHome: Bool) {
        switch pages[page] {
        case nil:
            pages[page] = .one(node: node, offItsHome: offItsHome)
        case let .one(writer, offHome) where writer == node:
            // A node's threads each contribute; the node is one writer.
            pages[page] = .one(node: node, offItsHome: offHome || offItsHome)
        default:
            pages[page] = .several
        }
    }

    /// The pages whose home moves, ascending, each with its new home.
    var homeMoves: [(page: Int, home: Int)] {
        pages.compactMap { page, writers -> (page: Int, home: Int)? in
            guard case let .one(node, true) = writers else { return nil }
            return (page, node)
        }.sorted { $0.page < $1.page }
    }
}
