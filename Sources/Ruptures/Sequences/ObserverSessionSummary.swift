import SessionData
import Tabular

/// What an observer coded in one session, as session-level variables in the long format
/// (one row per patient and session), so that observer-rated ruptures sit next to the patient's
/// and therapist's ratings in `alliance fit` and `alliance replicate`:
///
/// - `events`: coded events; `markers_withdrawal`, `markers_confrontation`, `markers`: rupture
///   markers;
/// - `episodes`, `episodes_resolved`: rupture episodes (`CodedEpisode`) and those resolved;
/// - `moves_facilitating`, `moves_hindering`: therapist moves of those kinds in the session;
/// - `resolution_seen`: 1 when any resolution was coded in the session (also one closing no
///   episode of this session), else 0;
/// - `rupture_observer`: 1 when the session has at least one rupture marker, else 0;
/// - `repair_observer`: 1 when at least one of the session's episodes was resolved, else 0
///   (as `repair_<rater>` of `alliance ruptures --annotate`: 0 also in sessions without a rupture).
///
/// Only sessions in the event table have a row; sessions that were not coded are not zeros.
public struct ObserverSessionSummary: Sendable, Equatable {
    /// Index into the coded sessions' `sessions`.
    public let session: Int
    public let events: Int
    public let withdrawalMarkers: Int
    public let confrontationMarkers: Int
    public let episodes: Int
    public let resolvedEpisodes: Int
    public let facilitatingMoves: Int
    public let hinderingMoves: Int
    public let resolutionSeen: Bool

    public var markers: Int { withdrawalMarkers + confrontationMarkers }
    public var ruptureObserver: Int { markers > 0 ? 1 : 0 }
    public var repairObserver: Int { resolvedEpisodes > 0 ? 1 : 0 }

    public init(session index: Int, coded: CodedSessions, episodes: [CodedEpisode]) {
        let session = coded.sessions[index]
        let kinds = session.events.map { coded.codebook.kind(ofCode: $0.code) }
        let mine = episodes.filter { $0.session == index }
        self.session = index
        events = kinds.count
        withdrawalMarkers = kinds.filter { $0 == .withdrawal }.count
        confrontationMarkers = kinds.filter { $0 == .confrontation }.count
        self.episodes = mine.count
        resolvedEpisodes = mine.filter(\.resolved).count
        facilitatingMoves = kinds.filter { $0 == .facilitating }.count
        hinderingMoves = kinds.filter { $0 == .hindering }.count
        resolutionSeen = kinds.contains(.resolution)
    }

    /// The variables after the patient and session columns, in order.
    public static let variableNames = [
        "events", "markers_withdrawal", "markers_confrontation", "markers", "episodes", "episodes_resolved",
        "moves_facilitating", "moves_hindering", "resolution_seen", "rupture_observer", "repair_observer",
    ]

    /// The values of `variableNames`.
    public var values: [Int] {
        [events, withdrawalMarkers, confrontationMarkers, markers, episodes, resolvedEpisodes,
         facilitatingMoves, hinderingMoves, resolutionSeen ? 1 : 0, ruptureObserver, repairObserver]
    }

    /// The summaries as a file in the long session format: the event table's patient and session
    /// columns (same names and metadata: labels, value labels, formats; numeric identifiers stay
    /// numbers) and `variableNames`, each with a variable label of its own, one row per coded
    /// session.
    public static func longFormat(_ summaries: [ObserverSessionSummary], coded: CodedSessions) throws -> SessionFile {
        let patientName = coded.roleColumns[.patient]!, sessionName = coded.roleColumns[.session]!
        let sessions = summaries.map { coded.sessions[$0.session] }
        let patient: Column
        switch coded.patientColumn {
        case .numeric:
            patient = .numeric(sessions.map { Double(coded.patientIDs[$0.patient])! })
        case .categorical:
            patient = .categorical(codes: sessions.map { Int32($0.patient) }, labels: coded.patientIDs)
        }
        var table = try DataTable(source: coded.source, names: [patientName, sessionName],
                                  columns: [patient, .numeric(sessions.map { Double($0.number) })],
                                  metadata: [patientName: coded.table.metadata[patientName], sessionName: coded.table.metadata[sessionName]]
                                    .compactMapValues { $0 })
        for (k, name) in variableNames.enumerated() {
            let isIndicator = ["resolution_seen", "rupture_observer", "repair_observer"].contains(name)
            let metadata = VariableMetadata(
                label: variableLabels[k], valueLabels: isIndicator ? [ValueLabel(value: .number(0), label: "No"), ValueLabel(value: .number(1), label: "Yes")] : [],
                format: isIndicator ? "F1.0" : "F8.0", measure: isIndicator ? .nominal : .scale)
            try table.append(.numeric(summaries.map { Double($0.values[k]) }), named: name, metadata: metadata)
        }
        return SessionFile(table: table)
    }

    /// The variable labels of `variableNames`, for SPSS and Stata files.
    public static let variableLabels = [
        "Observer: coded events in the session", "Observer: withdrawal markers", "Observer: confrontation markers",
        "Observer: rupture markers", "Observer: rupture episodes", "Observer: rupture episodes resolved",
        "Observer: facilitating therapist moves", "Observer: hindering therapist moves", "Observer: any resolution coded",
        "Observer: rupture in the session", "Observer: a rupture episode of the session resolved",
    ]
}
