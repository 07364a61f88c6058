import CReadStat
import Foundation
import Tabular

/// Reads SPSS (`.sav`, `.zsav`, portable `.por`) and Stata (`.dta`) files through ReadStat.
///
/// - Numeric variables become numeric columns, **with or without value labels**: a label is
///   metadata (`VariableMetadata.valueLabels`), and a rating or session number with a label on
///   some of its values is still the number. (R's haven reads them the same way, as
///   `haven_labelled` numbers; `as_factor()` is a separate step.)
/// - Missing values become NaN, each with its reason (`MissingReason`): system-missing; a Stata
///   extended missing value `.a`-`.z` (its tag); a value the SPSS file declares user-missing
///   (discrete values and ranges, `-99` or `LO THRU -1`; the value itself is kept in
///   `VariableMetadata.declaredMissingValues`, so a writer can put it back).
/// - String variables become categorical columns; an empty string is missing.
/// - Variable labels, value labels, missing-value definitions, formats, measurement levels,
///   and display widths are kept in `DataTable.metadata`.
///
/// Rows of binary files have no line numbers, so messages about them name the row
/// (`data.sav, row 12`). A damaged file is an error naming it; the row count in the file's header
/// is only a hint (no more than `reservedRowsLimit` rows are set aside before they are read).
struct StatisticalFileReader {
    let path: String

    /// The most rows set aside from the count in a file's header before any is read.
    static let reservedRowsLimit = 1 << 16

    func read() throws -> SessionFile {
        try ReadableFile.check(path)
        let format = SessionFileFormat(path: path)
        let collected = Collected()
        guard let parser = readstat_parser_init() else {
            throw DataError(source: path, message: "cannot be read: ReadStat could not start")
        }
        defer { readstat_parser_free(parser) }
        readstat_set_metadata_handler(parser) { metadata, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            c.expectedRows = Int(readstat_get_row_count(metadata))
            c.fileLabel = readstat_get_file_label(metadata).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_variable_handler(parser) { index, variable, labelSet, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            c.variables.append(Collected.Variable(variable!, labelSet: labelSet.map { String(cString: $0) }))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_value_label_handler(parser) { labelSet, value, label, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            guard let labelSet, let label else { return Int32(READSTAT_HANDLER_OK) }
            let labelled: LabelledValue
            if readstat_value_is_tagged_missing(value) != 0 {
                let tag = UInt8(bitPattern: readstat_value_tag(value))
                guard tag >= UInt8(ascii: "a") && tag <= UInt8(ascii: "z") else { return Int32(READSTAT_HANDLER_OK) }
                labelled = .tagged(Character(Unicode.Scalar(tag)))
            } else if readstat_value_is_system_missing(value) != 0 {
                return Int32(READSTAT_HANDLER_OK)
            } else if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING {
                guard let s = readstat_string_value(value) else { return Int32(READSTAT_HANDLER_OK) }
                labelled = .text(String(cString: s))
            } else {
                let v = readstat_double_value(value)
                guard v.isFinite else { return Int32(READSTAT_HANDLER_OK) }
                labelled = .number(v)
            }
            c.valueLabels[String(cString: labelSet), default: [:]][labelled] = String(cString: label)
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_value_handler(parser) { row, variable, value, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            c.store(row: Int(row), variable: Int(readstat_variable_get_index(variable)), value: value, variablePointer: variable)
            return Int32(c.failure == nil ? READSTAT_HANDLER_OK : READSTAT_HANDLER_ABORT)
        }
        let context = Unmanaged.passUnretained(collected).toOpaque()
        let status: readstat_error_t
        switch format {
        case .stata?: status = readstat_parse_dta(parser, path, context)
        case .spssPortable?: status = readstat_parse_por(parser, path, context)
        default: status = readstat_parse_sav(parser, path, context)
        }
        if let failure = collected.failure { throw DataError(source: path, message: failure) }
        guard status == READSTAT_OK else {
            // ReadStat reads the portable files of older SPSS versions and its own, not those of
            // SPSS 25 and later or of PSPP.
            let hint = format == .spssPortable ? " (ReadStat, which alliance reads SPSS files with, does not read every portable file; save it as .sav in SPSS or PSPP)" : ""
            throw DataError(source: path, message: "cannot be read as \(format?.article ?? "an SPSS") file: \(String(cString: readstat_error_message(status)))\(hint)")
        }
        var table = try collected.table(source: path)
        table.file = FileDescription(format: format?.name ?? "SPSS .sav", label: collected.fileLabel)
        return SessionFile(table: table)
    }
}

/// What ReadStat's callbacks collect (a class so the C callbacks can reach it through a pointer).
private final class Collected {
    struct Variable {
        let name: String
        let isString: Bool
        let labelSet: String?
        var metadata: VariableMetadata

        init(_ v: UnsafeMutablePointer<readstat_variable_t>, labelSet: String?) {
            func text(_ p: UnsafePointer<CChar>?) -> String? {
                p.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            name = String(cString: readstat_variable_get_name(v))
            isString = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING
            self.labelSet = labelSet
            var m = VariableMetadata(label: text(readstat_variable_get_label(v)), format: text(readstat_variable_get_format(v)))
            switch readstat_variable_get_measure(v) {
            case READSTAT_MEASURE_NOMINAL: m.measure = .nominal
            case READSTAT_MEASURE_ORDINAL: m.measure = .ordinal
            case READSTAT_MEASURE_SCALE: m.measure = .scale
            default: break
            }
            let width = Int(readstat_variable_get_display_width(v))
            if width > 0 { m.displayWidth = width }
            if !isString {
                for k in 0..<readstat_variable_get_missing_ranges_count(v) {
                    let lo = readstat_variable_get_missing_range_lo(v, k), hi = readstat_variable_get_missing_range_hi(v, k)
                    // SPSS writes LO and HI as the largest finite doubles; ReadStat's portable files
                    // as the largest 64-bit integers.
                    var low = readstat_double_value(lo), high = readstat_double_value(hi)
                    if low == -Double.greatestFiniteMagnitude || low <= -9.223372036854775e18 { low = -.infinity }
                    if high == Double.greatestFiniteMagnitude || high >= 9.223372036854775e18 { high = .infinity }
                    if !low.isNaN && !high.isNaN && low <= high { m.missingRanges.append(MissingRange(low: low, high: high)) }
                }
            }
            metadata = m
        }
    }

    var expectedRows = -1
    var rowCount = 0
    var fileLabel: String?
    var variables = [Variable]()
    var numbers = [Int: [Double]]()
    var strings = [Int: [String?]]()
    var valueLabels = [String: [LabelledValue: String]]()
    /// Per variable: the index of each declared-missing value met so far.
    var declaredIndex = [Int: [Double: Int]]()
    /// Set when the file cannot be read on (the parse is then aborted).
    var failure: String?

    /// The most distinct declared-missing values one variable may hold (they index NaN payloads).
    static let maximumDeclaredValues = 1 << 20

    func store(row: Int, variable k: Int, value: readstat_value_t, variablePointer: UnsafeMutablePointer<readstat_variable_t>?) {
        guard k >= 0, k < variables.count, row >= 0 else {
            failure = "damaged: a value of variable \(k + 1) in row \(row + 1), which the file does not declare"
            return
        }
        rowCount = max(rowCount, row + 1)
        let reserve = min(max(expectedRows, 0), StatisticalFileReader.reservedRowsLimit)
        if variables[k].isString {
            if strings[k] == nil { strings[k] = []; strings[k]!.reserveCapacity(reserve) }
            while strings[k]!.count <= row { strings[k]!.append(nil) }
            if readstat_value_is_missing(value, variablePointer) == 0, let p = readstat_string_value(value) {
                let s = String(cString: p)
                strings[k]![row] = s.isEmpty ? nil : s
            }
        } else {
            if numbers[k] == nil { numbers[k] = []; numbers[k]!.reserveCapacity(reserve) }
            while numbers[k]!.count <= row { numbers[k]!.append(.nan) }
            numbers[k]![row] = number(value, variable: k, pointer: variablePointer)
        }
    }

    /// The value of a numeric cell, missing values as the NaN of their reason.
    private func number(_ value: readstat_value_t, variable k: Int, pointer: UnsafeMutablePointer<readstat_variable_t>?) -> Double {
        if readstat_value_is_system_missing(value) != 0 { return .nan }
        if readstat_value_is_tagged_missing(value) != 0 {
            let tag = UInt8(bitPattern: readstat_value_tag(value))
            return tag >= UInt8(ascii: "a") && tag <= UInt8(ascii: "z") ? MissingReason.tagged(Character(Unicode.Scalar(tag))).value : .nan
        }
        let v = readstat_double_value(value)
        if v.isNaN { return .nan }
        if readstat_value_is_defined_missing(value, pointer) != 0 {
            if let index = declaredIndex[k]?[v] { return MissingReason.declared(index: index).value }
            let index = variables[k].metadata.declaredMissingValues.count
            guard index < Self.maximumDeclaredValues else { return .nan }
            variables[k].metadata.declaredMissingValues.append(v)
            declaredIndex[k, default: [:]][v] = index
            return MissingReason.declared(index: index).value
        }
        return v
    }

    func table(source: String) throws -> DataTable {
        var names = [String]()
        var columns = [Column]()
        var metadata = [String: VariableMetadata]()
        for (k, variable) in variables.enumerated() {
            names.append(variable.name)
            var m = variable.metadata
            if let set = variable.labelSet, let labels = valueLabels[set] {
                m.valueLabels = labels.map { ValueLabel(value: $0.key, label: $0.value) }.sorted { $0.value < $1.value }
            }
            metadata[variable.name] = m
            if variable.isString {
                var values = strings[k] ?? []
                values += [String?](repeating: nil, count: max(0, rowCount - values.count))
                var labels = [String]()
                var codeOf = [String: Int32]()
                let codes = values.prefix(rowCount).map { s -> Int32 in
                    guard let s else { return -1 }
                    if let c = codeOf[s] { return c }
                    let c = Int32(labels.count)
                    labels.append(s)
                    codeOf[s] = c
                    return c
                }
                columns.append(.categorical(codes: codes, labels: labels))
            } else {
                var values = numbers[k] ?? []
                values += [Double](repeating: .nan, count: max(0, rowCount - values.count))
                columns.append(.numeric(Array(values.prefix(rowCount))))
            }
        }
        return try DataTable(source: source, names: names, columns: columns, metadata: metadata)
    }
}
