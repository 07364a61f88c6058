import CGSL
import Foundation

/// A seeded stream of random numbers: GSL's Mersenne Twister (`gsl_rng_mt19937`) with GSL's
/// random variate generators on top.
///
/// A stream is identified by a *key*: a seed and a path of integers, such as
/// (seed, design cell, replication). Two streams with different keys are, for every practical
/// purpose, independent: the key is hashed with SplitMix64 and the hash drives a SplitMix64 sequence
/// that fills all 624 words of the Mersenne Twister state, through GSL's documented access to the
/// generator state (`gsl_rng_state`). This is how NumPy seeds MT19937 from a SeedSequence, and it
/// avoids the 32-bit seed of `gsl_rng_set`, with which distinct keys collide after about 2^16 streams.
///
/// The same key gives the same numbers on every run and every thread, so a simulation that gives
/// each replication its own stream is reproducible however the replications are scheduled.
/// A stream is not thread-safe: use one per task.
public final class RandomStream {
    /// GSL's generator (internal so that the multivariate draws of this module can pass it to GSL).
    let generator: UnsafeMutablePointer<gsl_rng>

    /// The key this stream was created from.
    public let seed: UInt64
    public let path: [UInt64]

    /// Creates the stream for `seed` and `path`.
    public init(seed: UInt64, path: [UInt64] = []) {
        _ = gslErrorHandlerOff
        guard let r = gsl_rng_alloc(alliance_gsl_rng_mt19937()) else {
            fatalError("gsl_rng_alloc failed: out of memory")
        }
        generator = r
        self.seed = seed
        self.path = path
        var mix = Self.hash(seed: seed, path: path)
        // GSL's mt19937 state is { unsigned long mt[624]; int mti; }; setting mti = 624 makes the
        // generator regenerate (temper) the whole block on the next draw, exactly as after seeding.
        let words = 624
        let state = gsl_rng_state(r)!
        precondition(gsl_rng_size(r) >= MemoryLayout<UInt>.stride * words + MemoryLayout<Int32>.size,
                     "unexpected GSL mt19937 state size")
        let mt = state.bindMemory(to: UInt.self, capacity: words + 1)
        var anyNonzero = false
        for i in 0..<words {
            let word = UInt(Self.splitMix64(&mix) & 0xffff_ffff)
            mt[i] = word
            anyNonzero = anyNonzero || word != 0
        }
        if !anyNonzero { mt[0] = 0x8000_0000 } // the all-zero state is the one MT19937 cannot leave
        let mti = (UnsafeMutableRawPointer(state) + MemoryLayout<UInt>.stride * words)
            .bindMemory(to: Int32.self, capacity: 1)
        mti.pointee = Int32(words)
    }

    deinit { gsl_rng_free(generator) }

    /// A child stream whose key extends this one's by `index`.
    public func substream(_ index: UInt64) -> RandomStream {
        RandomStream(seed: seed, path: path + [index])
    }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(generator) }

    /// Uniform on the integers 0..<n (n >= 1).
    public func integer(below n: Int) -> Int {
        precondition(n >= 1, "integer(below:) needs n >= 1")
        return Int(gsl_rng_uniform_int(generator, UInt(n)))
    }

    /// Normal with the given mean and standard deviation (GSL's ziggurat method).
    public func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        mean + gsl_ran_gaussian_ziggurat(generator, standardDeviation)
    }

    /// 1 with probability p, else 0.
    public func bernoulli(_ p: Double) -> Bool { gsl_ran_bernoulli(generator, p) == 1 }

    /// Poisson with the given mean.
    public func poisson(mean: Double) -> Int { Int(gsl_ran_poisson(generator, mean)) }

    /// Binomial: successes in `trials` trials with success probability p.
    public func binomial(trials: Int, probability p: Double) -> Int {
        Int(gsl_ran_binomial(generator, p, UInt32(trials)))
    }

    /// Gamma with shape a and scale b.
    public func gamma(shape a: Double, scale b: Double) -> Double { gsl_ran_gamma(generator, a, b) }

    /// Beta with parameters a and b.
    public func beta(_ a: Double, _ b: Double) -> Double { gsl_ran_beta(generator, a, b) }

    /// Chi-square with `degreesOfFreedom` (> 0, not necessarily whole) degrees of freedom.
    public func chiSquare(degreesOfFreedom nu: Double) -> Double { gsl_ran_chisq(generator, nu) }

    /// Inverse gamma with shape a and scale b, density b^a / Gamma(a) x^(-a-1) exp(-b/x): the
    /// reciprocal of a gamma variate with shape a and rate b (the conjugate posterior of a normal
    /// variance).
    public func inverseGamma(shape a: Double, scale b: Double) -> Double {
        b / gsl_ran_gamma(generator, a, 1)
    }

    /// Shuffles the array in place (GSL's Fisher-Yates `gsl_ran_shuffle`).
    public func shuffle<T: BitwiseCopyable>(_ array: inout [T]) {
        let count = array.count
        guard count > 1 else { return }
        array.withUnsafeMutableBufferPointer { buffer in
            gsl_ran_shuffle(generator, buffer.baseAddress, count, MemoryLayout<T>.stride)
        }
    }

    /// SplitMix64's output function (Steele, Lea & Flood 2014): advances `state` and returns a
    /// well-mixed 64-bit value.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Folds the key into one 64-bit value, component by component.
    static func hash(seed: UInt64, path: [UInt64]) -> UInt64 {
        var state = seed
        var h = splitMix64(&state)
        for component in path {
            var s = h ^ (component &* 0xD1B5_4A32_D192_ED03)
            h = splitMix64(&s)
        }
        return h
    }
}
