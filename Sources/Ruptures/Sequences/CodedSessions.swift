import SessionData
import Tabular

/// Observer-coded events, validated: one sequence of events per patient and session, in time
/// order, every code in the codebook.
///
/// Building it checks everything later steps rely on and stops at the first problem with a
/// one-line `DataError` naming the file, line (or row of an SPSS/Stata file) and column:
/// - the columns `patient`, `session`, `actor`, `code` and at least one of `segment`, `onset`
///   exist (renamed with `--columns` or the codebook's `columns:`), and there are rows;
/// - identifiers and session numbers as for session data (present; sessions whole, not negative);
/// - segments are whole numbers; onsets are seconds or clock times (`OnsetTime`);
/// - actors are `patient` or `therapist`, and match the codebook where it gives a code's actor;
/// - every code is in the codebook; a session whose rows have no code at all is an empty session;
/// - within a session, events come in strictly increasing time order in the file (segment, then
///   onset within segment, when both are given): a repeated or decreasing order key is an error.
///
/// Sessions are ordered by patient (first appearance) and session number; events keep the file's
/// order, which the last check makes their time order.
public struct CodedSessions: Sendable {
    public struct Event: Sendable, Equatable {
        /// Index into the codebook's codes.
        public let code: Int
        public let actor: Actor
        public let segment: Int?
        /// Seconds from the start of the session.
        public let onset: Double?
        /// The event's row in `table`.
        public let row: Int
    }

    public struct Session: Sendable {
        /// Index into `patientIDs`.
        public let patient: Int
        public let number: Int
        public let events: [Event]
    }

    /// The file as read; `table.location(ofRow:)` names an event's line.
    public let table: DataTable
    public let codebook: EventCodebook
    /// The column of each role the file has.
    public let roleColumns: [EventRole: String]
    /// Patient identifiers as text, in order of first appearance.
    public let patientIDs: [String]
    /// The patient column as read (for writing session aggregates with the same identifiers).
    public let patientColumn: Column
    public let sessions: [Session]

    public var source: String { table.source }
    public var eventCount: Int { sessions.reduce(0) { $0 + $1.events.count } }

    /// Reads and validates the event table at `path` (.csv, .sav, .dta, ...).
    public static func read(path: String, codebook: EventCodebook, columns: EventColumns,
                            options: ReadingOptions = ReadingOptions()) throws -> CodedSessions {
        try CodedSessions(file: try SessionFile.read(path: path, options: options), codebook: codebook, columns: columns)
    }

    public init(file: SessionFile, codebook: EventCodebook, columns: EventColumns) throws {
        let table = file.table
        let source = table.source
        if table.names.isEmpty { throw DataError(source: source, message: "file is empty") }
        var roleColumns = [EventRole: String]()
        for role in EventRole.allCases {
            let name = columns[role]
            if table.contains(name) {
                roleColumns[role] = name
            } else if role.isRequired || columns.explicitRoles.contains(role) {
                let hint = columns.explicitRoles.contains(role) ? "" : "; rename with --columns \(role.rawValue)=NAME"
                throw DataError(source: source, message: "missing required column \(Excerpt.quoted(name)) (columns: \(table.names.joined(separator: ", ")))\(hint)")
            }
        }
        guard roleColumns[.segment] != nil || roleColumns[.onset] != nil else {
            throw DataError(source: source, message: "no order column: expected '\(columns[.segment])' or '\(columns[.onset])' (columns: \(table.names.joined(separator: ", "))); rename with --columns segment=NAME or onset=NAME")
        }
        guard table.rowCount > 0 else { throw DataError(source: source, message: "file has a header but no data rows") }

        let patientName = roleColumns[.patient]!, sessionName = roleColumns[.session]!
        let (patientCodes, patientIDs) = try Identifiers.codes(of: table[patientName]!, named: patientName, what: "patient", in: table)
        let sessionNumbers = try SessionNumbers.values(of: table[sessionName]!, named: sessionName, in: table)
        let segments = try roleColumns[.segment].map { try Self.segments(column: $0, file: file) }
        let onsets = try roleColumns[.onset].map { try Self.onsets(column: $0, table: table) }

        // Group rows by (patient, session) in order of first appearance.
        let codeName = roleColumns[.code]!, actorName = roleColumns[.actor]!
        let codeColumn = table[codeName]!
        var groupOf = [Int64: Int]()
        var groupOfRow = [Int](repeating: 0, count: table.rowCount)
        var firstRows = [Int]()
        var hasCode = [Bool]()
        for r in 0..<table.rowCount {
            let key = Int64(patientCodes[r]) << 32 | Int64(sessionNumbers[r])
            let g = groupOf[key] ?? firstRows.count
            if g == firstRows.count { groupOf[key] = g; firstRows.append(r); hasCode.append(false) }
            groupOfRow[r] = g
            if !codeColumn.isMissing(r) { hasCode[g] = true }
        }

        // Every row in file order, so the first problem in the file is the one reported.
        func sessionText(_ r: Int) -> String { "session \(sessionNumbers[r]) of patient '\(patientIDs[Int(patientCodes[r])])'" }
        func fail(_ r: Int, _ column: String, _ message: String) -> DataError {
            DataError(location: table.location(ofRow: r), message: "column '\(column)': \(message)")
        }
        var events = [[Event]](repeating: [], count: firstRows.count)
        for r in 0..<table.rowCount {
            let g = groupOfRow[r]
            // Codes and actors stored as numbers with value labels (1 = "W") are their labels.
            guard let codeText = table.labelledText(of: codeName, at: r) else {
                guard hasCode[g] else {
                    throw DataError(location: table.location(ofRow: r),
                                    message: "\(sessionText(r)) has no coded events (column '\(codeName)' is empty in all its rows); leave sessions that were not coded out of the file")
                }
                throw fail(r, codeName, "missing code")
            }
            guard let code = codebook.code(named: codeText) else {
                throw fail(r, codeName, "code '\(codeText)' is not in the codebook \(codebook.source) (codes: \(Self.list(codebook.codes.map(\.name))))")
            }
            guard let actorText = table.labelledText(of: actorName, at: r) else { throw fail(r, actorName, "missing actor (patient or therapist)") }
            guard let actor = Actor(text: actorText) else {
                throw fail(r, actorName, "'\(actorText)' is not an actor (patient or therapist)")
            }
            if let expected = codebook.codes[code].actor, expected != actor {
                let kind = codebook.kind(ofCode: code)
                let why = kind.isTherapistMove ? " (a \(kind.rawValue) move is the therapist's)" : ""
                throw fail(r, actorName, "code '\(codeText)' is for the \(expected.rawValue) in the codebook\(why), but coded for the \(actor.rawValue) here")
            }
            let event = Event(code: code, actor: actor, segment: segments?[r], onset: onsets?[r], row: r)
            if let previous = events[g].last { try Self.checkOrder(previous, event, in: table, roles: roleColumns, session: sessionText(r)) }
            events[g].append(event)
        }
        var sessions = firstRows.indices.map { g in
            Session(patient: Int(patientCodes[firstRows[g]]), number: Int(sessionNumbers[firstRows[g]]), events: events[g])
        }
        sessions.sort { ($0.patient, $0.number) < ($1.patient, $1.number) }

        self.table = table
        self.codebook = codebook
        self.roleColumns = roleColumns
        self.patientIDs = patientIDs
        self.patientColumn = table[patientName]!
        self.sessions = sessions
    }

    /// The units (codes or categories) of one session's events, as indices into the codebook's
    /// codes or categories.
    public func sequence(of session: Session, by unit: SequenceUnit) -> [Int] {
        session.events.map { unit == .code ? $0.code : codebook.codes[$0.code].category }
    }

    /// The names of the units: the codebook's codes or categories.
    public func unitNames(_ unit: SequenceUnit) -> [String] {
        unit == .code ? codebook.codes.map(\.name) : codebook.categories.map(\.name)
    }

    /// The order key of an event as the file writes it, for messages and tables: `segment 4`,
    /// `onset 12:05`, or `segment 4, onset 12:05`.
    public func orderText(_ event: Event) -> String {
        [EventRole.segment, .onset].compactMap { role in
            roleColumns[role].map { "\(role.rawValue) \(table[$0]!.text(at: event.row) ?? "")" }
        }.joined(separator: ", ")
    }

    /// A repeated or decreasing order key is an error naming both rows.
    private static func checkOrder(_ previous: Event, _ event: Event, in table: DataTable, roles: [EventRole: String], session: String) throws {
        let a = (previous.segment ?? 0, previous.onset ?? 0), b = (event.segment ?? 0, event.onset ?? 0)
        guard !(a < b) else { return }
        let used = [EventRole.segment, .onset].filter { roles[$0] != nil }
        let columns = used.map { "'\(roles[$0]!)'" }.joined(separator: ", ")
        func key(_ row: Int) -> String {
            used.map { "\($0.rawValue) \(table[roles[$0]!]!.text(at: row) ?? "")" }.joined(separator: ", ")
        }
        let place = table.sourceLines.map { "line \($0[previous.row])" } ?? "row \(previous.row + 1)"
        let what = a == b ? "\(key(event.row)) twice in \(session) (also at \(place))"
                          : "\(key(event.row)) comes after \(key(previous.row)) (\(place)) in \(session)"
        let hint = a == b && roles[.onset] == nil ? "; one event per segment (add an 'onset' column to order events within a segment)" : ""
        throw DataError(location: table.location(ofRow: event.row),
                        message: "column\(used.count > 1 ? "s" : "") \(columns): \(what); events must be in time order\(hint)")
    }

    private static func segments(column name: String, file: SessionFile) throws -> [Int?] {
        let table = file.table
        let values = try NumericView.values(of: table[name]!, named: name, in: table)
        return try values.enumerated().map { r, v in
            func fail(_ message: String) -> DataError {
                DataError(location: table.location(ofRow: r), message: "column '\(name)': \(message)")
            }
            if v.isNaN { throw fail("missing segment number") }
            if v != v.rounded() || v < 0 || v > Double(Int32.max) {
                throw fail("segment \(Column.numeric([v]).text(at: 0)!) is not a whole number from 0 up")
            }
            return Int(v)
        }
    }

    private static func onsets(column name: String, table: DataTable) throws -> [Double?] {
        let column = table[name]!
        return try (0..<table.rowCount).map { r in
            func fail(_ message: String) -> DataError {
                DataError(location: table.location(ofRow: r), message: "column '\(name)': \(message)")
            }
            guard let text = column.text(at: r) else { throw fail("missing onset time") }
            let seconds: Double?
            if case .numeric(let values) = column { seconds = values[r] } else { seconds = OnsetTime.seconds(text) }
            guard let seconds, seconds >= 0 else {
                throw fail("'\(text)' is not an onset time (seconds from the start of the session, m:ss or h:mm:ss)")
            }
            return seconds
        }
    }

    /// At most twelve names, then how many more.
    static func list(_ names: [String]) -> String {
        names.count <= 12 ? names.joined(separator: ", ") : names.prefix(12).joined(separator: ", ") + " and \(names.count - 12) more"
    }
}
