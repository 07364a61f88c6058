import ArgumentParser
import Reports
import SessionData
import MixedModels

/// `alliance describe DATA`: the sample and every rating, overall and by session number.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Describe the sample and each rating (overall, first/last session, by session number, ICCs).")

    @OptionGroup var input: PanelOptions

    @Option(help: "Output format: text, markdown, latex, csv or json.")
    var format: OutputFormat = .text

    func run() throws {
        let panel = try input.loadPanel()
        let description = try PanelDescription(panel: panel)
        let iccs = panel.ratingColumns.map { RatingIntraclassCorrelations(panel: panel, rating: $0) }
        guard let tableFormat = format.tableFormat else {
            print(try JSONOutput.string(DescribeOutput(description: description, icc: iccs)), terminator: "")
            return
        }
        let tables = [Self.sampleTable(description), Self.ratingsTable(description), Self.bySessionTable(description),
                      Self.iccTable(iccs)]
        print(tables.map { $0.rendered(as: tableFormat) }.joined(separator: "\n"), terminator: "")
    }

    static func sampleTable(_ d: PanelDescription) -> Table {
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

    static func ratingsTable(_ d: PanelDescription) -> Table {
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

    static func bySessionTable(_ d: PanelDescription) -> Table {
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

    static func iccTable(_ iccs: [RatingIntraclassCorrelations]) -> Table {
        let withTherapists = iccs.contains { $0.therapist != nil }
        var columns = [TableColumn("Rating", alignment: .left), TableColumn("ICC patient")]
        if withTherapists { columns.append(TableColumn("ICC therapist")) }
        var t = Table(title: "Table 4. Intraclass correlations", name: "icc", columns: columns)
        var notes = [String]()
        for icc in iccs {
            var cells: [Cell] = [.text(icc.rating), icc.patient.map { .bounded($0, decimals: 2) } ?? .text("NA")]
            if withTherapists { cells.append(icc.therapist.map { .bounded($0, decimals: 2) } ?? .text("NA")) }
            t.append(cells)
            if let problem = icc.problem { notes.append("\(icc.rating): not estimable (\(problem)).") }
            if icc.singular { notes.append("\(icc.rating): singular fit (a variance estimated as zero).") }
        }
        t.notes = ["Share of each rating's variance between patients\(withTherapists ? " (within therapists) and between therapists" : ""), from the REML model \(iccs.first?.formula ?? "")\(withTherapists ? "; with few therapists the therapist share is imprecise" : "")."] + notes
        return t
    }

    static func number(_ v: Double?, decimals: Int = 2) -> Cell { v.map { .number($0, decimals: decimals) } ?? .empty }

    static func range(_ d: Descriptives, decimals: Int) -> Cell {
        guard let lo = d.minimum, let hi = d.maximum else { return .empty }
        return .text("\(CellFormatting.fixed(lo, decimals: decimals))–\(CellFormatting.fixed(hi, decimals: decimals))")
    }
}

/// `describe --format json`: the panel description with the ICCs of every rating added.
private struct DescribeOutput: Encodable {
    let description: PanelDescription
    let icc: [RatingIntraclassCorrelations]

    enum CodingKeys: String, CodingKey { case icc }

    func encode(to encoder: any Encoder) throws {
        try description.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(icc, forKey: .icc)
    }
}
