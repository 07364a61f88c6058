import Foundation
import Numerics

/// The cross-products of the data whitened by a residual correlation at any eta
/// (`ResidualCorrelation`), formed either by whitening every row anew, or, for AR(1) with few
/// distinct gaps between sessions, from sums formed once.
///
/// For AR(1) a whitened row is (v_s - rho v_{s-1}) / sqrt(1 - rho^2) (rho = phi^gap), so its outer
/// product is a combination of three outer products of the data themselves. With u = v_{s-1},
/// Delta = v_s - u and Sigma = v_s + u,
///
///     (v_s - rho u)(v_s - rho u)' = rho Delta Delta' + (1 - rho) v_s v_s' - rho (1 - rho) u u'
///                                 = -rho Sigma Sigma' + (1 + rho) v_s v_s' + rho (1 + rho) u u',
///
/// the first form for rho >= 0, the second for rho < 0 (each keeps full precision as |rho|
/// nears 1, where the other would cancel). Summed over the rows with the same gap, the whitened
/// cross-products are
///
///     A(eta) = F + sum_gaps [c_1 S_gap + c_2 U_gap + c_3 (E_gap or D_gap)] / (1 - rho^2)
///
/// with F the first rows' cross-products and S, U, E, D those of v_s, u, Delta and Sigma: every
/// evaluation then costs a few passes over the cross-products (their size grows with the number
/// of patients) instead of passes over all the rows. This is used when it is the cheaper of the
/// two (few distinct gaps, many sessions per patient); otherwise, and for compound symmetry, rows
/// are whitened at each eta.
struct WhitenedCrossProducts: Sendable {
    let frame: ModelFrame
    let layout: CrossProducts.Layout
    let correlation: ResidualCorrelation
    /// F, then per gap S, U, E, D; nil when rows are whitened at each eta.
    let components: [CrossProducts]?

    /// At most this many distinct gaps for sums formed once.
    static let maximumGaps = 4

    /// `sums` forces one way (for tests); nil chooses the cheaper.
    init(frame: ModelFrame, layout: CrossProducts.Layout, correlation: ResidualCorrelation, sums: Bool? = nil) throws {
        self.frame = frame
        self.layout = layout
        self.correlation = correlation
        let gaps = correlation.gaps.count
        let n = frame.observationCount
        // Cost per evaluation: a pass over (4 gaps + 1) cross-products against rows x columns.
        let columns = frame.x.columns + 1 + frame.randomTerms.reduce(0) { $0 + $1.k }
        let size = frame.randomTerms.reduce(0) { $0 + $1.levelCount * $1.k * ($1.k + frame.x.columns + 1) }
            + layout.patterns.flatMap { $0 }.reduce(0) { $0 + ($1?.blockCount ?? 0) }
        let cheaper = gaps <= Self.maximumGaps && (4 * gaps + 1) * size < n * columns
        guard correlation.kind != .cs, gaps >= 1, sums ?? cheaper else {
            components = nil
            return
        }
        // The virtual rows of each component: first rows; and per gap the rows s, their
        // predecessors u, and their differences and sums.
        let groups = correlation.groups
        var first = [Int]()
        var later = [[Int]](repeating: [], count: gaps), previous = [[Int]](repeating: [], count: gaps)
        for g in 0..<groups.groupCount where groups.start[g + 1] > groups.start[g] {
            first.append(groups.order[groups.start[g]])
            for e in (groups.start[g] + 1)..<groups.start[g + 1] {
                let k = Int(correlation.gapIndex[e])
                later[k].append(groups.order[e])
                previous[k].append(groups.order[e - 1])
            }
        }
        let xy = CrossProducts.responseAndPredictors(frame)
        let terms = frame.randomTerms
        func build(_ rows: [Int], _ other: [Int]? = nil, sign: Double = 0) throws -> CrossProducts {
            let m = rows.count
            var values = Matrix(rows: m, columns: xy.columns)
            for c in 0..<xy.columns {
                for (v, r) in rows.enumerated() {
                    values[v, c] = xy[r, c] + (other.map { sign * xy[$0[v], c] } ?? 0)
                }
            }
            let z = terms.map { term -> [Double] in
                var out = [Double](repeating: 0, count: m * term.k)
                for (v, r) in rows.enumerated() {
                    for c in 0..<term.k { out[v * term.k + c] = term.z[r * term.k + c] + (other.map { sign * term.z[$0[v] * term.k + c] } ?? 0) }
                }
                return out
            }
            return try CrossProducts(frame: frame, layout: layout, rows: rows, z: z, xy: values)
        }
        var parts = [try build(first)]
        for k in 0..<gaps {
            parts.append(try build(later[k]))
            parts.append(try build(previous[k]))
            parts.append(try build(later[k], previous[k], sign: -1))
            parts.append(try build(later[k], previous[k], sign: 1))
        }
        components = parts
    }

    /// The whitened cross-products at eta.
    func at(eta: Double) throws -> CrossProducts {
        guard let components else {
            return try CrossProducts(frame: frame, layout: layout, correlation: correlation, eta: eta)
        }
        var parts: [(coefficient: Double, products: CrossProducts)] = [(1, components[0])]
        for (k, gap) in correlation.gaps.enumerated() {
            let (rho, oneMinusSquare) = ResidualCorrelation.lagCorrelation(eta: eta, gap: gap)
            let base = 1 + 4 * k
            if rho >= 0 {
                parts += [(1 / (1 + rho), components[base]), (-rho / (1 + rho), components[base + 1]),
                          (rho / oneMinusSquare, components[base + 2]), (0, components[base + 3])]
            } else {
                parts += [(1 / (1 - rho), components[base]), (rho / (1 - rho), components[base + 1]),
                          (0, components[base + 2]), (-rho / oneMinusSquare, components[base + 3])]
            }
        }
        return CrossProducts.combination(parts)
    }
}
