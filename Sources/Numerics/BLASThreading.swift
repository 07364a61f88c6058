import Foundation

/// Control over the BLAS library's own threads.
///
/// alliance links `libblas.so.3`, which Debian's alternatives point at the reference BLAS or at
/// OpenBLAS. OpenBLAS runs its own thread pool; when alliance already runs several factorizations
/// side by side (one per core), OpenBLAS's threads would oversubscribe the cores and spend their
/// time yielding to each other. OpenBLAS's thread count is set through its
/// `openblas_set_num_threads`, looked up at run time because the reference BLAS does not have it.
///
/// Note for tests and benchmarks: results can differ in the last bits between one and several
/// BLAS threads; alliance's policy keeps them to one except in `multiThreaded` sections.
public enum BLASThreading {
    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias GetThreads = @convention(c) () -> Int32
    private typealias GetParallel = @convention(c) () -> Int32
    private typealias Shutdown = @convention(c) () -> Int32

    private struct Symbols: @unchecked Sendable {
        let set: SetThreads?
        let get: GetThreads?
        /// The threads OpenBLAS started with (its default: the cores, or OPENBLAS_NUM_THREADS).
        let available: Int32
        /// OpenBLAS's build: 0 sequential, 1 pthreads, 2 OpenMP; nil for another BLAS.
        let parallelBuild: Int32?
        /// The pthreads build's `blas_thread_shutdown_`, which stops its worker threads.
        let shutdown: Shutdown?
    }

    /// OpenBLAS's entry points, looked up once; on first use alliance sets BLAS to one thread
    /// (its default policy, see `singleThreaded` and `multiThreaded`) and stops the pthreads
    /// build's idle workers (see `stopIdleWorkers`).
    private static let symbols: Symbols = {
        guard let handle = dlopen(nil, RTLD_NOW) else {
            return Symbols(set: nil, get: nil, available: 1, parallelBuild: nil, shutdown: nil)
        }
        let set = dlsym(handle, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetThreads.self) }
        let get = dlsym(handle, "openblas_get_num_threads").map { unsafeBitCast($0, to: GetThreads.self) }
        let parallel = dlsym(handle, "openblas_get_parallel").map { unsafeBitCast($0, to: GetParallel.self) }
        let build = parallel?()
        let shutdown = build == 1 ? dlsym(handle, "blas_thread_shutdown_").map { unsafeBitCast($0, to: Shutdown.self) } : nil
        let available = get?() ?? 1
        set?(1)
        let symbols = Symbols(set: set, get: get, available: available, parallelBuild: build, shutdown: shutdown)
        stopIdleWorkers(symbols)
        return symbols
    }()

    /// OpenBLAS's pthreads build starts its worker threads when it is loaded, and they wait for
    /// their first job by spinning on `sched_yield` for about 2^28 cycles (a tenth of a second)
    /// before they sleep. alliance runs BLAS on one thread by default, so during that time they
    /// only take CPU from alliance's own threads (measured: 1.5-2 ms of a 20 ms fit of 32,000
    /// rows). They are stopped once, here, on alliance's first BLAS call: every BLAS call goes
    /// through Numerics, which waits for this initialization first, so no BLAS call can be using
    /// the workers at this moment. OpenBLAS starts them again by itself on its first threaded
    /// call (a `multiThreaded` section). They are never stopped later: another thread might then
    /// be inside a threaded call, and stopping the workers under it would hang it.
    private static func stopIdleWorkers(_ symbols: Symbols) {
        _ = symbols.shutdown?()
    }

    /// Whether BLAS and LAPACK may be called from several threads at the same time. True for the
    /// reference BLAS/LAPACK and for OpenBLAS's pthreads and OpenMP builds; false for OpenBLAS's
    /// sequential build as Debian ships it (`libopenblas0-serial`, built without locking: two
    /// threads calling it at once corrupt each other's work, which was observed here as wrong
    /// factorizations). Where it is false, alliance runs the work it would spread over threads
    /// one item after another (`parallelism(_:)`); the results are the same.
    public static var supportsConcurrentCalls: Bool { symbols.parallelBuild != 0 }

    /// `requested` threads where BLAS may be called concurrently, else 1.
    public static func parallelism(_ requested: Int) -> Int {
        supportsConcurrentCalls ? requested : 1
    }

    /// The name of the BLAS in use, as far as it can be told.
    public static var implementation: String {
        switch symbols.parallelBuild {
        case nil: return symbols.set == nil ? "reference BLAS" : "OpenBLAS"
        case 0?: return "OpenBLAS (sequential build)"
        case 2?: return "OpenBLAS (OpenMP build)"
        default: return "OpenBLAS (pthreads build)"
        }
    }

    private static let lock = NSLock()
    private static nonisolated(unsafe) var multiThreadedSections = 0

    /// Makes sure the default policy (one BLAS thread) is in force. Numerics' entry points call
    /// this; it costs one check after the first call.
    @inline(__always)
    public static func applyDefaultPolicy() { _ = symbols }

    /// alliance's policy: BLAS runs on one thread, because alliance parallelizes its own work
    /// (replications, finite differences) and because on the small and medium matrices of most
    /// models OpenBLAS's threads cost more in waking and yielding than they save. Only a single
    /// large dense factorization (crossed random effects with many levels) gains from BLAS's
    /// threads; `multiThreaded` runs `body` with all of them. Nested uses are counted.
    public static func multiThreaded<T>(_ body: () throws -> T) rethrows -> T {
        guard let set = symbols.set, symbols.available > 1 else { return try body() }
        lock.lock()
        multiThreadedSections += 1
        set(symbols.available)
        lock.unlock()
        defer {
            lock.lock()
            multiThreadedSections -= 1
            if multiThreadedSections == 0 { set(1) }
            lock.unlock()
        }
        return try body()
    }

    /// Runs `body` with BLAS on one thread even inside a `multiThreaded` section (for code that
    /// runs several BLAS calls in parallel itself).
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        guard let set = symbols.set else { return try body() }
        lock.lock()
        set(1)
        lock.unlock()
        defer {
            lock.lock()
            if multiThreadedSections > 0 { set(symbols.available) }
            lock.unlock()
        }
        return try body()
    }
}
