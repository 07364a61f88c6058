/// Finds the encoding of a delimited text file and converts it to UTF-8, the encoding the reader
/// splits.
///
/// The rule, in order (the one R's `readr::guess_encoding` and most spreadsheet importers follow):
/// 1. a byte-order mark names the encoding: `EF BB BF` UTF-8, `FF FE` UTF-16LE, `FE FF` UTF-16BE;
/// 2. otherwise text that is valid UTF-8 is UTF-8 (plain ASCII is too): a file in a single-byte
///    encoding that has any letter outside ASCII is almost never valid UTF-8 by accident, since
///    UTF-8 requires each such letter to be a lead byte followed by the right continuation bytes;
/// 3. anything else is read as Windows-1252, which Excel on Windows writes in Western Europe and
///    which agrees with ISO 8859-1 (Latin-1) on every printable character.
enum TextDecoding {
    /// The encoding of `bytes` and the length of its byte-order mark.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> (encoding: TextEncoding, markLength: Int) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return (.utf8WithBOM, 3) }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return (.utf16LittleEndian, 2) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return (.utf16BigEndian, 2) }
        return (isValidUTF8(bytes) ? .utf8 : .windows1252, 0)
    }

    /// Whether `bytes` is well-formed UTF-8 (The Unicode Standard, Table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF). ASCII is skipped eight bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard n > 0 else { return true }
        let p = bytes.bindMemory(to: UInt8.self).baseAddress!
        var i = 0
        while i < n {
            // Fast path: eight ASCII bytes at once.
            if i + 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
                i + k < n && p[i + k] >= low && p[i + k] <= high
            }
            switch b {
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                i += 2
            case 0xE0:
                guard continuation(1, 0xA0), continuation(2) else { return false }
                i += 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard continuation(1), continuation(2) else { return false }
                i += 3
            case 0xED:
                guard continuation(1, 0x80, 0x9F), continuation(2) else { return false }
                i += 3
            case 0xF0:
                guard continuation(1, 0x90), continuation(2), continuation(3) else { return false }
                i += 4
            case 0xF1...0xF3:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                i += 4
            case 0xF4:
                guard continuation(1, 0x80, 0x8F), continuation(2), continuation(3) else { return false }
                i += 4
            default:
                return false
            }
        }
        return true
    }

    /// Windows-1252's characters for the bytes 0x80-0x9F (the rest are Latin-1's, U+00A0-U+00FF).
    /// The five bytes Windows-1252 leaves undefined map to the C1 controls, as the WHATWG
    /// Encoding Standard does.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// `bytes` (after a byte-order mark of `markLength` bytes) in `encoding`, converted to UTF-8;
    /// nil for UTF-16 that is not well formed (an unpaired surrogate or an odd number of bytes).
    static func utf8(_ bytes: UnsafeRawBufferPointer, encoding: TextEncoding, markLength: Int) -> [UInt8]? {
        let body = UnsafeRawBufferPointer(rebasing: bytes[markLength...])
        switch encoding {
        case .utf8, .utf8WithBOM:
            return Array(body)
        case .windows1252:
            var out = [UInt8]()
            out.reserveCapacity(body.count + body.count / 8)
            for b in body {
                if b < 0x80 { out.append(b); continue }
                let scalar = b < 0xA0 ? windows1252High[Int(b) - 0x80] : UInt32(b)
                UTF8.encode(Unicode.Scalar(scalar)!) { out.append($0) }
            }
            return out
        case .utf16LittleEndian, .utf16BigEndian:
            guard body.count % 2 == 0 else { return nil }
            var units = [UInt16](repeating: 0, count: body.count / 2)
            for k in units.indices {
                let (a, b) = (UInt16(body[2 * k]), UInt16(body[2 * k + 1]))
                units[k] = encoding == .utf16LittleEndian ? a | b << 8 : a << 8 | b
            }
            var out = [UInt8]()
            out.reserveCapacity(units.count)
            let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) { out.append($0) }
            return failed ? nil : out
        }
    }
}
