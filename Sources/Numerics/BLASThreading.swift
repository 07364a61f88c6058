import Foundation

/// Control over the BLAS library's own threads.
///
/// alliance links `libblas.so.3`, which Debian's alternatives point at the reference BLAS or at
/// OpenBLAS. OpenBLAS runs its own thread pool; when alliance already runs several factorizations
/// side by side (one per core), OpenBLAS's threads would oversubscribe the cores and spend their
/// time yielding to each other. OpenBLAS's thread count is set through its
/// `openblas_set_num_threads`, looked up at run time because the reference BLAS does not have it.
public enum BLASThreading {
    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias GetThreads = @convention(c) () -> Int32

    private struct Symbols: @unchecked Sendable {
        let set: SetThreads?
        let get: GetThreads?
    }

    private static let symbols: Symbols = {
        guard let handle = dlopen(nil, RTLD_NOW) else { return Symbols(set: nil, get: nil) }
        let set = dlsym(handle, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetThreads.self) }
        let get = dlsym(handle, "openblas_get_num_threads").map { unsafeBitCast($0, to: GetThreads.self) }
        return Symbols(set: set, get: get)
    }()

    /// The name of the BLAS in use, as far as it can be told.
    public static var implementation: String { symbols.set == nil ? "reference BLAS" : "OpenBLAS" }

    private static let lock = NSLock()
    private static nonisolated(unsafe) var singleThreadedSections = 0
    private static nonisolated(unsafe) var savedThreads: Int32 = 1

    /// Runs `body` with BLAS limited to one thread (no effect on a BLAS without threads), for code
    /// that runs several BLAS calls in parallel itself. Nested and concurrent uses are counted, and
    /// the previous thread count comes back when the last one ends.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        guard let set = symbols.set, let get = symbols.get else { return try body() }
        lock.lock()
        if singleThreadedSections == 0 {
            savedThreads = get()
            set(1)
        }
        singleThreadedSections += 1
        lock.unlock()
        defer {
            lock.lock()
            singleThreadedSections -= 1
            if singleThreadedSections == 0 { set(savedThreads) }
            lock.unlock()
        }
        return try body()
    }
}
