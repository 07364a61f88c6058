import SessionData

/// The tables of `alliance describe` (and of the sample step of `alliance replicate`): the sample,
/// each rating overall and at the first and last session, and each rating by session number.
public enum PanelDescriptionTables {
    public static func all(_ d: PanelDescription) -> [Table] {
        [sample(d), ratings(d), bySession(d)]
    }

    /// Every column of the file: role, type, counts, and the labels, declared missing values,
    /// formats and measurement levels of an SPSS or Stata file; the note says how the file was
    /// read (format, encoding, delimiter, decimal mark).
    public static func variables(_ d: PanelDescription, title: String = "Variables") -> Table {
        var t = Table(title: title, name: "variables", columns: [
            TableColumn("Variable", alignment: .left), TableColumn("Role", alignment: .left), TableColumn("Type", alignment: .left),
            TableColumn("Observed"), TableColumn("Missing"), TableColumn("Label", alignment: .left),
            TableColumn("Value labels", alignment: .left), TableColumn("Declared missing", alignment: .left),
            TableColumn("Format", alignment: .left), TableColumn("Measure", alignment: .left),
        ])
        func text(_ s: String?) -> Cell { s.map { .text($0) } ?? .empty }
        for v in d.variables {
            t.append([.text(v.name), text(v.role), .text(v.isNumeric ? "number" : "text"), .integer(v.observed), .integer(v.missing),
                      text(v.label), text(v.valueLabels), text(v.declaredMissing), text(v.format), text(v.measure)])
        }
        if let file = d.file { t.notes.append("Read as: \(file.summary).") }
        t.notes.append("Value labels are labels of numbers: a labelled column is its numbers in every analysis (a codebook's factors: makes it a factor of its labels). Declared missing values (SPSS user-missing, Stata .a-.z) are missing.")
        return t
    }

    public static func sample(_ d: PanelDescription) -> Table {
        var t = Table(title: "Table 1. Sample", name: "sample",
                      columns: [TableColumn("", alignment: .left), TableColumn("Value")])
        t.csvLayout = .statisticsInRows(observation: nil, keys: [])
        t.appendStatistic("Patients, n", key: "patients", [.integer(d.patients)])
        if let therapists = d.therapists { t.appendStatistic("Therapists, n", key: "therapists", [.integer(therapists)]) }
        t.appendStatistic("Sessions, n", key: "sessions", [.integer(d.sessions)])
        let s = d.sessionsPerPatient
        t.appendStatistic("Sessions per patient, M", key: "sessions_per_patient_mean", [s.mean.map { .number($0, decimals: 2) } ?? .empty])
        t.appendStatistic("Sessions per patient, SD", key: "sessions_per_patient_sd", [s.standardDeviation.map { .number($0, decimals: 2) } ?? .empty])
        t.appendStatistic("Sessions per patient, range", key: "sessions_per_patient", [range(s, decimals: 0)])
        for r in d.ratings {
            let percent = 100 * Double(r.missing) / Double(max(1, r.observed + r.missing))
            t.appendStatistic("Missing \(r.column), n (%)", key: "missing_\(CSVTableRenderer.key(forHeader: r.column))",
                              [.countAndPercent(r.missing, percent, decimals: 1)])
        }
        t.notes = ["Sessions are rows of the file; missing ratings are counted, never filled in."]
        return t
    }

    public static func ratings(_ d: PanelDescription) -> Table {
        var t = Table(title: "Table 2. Ratings", name: "ratings", columns: [
            TableColumn("Rating", alignment: .left), TableColumn("n"), TableColumn("M"), TableColumn("SD"),
            TableColumn("Range", key: "value"), TableColumn("At ceiling", key: "at_ceiling_percent"), TableColumn("First M"),
            TableColumn("First SD"), TableColumn("Last M"), TableColumn("Last SD"),
        ])
        for r in d.ratings {
            t.append([.text(r.column), .integer(r.observed), number(r.overall.mean), number(r.overall.standardDeviation),
                      range(r.overall, decimals: 2), r.ceilingShare.map { .percent(100 * $0, decimals: 1) } ?? .empty,
                      number(r.firstObserved.mean), number(r.firstObserved.standardDeviation),
                      number(r.lastObserved.mean), number(r.lastObserved.standardDeviation)])
        }
        t.notes = ["n = observed ratings. First and Last = each patient's first and last observed rating. At ceiling = share of ratings at the best end of the scale (shown only when the scale is given with --scale or a codebook)."]
        for r in d.ratings {
            for code in r.likelyMissingCodes {
                t.notes.append("Check \(r.column): \(code.description); likely a missing-value code or a typo (declare a code with --na, or give the scale with --scale, which refuses values outside it).")
            }
        }
        return t
    }

    public static func bySession(_ d: PanelDescription) -> Table {
        var columns = [TableColumn("Session")]
        for r in d.ratings {
            let key = CSVTableRenderer.key(forHeader: r.column)
            columns += [TableColumn("\(r.column) n", key: key + "_n"), TableColumn("M", key: key + "_mean"), TableColumn("SD", key: key + "_sd")]
        }
        var t = Table(title: "Table 3. Ratings by session number", name: "ratings-by-session", columns: columns)
        let sessions = Set(d.ratings.flatMap { $0.bySession.map(\.session) }).sorted()
        for s in sessions {
            var cells: [Cell] = [.integer(s)]
            for r in d.ratings {
                if let v = r.bySession.first(where: { $0.session == s })?.values {
                    cells += [.integer(v.count), number(v.mean), number(v.standardDeviation)]
                } else {
                    cells += [.integer(0), .empty, .empty]
                }
            }
            t.append(cells)
        }
        return t
    }

    static func number(_ v: Double?, decimals: Int = 2) -> Cell { v.map { .number($0, decimals: decimals) } ?? .empty }

    /// `lo–hi` with `decimals` places (in CSV two columns, `_min` and `_max`), empty without values.
    public static func range(_ d: Descriptives, decimals: Int) -> Cell {
        guard let lo = d.minimum, let hi = d.maximum else { return .empty }
        return .range(lo, hi, decimals: decimals)
    }
}
