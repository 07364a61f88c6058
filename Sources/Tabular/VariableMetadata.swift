/// What an SPSS or Stata file says about one variable besides its values: its label, the labels of
/// some of its values, which values count as missing, how it is displayed, and its measurement level.
///
/// Labels are metadata: a numeric variable with value labels (1 = "Not at all", 7 = "Completely")
/// stays a numeric column. Readers fill this in from the file and writers write it back, so data
/// read, annotated and written again keep what the user gave them (`StatisticalFileWriter`).
/// Delimited text has none of it.
public struct VariableMetadata: Sendable, Equatable {
    /// The variable label ("WAI-SR patient, mean of 12 items").
    public var label: String?
    /// Value labels, sorted by value (numbers, then Stata's `.a`-`.z`, then text).
    public var valueLabels: [ValueLabel]
    /// The values the file declares missing (SPSS user-missing values and ranges; a discrete value
    /// is a range whose ends are equal). Stata has none: its extended missing values are tags.
    public var missingRanges: [MissingRange]
    /// Values met in the data that were declared missing, in order of first appearance: a cell
    /// that held `declaredMissingValues[k]` is the NaN of `MissingReason.declared(index: k)`.
    public var declaredMissingValues: [Double]
    /// The display format as the file writes it: SPSS `F8.2`, `A10`; Stata `%9.0g`, `%-10s`.
    public var format: String?
    /// SPSS's measurement level.
    public var measure: MeasurementLevel?
    /// SPSS's column width in the data view (characters).
    public var displayWidth: Int?

    public init(label: String? = nil, valueLabels: [ValueLabel] = [], missingRanges: [MissingRange] = [],
                declaredMissingValues: [Double] = [], format: String? = nil, measure: MeasurementLevel? = nil,
                displayWidth: Int? = nil) {
        self.label = label
        self.valueLabels = valueLabels
        self.missingRanges = missingRanges
        self.declaredMissingValues = declaredMissingValues
        self.format = format
        self.measure = measure
        self.displayWidth = displayWidth
    }

    /// Whether there is nothing to say.
    public var isEmpty: Bool { self == VariableMetadata() }

    /// The label of the numeric value `value`, if it has one.
    public func label(of value: Double) -> String? {
        if let reason = MissingReason(of: value) {
            switch reason {
            case .system: return nil
            case .tagged(let tag): return valueLabels.first { $0.value == .tagged(tag) }?.label
            case .declared(let k):
                guard k < declaredMissingValues.count else { return nil }
                return label(of: declaredMissingValues[k])
            }
        }
        return valueLabels.first { $0.value == .number(value) }?.label
    }

    /// Whether `value` is declared missing by `missingRanges`.
    public func declaresMissing(_ value: Double) -> Bool {
        missingRanges.contains { $0.contains(value) }
    }

    /// What a declared-missing cell held: the number, or the Stata tag, or nil for system-missing.
    public func missingCode(of value: Double) -> LabelledValue? {
        switch MissingReason(of: value) {
        case .tagged(let tag)?: return .tagged(tag)
        case .declared(let k)? where k < declaredMissingValues.count: return .number(declaredMissingValues[k])
        default: return nil
        }
    }
}

/// A value that can carry a label: a number, a Stata extended missing value, or text (SPSS allows
/// labels on short string variables).
public enum LabelledValue: Sendable, Hashable, Comparable {
    case number(Double)
    case tagged(Character)
    case text(String)

    public static func < (a: LabelledValue, b: LabelledValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.tagged(let x), .tagged(let y)): return x < y
        case (.text(let x), .text(let y)): return x < y
        case (.number, _): return true
        case (.tagged, .text): return true
        default: return false
        }
    }

    /// As SPSS and Stata users write it: `7`, `3.5`, `.a`, `"yes"`.
    public var description: String {
        switch self {
        case .number(let v): return Column.numeric([v]).text(at: 0) ?? "NA"
        case .tagged(let tag): return ".\(tag)"
        case .text(let s): return "\"\(s)\""
        }
    }
}

/// One value label.
public struct ValueLabel: Sendable, Equatable {
    public var value: LabelledValue
    public var label: String

    public init(value: LabelledValue, label: String) {
        self.value = value
        self.label = label
    }
}

/// A range of values declared missing, `low...high`; a discrete value has `low == high`. SPSS's
/// `LO THRU -1` and `99 THRU HI` have an infinite end.
public struct MissingRange: Sendable, Equatable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// A single value.
    public init(_ value: Double) {
        self.init(low: value, high: value)
    }

    public var isDiscrete: Bool { low == high }

    public func contains(_ value: Double) -> Bool { value >= low && value <= high }

    /// `-99`, `-9 thru -1`, `99 thru HI`.
    public var description: String {
        func end(_ v: Double, _ infinite: String) -> String { v.isInfinite ? infinite : Column.numeric([v]).text(at: 0)! }
        return isDiscrete ? end(low, "") : "\(end(low, "LO")) thru \(end(high, "HI"))"
    }
}

/// SPSS's measurement level of a variable.
public enum MeasurementLevel: String, Sendable, CaseIterable {
    case nominal, ordinal, scale
}
