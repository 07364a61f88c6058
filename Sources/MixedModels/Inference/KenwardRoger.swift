import Foundation
import Numerics
import Tabular

/// Kenward & Roger's (1997) small-sample inference for the fixed effects of a REML fit, computed as
/// pbkrtest 0.5 computes it (`vcovAdj`, `Lb_ddf`, `KRmodcomp`; lmerTest's `ddf = "Kenward-Roger"`
/// calls these).
///
/// The marginal covariance is `V = sum_i gamma_i G_i`, linear in the variance parameters gamma:
/// for each random-effects term the elements of its covariance matrix Sigma_j (lower triangle,
/// column by column; G = Z_j (I (x) E) Z_j' with E the symmetric elementary matrix), then sigma^2
/// (G = R, the residual correlation matrix, I without a structure). With a residual correlation
/// phi (or rho), V = ... + sigma^2 R(phi) is not linear: phi is one more parameter with
/// G = sigma^2 dR/dphi, and Kenward & Roger's second-derivative term enters the adjusted
/// covariance (below; pbkrtest has no such models). With Phi = Var(beta-hat) = (X'V^-1 X)^-1,
///
///     P_i  = -X'V^-1 G_i V^-1 X,     Q_ij = X'V^-1 G_i V^-1 G_j V^-1 X,
///     R_ij = X'V^-1 (d^2 V / dgamma_i dgamma_j) V^-1 X   (zero but for sigma^2 with phi, and phi with phi),
///     I_ij = tr(V^-1 G_i V^-1 G_j) - 2 tr(Phi Q_ij) + tr(Phi P_i Phi P_j)   (= tr(P G_i P G_j), P the REML projection),
///     W    = 2 I^-1   (the expected-information covariance of gamma-hat; pbkrtest's W),
///     Phi_A = Phi + 2 Phi [sum_ij W_ij (Q_ij - P_i Phi P_j - R_ij / 4)] Phi.
///
/// For a hypothesis L beta = L beta_0 with q = rank(L) rows and Theta = L'(L Phi L')^-1 L:
///
///     A1 = sum_ij W_ij tr(Theta Phi P_i Phi) tr(Theta Phi P_j Phi),   A2 = sum_ij W_ij tr(Theta Phi P_i Phi Theta Phi P_j Phi),
///     B = (A1 + 6 A2) / (2q),   g = ((q + 1) A1 - (q + 4) A2) / ((q + 2) A2),
///     c1 = g / (3q + 2(1 - g)),  c2 = (q - g) / (3q + 2(1 - g)),  c3 = (q + 2 - g) / (3q + 2(1 - g)),
///     rho = (1/q) ((1 - A2/q) / (1 - c2 B))^2 (1 + c1 B) / (1 - c3 B),
///     ddf = 4 + (q + 2) / (q rho - 1),   lambda = ddf (1 - A2/q) / (ddf - 2)   (1 when |ddf - 2| < 0.01),
///     F = lambda (L(beta-hat - beta_0))' (L Phi_A L')^-1 (L(beta-hat - beta_0)) / q  ~  F(q, ddf).
///
/// V is block diagonal over the clusters of rows that no random-effects factor or correlation
/// group links (therapists when patients are nested in them; patients when only patients have
/// random effects), so every quantity is a sum over clusters of small dense products: the cost is
/// that of the largest cluster cubed, where pbkrtest inverts the whole n x n matrix.
struct KenwardRoger: Sendable {
    /// Phi and Phi_A.
    let covariance: Matrix
    let adjustedCovariance: Matrix
    /// P_i and W.
    let p: [Matrix]
    let w: Matrix
    /// The variance parameters gamma, named as pbkrtest orders them.
    let parameterNames: [String]

    /// The most rows one cluster may have (its dense V and the products of each parameter).
    static let maximumClusterRows = 2_000

    /// `parameters` are the model's (theta, then eta) at the REML optimum, `sigma` sigma-hat there.
    /// With `holdCorrelation` a residual correlation (on the boundary of its range) is taken as
    /// known: R(phi-hat) enters V, phi is not a variance parameter.
    init(model: LinearMixedModel, parameters: [Double], sigma: Double, holdCorrelation: Bool = false) throws {
        guard model.method == .reml else {
            throw KenwardRogerError("Kenward-Roger's method is only available for REML model fits (as in lmerTest and pbkrtest); drop --ml")
        }
        let frame = model.frame
        let terms = frame.randomTerms
        let n = frame.observationCount, pp = frame.x.columns
        try model.factor(at: parameters)
        let phi = try FixedEffectsCovariance.unscaled(model.factor.fixedFactor).scaled(by: sigma * sigma)
        covariance = phi
        let sigma2 = sigma * sigma

        // The parameters and each term's covariance.
        let t = model.factor.relativeCovarianceFactors(Array(parameters[0..<model.thetaCount]))
        var sigmas = [[Double]]()                  // Sigma_j, k x k column-major
        var names = [String]()
        for (j, term) in terms.enumerated() {
            let k = term.k
            var s = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k { var sum = 0.0; for c in 0...min(a, b) { sum += t[j][a + c * k] * t[j][b + c * k] }; s[a + b * k] = sigma2 * sum } }
            sigmas.append(s)
            for c in 0..<k { for r in c..<k { names.append(r == c ? "var(\(term.columnNames[r]) | \(term.groupName))" : "cov(\(term.columnNames[r]), \(term.columnNames[c]) | \(term.groupName))") } }
        }
        names.append("sigma^2")
        let structure = model.correlation
        let eta = structure.map { _ in parameters[model.thetaCount] }
        let correlation = holdCorrelation ? nil : structure
        if let correlation { names.append(correlation.kind.parameterName.lowercased()) }
        parameterNames = names
        let m = names.count
        let sigmaIndex = m - (correlation == nil ? 1 : 2)

        // Per row: the correlation group and the position in it.
        var corrGroup = [Int](repeating: -1, count: n), corrPosition = [Int](repeating: 0, count: n)
        if let groups = structure?.groups {
            for g in 0..<groups.groupCount { for e in groups.start[g]..<groups.start[g + 1] { corrGroup[groups.order[e]] = g; corrPosition[groups.order[e]] = e - groups.start[g] } }
        }
        let clusters = Self.clusters(n: n, terms: terms, correlationGroup: corrGroup)
        if let largest = clusters.map(\.count).max(), largest > Self.maximumClusterRows {
            throw KenwardRogerError("Kenward-Roger: the random effects link \(largest) rows into one block of the marginal covariance (crossed factors?); alliance computes it block by block and takes at most \(Self.maximumClusterRows) rows per block: use Satterthwaite's df (--df satterthwaite)")
        }

        var pSum = [Matrix](repeating: Matrix(rows: pp, columns: pp), count: m)
        var qSum = [[Matrix]](repeating: [Matrix](repeating: Matrix(rows: pp, columns: pp), count: m), count: m)
        var rSum = [[Matrix]](repeating: [Matrix](repeating: Matrix(rows: pp, columns: pp), count: m), count: m)
        var trace = Matrix(rows: m, columns: m)
        for rows in clusters {
            let nc = rows.count
            // The correlation matrix R_c and its derivatives.
            var rc = Matrix.identity(nc), d1 = Matrix(rows: nc, columns: nc), d2 = Matrix(rows: nc, columns: nc)
            if let structure, let eta {
                let correlation = structure
                var byGroup = [Int: [Int]]()
                for (a, r) in rows.enumerated() { byGroup[corrGroup[r], default: []].append(a) }
                for (g, members) in byGroup {
                    let (rg, g1, g2) = correlation.correlationMatrix(group: g, eta: eta)
                    for a in members { for b in members { let pa = corrPosition[rows[a]], pb = corrPosition[rows[b]]
                        rc[a, b] = rg[pa, pb]; d1[a, b] = g1[pa, pb]; d2[a, b] = g2[pa, pb] } }
                }
            }
            // The random-effects design of the cluster, one column per level present and
            // component (level-major), so that each G_i = Z_r Z_c' + Z_c Z_r' (r = c: Z_r Z_r')
            // is of low rank and V^-1 G_i = U_r Z_c' + U_c Z_r' with U = V^-1 Z.
            var expanded = [Matrix]()
            var v = rc.scaled(by: sigma2)
            for (j, term) in terms.enumerated() {
                let k = term.k
                var local = [Int32: Int]()
                for r in rows where local[term.groupCodes[r]] == nil { local[term.groupCodes[r]] = local.count }
                var z = Matrix(rows: nc, columns: local.count * k)
                for (a, r) in rows.enumerated() {
                    let l = local[term.groupCodes[r]]!
                    for c in 0..<k { z[a, l * k + c] = term.z[r * k + c] }
                }
                // V += Z (I (x) Sigma_j) Z'.
                var zs = Matrix(rows: nc, columns: z.columns)
                for l in 0..<local.count {
                    for c in 0..<k {
                        for a in 0..<nc {
                            var sum = 0.0
                            for r in 0..<k { sum += z[a, l * k + r] * sigmas[j][r + c * k] }
                            zs[a, l * k + c] = sum
                        }
                    }
                }
                v = v.adding(try BLAS.product(zs, .none, z, .transpose), times: 1)
                expanded.append(z)
            }
            let vInverse = try Cholesky(v).inverse()
            var xc = Matrix(rows: nc, columns: pp)
            for (a, r) in rows.enumerated() { for c in 0..<pp { xc[a, c] = frame.x[r, c] } }
            let aMatrix = try BLAS.product(vInverse, .none, xc, .none)                 // V^-1 X
            var h = [Matrix](), o = [Matrix](), y = [Matrix]()                          // V^-1 G_i, G_i V^-1 X, V^-1 G_i V^-1 X
            for (j, term) in terms.enumerated() {
                let k = term.k, z = expanded[j]
                let u = try BLAS.product(vInverse, .none, z, .none)
                let levels = z.columns / k
                func component(_ m: Matrix, _ r: Int) -> Matrix { m.selectingColumns((0..<levels).map { $0 * k + r }) }
                for c in 0..<k {
                    for r in c..<k {
                        let zr = component(z, r), zc = component(z, c), ur = component(u, r), uc = component(u, c)
                        let zcA = try BLAS.product(zc, .transpose, aMatrix, .none), zrA = try BLAS.product(zr, .transpose, aMatrix, .none)
                        var hi = try BLAS.product(ur, .none, zc, .transpose)
                        var oi = try BLAS.product(zr, .none, zcA, .none)
                        var yi = try BLAS.product(ur, .none, zcA, .none)
                        if r != c {
                            hi = hi.adding(try BLAS.product(uc, .none, zr, .transpose), times: 1)
                            oi = oi.adding(try BLAS.product(zc, .none, zrA, .none), times: 1)
                            yi = yi.adding(try BLAS.product(uc, .none, zrA, .none), times: 1)
                        }
                        h.append(hi); o.append(oi); y.append(yi)
                    }
                }
            }
            // sigma^2 (G = R), then phi (G = sigma^2 dR/dphi).
            var residualGenerators = [rc]
            if correlation != nil { residualGenerators.append(d1.scaled(by: sigma2)) }
            for g in residualGenerators {
                let hi = structure == nil ? vInverse : try BLAS.product(vInverse, .none, g, .none)
                h.append(hi)
                o.append(try BLAS.product(g, .none, aMatrix, .none))
                y.append(try BLAS.product(hi, .none, aMatrix, .none))
            }
            let ht = h.map(\.transposed)
            for i in 0..<m {
                pSum[i] = pSum[i].adding(try BLAS.product(aMatrix, .transpose, o[i], .none), times: -1)
                for j in i..<m {
                    qSum[i][j] = qSum[i][j].adding(try BLAS.product(o[i], .transpose, y[j], .none), times: 1)
                    // tr(H_i H_j) = sum of H_i's elements times those of H_j'.
                    trace[i, j] += h[i].elements.withUnsafeBufferPointer { a in
                        ht[j].elements.withUnsafeBufferPointer { b in
                            var sum = 0.0
                            for e in 0..<a.count { sum += a[e] * b[e] }
                            return sum
                        }
                    }
                }
            }
            if correlation != nil {
                // d^2 V: sigma^2 with phi (dR/dphi), phi with phi (sigma^2 d^2R/dphi^2).
                let phiIndex = m - 1
                let cross = try BLAS.product(aMatrix, .transpose, try BLAS.product(d1, .none, aMatrix, .none), .none)
                let second = try BLAS.product(aMatrix, .transpose, try BLAS.product(d2.scaled(by: sigma2), .none, aMatrix, .none), .none)
                rSum[sigmaIndex][phiIndex] = rSum[sigmaIndex][phiIndex].adding(cross, times: 1)
                rSum[phiIndex][sigmaIndex] = rSum[phiIndex][sigmaIndex].adding(cross, times: 1)
                rSum[phiIndex][phiIndex] = rSum[phiIndex][phiIndex].adding(second, times: 1)
            }
        }
        for i in 0..<m { for j in 0..<i { trace[i, j] = trace[j, i]; qSum[i][j] = qSum[j][i].transposed } }
        p = pSum

        // The information and W.
        var information = Matrix(rows: m, columns: m)
        for i in 0..<m {
            let phiPi = try BLAS.product(phi, .none, pSum[i], .none)
            for j in i..<m {
                let phiPj = try BLAS.product(phi, .none, pSum[j], .none)
                let value = trace[i, j] - 2 * Self.traceOfProduct(phi, qSum[i][j]) + Self.traceOfProduct(phiPi, phiPj)
                information[i, j] = value
                information[j, i] = value
            }
        }
        let eigen = try SymmetricEigen(information)
        let condition = eigen.values.map(abs).min() ?? 0
        var wMatrix = condition > 1e-10 ? try Cholesky(information).inverse() : eigen.pseudoInverse(tolerance: 1e-10 * (eigen.values.map(abs).max() ?? 1))
        wMatrix = wMatrix.scaled(by: 2)
        w = wMatrix

        // Phi_A.
        var u = Matrix(rows: pp, columns: pp)
        for i in 0..<m {
            for j in 0..<m {
                let piPhiPj = try BLAS.product(try BLAS.product(pSum[i], .none, phi, .none), .none, pSum[j], .none)
                var term = qSum[i][j].adding(piPhiPj, times: -1)
                if correlation != nil { term = term.adding(rSum[i][j], times: -0.25) }
                u = u.adding(term, times: wMatrix[i, j])
            }
        }
        let correction = try BLAS.product(try BLAS.product(phi, .none, u, .none), .none, phi, .none)
        var adjusted = phi.adding(correction, times: 2)
        adjusted.symmetrize(from: .lower)
        adjustedCovariance = adjusted
    }

    /// tr(A B) for square A and B.
    static func traceOfProduct(_ a: Matrix, _ b: Matrix) -> Double {
        var sum = 0.0
        for i in 0..<a.rows { for k in 0..<a.columns { sum += a[i, k] * b[k, i] } }
        return sum
    }

    /// Groups of rows linked by a level of some random-effects factor or a correlation group
    /// (union-find), each group's rows in increasing order.
    static func clusters(n: Int, terms: [RandomEffectsTerm], correlationGroup: [Int]) -> [[Int]] {
        var parent = Array(0..<n)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func join(_ a: Int, _ b: Int) { let ra = root(a), rb = root(b); if ra != rb { parent[max(ra, rb)] = min(ra, rb) } }
        for term in terms {
            var first = [Int](repeating: -1, count: term.levelCount)
            for r in 0..<n { let l = Int(term.groupCodes[r]); if first[l] < 0 { first[l] = r } else { join(first[l], r) } }
        }
        var firstOfGroup = [Int: Int]()
        for r in 0..<n where correlationGroup[r] >= 0 {
            if let f = firstOfGroup[correlationGroup[r]] { join(f, r) } else { firstOfGroup[correlationGroup[r]] = r }
        }
        var byRoot = [Int: [Int]]()
        var order = [Int]()
        for r in 0..<n {
            let rt = root(r)
            if byRoot[rt] == nil { order.append(rt) }
            byRoot[rt, default: []].append(r)
        }
        return order.map { byRoot[$0]! }
    }

    /// The test of L beta = rhs: pbkrtest's `.KR_adjust`, for `l` with full row rank q.
    func test(_ l: Matrix, beta: [Double], rhs: [Double]) throws -> KenwardRogerTest {
        let q = l.rows
        let lPhiL = try BLAS.product(try BLAS.product(l, .none, covariance, .none), .none, l, .transpose)
        let theta = try BLAS.product(l, .transpose, try Cholesky(lPhiL).solve(l), .none)   // L'(L Phi L')^-1 L
        let thetaPhi = try BLAS.product(theta, .none, covariance, .none)
        let u = try p.map { try BLAS.product(try BLAS.product(thetaPhi, .none, $0, .none), .none, covariance, .none) }
        var a1 = 0.0, a2 = 0.0
        let m = p.count
        for i in 0..<m {
            for j in i..<m {
                let e = i == j ? 1.0 : 2.0
                a1 += e * w[i, j] * u[i].diagonal.reduce(0, +) * u[j].diagonal.reduce(0, +)
                a2 += e * w[i, j] * Self.traceOfProduct(u[i], u[j])
            }
        }
        let qd = Double(q)
        let b = (a1 + 6 * a2) / (2 * qd)
        let g = ((qd + 1) * a1 - (qd + 4) * a2) / ((qd + 2) * a2)
        let denominator = 3 * qd + 2 * (1 - g)
        let c1 = g / denominator, c2 = (qd - g) / denominator, c3 = (qd + 2 - g) / denominator
        var v0 = 1 + c1 * b
        let v1 = 1 - c2 * b, v2 = 1 - c3 * b
        if abs(v0) < 1e-10 { v0 = 0 }
        let ratio = abs(1 - a2 / qd) < 1e-14 && abs(v1) < 1e-14 ? 1 : (1 - a2 / qd) / v1
        let rho = 1 / qd * ratio * ratio * v0 / v2
        let ddf = 4 + (qd + 2) / (qd * rho - 1)
        let scaling = abs(ddf - 2) < 1e-2 ? 1 : ddf * (1 - a2 / qd) / (ddf - 2)
        // The Wald statistic with Phi_A.
        let difference = zip(try BLAS.product(l, .none, beta), rhs).map { $0 - $1 }
        let lPhiAL = try BLAS.product(try BLAS.product(l, .none, adjustedCovariance, .none), .none, l, .transpose)
        let solved = try Cholesky(lPhiAL).solve(difference)
        let wald = zip(difference, solved).reduce(0) { $0 + $1.0 * $1.1 }
        return KenwardRogerTest(numeratorDegreesOfFreedom: q, denominatorDegreesOfFreedom: ddf,
                                unscaledF: wald / qd, scaling: scaling)
    }
}

/// What `KenwardRoger.test` gives: F = scaling * unscaledF on (q, ddf) degrees of freedom.
struct KenwardRogerTest: Sendable {
    let numeratorDegreesOfFreedom: Int
    let denominatorDegreesOfFreedom: Double
    /// The Wald statistic with Phi_A over q (pbkrtest's FstatU).
    let unscaledF: Double
    /// Kenward & Roger's lambda (pbkrtest's F.scaling).
    let scaling: Double
    var f: Double { scaling * unscaledF }
}

/// Kenward-Roger was asked for where it cannot be computed (an ML fit, too large a block).
public struct KenwardRogerError: InputError, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Matrix {
    /// Every element times `factor`.
    func scaled(by factor: Double) -> Matrix {
        Matrix(rows: rows, columns: columns, columnMajor: elements.map { $0 * factor })
    }

    /// self + factor * other.
    func adding(_ other: Matrix, times factor: Double) -> Matrix {
        Matrix(rows: rows, columns: columns, columnMajor: zip(elements, other.elements).map { $0 + factor * $1 })
    }
}
