import Foundation
import Numerics

/// Which information matrix the standard errors come from.
public enum InformationKind: String, Sendable, Codable, CaseIterable {
    /// The Hessian of minus the log-likelihood at the estimates (lavaan's `information = "observed"`).
    case observed
    /// Its expectation under the model (lavaan's default `information = "expected"`).
    case expected
}

/// The information matrix of a RAM model under FIML, analytically: the Hessian of minus the
/// log-likelihood (observed information) or its expectation under the model (expected
/// information, with each pattern's moments implied by the model, lavaan's "structured" h1
/// information). Standard errors are the square roots of the diagonal of its inverse.
///
/// For one pattern (n rows, Omega = Sigma^-1, W = C + d d', d = xbar - mu) and parameters k, l,
/// with Sigma_k, mu_k the first and Sigma_kl, mu_kl the second derivatives of the implied moments,
///
///     d2(-log L)/dk dl = n/2 [ - tr(Omega Sigma_k Omega Sigma_l) + 2 tr(Omega Sigma_k Omega Sigma_l Omega W)
///                              + 2 mu_k' Omega Sigma_l Omega d + 2 mu_l' Omega Sigma_k Omega d
///                              + 2 mu_k' Omega mu_l ]
///                        + tr(G Sigma_kl) + g' mu_kl,
///
/// where the last two terms (summed over patterns, with G and g the gradient over the moments, see
/// `FIMLObjective`) vanish for pairs of S and M cells, since Sigma and mu are linear in S and M.
/// The expectation sets W = Sigma and d = 0: n/2 [tr(Omega Sigma_k Omega Sigma_l) + 2 mu_k' Omega mu_l].
///
/// In RAM form every first derivative of Sigma is a sum of symmetric rank-two terms
/// `x y' + y x'` whose vectors are columns of F B or F C (an S cell (a, b) gives f_a f_b' + f_b f_a';
/// an A cell (i, j) gives f_i c_j' + c_j f_i'), and every first derivative of mu is a column of F B
/// times a number. So per pattern the traces reduce to entries of three small matrices,
/// Q = V' Omega V, R = V' Omega W Omega V and r = V' Omega d over those columns V, and each pair of
/// cells costs a few multiplications (Neudecker & Satorra's matrix calculus written out for RAM).
enum InformationMatrix {

    /// One cell of a parameter, as the derivative terms above need it.
    private struct CellTerm {
        let parameter: Int
        let cell: RAMModel.Cell
        /// Sigma's derivative `w (x y' + y x')` (basis indices into V), if any.
        let x: Int, y: Int, w: Double
        let hasSigma: Bool
        /// mu's derivative `s * V[:, r]`, if any.
        let r: Int, s: Double
        let hasMean: Bool
    }

    /// The information matrix (q x q) at `theta`.
    static func compute(_ kind: InformationKind, objective: FIMLObjective, theta: [Double]) throws -> Numerics.Matrix {
        let model = objective.model
        let m = model.variableCount, p = model.observedCount, q = model.parameterCount
        let moments = try ImpliedMoments(model: model, theta: theta)
        guard let evaluation = try objective.evaluate(moments, withGradient: kind == .observed) else {
            throw SEMFailure.notPositiveDefinite("the implied covariance matrix is not positive definite at the estimates")
        }

        // Basis vectors: f_a = column a of F B (index a), c_j = column j of F C (index m + j).
        var terms = [CellTerm]()
        for (k, parameter) in model.parameters.enumerated() {
            for cell in parameter.cells {
                switch cell.matrix {
                case .s:
                    terms.append(CellTerm(parameter: k, cell: cell, x: cell.row, y: cell.column,
                                          w: cell.row == cell.column ? 0.5 : 1, hasSigma: true, r: 0, s: 0, hasMean: false))
                case .a:
                    terms.append(CellTerm(parameter: k, cell: cell, x: cell.row, y: m + cell.column, w: 1, hasSigma: true,
                                          r: cell.row, s: moments.allMeans[cell.column], hasMean: true))
                case .m:
                    terms.append(CellTerm(parameter: k, cell: cell, x: 0, y: 0, w: 0, hasSigma: false, r: cell.row, s: 1, hasMean: true))
                }
            }
        }
        // Keep only the basis vectors the cells use, renumbered compactly.
        var used = [Int](repeating: -1, count: 2 * m)
        var basis = [Int]()
        func compact(_ v: Int) -> Int {
            if used[v] < 0 { used[v] = basis.count; basis.append(v) }
            return used[v]
        }
        terms = terms.map { t in
            CellTerm(parameter: t.parameter, cell: t.cell, x: t.hasSigma ? compact(t.x) : 0, y: t.hasSigma ? compact(t.y) : 0,
                     w: t.w, hasSigma: t.hasSigma, r: t.hasMean ? compact(t.r) : 0, s: t.s, hasMean: t.hasMean)
        }
        let nb = basis.count
        var v = Numerics.Matrix(rows: p, columns: nb)
        for (b, source) in basis.enumerated() {
            let from = source < m ? moments.fb : moments.fc, column = source < m ? source : source - m
            for i in 0..<p { v.elements[i + b * p] = from.elements[i + column * p] }
        }

        // Sigma-only cells (S) first: their pairs are most of the work and take the tight loop.
        terms.sort { ($0.hasMean ? 1 : 0) < ($1.hasMean ? 1 : 0) }
        let e = terms.count
        let sigmaOnly = terms.firstIndex(where: { $0.hasMean }) ?? e
        let xs = terms.map(\.x), ys = terms.map(\.y), ws = terms.map(\.w)
        // The information over cells, upper triangle (a <= b), summed over patterns.
        var cellInfo = [Double](repeating: 0, count: e * e)
        let observed = kind == .observed
        for pattern in objective.patterns {
            let o = pattern.observed, k = o.count, n = Double(pattern.count)
            var sub = Numerics.Matrix(rows: k, columns: k)
            for (jj, j) in o.enumerated() { for (ii, i) in o.enumerated() { sub.elements[ii + jj * k] = moments.sigma.elements[i + j * p] } }
            let omega = try Cholesky(sub).inverse()
            var vo = Numerics.Matrix(rows: k, columns: nb)
            for b in 0..<nb { for (ii, i) in o.enumerated() { vo.elements[ii + b * k] = v.elements[i + b * p] } }
            let omegaV = try BLAS.product(omega, .none, vo, .none)           // Omega V (k x nb)
            var qm = try BLAS.product(vo, .transpose, omegaV, .none)          // V' Omega V
            qm.symmetrize(from: .lower)
            var rm = qm, rv = [Double](repeating: 0, count: nb)
            if observed {
                var d = [Double](repeating: 0, count: k)
                for (ii, i) in o.enumerated() { d[ii] = pattern.mean[ii] - moments.mu[i] }
                rv = try BLAS.product(omegaV, .transpose, d)                  // V' Omega d
                if let centred = pattern.centred {
                    rm = try BLAS.gram(try BLAS.product(centred, .transpose, omegaV, .none))
                    for i in rm.elements.indices { rm.elements[i] /= n }
                } else {
                    rm = try BLAS.product(omegaV, .transpose, try BLAS.product(pattern.covariance, .none, omegaV, .none), .none)
                }
                for j in 0..<nb { for i in 0..<nb { rm.elements[i + j * nb] += rv[i] * rv[j] } }
            }
            let half = 0.5 * n
            qm.elements.withUnsafeBufferPointer { Q in
            rm.elements.withUnsafeBufferPointer { R in
            xs.withUnsafeBufferPointer { X in
            ys.withUnsafeBufferPointer { Y in
            ws.withUnsafeBufferPointer { W in
            cellInfo.withUnsafeMutableBufferPointer { H in
                for a in 0..<e {
                    let ta = terms[a]
                    let row = H.baseAddress! + a * e
                    if ta.hasSigma {
                        // Columns x and y of Q and R (Q and R are symmetric).
                        let qx = Q.baseAddress! + ta.x * nb, qy = Q.baseAddress! + ta.y * nb
                        let rx = R.baseAddress! + ta.x * nb, ry = R.baseAddress! + ta.y * nb
                        let scale = half * ta.w
                        // Pairs with sigma-only cells.
                        if a < sigmaOnly {
                            if observed {
                                for b in a..<sigmaOnly {
                                    let u = X[b], z = Y[b]
                                    let t1 = 2 * (qy[u] * qx[z] + qy[z] * qx[u])
                                    let t2 = qy[u] * rx[z] + qy[z] * rx[u] + qx[u] * ry[z] + qx[z] * ry[u]
                                    row[b] += scale * W[b] * (2 * t2 - t1)
                                }
                            } else {
                                for b in a..<sigmaOnly {
                                    let u = X[b], z = Y[b]
                                    row[b] += scale * W[b] * 2 * (qy[u] * qx[z] + qy[z] * qx[u])
                                }
                            }
                        }
                    }
                    // Pairs with cells that have a mean part (A and M cells).
                    for b in max(a, sigmaOnly)..<e {
                        let tb = terms[b]
                        var h = 0.0
                        if ta.hasSigma && tb.hasSigma {
                            let (x, y, u, z) = (ta.x, ta.y, tb.x, tb.y)
                            let t1 = 2 * (Q[y + u * nb] * Q[x + z * nb] + Q[y + z * nb] * Q[x + u * nb])
                            if observed {
                                let t2 = Q[y + u * nb] * R[z + x * nb] + Q[y + z * nb] * R[u + x * nb]
                                    + Q[x + u * nb] * R[z + y * nb] + Q[x + z * nb] * R[u + y * nb]
                                h += ta.w * tb.w * (2 * t2 - t1)
                            } else {
                                h += ta.w * tb.w * t1
                            }
                        }
                        if ta.hasMean && tb.hasMean { h += 2 * ta.s * tb.s * Q[ta.r + tb.r * nb] }
                        if observed {
                            if ta.hasMean && tb.hasSigma {
                                h += 2 * ta.s * tb.w * (Q[ta.r + tb.x * nb] * rv[tb.y] + Q[ta.r + tb.y * nb] * rv[tb.x])
                            }
                            if tb.hasMean && ta.hasSigma {
                                h += 2 * tb.s * ta.w * (Q[tb.r + ta.x * nb] * rv[ta.y] + Q[tb.r + ta.y * nb] * rv[ta.x])
                            }
                        }
                        row[b] += half * h
                    }
                }
            }}}}}}
        }
        // From cells to parameters: a parameter's entry sums over the pairs of its cells.
        var info = Numerics.Matrix(rows: q, columns: q)
        for a in 0..<e {
            let pa = terms[a].parameter
            for b in a..<e {
                let h = cellInfo[a * e + b]
                if h == 0 { continue }
                let pb = terms[b].parameter
                info.elements[pa + pb * q] += h
                if a != b { info.elements[pb + pa * q] += h }
            }
        }

        if kind == .observed, let g = evaluation.gradient {
            try addSecondDerivativeTerms(into: &info, terms: terms, gradient: g, moments: moments, model: model)
        }
        // The loop filled (k, l) and (l, k) for pairs of different cells; make it exactly symmetric.
        for j in 0..<q { for i in (j + 1)..<max(j + 1, q) {
            let s = 0.5 * (info.elements[i + j * q] + info.elements[j + i * q])
            info.elements[i + j * q] = s
            info.elements[j + i * q] = s
        } }
        return info
    }

    /// tr(G Sigma_kl) + g' mu_kl for every pair of cells with an A cell among them.
    private static func addSecondDerivativeTerms(into info: inout Numerics.Matrix, terms: [CellTerm],
                                                 gradient g: FIMLObjective.MomentGradient,
                                                 moments: ImpliedMoments, model: RAMModel) throws {
        let m = model.variableCount, q = model.parameterCount
        let gfb = try BLAS.product(g.sigma, .none, moments.fb, .none)
        let h = try BLAS.product(moments.fb, .transpose, gfb, .none)                 // H = B'F' G F B
        let bsh = try BLAS.product(try BLAS.product(moments.b, .none, moments.s, .none), .none, h, .none)  // B S H
        let u = try BLAS.product(moments.fb, .transpose, g.mu)
        let b = moments.b, c = moments.c, v = moments.allMeans
        func B(_ i: Int, _ j: Int) -> Double { b.elements[i + j * m] }
        func H(_ i: Int, _ j: Int) -> Double { h.elements[i + j * m] }
        func BSH(_ i: Int, _ j: Int) -> Double { bsh.elements[i + j * m] }
        func C(_ i: Int, _ j: Int) -> Double { c.elements[i + j * m] }
        // Each unordered pair of cells once (a cell with itself too); only pairs with an A cell
        // have second derivatives.
        for (index, ta) in terms.enumerated() {
            for tb in terms[index...] {
                let (first, second): (CellTerm, CellTerm)
                if ta.cell.matrix == .a { (first, second) = (ta, tb) } else if tb.cell.matrix == .a { (first, second) = (tb, ta) } else { continue }
                let (i, j) = (first.cell.row, first.cell.column)
                let value: Double
                switch second.cell.matrix {
                case .s:
                    let (a, bb) = (second.cell.row, second.cell.column)
                    value = a == bb ? 2 * B(j, a) * H(a, i) : 2 * (B(j, a) * H(bb, i) + B(j, bb) * H(a, i))
                case .m:
                    value = u[i] * B(j, second.cell.row)
                case .a:
                    let (k, l) = (second.cell.row, second.cell.column)
                    value = 2 * (B(l, i) * BSH(j, k) + B(j, k) * BSH(l, i) + C(j, l) * H(k, i))
                        + u[k] * B(l, i) * v[j] + u[i] * B(j, k) * v[l]
                }
                info.elements[ta.parameter + tb.parameter * q] += value
                if ta.cell != tb.cell || ta.parameter != tb.parameter {
                    info.elements[tb.parameter + ta.parameter * q] += value
                }
            }
        }
    }
}
