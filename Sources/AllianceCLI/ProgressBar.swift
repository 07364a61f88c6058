import Foundation

/// A progress bar with an estimated time to completion, drawn on standard error when standard
/// error is a terminal (never into a file or a pipe), redrawn at most ten times a second:
///
///     power [##########----------]  512/1000  51%  2.3 s elapsed, ETA 2.2 s
///
/// The ETA assumes the remaining units take as long on average as those done in this run.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let lock = NSLock()

    init(label: String, total: Int, quiet: Bool) {
        self.label = label
        self.total = total
        enabled = !quiet && total > 0 && isatty(STDERR_FILENO) == 1
    }

    /// Shows that `done` of the units are complete.
    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let width = 24
        let filled = total > 0 ? width * done / total : width
        var line = "\(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        line += " \(done)/\(total) \(100 * done / max(total, 1))%  " + Self.duration(elapsed) + " elapsed"
        if done > 0 && done < total { line += ", ETA " + Self.duration(elapsed / Double(done) * Double(total - done)) }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return s < 3600 ? String(format: "%d:%02d", s / 60, s % 60) : String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
