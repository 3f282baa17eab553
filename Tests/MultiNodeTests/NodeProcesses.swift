import Foundation
import XCTest

extension JobProcess {
    /// The processes this job started (brazosrun's nodes), by PID.
    var children: [Int32] {
        let parent = process.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == parent
        }
    }

    /// The process of node `node` among the job's (its environment says which it is).
    func child(node: Int) -> Int32? {
        children.first { pid in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "BRAZOS_NODE=\(node)" }
        }
    }

    /// Waits until checkpoint `epoch` in `directory` is complete; then the job's node processes.
    func nodes(once epoch: Int, in directory: String, file: StaticString = #filePath, line: UInt = #line) -> [Int32] {
        let digits = String(epoch)
        let manifest = "\(directory)/epoch-\(String(repeating: "0", count: 6 - digits.count))\(digits)/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && process.isRunning { usleep(5_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), "no checkpoint \(epoch) appeared: \(stderr)", file: file, line: line)
        return children
    }
}
