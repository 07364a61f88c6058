/// Derivatives by finite differences as the mixed-model literature's software takes them.
///
/// - `richardsonHessian` and `richardsonJacobian` follow the algorithm of R's numDeriv package
///   (Gilbert & Varadhan), which lmerTest uses for Satterthwaite's degrees of freedom: central
///   differences with steps h, h/2, h/4, h/8 (h = d |x_i|, or `eps` where |x_i| is below
///   `zeroTolerance`), combined by Richardson extrapolation, which cancels the error terms of
///   order h^2, h^4 and h^6. Agreeing with lmerTest to many digits needs the same steps.
public enum NumericalDerivatives {
    /// numDeriv's default for where a coordinate counts as zero: sqrt(machine epsilon / 7e-7).
    public static let zeroTolerance = (Double.ulpOfOne / 7e-7).squareRoot()

    /// Richardson extrapolation over `r` successive halvings: `a[k]` holds the estimate at step
    /// h / 2^k; each round m replaces a[k] by (4^m a[k+1] - a[k]) / (4^m - 1).
    private static func extrapolate(_ a: inout [Double]) {
        let r = a.count
        for m in 1..<r {
            let w = Double(1 << (2 * m))
            for k in 0..<(r - m) { a[k] = (a[k + 1] * w - a[k]) / (w - 1) }
        }
    }

    private static func steps(_ x: [Double], d: Double, eps: Double) -> [Double] {
        x.map { Swift.abs(d * $0) + (Swift.abs($0) < zeroTolerance ? eps : 0) }
    }

    /// The points `richardsonHessian` evaluates its function at, in its order: x; x +- h_i e_i for
    /// each i and step; x +- (h_i e_i + h_j e_j) for i > j and each step. Useful to evaluate them
    /// ahead, together with other points, when evaluations are expensive.
    public static func richardsonHessianPoints(at x: [Double], d: Double = 0.1, eps: Double = 1e-4, r: Int = 4) -> [[Double]] {
        let n = x.count
        let h0 = steps(x, d: d, eps: eps)
        func step(_ k: Int) -> [Double] { h0.map { $0 / Double(1 << k) } }
        var points = [x]
        for i in 0..<n {
            for k in 0..<r {
                let h = step(k)
                var xp = x, xm = x
                xp[i] += h[i]; xm[i] -= h[i]
                points += [xp, xm]
            }
        }
        for i in 0..<n {
            for j in 0..<i {
                for k in 0..<r {
                    let h = step(k)
                    var xp = x, xm = x
                    xp[i] += h[i]; xp[j] += h[j]
                    xm[i] -= h[i]; xm[j] -= h[j]
                    points += [xp, xm]
                }
            }
        }
        return points
    }

    /// The points `richardsonJacobian` evaluates its function at: x +- h_i e_i for each i and step.
    public static func richardsonJacobianPoints(at x: [Double], d: Double = 1e-4, eps: Double = 1e-4, r: Int = 4) -> [[Double]] {
        let h0 = steps(x, d: d, eps: eps)
        var points = [[Double]]()
        for i in 0..<x.count {
            var h = h0[i]
            for _ in 0..<r {
                var xp = x, xm = x
                xp[i] += h; xm[i] -= h
                points += [xp, xm]
                h /= 2
            }
        }
        return points
    }

    /// The Hessian of a scalar function by numDeriv's `genD` (defaults as numDeriv's `hessian`:
    /// d = 0.1, eps = 1e-4, r = 4, v = 2). Off-diagonal elements use
    /// (f(x + h_i e_i + h_j e_j) - 2 f(x) + f(x - h_i e_i - h_j e_j) - H_ii h_i^2 - H_jj h_j^2) / (2 h_i h_j).
    ///
    /// `f` receives every point the scheme needs at once, so an expensive function can evaluate
    /// them in parallel or reuse shared work; it returns the values in the same order.
    public static func richardsonHessian(_ f: ([[Double]]) throws -> [Double], at x: [Double],
                                         d: Double = 0.1, eps: Double = 1e-4, r: Int = 4) rethrows -> Matrix {
        try richardsonGradientAndHessian(f, at: x, d: d, eps: eps, r: r).hessian
    }

    /// The gradient and Hessian of a scalar function from the points of `richardsonHessian`, as
    /// numDeriv's `genD` returns both: g_i is the central difference (f(x + h_i e_i) -
    /// f(x - h_i e_i)) / 2h_i, extrapolated over the same halvings as H_ii. Also returns f(x).
    public static func richardsonGradientAndHessian(_ f: ([[Double]]) throws -> [Double], at x: [Double],
                                                    d: Double = 0.1, eps: Double = 1e-4, r: Int = 4) rethrows
        -> (value: Double, gradient: [Double], hessian: Matrix)
    {
        let n = x.count
        let h0 = steps(x, d: d, eps: eps)
        func step(_ k: Int) -> [Double] { h0.map { $0 / Double(1 << k) } }
        let points = richardsonHessianPoints(at: x, d: d, eps: eps, r: r)
        let values = try f(points)
        let f0 = values[0]
        var next = 1
        var gradient = [Double](repeating: 0, count: n)
        var hessian = Matrix(rows: n, columns: n)
        for i in 0..<n {
            var first = [Double](repeating: 0, count: r)
            var second = [Double](repeating: 0, count: r)
            for k in 0..<r {
                let h = step(k)[i]
                first[k] = (values[next] - values[next + 1]) / (2 * h)
                second[k] = (values[next] - 2 * f0 + values[next + 1]) / (h * h)
                next += 2
            }
            extrapolate(&first)
            extrapolate(&second)
            gradient[i] = first[0]
            hessian[i, i] = second[0]
        }
        for i in 0..<n {
            for j in 0..<i {
                var mixed = [Double](repeating: 0, count: r)
                for k in 0..<r {
                    let h = step(k)
                    mixed[k] = (values[next] - 2 * f0 + values[next + 1] - hessian[i, i] * h[i] * h[i]
                                - hessian[j, j] * h[j] * h[j]) / (2 * h[i] * h[j])
                    next += 2
                }
                extrapolate(&mixed)
                hessian[i, j] = mixed[0]
                hessian[j, i] = mixed[0]
            }
        }
        return (f0, gradient, hessian)
    }

    /// The Jacobian of a vector function by numDeriv's `jacobian` (d = 1e-4, eps = 1e-4, r = 4,
    /// v = 2): element (a, i) is d f_a / d x_i. Returned as rows = outputs, columns = inputs.
    /// `f` receives every point at once, as for `richardsonHessian`.
    public static func richardsonJacobian(_ f: ([[Double]]) throws -> [[Double]], at x: [Double],
                                          d: Double = 1e-4, eps: Double = 1e-4, r: Int = 4) rethrows -> Matrix {
        let n = x.count
        let h0 = steps(x, d: d, eps: eps)
        let values = try f(richardsonJacobianPoints(at: x, d: d, eps: eps, r: r))
        let m = values.first?.count ?? 0
        var jacobian = Matrix(rows: m, columns: n)
        var next = 0
        for i in 0..<n {
            var estimates = [[Double]](repeating: [Double](repeating: 0, count: r), count: m)
            var h = h0[i]
            for k in 0..<r {
                for a in 0..<m { estimates[a][k] = (values[next][a] - values[next + 1][a]) / (2 * h) }
                next += 2
                h /= 2
            }
            for a in 0..<m {
                extrapolate(&estimates[a])
                jacobian[a, i] = estimates[a][0]
            }
        }
        return jacobian
    }
}
