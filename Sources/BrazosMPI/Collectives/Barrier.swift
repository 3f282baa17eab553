/// `MPI_Barrier`: recursive doubling for a power of two ranks, else a dissemination barrier
/// (ceil(log2 p) rounds of empty messages either way). When
/// some node hosts several of the ranks, they first check in with their node's leader,
/// the leaders run the barrier among themselves, and each leader lets its node go.
extension Communicator {
    /// Returns once every rank of the communicator has called it (`MPI_Barrier`).
    public func barrier() throws(MPIError) {
        if isIntercommunicator { return try runToCompletion(interBarrierSchedule()) }
        try barrier(among: Participants(all: self))
    }

    private func barrier(among participants: Participants) throws(MPIError) {
        let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        if let hierarchy = nodeHierarchy(for: participants) {
            let local = hierarchy.local
            if let leaders = hierarchy.leaders {
                for index in 1..<local.count { try collectiveReceive(empty, from: local.rank(index), tag: .withinNode) }
                try barrier(among: leaders)
                for index in 1..<local.count { try collectiveSend(UnsafeRawBufferPointer(empty), to: local.rank(index), tag: .withinNode) }
            } else {
                try collectiveSend(UnsafeRawBufferPointer(empty), to: local.rank(0), tag: .withinNode)
                try collectiveReceive(empty, from: local.rank(0), tag: .withinNode)
            }
            return
        }
        let n = participants.count
        if n & (n - 1) == 0 {
            // A power of two: recursive doubling, partners exchange in pairs.
            var mask = 1
            while mask < n {
                let partner = participants.rank(participants.me ^ mask)
                try collectiveExchange(send: UnsafeRawBufferPointer(empty), to: partner, receive: empty, from: partner, tag: .barrier)
                mask <<= 1
            }
            return
        }
        var distance = 1
        while distance < n {
            try collectiveExchange(send: UnsafeRawBufferPointer(empty), to: participants.rank((participants.me + distance) % n),
                                   receive: empty, from: participants.rank((participants.me - distance + n) % n), tag: .barrier)
            distance *= 2
        }
    }
}
