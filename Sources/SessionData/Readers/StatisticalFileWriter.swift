import CReadStat
import Foundation
import Tabular

/// Writes a table as an SPSS (`.sav`, compressed `.zsav`, portable `.por`) or Stata (`.dta`) file
/// through ReadStat, so that SPSS and Stata users can open annotated or simulated data directly,
/// with everything their own file said about each variable.
///
/// - Names are kept, except in a portable file (`.por`), which holds names of at most 8 characters
///   in capitals: they are written in capitals, and a longer one is an error.
/// - Numeric columns become numeric (double) variables; categorical columns become string
///   variables as wide as their longest value.
/// - Each column's `VariableMetadata` is written back: the variable label, value labels (only
///   where the column has any), the SPSS missing-value definitions, the display format, the
///   measurement level and display width. (SPSS's alignment is not kept: ReadStat does not read it.) A format of the other program's family (a
///   Stata `%9.2f` going to SPSS) is replaced by a default: `F<w>.0` for whole numbers, else `F8.2`.
/// - Missing values are written with their reason (`MissingReason`): a declared-missing value as
///   the value itself (SPSS, where it is declared missing again), a Stata extended missing value as
///   its tag (`.dta`); any other missing value, and every reason the format cannot hold (a Stata
///   tag in an SPSS file, an SPSS user-missing value in a Stata file), as system-missing.
///
/// Reading the written file gives back the same table and metadata (`StatisticalFileTests`). The
/// bytes are returned, not written, so the caller can write them atomically.
public enum StatisticalFileWriter {
    /// The file contents of `file` in `format`; `destination` names the file in messages.
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
        let isStata = format == .stata
        if let label = table.file?.label { readstat_writer_set_file_label(writer, label) }
        switch format {
        case .spss: readstat_writer_set_compression(writer, READSTAT_COMPRESS_ROWS)
        case .spssCompressed: readstat_writer_set_compression(writer, READSTAT_COMPRESS_BINARY)
        default: break
        }

        for (k, (name, column)) in zip(table.names, table.columns).enumerated() {
            let metadata = table.metadata[name] ?? VariableMetadata()
            let variable: UnsafeMutablePointer<readstat_variable_t>
            // A portable file holds names of at most 8 capital letters, digits and _.
            let written = format == .spssPortable ? name.uppercased() : name
            if format == .spssPortable {
                if written.utf8.count > 8 {
                    throw DataError(source: destination, message: "column \(Excerpt.quoted(name)): a portable file (.por) holds names of at most 8 characters; write .sav")
                }
                var texts = metadata.valueLabels.map(\.label) + [metadata.label].compactMap { $0 }
                if case .categorical(_, let levels) = column { texts += levels }
                if let text = texts.first(where: { !$0.allSatisfy(\.isASCII) }) {
                    throw DataError(source: destination, message: "column \(Excerpt.quoted(name)): a portable file (.por) holds only ASCII text, not \(Excerpt.quoted(text)); write .sav")
                }
            }
            switch column {
            case .numeric(let values):
                variable = readstat_add_variable(writer, written, READSTAT_TYPE_DOUBLE, 0)
                let format = metadata.format.flatMap { Self.belongs($0, toStata: isStata) ? $0 : nil }
                    ?? (isStata ? nil : Self.defaultSPSSFormat(values))
                if let format { readstat_variable_set_format(variable, format) }
                if !isStata {
                    for range in metadata.missingRanges {
                        let status = range.isDiscrete
                            ? readstat_variable_add_missing_double_value(variable, range.low)
                            : readstat_variable_add_missing_double_range(variable, range.low.isInfinite ? -Double.greatestFiniteMagnitude : range.low,
                                                                         range.high.isInfinite ? Double.greatestFiniteMagnitude : range.high)
                        guard status == READSTAT_OK else {
                            throw DataError(source: destination, message: "column \(Excerpt.quoted(name)): its missing values \(range.description) cannot be written: \(String(cString: readstat_error_message(status)))")
                        }
                    }
                }
                let labels = metadata.valueLabels.filter {
                    switch $0.value {
                    case .number: return true
                    case .tagged: return isStata
                    case .text: return false
                    }
                }
                if !labels.isEmpty {
                    let set = readstat_add_label_set(writer, READSTAT_TYPE_DOUBLE, Self.labelSetName(name, k))
                    for label in labels {
                        switch label.value {
                        case .number(let v): readstat_label_double_value(set, v, label.label)
                        case .tagged(let tag): readstat_label_tagged_value(set, CChar(bitPattern: tag.asciiValue ?? 0), label.label)
                        case .text: break
                        }
                    }
                    readstat_variable_set_label_set(variable, set)
                }
            case .categorical(_, let levels):
                let width = max(1, levels.map { $0.utf8.count }.max() ?? 1)
                variable = readstat_add_variable(writer, written, READSTAT_TYPE_STRING, width)
                // An SPSS string format must be as wide as the strings (A7 for 7 bytes).
                if let format = metadata.format, Self.belongs(format, toStata: isStata),
                   isStata || (Self.width(ofSPSSFormat: format) ?? 0) >= width {
                    readstat_variable_set_format(variable, format)
                }
                let labels = metadata.valueLabels.filter { if case .text = $0.value { return !isStata } else { return false } }
                if !labels.isEmpty {
                    let set = readstat_add_label_set(writer, READSTAT_TYPE_STRING, Self.labelSetName(name, k))
                    for label in labels { if case .text(let s) = label.value { readstat_label_string_value(set, s, label.label) } }
                    readstat_variable_set_label_set(variable, set)
                }
            }
            if let label = metadata.label { readstat_variable_set_label(variable, label) }
            if let measure = metadata.measure {
                readstat_variable_set_measure(variable, measure == .nominal ? READSTAT_MEASURE_NOMINAL
                                                        : measure == .ordinal ? READSTAT_MEASURE_ORDINAL : READSTAT_MEASURE_SCALE)
            }
            if let width = metadata.displayWidth { readstat_variable_set_display_width(variable, Int32(clamping: width)) }
        }

        let context = Unmanaged.passUnretained(sink).toOpaque()
        var status: readstat_error_t
        switch format {
        case .stata: status = readstat_begin_writing_dta(writer, context, table.rowCount)
        case .spssPortable: status = readstat_begin_writing_por(writer, context, table.rowCount)
        default: status = readstat_begin_writing_sav(writer, context, table.rowCount)
        }
        try check(status, destination)
        for k in 0..<table.columns.count {
            status = readstat_validate_variable(writer, readstat_get_variable(writer, Int32(k)))
            guard status == READSTAT_OK else {
                throw DataError(source: destination, message: "column \(Excerpt.quoted(table.names[k])) cannot be written: \(String(cString: readstat_error_message(status)))")
            }
        }
        let declared = table.names.map { table.metadata[$0]?.declaredMissingValues ?? [] }
        for r in 0..<table.rowCount {
            try check(readstat_begin_row(writer), destination)
            for (k, column) in table.columns.enumerated() {
                let variable = readstat_get_variable(writer, Int32(k))
                switch column {
                case .numeric(let values):
                    let v = values[r]
                    switch MissingReason(of: v) {
                    case nil:
                        status = readstat_insert_double_value(writer, variable, v)
                    case .tagged(let tag)? where isStata:
                        status = readstat_insert_tagged_missing_value(writer, variable, CChar(bitPattern: tag.asciiValue ?? 0))
                    case .declared(let index)? where !isStata && index < declared[k].count:
                        status = readstat_insert_double_value(writer, variable, declared[k][index])
                    default:
                        status = readstat_insert_missing_value(writer, variable)
                    }
                case .categorical(let codes, let labels):
                    let code = codes[r]
                    status = code < 0 ? readstat_insert_missing_value(writer, variable)
                                      : readstat_insert_string_value(writer, variable, labels[Int(code)])
                }
                try check(status, destination)
            }
            try check(readstat_end_row(writer), destination)
        }
        try check(readstat_end_writing(writer), destination)
        return sink.data
    }

    /// Whether a display format belongs to the output's program: Stata's start with `%`, SPSS's
    /// are a format name and a width (`F8.2`, `A10`, `DATE11`).
    static func belongs(_ format: String, toStata isStata: Bool) -> Bool {
        if isStata { return format.hasPrefix("%") }
        guard let first = format.first, first.isLetter else { return false }
        return format.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." }
    }

    /// The width of an SPSS format (`A10` -> 10, `F8.2` -> 8).
    static func width(ofSPSSFormat format: String) -> Int? {
        Int(format.drop { $0.isLetter }.prefix { $0.isNumber })
    }

    /// `F<w>.0` wide enough for the largest whole number, or `F8.2` when some value has a fraction.
    static func defaultSPSSFormat(_ values: [Double]) -> String {
        var widest = 1
        for v in values where !v.isNaN {
            guard v == v.rounded(), abs(v) < 1e15 else { return "F8.2" }
            widest = max(widest, String(Int64(v)).count)
        }
        return "F\(max(8, widest)).0"
    }

    /// The label set's name: the variable's, as Stata users name them (letters, digits, `_`).
    static func labelSetName(_ name: String, _ k: Int) -> String {
        let valid = name.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } && name.count <= 32
        return valid ? name : "labels\(k + 1)"
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
