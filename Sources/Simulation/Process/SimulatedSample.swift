import Numerics
import Tabular

/// One simulated dataset in the long format every alliance command reads (columns `patient`,
/// `therapist`, `session`, `alliance_patient`, `alliance_therapist`, `distress`), with the events
/// that really happened alongside.
///
/// Random streams: with the key (seed, path), therapist effects come from the stream
/// (seed, path + [0]) and patient i (from 1) from (seed, path + [i]). A patient's course thus
/// does not depend on how many other patients there are, and the first J therapists' effects do
/// not depend on J: a design with more patients adds patients to the same ones.
public struct SimulatedSample: Sendable {
    /// The data: patients 1...P and therapists 1...J as numbers, rows by patient and session.
    public let table: DataTable
    /// Per row: whether the rater perceived a rupture starting at that session (`true_rupture_*`).
    public let trueRupture: PerRater<[Bool]>
    /// Per row: whether the rater perceived a rupture being repaired at that session (`true_repair_*`).
    public let trueRepair: PerRater<[Bool]>

    /// The long-format columns, in order.
    public static let columns = ["patient", "therapist", "session", "alliance_patient", "alliance_therapist", "distress"]

    /// Simulates `process` from the streams keyed by `seed` and `path`.
    public init(process: DataGeneratingProcess, seed: UInt64, path: [UInt64] = []) throws {
        let therapistStream = RandomStream(seed: seed, path: path + [0])
        let therapists = (0..<process.design.therapists).map { _ in TherapistEffects(process: process, stream: therapistStream) }
        var cdf = [Double]()
        var cumulative = 0.0
        for p in process.design.sessions.probabilities() {
            cumulative += p
            cdf.append(cumulative)
        }

        // Each column is its own variable and grows by appending in place: one pass over the
        // patients, linear in the number of rows. (Appending through `PerRater`'s subscript would
        // copy the whole column per patient: quadratic.)
        var patient = [Double](), therapist = [Double](), session = [Double]()
        var alliancePatient = [Double](), allianceTherapist = [Double](), distress = [Double]()
        var startedPatient = [Bool](), startedTherapist = [Bool](), repairedPatient = [Bool](), repairedTherapist = [Bool]()
        for i in 0..<process.design.patients {
            let course = PatientTrajectory(process: process, index: i, therapists: therapists, sessionCDF: cdf,
                                           stream: RandomStream(seed: seed, path: path + [UInt64(i + 1)]))
            patient.append(contentsOf: repeatElement(Double(i + 1), count: course.sessions.count))
            therapist.append(contentsOf: repeatElement(Double(course.therapist + 1), count: course.sessions.count))
            session.append(contentsOf: course.sessions.map(Double.init))
            distress.append(contentsOf: course.distress)
            alliancePatient.append(contentsOf: course.alliance.patient)
            allianceTherapist.append(contentsOf: course.alliance.therapist)
            startedPatient.append(contentsOf: course.ruptureStarted.patient)
            startedTherapist.append(contentsOf: course.ruptureStarted.therapist)
            repairedPatient.append(contentsOf: course.ruptureRepaired.patient)
            repairedTherapist.append(contentsOf: course.ruptureRepaired.therapist)
        }
        table = try DataTable(source: "simulated data", names: Self.columns, columns: [
            .numeric(patient), .numeric(therapist), .numeric(session),
            .numeric(alliancePatient), .numeric(allianceTherapist), .numeric(distress),
        ], metadata: Self.metadata)
        trueRupture = PerRater(patient: startedPatient, therapist: startedTherapist)
        trueRepair = PerRater(patient: repairedPatient, therapist: repairedTherapist)
    }

    /// Variable labels, formats and measurement levels of the columns, for SPSS and Stata files.
    static let metadata: [String: VariableMetadata] = [
        "patient": VariableMetadata(label: "Patient (simulated)", format: "F8.0", measure: .nominal),
        "therapist": VariableMetadata(label: "Therapist (simulated)", format: "F8.0", measure: .nominal),
        "session": VariableMetadata(label: "Session number", format: "F8.0", measure: .scale),
        "alliance_patient": VariableMetadata(label: "Patient-rated alliance (simulated)", format: "F8.2", measure: .scale),
        "alliance_therapist": VariableMetadata(label: "Therapist-rated alliance (simulated)", format: "F8.2", measure: .scale),
        "distress": VariableMetadata(label: "Distress before the session (simulated)", format: "F8.2", measure: .scale),
    ]

    /// The data with the true events added as 0/1 columns `true_rupture_patient`,
    /// `true_repair_patient`, `true_rupture_therapist`, `true_repair_therapist`.
    public func tableWithTrueEvents() throws -> DataTable {
        var out = table
        let yesNo = [ValueLabel(value: .number(0), label: "No"), ValueLabel(value: .number(1), label: "Yes")]
        for rater in SimulatedRater.allCases {
            try out.append(.numeric(trueRupture[rater].map { $0 ? 1 : 0 }), named: "true_rupture_\(rater.rawValue)",
                           metadata: VariableMetadata(label: "A rupture the \(rater.rawValue) perceived starts (true event, simulated)",
                                                      valueLabels: yesNo, format: "F1.0", measure: .nominal))
            try out.append(.numeric(trueRepair[rater].map { $0 ? 1 : 0 }), named: "true_repair_\(rater.rawValue)",
                           metadata: VariableMetadata(label: "A rupture the \(rater.rawValue) perceived is repaired (true event, simulated)",
                                                      valueLabels: yesNo, format: "F1.0", measure: .nominal))
        }
        return out
    }
}
