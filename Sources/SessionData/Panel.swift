import Foundation
import Tabular

/// Session data in the long format, validated: one row per patient and session, rows grouped by
/// patient (in order of first appearance) and sorted by session number within patient.
///
/// Building a panel checks everything later steps rely on, and stops at the first problem with a
/// one-line `DataError` naming the file, line and column:
/// - the `patient` and `session` columns exist (and every column named with `--columns`);
/// - session numbers are present, whole and not negative;
/// - no patient has the same session number twice;
/// - each patient has one therapist (when there is a therapist column);
/// - ratings are numbers, and within their scale when a scale is given.
///
/// Missing ratings are allowed and kept as missing (NaN): nothing is filled in. Columns other
/// than the roles are kept as they are.
public struct Panel: Sendable {
    /// All columns of the file, rows in panel order. `table.location(ofRow:)` names a row's line.
    public let table: DataTable
    /// The column name of each role the file has.
    public let roleColumns: [PanelRole: String]
    /// Scales by column name.
    public let scales: [String: RatingScale]
    /// Patient identifiers as text, in panel order.
    public let patientIDs: [String]
    /// The rows of patient p are `patientStarts[p] ..< patientStarts[p + 1]`.
    public let patientStarts: [Int]
    /// The patient (index into `patientIDs`) of each row.
    public let patientOfRow: [Int32]
    /// The session number of each row.
    public let sessions: [Int32]
    /// Therapist identifiers (empty without a therapist column).
    public let therapistIDs: [String]
    /// The therapist (index into `therapistIDs`) of each patient (empty without a therapist column).
    public let therapistOfPatient: [Int32]
    /// Numeric values of the rating roles and of every column with a scale, by column name.
    private let numericColumns: [String: [Double]]

    public var rowCount: Int { table.rowCount }
    public var patientCount: Int { patientIDs.count }
    public var source: String { table.source }

    /// The rows of patient `p`.
    public func rows(ofPatient p: Int) -> Range<Int> { patientStarts[p] ..< patientStarts[p + 1] }

    /// The column holding `role`, if the file has it.
    public func column(for role: PanelRole) -> String? { roleColumns[role] }

    /// The rating columns the file has, in role order (patient-rated alliance, therapist-rated
    /// alliance, distress).
    public var ratingColumns: [String] {
        PanelRole.allCases.filter(\.isRating).compactMap { roleColumns[$0] }
    }

    /// The values of a numeric column (a rating role, a column with a scale, or any other column
    /// holding numbers), missing as NaN. Errors name the first cell that is not a number.
    public func values(of column: String) throws -> [Double] {
        if let v = numericColumns[column] { return v }
        guard let c = table[column] else {
            throw DataError(source: source, message: "no column \(Excerpt.quoted(column)) (columns: \(table.names.joined(separator: ", ")))")
        }
        return try NumericView.values(of: c, named: column, in: table)
    }

    /// Reads and validates the file at `path`. Codes declared missing in `options` apply to every
    /// column but the identifiers (patient, therapist, session): patient 99 stays patient 99.
    public static func read(path: String, columns: ColumnMapping = ColumnMapping(),
                            scales: [String: RatingScale] = [:], options: ReadingOptions = ReadingOptions()) throws -> Panel {
        var options = options
        options.missingCodes.exemptColumns.formUnion([PanelRole.patient, .therapist, .session].map { columns[$0] })
        return try Panel(file: try SessionFile.read(path: path, options: options), columns: columns, scales: scales)
    }

    /// Validates a file already read. `scales` may be keyed by role name or column name.
    public init(file: SessionFile, columns mapping: ColumnMapping = ColumnMapping(),
                scales scalesByName: [String: RatingScale] = [:]) throws {
        let table = file.table
        let source = table.source
        if table.names.isEmpty { throw DataError(source: source, message: "file is empty") }

        // Roles.
        var roleColumns = [PanelRole: String]()
        for role in PanelRole.allCases {
            let name = mapping[role]
            if table.contains(name) {
                roleColumns[role] = name
            } else if role.isRequired || mapping.explicitRoles.contains(role) {
                let hint = mapping.explicitRoles.contains(role) ? "" : "; rename with --columns \(role.rawValue)=NAME"
                throw DataError(source: source, message: "missing required column \(Excerpt.quoted(name)) (columns: \(table.names.joined(separator: ", ")))\(hint)")
            }
        }
        guard table.rowCount > 0 else {
            throw DataError(source: source, message: "file has a header but no data rows")
        }

        // Scales, keyed by column name.
        var scales = [String: RatingScale]()
        for (name, scale) in scalesByName {
            let column = PanelRole(rawValue: name).flatMap { roleColumns[$0] } ?? name
            guard table.contains(column) else {
                throw DataError(source: source, message: "a scale is given for '\(name)', which is not a column (columns: \(table.names.joined(separator: ", ")))")
            }
            scales[column] = scale
        }

        let n = table.rowCount
        let patientColumn = roleColumns[.patient]!, sessionColumn = roleColumns[.session]!
        let (patientCodes, patientLabels) = try Identifiers.codes(of: table[patientColumn]!, named: patientColumn,
                                                                 what: "patient", in: table)
        let sessions = try SessionNumbers.values(of: table[sessionColumn]!, named: sessionColumn, in: table)

        // Therapists: one per patient.
        var therapistIDs = [String]()
        var therapistOfPatient = [Int32]()
        if let therapistColumn = roleColumns[.therapist] {
            let (codes, labels) = try Identifiers.codes(of: table[therapistColumn]!, named: therapistColumn,
                                                       what: "therapist", in: table)
            therapistIDs = labels
            therapistOfPatient = [Int32](repeating: -1, count: patientLabels.count)
            var firstRow = [Int](repeating: -1, count: patientLabels.count)
            for r in 0..<n {
                let p = Int(patientCodes[r])
                if therapistOfPatient[p] < 0 {
                    therapistOfPatient[p] = codes[r]
                    firstRow[p] = r
                } else if therapistOfPatient[p] != codes[r] {
                    throw DataError(location: table.location(ofRow: r),
                                    message: "column '\(therapistColumn)': patient '\(patientLabels[p])' has therapist '\(labels[Int(codes[r])])' here but '\(labels[Int(therapistOfPatient[p])])' at \(Self.place(table, firstRow[p])) (a patient must have one therapist)")
                }
            }
        }

        // Ratings and every column with a scale: numbers, within the scale.
        var numericColumns = [String: [Double]]()
        let checked = Set(PanelRole.allCases.filter(\.isRating).compactMap { roleColumns[$0] }).union(scales.keys)
        for name in table.names where checked.contains(name) {
            let values = try NumericView.values(of: table[name]!, named: name, in: table)
            if let r = values.firstIndex(where: { abs($0) > Self.largestRating }) {
                throw DataError(location: table.location(ofRow: r),
                                message: "column \(Excerpt.quoted(name)): \(values[r]) is too large for a rating (more than 10^100 in size); if it is a code for a missing value, declare it with --na")
            }
            if let scale = scales[name] {
                for r in 0..<n where !values[r].isNaN && !scale.contains(values[r]) {
                    throw DataError(location: table.location(ofRow: r),
                                    message: "column '\(name)': \(Column.numeric([values[r]]).text(at: 0)!) is outside the scale \(scale.rangeDescription)")
                }
            }
            numericColumns[name] = values
        }

        // Order: by patient (first appearance), then session; duplicates are adjacent after that.
        var order: [Int]? = nil
        for r in 1..<max(n, 1) {
            let a = (patientCodes[r - 1], sessions[r - 1]), b = (patientCodes[r], sessions[r])
            if !(a < b) { order = Array(0..<n); break }
        }
        if order != nil {
            order!.sort { (patientCodes[$0], sessions[$0], $0) < (patientCodes[$1], sessions[$1], $1) }
        }
        let sortedRow: (Int) -> Int = { k in order?[k] ?? k }
        for k in 1..<max(n, 1) {
            let r0 = sortedRow(k - 1), r1 = sortedRow(k)
            if patientCodes[r0] == patientCodes[r1] && sessions[r0] == sessions[r1] {
                let (first, second) = (min(r0, r1), max(r0, r1))
                throw DataError(location: table.location(ofRow: second),
                                message: "columns '\(patientColumn)', '\(sessionColumn)': patient '\(patientLabels[Int(patientCodes[r0])])' has session \(sessions[r0]) twice (also at \(Self.place(table, first)))")
            }
        }

        var patientStarts = [Int]()
        patientStarts.reserveCapacity(patientLabels.count + 1)
        var previous: Int32 = -1
        for k in 0..<n where patientCodes[sortedRow(k)] != previous {
            previous = patientCodes[sortedRow(k)]
            patientStarts.append(k)
        }
        patientStarts.append(n)

        if let order {
            self.table = table.selectingRows(order)
            self.patientOfRow = order.map { patientCodes[$0] }
            self.sessions = order.map { sessions[$0] }
            self.numericColumns = numericColumns.mapValues { v in order.map { v[$0] } }
        } else {
            self.table = table
            self.patientOfRow = patientCodes
            self.sessions = sessions
            self.numericColumns = numericColumns
        }
        self.roleColumns = roleColumns
        self.scales = scales
        self.patientIDs = patientLabels
        self.patientStarts = patientStarts
        self.therapistIDs = therapistIDs
        self.therapistOfPatient = therapistOfPatient
    }

    /// The largest magnitude a rating may have: with |x| <= 10^100, squares and sums of squares of
    /// up to 2^31 ratings stay finite (10^200 * 2^31 < 1.8 * 10^308), so no SD, threshold or
    /// model of ratings can overflow to infinity.
    public static let largestRating = 1e100

    /// `line 12` or `row 12`, for "also at ..." in messages.
    private static func place(_ table: DataTable, _ row: Int) -> String {
        if let lines = table.sourceLines { return "line \(lines[row])" }
        return "row \(row + 1)"
    }
}

/// Identifier columns (patient, therapist) as codes in order of first appearance.
public enum Identifiers {
    /// The codes of `column` (missing values are errors naming their row) and the identifiers as
    /// text, in order of first appearance; numeric identifiers print as they read (`12`, not `12.0`).
    public static func codes(of column: Column, named name: String, what: String, in table: DataTable) throws -> ([Int32], [String]) {
        switch column {
        case .categorical(let codes, let labels):
            if let r = codes.firstIndex(where: { $0 < 0 }) {
                throw DataError(location: table.location(ofRow: r), message: "column '\(name)': missing \(what) identifier")
            }
            // Labels are already in order of first appearance for files alliance reads; recode to be sure.
            var recode = [Int32](repeating: -1, count: labels.count)
            var ordered = [String]()
            var out = [Int32](repeating: 0, count: codes.count)
            for (r, c) in codes.enumerated() {
                if recode[Int(c)] < 0 { recode[Int(c)] = Int32(ordered.count); ordered.append(labels[Int(c)]) }
                out[r] = recode[Int(c)]
            }
            return (out, ordered)
        case .numeric(let values):
            var index = [Double: Int32]()
            var labels = [String]()
            var out = [Int32](repeating: 0, count: values.count)
            for (r, v) in values.enumerated() {
                if v.isNaN { throw DataError(location: table.location(ofRow: r), message: "column '\(name)': missing \(what) identifier") }
                if let k = index[v] { out[r] = k; continue }
                let k = Int32(labels.count)
                index[v] = k
                labels.append(Column.numeric([v]).text(at: 0)!)
                out[r] = k
            }
            return (out, labels)
        }
    }
}

/// A column read as numbers: numeric columns as they are (value labels are metadata), text columns
/// through their text when every value is a number, else an error naming the first cell that is not.
public enum NumericView {
    public static func values(of column: Column, named name: String, in table: DataTable) throws -> [Double] {
        switch column {
        case .numeric(let values):
            if let r = values.firstIndex(where: { $0.isInfinite }) {
                throw DataError(location: table.location(ofRow: r), message: "column \(Excerpt.quoted(name)): \(values[r]) is not a finite number")
            }
            return values
        case .categorical(let codes, let labels):
            let numbers: [Double?] = labels.map { DecimalText.value(of: $0) }
            if let r = codes.firstIndex(where: { $0 >= 0 && numbers[Int($0)] == nil }) {
                let text = labels[Int(codes[r])]
                throw DataError(location: table.location(ofRow: r),
                                message: "column \(Excerpt.quoted(name)): \(Excerpt.quoted(text)) is not a number\(hint(for: text, in: table))")
            }
            return codes.map { $0 < 0 ? .nan : numbers[Int($0)]! }
        }
    }

    /// Why a cell may not have read as a number: a decimal comma in a file read with a decimal
    /// point, or a missing-value code.
    static func hint(for text: String, in table: DataTable) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let commaNumber = trimmed.contains(",") && DecimalText.value(of: trimmed, decimalMark: ",") != nil
        if commaNumber, let file = table.file, file.decimalMark == "." {
            return " (the file was read with a decimal point; give --decimal , if it uses decimal commas)"
        }
        if ["-", ".", "n/a", "N/A", "NaN", "missing", "?", "*"].contains(trimmed) {
            return " (if it means a missing value, declare it with --na \(trimmed))"
        }
        return ""
    }
}
