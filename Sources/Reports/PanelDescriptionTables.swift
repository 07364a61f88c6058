import SessionData

/// The tables of `alliance describe` (and of the sample step of `alliance replicate`): the sample,
/// each rating overall and at the first and last session, and each rating by session number.
public enum PanelDescriptionTables {
    public static func all(_ d: PanelDescription) -> [Table] {
        [sample(d), ratings(d), bySession(d)]
    }

    public static func sample(_ d: PanelDescription) -> Table {
        var t = Table(title: "Table 1. Sample", name: "sample",
                      columns: [TableColumn("", alignment: .left), TableColumn("Value")])
        t.append([.text("Patients, n"), .integer(d.patients)])
        if let therapists = d.therapists { t.append([.text("Therapists, n"), .integer(therapists)]) }
        t.append([.text("Sessions, n"), .integer(d.sessions)])
        let s = d.sessionsPerPatient
        t.append([.text("Sessions per patient, M"), s.mean.map { .number($0, decimals: 2) } ?? .empty])
        t.append([.text("Sessions per patient, SD"), s.standardDeviation.map { .number($0, decimals: 2) } ?? .empty])
        t.append([.text("Sessions per patient, range"), range(s, decimals: 0)])
        for r in d.ratings {
            t.append([.text("Missing \(r.column), n (%)"), .text("\(r.missing) (\(CellFormatting.fixed(100 * Double(r.missing) / Double(max(1, r.observed + r.missing)), decimals: 1))%)")])
        }
        t.notes = ["Sessions are rows of the file; missing ratings are counted, never filled in."]
        return t
    }

    public static func ratings(_ d: PanelDescription) -> Table {
        var t = Table(title: "Table 2. Ratings", name: "ratings", columns: [
            TableColumn("Rating", alignment: .left), TableColumn("n"), TableColumn("M"), TableColumn("SD"),
            TableColumn("Range"), TableColumn("At ceiling"), TableColumn("First M"), TableColumn("First SD"),
            TableColumn("Last M"), TableColumn("Last SD"),
        ])
        for r in d.ratings {
            t.append([.text(r.column), .integer(r.observed), number(r.overall.mean), number(r.overall.standardDeviation),
                      range(r.overall, decimals: 2), r.ceilingShare.map { .percent(100 * $0, decimals: 1) } ?? .empty,
                      number(r.firstObserved.mean), number(r.firstObserved.standardDeviation),
                      number(r.lastObserved.mean), number(r.lastObserved.standardDeviation)])
        }
        t.notes = ["n = observed ratings. First and Last = each patient's first and last observed rating. At ceiling = share of ratings at the best end of the scale (shown only when the scale is given with --scale or a codebook)."]
        return t
    }

    public static func bySession(_ d: PanelDescription) -> Table {
        var columns = [TableColumn("Session")]
        for r in d.ratings { columns += [TableColumn("\(r.column) n"), TableColumn("M"), TableColumn("SD")] }
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

    /// `lo–hi` with `decimals` places, empty without values.
    public static func range(_ d: Descriptives, decimals: Int) -> Cell {
        guard let lo = d.minimum, let hi = d.maximum else { return .empty }
        return .text("\(CellFormatting.fixed(lo, decimals: decimals))–\(CellFormatting.fixed(hi, decimals: decimals))")
    }
}
