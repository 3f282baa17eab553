@testable import BrazosCore

/// A frame sink that keeps every frame delivered to it, for the transport tests.
final class FrameCollector: FrameSink {
    var frames: [(FrameHeader, [UInt8])] = []
    func deliver(_ header: FrameHeader, payload: UnsafeRawBufferPointer, fromNode node: Int) throws { frames.append((header, Array(payload))) }
    func destination(forPayloadOf header: FrameHeader) -> UnsafeMutableRawPointer? { nil }
    func performDeferredWork() throws {}
}
