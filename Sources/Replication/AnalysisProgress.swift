import Foundation

/// Progress of a long analysis, for the terminal: each step announces itself, and steps made of
/// many models count them. The handler receives `Event`s (possibly from several threads, one at
/// a time); `silent` drops them.
public final class AnalysisProgress: @unchecked Sendable {
    public enum Event: Sendable, Equatable {
        /// A step begins; `total` is the number of units it counts, if it counts.
        case step(String, total: Int?)
        /// `done` of the current step's `total` units are finished.
        case advanced(done: Int, total: Int)
    }

    private let handler: @Sendable (Event) -> Void
    private let lock = NSLock()
    private var done = 0
    private var total = 0

    public init(_ handler: @escaping @Sendable (Event) -> Void) {
        self.handler = handler
    }

    public static var silent: AnalysisProgress { AnalysisProgress { _ in } }

    /// A step begins (with the number of units it counts, if it counts).
    public func step(_ message: String, total: Int? = nil) {
        lock.lock()
        defer { lock.unlock() }
        done = 0
        self.total = total ?? 0
        handler(.step(message, total: total))
    }

    /// One more unit of the current step is finished.
    func advance() {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        handler(.advanced(done: done, total: total))
    }
}
