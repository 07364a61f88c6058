import Foundation

/// Parsing of decimal numbers as they appear in data files: `12`, `-3.5`, `.25`, `1e-3`, `+7.`, and
/// with a decimal comma (`3,25`) where the file uses one.
enum DecimalNumber {
    static let point = UInt8(ascii: ".")
    static let comma = UInt8(ascii: ",")

    /// Exact powers of ten: every 10^k for k <= 22 is a double without rounding.
    static let exactPowersOfTen: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// The value of the decimal number in `p[0..<length]` with `decimalMark` (`.` or `,`), or nil if
    /// it is not one. A number too large for a double (`1e999`) comes back infinite.
    ///
    /// Fast path (Clinger 1990): with at most 15 significant digits the digits form an integer m
    /// below 2^53, held exactly in a double; if the decimal exponent e has |e| <= 22 then 10^|e| is
    /// exact too, and m * 10^e (or m / 10^-e) is a single correctly rounded operation. Everything
    /// else goes to `strtod`, which rounds correctly in all cases.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ length: Int, decimalMark: UInt8 = point) -> Double? {
        guard length > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if p[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits taken into the mantissa
        var anyDigit = false
        var exponent = 0
        // Integer part.
        while i < length, p[i] &- UInt8(ascii: "0") < 10 {
            let d = UInt64(p[i] &- UInt8(ascii: "0"))
            if mantissa == 0 && d == 0 { anyDigit = true; i += 1; continue } // leading zeros
            if digits < 19 { mantissa = mantissa &* 10 &+ d; digits += 1 } else { exponent += 1; digits += 1 }
            anyDigit = true
            i += 1
        }
        // Fraction.
        if i < length && p[i] == decimalMark {
            i += 1
            while i < length, p[i] &- UInt8(ascii: "0") < 10 {
                let d = UInt64(p[i] &- UInt8(ascii: "0"))
                if mantissa == 0 && d == 0 { exponent -= 1; anyDigit = true; i += 1; continue }
                if digits < 19 { mantissa = mantissa &* 10 &+ d; digits += 1; exponent -= 1 } else { digits += 1 }
                anyDigit = true
                i += 1
            }
        }
        guard anyDigit else { return nil }
        // Exponent.
        if i < length && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < length && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var any = false
            while i < length, p[i] &- UInt8(ascii: "0") < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- UInt8(ascii: "0")) }
                any = true
                i += 1
            }
            guard any else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == length else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if digits <= 15 && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let v = exponent >= 0 ? m * exactPowersOfTen[exponent] : m / exactPowersOfTen[-exponent]
            return negative ? -v : v
        }
        return slowParse(p, length, decimalMark: decimalMark)
    }

    /// `strtod` on a NUL-terminated copy (the text has already been checked to be a number; a value
    /// too large for a double comes back infinite, and the caller reports it).
    static func slowParse(_ p: UnsafePointer<UInt8>, _ length: Int, decimalMark: UInt8 = point) -> Double? {
        var buffer = [CChar](repeating: 0, count: length + 1)
        for k in 0..<length { buffer[k] = CChar(bitPattern: p[k] == decimalMark ? point : p[k]) }
        var end: UnsafeMutablePointer<CChar>?
        let v = buffer.withUnsafeBufferPointer { b -> Double in
            strtod(b.baseAddress!, &end)
        }
        return v
    }

    /// Whether `p[0..<length]` is a number with a fractional part written with `mark`: `3,25`,
    /// `-,5`, `1,5e3` for the comma (what tells a decimal comma from a decimal point in a file).
    static func hasFraction(_ p: UnsafePointer<UInt8>, _ length: Int, mark: UInt8) -> Bool {
        var i = 0
        if i < length && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { i += 1 }
        while i < length, p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        guard i < length, p[i] == mark else { return false }
        i += 1
        let fractionStart = i
        while i < length, p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        guard i > fractionStart else { return false }
        if i < length && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < length && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { i += 1 }
            let exponentStart = i
            while i < length, p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            guard i > exponentStart else { return false }
        }
        return i == length
    }

    /// Whether the text is NaN or an infinity as R, Python or a spreadsheet writes it.
    static func isNonFiniteToken(_ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard length <= 9 else { return false }
        let s = String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self).lowercased()
        return ["nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"].contains(s)
    }
}

/// Decimal numbers in text the user typed (an option, a codebook value, a text cell): the syntax
/// of data files (`12`, `-3.5`, `.25`, `1e-3`), nothing else. Swift's `Double("0x10")` reads
/// hexadecimal and `Double("nan")` a NaN; neither is a number a user means.
public enum DecimalText {
    /// The value of `text` (spaces around it allowed), or nil if it is not a decimal number or is
    /// too large for a double.
    public static func value(of text: some StringProtocol, decimalMark: Character = ".") -> Double? {
        var bytes = Array(text.utf8)
        while bytes.first == UInt8(ascii: " ") { bytes.removeFirst() }
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        guard !bytes.isEmpty else { return nil }
        let mark = decimalMark == "," ? DecimalNumber.comma : DecimalNumber.point
        let v = bytes.withUnsafeBufferPointer { DecimalNumber.parse($0.baseAddress!, $0.count, decimalMark: mark) }
        return v.flatMap { $0.isFinite ? $0 : nil }
    }
}
