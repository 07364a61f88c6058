import Foundation
import Numerics

/// A residual correlation structure at work in the fit: R(phi), block diagonal by group with unit
/// diagonal, `Var(e) = sigma^2 R(phi)`, handled as nlme handles it (Pinheiro & Bates 2000,
/// sec. 5.1): each group's rows of y, X and Z are *whitened*, multiplied by C_i^-1 where
/// R_i = C_i C_i', which turns the model into one with independent residuals,
///
///     C^-1 y = C^-1 X beta + C^-1 Z b + e*,   e* ~ N(0, sigma^2 I),
///
/// so the profiled deviance of the whitened data (`BlockedCholeskyFactor`) plus log|R(phi)| is
/// the deviance of the original data (the Jacobian of y -> C^-1 y). The structures:
///
/// - AR(1) in the times t (`ar1`, `car1`): cor(e_s, e_t) = phi^|t_s - t_t|. This is a Markov
///   process, so with the group's rows in time order and rho_s = phi^(t_s - t_{s-1}),
///
///       w_1 = v_1,   w_s = (v_s - rho_s v_{s-1}) / sqrt(1 - rho_s^2),
///       log|R_i| = sum_{s >= 2} log(1 - rho_s^2)
///
///   (the Prais-Winsten transformation, generalized to gaps).
/// - Compound symmetry (`cs`): R_i = (1 - rho) I + rho J, whose eigenvalues are 1 - rho (m - 1
///   times) and 1 + (m - 1) rho (the mean), so with v-bar the group mean
///
///       w = (v - v-bar) / sqrt(1 - rho) + v-bar / sqrt(1 + (m - 1) rho),
///       log|R_i| = (m - 1) log(1 - rho) + log(1 + (m - 1) rho).
///
/// The optimizer works in an unconstrained coordinate eta (bounded only to keep R invertible):
/// eta = atanh(phi) for `ar1` and `car1` (for `car1`, eta >= 0: nlme's corCAR1 has phi > 0),
/// and eta = atanh(2 (rho - L) / (1 - L) - 1) for `cs`, L = -1/(M - 1) the lower limit of rho
/// for the largest group M. nlme's own coordinates are 2 atanh(phi) for corAR1, logit(phi) for
/// corCAR1 and log((rho - L) / (1 - rho)) = 2 eta for corCompSymm; the confidence interval of the
/// correlation is computed on nlme's scale, as its `intervals()` does.
struct ResidualCorrelation: Sendable {
    let groups: CorrelationGroups
    var kind: CorrelationStructure.Kind { groups.structure.kind }
    /// For AR(1): the distinct gaps between successive times within groups, and each entry's gap
    /// (an index into `gaps`; -1 for a group's first entry), so that each eta computes rho and
    /// 1 - rho^2 once per distinct gap rather than once per row.
    let gaps: [Double]
    let gapIndex: [Int32]

    init(groups: CorrelationGroups) {
        self.groups = groups
        var index = [Int32](repeating: -1, count: groups.order.count)
        var distinct = [Double: Int32]()
        var gaps = [Double]()
        if groups.structure.kind != .cs {
            for g in 0..<groups.groupCount {
                for e in (groups.start[g] + 1)..<max(groups.start[g] + 1, groups.start[g + 1]) {
                    let gap = groups.times[e] - groups.times[e - 1]
                    if let k = distinct[gap] { index[e] = k } else {
                        distinct[gap] = Int32(gaps.count)
                        index[e] = Int32(gaps.count)
                        gaps.append(gap)
                    }
                }
            }
        }
        self.gaps = gaps
        gapIndex = index
    }

    /// rho and 1 / sqrt(1 - rho^2) for each distinct gap at eta.
    func lagCoefficients(eta: Double) -> (rho: [Double], scale: [Double]) {
        var rho = [Double](repeating: 0, count: gaps.count), scale = rho
        for (k, gap) in gaps.enumerated() {
            let (r, oneMinusSquare) = Self.lagCorrelation(eta: eta, gap: gap)
            rho[k] = r
            scale[k] = 1 / oneMinusSquare.squareRoot()
        }
        return (rho, scale)
    }

    /// |eta| at most this: |phi| within 3e-8 of 1 (beyond it R is numerically singular).
    static let etaLimit = 9.0

    var lowerBound: Double { kind == .car1 ? 0 : -Self.etaLimit }
    var upperBound: Double { Self.etaLimit }
    /// The start: no correlation (nlme starts corAR1 and corCompSymm there; corCAR1 at 0.2, which
    /// is also where alliance starts car1, since 0 is its bound).
    var start: Double {
        switch kind {
        case .ar1: return 0
        case .car1: return atanh(0.2)
        case .cs: return eta(correlation: 0)
        }
    }

    /// The lower limit of rho for `cs`: -1/(M - 1), M the largest group.
    var compoundSymmetryLowerLimit: Double {
        let m = groups.largestGroup
        return m > 1 ? -1 / Double(m - 1) : -1
    }

    /// The correlation (phi or rho) at eta.
    func correlation(eta: Double) -> Double {
        switch kind {
        case .ar1, .car1: return tanh(eta)
        case .cs:
            let l = compoundSymmetryLowerLimit
            return l + (1 - l) * (1 + tanh(eta)) / 2
        }
    }

    func eta(correlation value: Double) -> Double {
        switch kind {
        case .ar1, .car1: return atanh(value)
        case .cs:
            let l = compoundSymmetryLowerLimit
            return atanh(2 * (value - l) / (1 - l) - 1)
        }
    }

    /// nlme's unconstrained coordinate of the correlation and its derivative with respect to eta.
    func nlmeCoordinate(eta: Double) -> (value: Double, derivative: Double) {
        switch kind {
        case .ar1, .cs: return (2 * eta, 2)
        case .car1:
            let phi = tanh(eta)
            // logit(phi); d logit / d eta = (1 - phi^2) / (phi (1 - phi)) = (1 + phi) / phi.
            return (log(phi / (1 - phi)), (1 + phi) / phi)
        }
    }

    /// The inverse of `nlmeCoordinate`: the correlation at nlme's coordinate.
    func correlation(nlmeCoordinate x: Double) -> Double {
        switch kind {
        case .ar1, .cs: return correlation(eta: x / 2)
        case .car1: return 1 / (1 + exp(-x))
        }
    }

    /// For a gap of `gap` time units: rho = phi^gap and 1 - rho^2, computed so that neither loses
    /// precision as |phi| nears 1 (a = log|phi| = log1p(-2 / (e^(2|eta|) + 1))).
    @inline(__always)
    static func lagCorrelation(eta: Double, gap: Double) -> (rho: Double, oneMinusSquare: Double) {
        if eta == 0 { return (0, 1) }
        let a = log1p(-2 / (exp(2 * abs(eta)) + 1))
        var rho = exp(gap * a)
        if eta < 0 && gap.truncatingRemainder(dividingBy: 2) != 0 { rho = -rho }
        return (rho, -expm1(2 * gap * a))
    }

    /// For `cs` and a group of m rows: 1 - rho and 1 + (m - 1) rho, accurate near both limits.
    func compoundSymmetryEigenvalues(eta: Double, size m: Int) -> (within: Double, mean: Double) {
        let l = compoundSymmetryLowerLimit
        let oneMinusU = 2 / (exp(2 * eta) + 1), onePlusU = 2 / (exp(-2 * eta) + 1)
        let within = (1 - l) * oneMinusU / 2
        let base = Double(groups.largestGroup - m) / Double(max(groups.largestGroup - 1, 1))   // 1 + (m - 1) L
        let mean = base + Double(m - 1) * (1 - l) * onePlusU / 2
        return (within, mean)
    }

    /// log|R(phi)| = sum over groups of log|R_i|.
    func logDeterminant(eta: Double) -> Double {
        var sum = 0.0
        if kind != .cs {
            let logs = gaps.map { log(Self.lagCorrelation(eta: eta, gap: $0).oneMinusSquare) }
            for k in gapIndex where k >= 0 { sum += logs[Int(k)] }
            return sum
        }
        for g in 0..<groups.groupCount {
            let lo = groups.start[g], hi = groups.start[g + 1]
            guard hi - lo > 1 else { continue }
            switch kind {
            case .ar1, .car1:
                break
            case .cs:
                let (within, mean) = compoundSymmetryEigenvalues(eta: eta, size: hi - lo)
                sum += Double(hi - lo - 1) * log(within) + log(mean)
            }
        }
        return sum
    }

    /// Multiplies a vector over the frame's rows (`values[row * step]`) by C^-1 in place;
    /// `coefficients` are `lagCoefficients(eta:)` (AR(1) only), computed once for every column.
    func whiten(_ values: UnsafeMutablePointer<Double>, step: Int, eta: Double,
                coefficients: (rho: [Double], scale: [Double])? = nil) {
        let order = groups.order
        let lag = kind == .cs ? nil : (coefficients ?? lagCoefficients(eta: eta))
        for g in 0..<groups.groupCount {
            let lo = groups.start[g], hi = groups.start[g + 1]
            guard hi - lo > 1 else { continue }
            switch kind {
            case .ar1, .car1:
                // Backwards, so that each row still sees its predecessor's original value.
                let (rho, scale) = lag!
                for e in stride(from: hi - 1, to: lo, by: -1) {
                    let k = Int(gapIndex[e])
                    let r = order[e] * step, previous = order[e - 1] * step
                    values[r] = (values[r] - rho[k] * values[previous]) * scale[k]
                }
            case .cs:
                let (within, mean) = compoundSymmetryEigenvalues(eta: eta, size: hi - lo)
                var sum = 0.0
                for e in lo..<hi { sum += values[order[e] * step] }
                let average = sum / Double(hi - lo)
                let a = 1 / within.squareRoot(), b = 1 / mean.squareRoot()
                for e in lo..<hi {
                    let r = order[e] * step
                    values[r] = (values[r] - average) * a + average * b
                }
            }
        }
    }

    /// Multiplies standard normal draws (over the frame's rows) by C in place, so that they have
    /// correlation R(phi): the inverse of `whiten`.
    func correlate(_ values: inout [Double], eta: Double) {
        let order = groups.order, times = groups.times
        for g in 0..<groups.groupCount {
            let lo = groups.start[g], hi = groups.start[g + 1]
            guard hi - lo > 1 else { continue }
            switch kind {
            case .ar1, .car1:
                for e in (lo + 1)..<hi {
                    let (rho, oneMinusSquare) = Self.lagCorrelation(eta: eta, gap: times[e] - times[e - 1])
                    values[order[e]] = rho * values[order[e - 1]] + oneMinusSquare.squareRoot() * values[order[e]]
                }
            case .cs:
                let (within, mean) = compoundSymmetryEigenvalues(eta: eta, size: hi - lo)
                var sum = 0.0
                for e in lo..<hi { sum += values[order[e]] }
                let average = sum / Double(hi - lo)
                for e in lo..<hi {
                    values[order[e]] = (values[order[e]] - average) * within.squareRoot() + average * mean.squareRoot()
                }
            }
        }
    }

    /// Group g's correlation matrix R_g (m x m, rows in the group's time order) and its first and
    /// second derivatives with respect to the correlation (phi or rho), for Kenward-Roger.
    func correlationMatrix(group g: Int, eta: Double) -> (r: Matrix, first: Matrix, second: Matrix) {
        let lo = groups.start[g], m = groups.start[g + 1] - lo
        var r = Matrix.identity(m), d1 = Matrix(rows: m, columns: m), d2 = Matrix(rows: m, columns: m)
        let value = correlation(eta: eta)
        for i in 0..<m {
            for j in 0..<m where i != j {
                switch kind {
                case .ar1, .car1:
                    let gap = abs(groups.times[lo + i] - groups.times[lo + j])
                    r[i, j] = Self.lagCorrelation(eta: eta, gap: gap).rho
                    d1[i, j] = gap * pow(value, gap - 1)
                    d2[i, j] = gap > 1 ? gap * (gap - 1) * pow(value, gap - 2) : 0
                case .cs:
                    r[i, j] = value
                    d1[i, j] = 1
                }
            }
        }
        return (r, d1, d2)
    }

    /// d(correlation)/d(eta) and the second derivative.
    func correlationDerivatives(eta: Double) -> (first: Double, second: Double) {
        let t = tanh(eta), s = 1 - t * t      // d tanh = sech^2, d sech^2 = -2 tanh sech^2
        switch kind {
        case .ar1, .car1: return (s, -2 * t * s)
        case .cs:
            let half = (1 - compoundSymmetryLowerLimit) / 2
            return (half * s, half * -2 * t * s)
        }
    }
}
