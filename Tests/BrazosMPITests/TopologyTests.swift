@testable import BrazosMPI
import XCTest

final class TopologyTests: XCTestCase {
    func testCartesianCoordinatesAreRowMajor() throws {
        let grid = try CartesianTopology(dimensions: [2, 3], periodic: [true, false])
        XCTAssertEqual(grid.size, 6)
        XCTAssertEqual(grid.coordinates(of: 4), [1, 1])
        XCTAssertEqual(try grid.rank(of: [1, 2]), 5)
        XCTAssertEqual(try grid.rank(of: [-1, 2]), 5, "periodic dimensions wrap")
        XCTAssertThrowsError(try grid.rank(of: [0, 3])) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .arg) }
    }

    func testShiftStopsAtOpenEdgesAndWrapsRings() throws {
        let grid = try CartesianTopology(dimensions: [2, 3], periodic: [true, false])
        XCTAssertEqual(grid.shift(of: 0, dimension: 0, by: 1).source, 3)
        XCTAssertEqual(grid.shift(of: 0, dimension: 0, by: 1).destination, 3)
        XCTAssertEqual(grid.shift(of: 0, dimension: 1, by: 1).source, MPI.procNull)
        XCTAssertEqual(grid.shift(of: 0, dimension: 1, by: 1).destination, 1)
        XCTAssertEqual(grid.shift(of: 2, dimension: 1, by: 1).destination, MPI.procNull)
        XCTAssertEqual(grid.shift(of: 0, dimension: 1, by: Int.max).destination, MPI.procNull, "no overflow")
    }

    func testNeighborsOfAGridAreEachDimensionsBackThenForward() throws {
        let grid = Topology.cartesian(try CartesianTopology(dimensions: [2, 3], periodic: [true, false]))
        let (sources, destinations) = grid.neighbors(of: 1)
        XCTAssertEqual(sources, [4, 4, 0, 2])
        XCTAssertEqual(destinations, sources)
    }

    func testSubgridKeepsTheChosenDimensions() throws {
        let grid = try CartesianTopology(dimensions: [2, 3, 2], periodic: [false, true, false])
        let (row, color) = grid.subgrid(keeping: [false, true, false], rank: 7)  // coordinates (1, 0, 1)
        XCTAssertEqual(row.dimensions, [3])
        XCTAssertEqual(row.periodic, [true])
        XCTAssertEqual(color, 1 * 2 + 1)
    }

    func testDimsCreateBalancesAsOpenMPIDoes() throws {
        XCTAssertEqual(try CartesianTopology.balancedDimensions(nodes: 12, dimensions: [0, 0]), [4, 3])
        XCTAssertEqual(try CartesianTopology.balancedDimensions(nodes: 16, dimensions: [0, 0, 0]), [4, 2, 2])
        XCTAssertEqual(try CartesianTopology.balancedDimensions(nodes: 6, dimensions: [2, 0]), [2, 3])
        XCTAssertEqual(try CartesianTopology.balancedDimensions(nodes: 7, dimensions: [0, 0]), [7, 1])
        XCTAssertThrowsError(try CartesianTopology.balancedDimensions(nodes: 7, dimensions: [2, 0])) {
            XCTAssertEqual(($0 as? MPIError)?.errorClass, .dims)
        }
        XCTAssertThrowsError(try CartesianTopology.balancedDimensions(nodes: 4, dimensions: [-1])) {
            XCTAssertEqual(($0 as? MPIError)?.errorClass, .dims)
        }
    }

    func testBadGridsAndGraphsThrow() {
        XCTAssertThrowsError(try CartesianTopology(dimensions: [0], periodic: [false])) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .dims) }
        XCTAssertThrowsError(try CartesianTopology(dimensions: [1 << 20, 1 << 20], periodic: [false, false]))
        XCTAssertThrowsError(try GraphTopology(index: [2, 1], edges: [0, 1]))
        XCTAssertThrowsError(try GraphTopology(index: [1, 2], edges: [0, 2])) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .rank) }
    }

    func testGraphNeighbors() throws {
        let graph = try GraphTopology(index: [2, 3, 3], edges: [1, 2, 0])
        XCTAssertEqual(graph.neighbors(of: 0), [1, 2])
        XCTAssertEqual(graph.neighbors(of: 1), [0])
        XCTAssertEqual(graph.neighbors(of: 2), [])
        XCTAssertEqual(Topology.graph(graph).neighbors(of: 0).destinations, [1, 2])
    }
}
