/// One row of lme4's `as.data.frame(VarCorr(fit))`: a variance (var2 nil), a covariance (both
/// names), or the residual (group `Residual`).
public struct VarianceComponent: Sendable, Equatable, Encodable {
    /// The grouping factor, made unique as lme4 does when a factor has several terms
    /// (`Subject`, `Subject.1`).
    public let group: String
    public let var1: String?
    public let var2: String?
    /// The variance or covariance.
    public let variance: Double
    /// The standard deviation, or for a covariance the correlation; nil when a correlation is
    /// undefined because a standard deviation is zero (R prints NaN).
    public let standardDeviationOrCorrelation: Double?

    enum CodingKeys: String, CodingKey { case group, var1, var2, vcov, sdcor }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(group, forKey: .group)
        try c.encode(var1, forKey: .var1)
        try c.encode(var2, forKey: .var2)
        try c.encode(variance, forKey: .vcov)
        try c.encode(standardDeviationOrCorrelation, forKey: .sdcor)
    }

    /// The rows for one term with covariance Sigma = sigma^2 T T': the k variances, then the
    /// covariances below the diagonal column by column (lme4's order).
    static func rows(group: String, names: [String], t: [Double], sigma: Double) -> [VarianceComponent] {
        let k = names.count
        var sigmaMatrix = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for j in 0..<k {
                var sum = 0.0
                for s in 0...min(i, j) { sum += t[i + s * k] * t[j + s * k] }
                sigmaMatrix[i + j * k] = sigma * sigma * sum
            }
        }
        var out = [VarianceComponent]()
        for i in 0..<k {
            let v = sigmaMatrix[i + i * k]
            out.append(VarianceComponent(group: group, var1: names[i], var2: nil, variance: v,
                                         standardDeviationOrCorrelation: max(0, v).squareRoot()))
        }
        for j in 0..<k {
            for i in (j + 1)..<max(j + 1, k) {
                let cov = sigmaMatrix[i + j * k]
                let sdProduct = (sigmaMatrix[i + i * k] * sigmaMatrix[j + j * k]).squareRoot()
                out.append(VarianceComponent(group: group, var1: names[j], var2: names[i], variance: cov,
                                             standardDeviationOrCorrelation: sdProduct > 0 ? cov / sdProduct : nil))
            }
        }
        return out
    }
}

/// A grouping factor and its number of levels (lme4's `ngrps`).
public struct GroupingFactorSummary: Sendable, Equatable, Encodable {
    public let name: String
    public let levels: Int
}

/// The intraclass correlation of a grouping factor: the share of the total variance that lies
/// between its levels, sigma^2_g / (sum over factors of sigma^2_g + sigma^2).
///
/// For a random-intercept term sigma^2_g is the intercept variance. For terms with slopes it is
/// the mean random-effect variance over the observations, (1/n) sum_r z_r' Sigma_g z_r
/// (Johnson 2014; the "adjusted ICC" of Nakagawa, Johnson & Schielzeth 2017), which for
/// intercepts alone reduces to the classic ICC.
public struct IntraclassCorrelation: Sendable, Equatable, Encodable {
    /// The grouping factor, or "total" for the share of all random effects together.
    public let group: String
    public let icc: Double
}

/// The conditional modes ("BLUPs") of one random-effects term: b = Lambda u per level.
public struct ConditionalModes: Sendable {
    public let group: String
    public let levels: [String]
    public let columnNames: [String]
    /// `values[level * k + column]`.
    public let values: [Double]
}
