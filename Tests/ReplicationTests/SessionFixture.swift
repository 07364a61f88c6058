import Numerics
import SessionData
import Tabular

/// Seeded session data for the replication tests: patients nested in therapists, sessions 1..n
/// with some sessions missed and some ratings missing, two alliance ratings on 1-7 in steps of
/// 1/6 and distress on 0-40. The ratings are a trend plus noise (no rupture mechanism: the tests
/// compare the analysis with direct calls of the modules on the same data, whatever they show).
/// The rows are kept as records so that expected values can be computed here, by hand, without
/// the transforms under test.
struct SessionFixture {
    struct Record {
        let patient: String
        let therapist: String
        let session: Int
        let alliancePatient: Double   // NaN = missing
        let allianceTherapist: Double
        let distress: Double
    }

    let records: [Record]

    init(patients: Int = 36, therapists: Int = 6, sessions: Int = 12, seed: UInt64 = 7) {
        var out = [Record]()
        for i in 0..<patients {
            let r = RandomStream(seed: seed, path: [UInt64(i)])
            let level = r.normal(standardDeviation: 4)
            for s in 1...sessions {
                if s > 1 && r.uniform() < 0.08 { continue }            // a missed session
                func rating(_ mean: Double) -> Double {
                    if r.uniform() < 0.04 { return .nan }               // a missing rating
                    return min(7, max(1, ((mean + r.normal(standardDeviation: 0.7)) * 6).rounded() / 6))
                }
                let ap = rating(5 + 0.06 * Double(s)), at = rating(4.4 + 0.05 * Double(s))
                let d = min(40, max(0, (21 + level - 0.35 * Double(s) + r.normal(standardDeviation: 3.5)).rounded()))
                out.append(Record(patient: "P\(i + 1)", therapist: "T\(i % therapists + 1)", session: s,
                                  alliancePatient: ap, allianceTherapist: at, distress: r.uniform() < 0.03 ? .nan : d))
            }
        }
        records = out
    }

    /// The data as a CSV file; `without` leaves columns out.
    func csv(without: Set<String> = []) -> String {
        let names = ["patient", "therapist", "session", "alliance_patient", "alliance_therapist", "distress"].filter { !without.contains($0) }
        func text(_ v: Double) -> String { v.isNaN ? "NA" : "\(v)" }
        var lines = [names.joined(separator: ",")]
        for r in records {
            let all: [String: String] = ["patient": r.patient, "therapist": r.therapist, "session": "\(r.session)",
                                         "alliance_patient": text(r.alliancePatient), "alliance_therapist": text(r.allianceTherapist),
                                         "distress": text(r.distress)]
            lines.append(names.map { all[$0]! }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func panel(without: Set<String> = [], scales: [String: RatingScale] = [:]) throws -> Panel {
        let table = try DelimitedTextReader().read(text: csv(without: without), source: "fixture.csv")
        return try Panel(file: SessionFile(table: table), scales: scales)
    }

    /// Distress at session t + 1 of the same patient, by session number (NaN if not attended or missing).
    var distressNext: [Double] {
        var byKey = [String: Double]()
        for r in records { byKey["\(r.patient)#\(r.session)"] = r.distress }
        return records.map { byKey["\($0.patient)#\($0.session + 1)"] ?? .nan }
    }

    /// Distress minus the patient's mean of observed distress.
    var distressWithin: [Double] {
        var sums = [String: (Double, Int)]()
        for r in records where !r.distress.isNaN { sums[r.patient, default: (0, 0)].0 += r.distress; sums[r.patient, default: (0, 0)].1 += 1 }
        return records.map { $0.distress - sums[$0.patient]!.0 / Double(sums[$0.patient]!.1) }
    }

    /// Residuals of distress from each patient's own least-squares line on session (3+ values).
    var distressDetrended: [Double] {
        var out = [Double](repeating: .nan, count: records.count)
        let byPatient = Dictionary(grouping: records.indices.filter { !records[$0].distress.isNaN }) { records[$0].patient }
        for rows in byPatient.values where rows.count >= 3 {
            let t = rows.map { Double(records[$0].session) }, y = rows.map { records[$0].distress }
            let tm = t.reduce(0, +) / Double(t.count), ym = y.reduce(0, +) / Double(y.count)
            let b = zip(t, y).reduce(0) { $0 + ($1.0 - tm) * ($1.1 - ym) } / t.reduce(0) { $0 + ($1 - tm) * ($1 - tm) }
            for (k, row) in rows.enumerated() { out[row] = y[k] - (ym + b * (t[k] - tm)) }
        }
        return out
    }

    /// The model variables built by hand, with indicators given per row (NaN = not judged).
    func table(indicators: [String: [Double]], detrendedNext: Bool = false) throws -> DataTable {
        let patients = records.map(\.patient), therapists = records.map(\.therapist)
        var names = ["patient", "therapist", "session", "alliance_patient", "alliance_therapist", "distress_next", "distress_within"]
        var columns: [Column] = [categorical(patients), categorical(therapists), .numeric(records.map { Double($0.session) }),
                                 .numeric(records.map(\.alliancePatient)), .numeric(records.map(\.allianceTherapist)),
                                 .numeric(distressNext), .numeric(distressWithin)]
        let detrended = distressDetrended
        var byKey = [String: Double]()
        for (k, r) in records.enumerated() { byKey["\(r.patient)#\(r.session)"] = detrended[k] }
        names += ["distress_detrended", "distress_next_detrended"]
        columns += [.numeric(detrended), .numeric(records.map { byKey["\($0.patient)#\($0.session + 1)"] ?? .nan })]
        for (name, values) in indicators.sorted(by: { $0.key < $1.key }) {
            names.append(name)
            columns.append(.numeric(values))
        }
        return try DataTable(source: "by hand", names: names, columns: columns)
    }

    private func categorical(_ values: [String]) -> Column {
        var labels = [String](), index = [String: Int32]()
        let codes = values.map { v -> Int32 in
            if let k = index[v] { return k }
            index[v] = Int32(labels.count)
            labels.append(v)
            return index[v]!
        }
        return .categorical(codes: codes, labels: labels)
    }
}
