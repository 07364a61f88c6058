import MixedModels
import Reports
import SessionData

/// The intraclass correlations of one rating, from an empty random-intercept model fitted by REML:
/// `rating ~ 1 + (1 | patient)`, or with a therapist column `rating ~ 1 + (1 | therapist/patient)`
/// (patients nested in therapists). ICC = the share of the rating's variance between patients
/// (or therapists), tau^2 / (sum of tau^2 + sigma^2).
///
/// `alliance replicate` follows its therapist rule (`TherapistModelling`) here as in its models:
/// with therapists as fixed effects (too few to estimate a therapist variance) the model is
/// `rating ~ 1 + factor(therapist) + (1 | patient)`, whose patient ICC is the share within
/// therapists, tau^2_patient / (tau^2_patient + sigma^2), and no therapist share is estimated;
/// with therapists not modelled, `rating ~ 1 + (1 | patient)`.
public struct RatingIntraclassCorrelations: Sendable, Encodable {
    public let rating: String
    public let formula: String
    /// Between patients (within therapists when there are therapists).
    public let patient: Double?
    /// Between therapists; nil without a therapist column.
    public let therapist: Double?
    /// Why the model could not be fitted, if it could not.
    public let problem: String?
    public let singular: Bool
    /// Why there is no therapist share although the data have therapists (the therapist rule).
    public let therapistShareNotEstimated: String?

    /// The ICCs of `rating`; `therapists` (replicate's therapist rule) decides how therapists
    /// enter, nil: as a random intercept whenever there are two or more (`alliance describe`).
    public init(panel: Panel, rating: String, therapists: TherapistModelling? = nil) {
        self.rating = rating
        let patientName = Self.quoted(panel.column(for: .patient)!)
        let column = panel.therapistIDs.count >= 2 ? panel.column(for: .therapist) : nil
        let kind = therapists?.kind ?? (column == nil ? .notModelled : .randomIntercept)
        let therapistColumn = kind == .randomIntercept ? column : nil
        var groups = therapistColumn.map { "(1 | \(Self.quoted($0))/\(patientName))" } ?? "(1 | \(patientName))"
        if kind == .fixedEffects, let column { groups = "factor(\(Self.quoted(column))) + " + groups }
        therapistShareNotEstimated = kind == .fixedEffects ? therapists?.reason : nil
        formula = "\(Self.quoted(rating)) ~ 1 + \(groups)"
        do {
            let fit = try LinearMixedModel(formula: formula, data: panel.table).fit(satterthwaite: false)
            let icc = Dictionary(fit.intraclassCorrelations.map { ($0.group, $0.icc) }, uniquingKeysWith: { a, _ in a })
            if let therapistColumn {
                self.therapist = icc[Self.quoted(therapistColumn)]
                self.patient = icc["\(patientName):\(Self.quoted(therapistColumn))"]
            } else {
                self.therapist = nil
                self.patient = icc[patientName]
            }
            problem = nil
            singular = fit.singular
        } catch {
            patient = nil
            therapist = nil
            problem = String(describing: error)
            singular = false
        }
    }

    enum CodingKeys: String, CodingKey { case rating, formula, patient, therapist, problem, singular, therapist_share_not_estimated }

    /// Every key always present; unknown values are null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rating, forKey: .rating)
        try c.encode(formula, forKey: .formula)
        try c.encode(patient, forKey: .patient)
        try c.encode(therapist, forKey: .therapist)
        try c.encode(problem, forKey: .problem)
        try c.encode(singular, forKey: .singular)
        try c.encode(therapistShareNotEstimated, forKey: .therapist_share_not_estimated)
    }

    /// A column name as the formula language writes it (backquoted unless syntactic).
    static func quoted(_ name: String) -> String {
        let syntactic = (name.first.map { $0.isLetter || $0 == "." } ?? false)
            && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
        return syntactic ? name : "`\(name)`"
    }

    /// `the REML model y ~ 1 + (1 | patient)`, or for several ratings the first's model and that
    /// every other rating has its own.
    static func model(_ iccs: [RatingIntraclassCorrelations]) -> String {
        guard let first = iccs.first else { return "an empty REML model" }
        return iccs.count == 1 ? "the REML model \(first.formula)" : "an empty REML model of each rating (\(first.formula), and the same for the others)"
    }

    /// The table of `alliance describe`: one row per rating.
    public static func table(_ iccs: [RatingIntraclassCorrelations]) -> Table {
        let withTherapists = iccs.contains { $0.therapist != nil }
        var columns = [TableColumn("Rating", alignment: .left), TableColumn("ICC patient")]
        if withTherapists { columns.append(TableColumn("ICC therapist")) }
        var t = Table(title: "Table 4. Intraclass correlations", name: "icc", columns: columns)
        var notes = [String]()
        if let reason = iccs.first?.therapistShareNotEstimated {
            t.notes = ["ICC patient = τ²(patient) / (τ²(patient) + σ²), the share of the rating's variance between patients within therapists, from \(model(iccs)). No therapist share is estimated, by the rule the models follow: \(reason)."]
            for icc in iccs {
                t.append([.text(icc.rating), icc.patient.map { .bounded($0, decimals: 2) } ?? .text("NA")])
                if let problem = icc.problem { t.notes.append("\(icc.rating): not estimable (\(problem)).") }
                if icc.singular { t.notes.append("\(icc.rating): singular fit (a variance estimated as zero).") }
            }
            return t
        }
        for icc in iccs {
            var cells: [Cell] = [.text(icc.rating), icc.patient.map { .bounded($0, decimals: 2) } ?? .text("NA")]
            if withTherapists { cells.append(icc.therapist.map { .bounded($0, decimals: 2) } ?? .text("NA")) }
            t.append(cells)
            if let problem = icc.problem { notes.append("\(icc.rating): not estimable (\(problem)).") }
            if icc.singular { notes.append("\(icc.rating): singular fit (a variance estimated as zero).") }
        }
        let definition = withTherapists
            ? "ICC patient = τ²(patient) / (τ²(therapist) + τ²(patient) + σ²) and ICC therapist = τ²(therapist) / (the same sum): the shares of each rating's variance between patients (within therapists) and between therapists"
            : "ICC patient = τ²(patient) / (τ²(patient) + σ²): the share of each rating's variance between patients"
        t.notes = ["\(definition), from \(model(iccs))\(withTherapists ? "; with few therapists the therapist share is imprecise" : "")."] + notes
        return t
    }
}
