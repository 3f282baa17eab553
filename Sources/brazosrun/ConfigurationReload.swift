import BrazosCore
import Synchronization

/// The configuration file (`--config FILE`) as the running job follows it: on SIGHUP, or
/// when the heartbeat watch sees its modification time change, it is read again and a
/// changed checkpoint interval applies from then on. Its mutex guards the interval in
/// force and the file's version last read.
final class ConfigurationReload: Sendable {
    /// A checkpoint interval that changed: seconds, nil for only when asked.
    struct IntervalChange {
        let seconds: Double?
    }

    private let options: Options
    private let state: Guarded<(interval: Double?, seen: String?)>

    init(options: Options) {
        self.options = options
        state = Guarded((options.checkpointInterval, options.configVersion))
    }

    var hasFile: Bool { options.configFile != nil }

    /// The interval in force and the file's version last read (they hold for the next attempt).
    var current: (interval: Double?, version: String?) { state.withLock { ($0.interval, $0.seen) } }

    /// The interval in force, if the file changed it since the job started.
    var changedSinceStart: IntervalChange? {
        state.withLock { $0.interval != options.checkpointInterval ? IntervalChange(seconds: $0.interval) : nil }
    }

    /// Reads the file again; returns the interval if it changed. A file that cannot be
    /// used is reported and the settings in force are kept.
    func reload() -> IntervalChange? {
        guard let path = options.configFile else { return nil }
        let version = ConfigFile.version(path)
        state.withLock { $0.seen = version }
        do {
            var reloaded = options
            reloaded.checkpointInterval = nil
            try reloaded.apply(try ConfigFile.read(path))
            let changed = state.withLock { state in
                defer { state.interval = reloaded.checkpointInterval }
                return state.interval != reloaded.checkpointInterval
            }
            guard changed else { return nil }
            let text = reloaded.checkpointInterval.map { "every \(format1($0)) s" } ?? "only when asked"
            diagnose("brazosrun: \(path) changed: checkpoints \(text) from now on", level: .info)
            return IntervalChange(seconds: reloaded.checkpointInterval)
        } catch {
            diagnose("brazosrun: \(path) changed but cannot be used: \(error); keeping the settings in force", level: .warning)
            return nil
        }
    }

    /// Reads the file again if its version changed since last read.
    func reloadIfChanged() -> IntervalChange? {
        guard let path = options.configFile, ConfigFile.version(path) != state.withLock({ $0.seen }) else { return nil }
        return reload()
    }
}
