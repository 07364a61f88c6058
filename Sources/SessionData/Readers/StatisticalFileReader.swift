import CReadStat
import Foundation
import Tabular

/// Reads SPSS (`.sav`, `.zsav`) and Stata (`.dta`) files through ReadStat.
///
/// - Numeric variables become numeric columns; system-missing values and values declared
///   missing in the file (SPSS user-missing values, Stata's extended missing `.a`-`.z`) become
///   missing (NaN).
/// - Numeric variables with value labels become categorical columns whose levels are the labels
///   (a value without a label gets its number as its level), in order of first appearance; the
///   numbers behind the levels are kept in `SessionFile.labelledValues`.
/// - String variables become categorical columns; an empty string is missing.
///
/// Rows of binary files have no line numbers, so messages about them name the row
/// (`data.sav, row 12`).
struct StatisticalFileReader {
    let path: String

    func read() throws -> SessionFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError(source: path, message: "no such file")
        }
        let format = SessionFileFormat(path: path)
        let collected = Collected()
        guard let parser = readstat_parser_init() else {
            throw DataError(source: path, message: "cannot be read: ReadStat could not start")
        }
        defer { readstat_parser_free(parser) }
        readstat_set_metadata_handler(parser) { metadata, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            c.expectedRows = Int(readstat_get_row_count(metadata))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_variable_handler(parser) { index, variable, labelSet, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            let name = String(cString: readstat_variable_get_name(variable))
            let isString = readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING
            c.variables.append(Collected.Variable(name: name, isString: isString,
                                                  labelSet: labelSet.map { String(cString: $0) }))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_value_label_handler(parser) { labelSet, value, label, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            guard let labelSet, let label,
                  readstat_value_type_class(value) == READSTAT_TYPE_CLASS_NUMERIC,
                  readstat_value_is_system_missing(value) == 0, readstat_value_is_tagged_missing(value) == 0 else {
                return Int32(READSTAT_HANDLER_OK)
            }
            c.valueLabels[String(cString: labelSet), default: [:]][readstat_double_value(value)] = String(cString: label)
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_value_handler(parser) { row, variable, value, context in
            let c = Unmanaged<Collected>.fromOpaque(context!).takeUnretainedValue()
            c.store(row: Int(row), variable: Int(readstat_variable_get_index(variable)), value: value, variablePointer: variable)
            return Int32(READSTAT_HANDLER_OK)
        }
        let context = Unmanaged.passUnretained(collected).toOpaque()
        let status = format == .stata ? readstat_parse_dta(parser, path, context) : readstat_parse_sav(parser, path, context)
        guard status == READSTAT_OK else {
            let kind = format == .stata ? "a Stata" : "an SPSS"
            throw DataError(source: path, message: "cannot be read as \(kind) file: \(String(cString: readstat_error_message(status)))")
        }
        return try collected.sessionFile(source: path)
    }
}

/// What ReadStat's callbacks collect (a class so the C callbacks can reach it through a pointer).
private final class Collected {
    struct Variable {
        let name: String
        let isString: Bool
        let labelSet: String?
    }

    var expectedRows = -1
    var rowCount = 0
    var variables = [Variable]()
    var numbers = [Int: [Double]]()
    var strings = [Int: [String?]]()
    var valueLabels = [String: [Double: String]]()

    func store(row: Int, variable k: Int, value: readstat_value_t, variablePointer: UnsafeMutablePointer<readstat_variable_t>?) {
        rowCount = max(rowCount, row + 1)
        let capacity = max(expectedRows, row + 1)
        if variables[k].isString {
            if strings[k] == nil { strings[k] = [String?](repeating: nil, count: max(capacity, 0)) }
            while strings[k]!.count <= row { strings[k]!.append(nil) }
            if readstat_value_is_missing(value, variablePointer) == 0, let p = readstat_string_value(value) {
                let s = String(cString: p)
                strings[k]![row] = s.isEmpty ? nil : s
            }
        } else {
            if numbers[k] == nil { numbers[k] = [Double](repeating: .nan, count: max(capacity, 0)) }
            while numbers[k]!.count <= row { numbers[k]!.append(.nan) }
            if readstat_value_is_missing(value, variablePointer) == 0 {
                numbers[k]![row] = readstat_double_value(value)
            }
        }
    }

    func sessionFile(source: String) throws -> SessionFile {
        var names = [String]()
        var columns = [Column]()
        var labelledValues = [String: [Double]]()
        for (k, variable) in variables.enumerated() {
            names.append(variable.name)
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
                continue
            }
            var values = numbers[k] ?? []
            values += [Double](repeating: .nan, count: max(0, rowCount - values.count))
            values = Array(values.prefix(rowCount))
            if let set = variable.labelSet, let labelsByValue = valueLabels[set], !labelsByValue.isEmpty {
                var labels = [String]()
                var numbersOfLevels = [Double]()
                var codeOf = [Double: Int32]()
                let codes = values.map { v -> Int32 in
                    if v.isNaN { return -1 }
                    if let c = codeOf[v] { return c }
                    let c = Int32(labels.count)
                    labels.append(labelsByValue[v] ?? Column.numeric([v]).text(at: 0)!)
                    numbersOfLevels.append(v)
                    codeOf[v] = c
                    return c
                }
                // Two values with the same label would make one level stand for two numbers.
                if Set(labels).count != labels.count {
                    columns.append(.numeric(values))
                    continue
                }
                columns.append(.categorical(codes: codes, labels: labels))
                labelledValues[variable.name] = numbersOfLevels
            } else {
                columns.append(.numeric(values))
            }
        }
        return SessionFile(table: try DataTable(source: source, names: names, columns: columns), labelledValues: labelledValues)
    }
}
