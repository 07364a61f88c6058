import SessionData
import Tabular

/// Session data on the time axis of a dynamic model: for every patient, one cell per session
/// number from the patient's first session to the last, so that a lag means "the previous
/// session", never "the previous row".
///
/// A session the patient missed (no row in the file) is a cell whose values are all missing, as
/// Mplus's `TINTERVAL` inserts missing rows and as a wave of a wide SEM data set is missing. A lag
/// across a missed session is therefore missing, and an estimator that samples missing values
/// (DSEM) or integrates them out (FIML) keeps the lag's meaning across the gap.
///
/// Layout: patient p owns the cells `cells(ofPatient: p)`, cell `k` of that range holding session
/// `firstSession[p] + k`. Values are stored per variable as one `[Double]` over all cells, NaN for
/// missing, in the panel's patient order.
public struct LaggedPanel: Sendable {
    /// The file the data came from, for messages.
    public let source: String
    /// The column holding the patient identifier, and the one holding the session number.
    public let patientColumn: String
    public let sessionColumn: String
    /// The column holding the therapist identifier, if the panel has one.
    public let therapistColumn: String?
    /// Patient identifiers, in the panel's order (first appearance in the file).
    public let patientIDs: [String]
    /// The first and the last session number of each patient (observed rows, missing values or not).
    public let firstSession: [Int]
    public let lastSession: [Int]
    /// Patient p owns cells `cellStarts[p] ..< cellStarts[p + 1]`.
    public let cellStarts: [Int]
    /// The panel row behind each cell, or -1 for a session with no row in the file.
    public let panelRow: [Int]
    /// Therapist identifiers and each patient's therapist (both empty without a therapist column).
    public let therapistIDs: [String]
    public let therapistOfPatient: [Int32]
    /// Values by column name, one per cell (NaN: missing value or missed session).
    private var valuesByName: [String: [Double]]
    /// The column names, in the order they were asked for (and added).
    public private(set) var variables: [String]

    /// The largest number of cells a lagged panel may have: a bound on memory that a session
    /// number such as 10^9 in a file would otherwise blow up. 50 million cells are 400 MB per
    /// variable.
    public static let maximumCellCount = 50_000_000

    public var patientCount: Int { patientIDs.count }
    public var cellCount: Int { panelRow.count }

    /// The cells of patient `p`.
    public func cells(ofPatient p: Int) -> Range<Int> { cellStarts[p] ..< cellStarts[p + 1] }

    /// The session number of cell `c` of patient `p`.
    public func session(ofCell c: Int, patient p: Int) -> Int { firstSession[p] + (c - cellStarts[p]) }

    /// Builds the lagged panel of `variables` (numeric columns of `panel`; value-labelled columns
    /// read as their numbers). Errors (`DataError`) name the file and column: a column that is not
    /// there or not numeric, or a span of session numbers too large to lay out.
    public init(panel: Panel, variables: [String]) throws {
        source = panel.source
        patientColumn = panel.column(for: .patient)!
        sessionColumn = panel.column(for: .session)!
        therapistColumn = panel.column(for: .therapist)
        patientIDs = panel.patientIDs
        therapistIDs = panel.therapistIDs
        therapistOfPatient = panel.therapistOfPatient
        var distinct = [String]()
        for name in variables where !distinct.contains(name) { distinct.append(name) }
        self.variables = distinct

        var first = [Int](), last = [Int](), starts = [0]
        first.reserveCapacity(panel.patientCount)
        last.reserveCapacity(panel.patientCount)
        starts.reserveCapacity(panel.patientCount + 1)
        for p in 0..<panel.patientCount {
            let rows = panel.rows(ofPatient: p)
            let a = Int(panel.sessions[rows.lowerBound]), b = Int(panel.sessions[rows.upperBound - 1])
            first.append(a)
            last.append(b)
            let total = starts[p] + (b - a + 1)
            guard total <= Self.maximumCellCount else {
                throw DataError(source: panel.source,
                                message: "column '\(sessionColumn)': the session numbers span more than \(Self.maximumCellCount) sessions over all patients (patient '\(panel.patientIDs[p])' runs from session \(a) to \(b)); are they session numbers?")
            }
            starts.append(total)
        }
        firstSession = first
        lastSession = last
        cellStarts = starts

        var rowOfCell = [Int](repeating: -1, count: starts[panel.patientCount])
        for p in 0..<panel.patientCount {
            for r in panel.rows(ofPatient: p) {
                rowOfCell[starts[p] + Int(panel.sessions[r]) - first[p]] = r
            }
        }
        panelRow = rowOfCell

        var values = [String: [Double]]()
        for name in distinct {
            let byRow = try panel.values(of: name)
            values[name] = rowOfCell.map { $0 < 0 ? .nan : byRow[$0] }
        }
        valuesByName = values
    }

    /// The values of `name` on every cell (NaN: missing). `name` must be one of `variables`.
    public func values(of name: String) -> [Double] {
        guard let v = valuesByName[name] else { preconditionFailure("'\(name)' is not a variable of this lagged panel") }
        return v
    }

    /// The lagged panel with one more variable, `name`, whose values are given per row of the panel
    /// this lagged panel was built from (`panelRow` maps cells to those rows): a variable computed
    /// from the panel rather than read from it, such as the rupture indicators of a criterion.
    /// A variable of the same name is replaced.
    public func adding(_ name: String, byPanelRow values: [Double]) -> LaggedPanel {
        precondition(values.count > (panelRow.max() ?? -1), "\(values.count) values for the rows of a panel with more rows")
        var copy = self
        copy.valuesByName[name] = panelRow.map { $0 < 0 ? .nan : values[$0] }
        if !copy.variables.contains(name) { copy.variables.append(name) }
        return copy
    }

    /// The value of `name` `k` sessions earlier (k > 0) within the same patient, on every cell:
    /// x(i, t - k), NaN where session t - k is before the patient's first session, missed, or missing.
    public func lagged(_ name: String, by k: Int) -> [Double] {
        precondition(k >= 0, "a lag is not negative")
        let x = values(of: name)
        var out = [Double](repeating: .nan, count: cellCount)
        for p in 0..<patientCount {
            let cells = self.cells(ofPatient: p)
            for c in cells where c - k >= cells.lowerBound { out[c] = x[c - k] }
        }
        return out
    }

    /// The one value of `name` per patient, for a time-invariant (between-patient) covariate: the
    /// value every observed row of the patient shares, NaN when all are missing. A patient with two
    /// different values is an error naming the column and the patient.
    public func personConstant(_ name: String) throws -> [Double] {
        let x = values(of: name)
        return try (0..<patientCount).map { p in
            var value = Double.nan
            for c in cells(ofPatient: p) where !x[c].isNaN {
                if value.isNaN {
                    value = x[c]
                } else if value != x[c] {
                    throw DataError(source: source,
                                    message: "column '\(name)': patient '\(patientIDs[p])' has \(Self.text(value)) and \(Self.text(x[c])) (a between-patient covariate must be the same at every session)")
                }
            }
            return value
        }
    }

    /// The smallest and the largest session number in the data.
    public var sessionRange: ClosedRange<Int> {
        (firstSession.min() ?? 0) ... (lastSession.max() ?? 0)
    }

    /// `name` in the wide layout of a panel SEM: one row per patient, one column per wave, wave w
    /// (0-based) holding session `sessionRange.lowerBound + w`; NaN where the patient has no value
    /// at that session (before the first session, after the last, missed or missing).
    /// Row-major: element `p * waveCount + w`. An error when patients x waves exceeds
    /// `maximumCellCount` (session numbers far apart across patients).
    public func waves(of name: String) throws -> (values: [Double], waveCount: Int) {
        let range = sessionRange
        let waveCount = range.upperBound - range.lowerBound + 1
        guard patientCount.multipliedReportingOverflow(by: waveCount).partialValue <= Self.maximumCellCount,
              !patientCount.multipliedReportingOverflow(by: waveCount).overflow else {
            throw DataError(source: source,
                            message: "column '\(sessionColumn)': \(patientCount) patients x \(waveCount) waves (sessions \(range.lowerBound) to \(range.upperBound)) is more than \(Self.maximumCellCount) cells")
        }
        let x = values(of: name)
        var out = [Double](repeating: .nan, count: patientCount * waveCount)
        for p in 0..<patientCount {
            for c in cells(ofPatient: p) {
                out[p * waveCount + session(ofCell: c, patient: p) - range.lowerBound] = x[c]
            }
        }
        return (out, waveCount)
    }

    private static func text(_ v: Double) -> String { Column.numeric([v]).text(at: 0) ?? "NA" }
}
