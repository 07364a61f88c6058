/// One random-effects term after evaluation on the data: a grouping factor with its levels, and
/// the k columns of the term's model matrix (the "raw" Z columns before expansion by level).
///
/// The term contributes b_g ~ N(0, Sigma) for every level g, with Sigma = sigma^2 T T' and T the
/// k x k lower-triangular relative covariance factor whose lower triangle is the term's slice
/// of theta, column by column.
struct RandomEffectsTerm: Sendable {
    /// The grouping factor's name as lme4 prints it (`Subject`, `cask:batch`).
    let groupName: String
    /// Level labels, in R's order.
    let levels: [String]
    /// The level of each observation.
    let groupCodes: [Int32]
    /// Column names: `(Intercept)`, `Days`.
    let columnNames: [String]
    /// The term's model matrix, row-major: `z[row * k + c]`.
    let z: [Double]

    var k: Int { columnNames.count }
    var levelCount: Int { levels.count }
    /// Random effects in the term: levels times columns.
    var size: Int { levelCount * k }
    /// Parameters of T: the lower triangle, k(k+1)/2.
    var thetaCount: Int { k * (k + 1) / 2 }

    /// Lower bounds for the term's theta, in lme4's order (column-major lower triangle): 0 for
    /// diagonal elements (standard deviations), -infinity for the others.
    var thetaLowerBounds: [Double] {
        var out = [Double]()
        for j in 0..<k { for i in j..<k { out.append(i == j ? 0 : -.infinity) } }
        return out
    }

    /// lme4's starting value: T = I.
    var thetaStart: [Double] {
        var out = [Double]()
        for j in 0..<k { for i in j..<k { out.append(i == j ? 1 : 0) } }
        return out
    }

    /// Theta element names as lme4 gives them: `Subject.(Intercept)`, `Subject.Days.(Intercept)`.
    var thetaNames: [String] {
        var out = [String]()
        for j in 0..<k {
            for i in j..<k {
                out.append(i == j ? "\(groupName).\(columnNames[i])" : "\(groupName).\(columnNames[i]).\(columnNames[j])")
            }
        }
        return out
    }
}
