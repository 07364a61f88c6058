import CReadStat
import Foundation
import Tabular

/// Writes a table as an SPSS (`.sav`) or Stata (`.dta`) file through ReadStat, so that SPSS and
/// Stata users can open annotated data directly.
///
/// Numeric columns become numeric (double) variables with missing values as system-missing.
/// A categorical column with numbers behind its levels (read from a labelled variable) is written
/// back as numbers with those value labels; any other categorical column becomes a string
/// variable. The bytes are returned, not written, so the caller can write them atomically.
public enum StatisticalFileWriter {
    /// The file contents of `file` in `format` (`.spss` or `.stata`); `destination` names the file
    /// in messages.
    public static func data(for file: SessionFile, format: SessionFileFormat, destination: String) throws -> Data {
        guard format != .delimitedText else {
            throw DataError(source: destination, message: "not an SPSS or Stata file name")
        }
        guard let writer = readstat_writer_init() else {
            throw DataError(source: destination, message: "cannot be written: ReadStat could not start")
        }
        defer { readstat_writer_free(writer) }
        let sink = ByteSink()
        readstat_set_data_writer(writer) { bytes, length, context in
            let sink = Unmanaged<ByteSink>.fromOpaque(context!).takeUnretainedValue()
            if let bytes, length > 0 { sink.data.append(bytes.assumingMemoryBound(to: UInt8.self), count: length) }
            return length
        }
        let table = file.table
        var variables = [OpaquePointer?]()
        for (name, column) in zip(table.names, table.columns) {
            switch column {
            case .numeric:
                variables.append(OpaquePointer(readstat_add_variable(writer, name, READSTAT_TYPE_DOUBLE, 0)))
            case .categorical(_, let labels):
                if let numbers = file.labelledValues[name], numbers.count == labels.count {
                    let set = readstat_add_label_set(writer, READSTAT_TYPE_DOUBLE, "labels_\(variables.count)")
                    for (value, label) in zip(numbers, labels) { readstat_label_double_value(set, value, label) }
                    let variable = readstat_add_variable(writer, name, READSTAT_TYPE_DOUBLE, 0)
                    readstat_variable_set_label_set(variable, set)
                    variables.append(OpaquePointer(variable))
                } else {
                    let width = max(1, labels.map { $0.utf8.count }.max() ?? 1)
                    variables.append(OpaquePointer(readstat_add_variable(writer, name, READSTAT_TYPE_STRING, width)))
                }
            }
        }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var status = format == .stata
            ? readstat_begin_writing_dta(writer, context, table.rowCount)
            : readstat_begin_writing_sav(writer, context, table.rowCount)
        try check(status, destination)
        for k in 0..<variables.count {
            status = readstat_validate_variable(writer, readstat_get_variable(writer, Int32(k)))
            guard status == READSTAT_OK else {
                throw DataError(source: destination, message: "column '\(table.names[k])' cannot be written: \(String(cString: readstat_error_message(status)))")
            }
        }
        for r in 0..<table.rowCount {
            try check(readstat_begin_row(writer), destination)
            for (k, column) in table.columns.enumerated() {
                let variable = readstat_get_variable(writer, Int32(k))
                switch column {
                case .numeric(let values):
                    status = values[r].isNaN ? readstat_insert_missing_value(writer, variable)
                                             : readstat_insert_double_value(writer, variable, values[r])
                case .categorical(let codes, let labels):
                    let code = codes[r]
                    if let numbers = file.labelledValues[table.names[k]], numbers.count == labels.count {
                        status = code < 0 ? readstat_insert_missing_value(writer, variable)
                                          : readstat_insert_double_value(writer, variable, numbers[Int(code)])
                    } else {
                        status = code < 0 ? readstat_insert_missing_value(writer, variable)
                                          : readstat_insert_string_value(writer, variable, labels[Int(code)])
                    }
                }
                try check(status, destination)
            }
            try check(readstat_end_row(writer), destination)
        }
        try check(readstat_end_writing(writer), destination)
        return sink.data
    }

    private static func check(_ status: readstat_error_t, _ destination: String) throws {
        guard status == READSTAT_OK else {
            throw DataError(source: destination, message: "cannot be written: \(String(cString: readstat_error_message(status)))")
        }
    }
}

/// Collects the bytes ReadStat writes.
private final class ByteSink {
    var data = Data()
}
