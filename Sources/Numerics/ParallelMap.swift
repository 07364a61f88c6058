import Dispatch

extension Array where Element: Sendable {
    /// `map` with the elements processed concurrently (one task per element, as many at a time as
    /// there are cores); results keep the elements' order, and the first error (in element order)
    /// is rethrown. Used for raters, criteria and models, which share nothing but read-only inputs.
    /// With a BLAS that must not be called concurrently (`BLASThreading.supportsConcurrentCalls`)
    /// the elements are processed one after another.
    public func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) throws -> T) throws -> [T] {
        let slots = ResultSlots<T>(count: count)
        let elements = self
        if BLASThreading.supportsConcurrentCalls {
            DispatchQueue.concurrentPerform(iterations: count) { k in
                slots.store(Result { try transform(elements[k]) }, at: k)
            }
        } else {
            for k in 0..<count { slots.store(Result { try transform(elements[k]) }, at: k) }
        }
        return try slots.results().map { try $0.get() }
    }
}

/// One output slot per task, each written by exactly one task. (`@unchecked` because the buffer
/// is shared; the discipline "task k writes slot k only, and reads happen after all tasks end"
/// makes that safe.)
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Result<T, any Error>?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ result: Result<T, any Error>, at k: Int) { buffer[k] = result }

    func results() -> [Result<T, any Error>] { buffer.map { $0! } }
}
