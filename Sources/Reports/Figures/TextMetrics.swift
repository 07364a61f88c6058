/// How wide a text is drawn, estimated from the character widths of Helvetica (which Arial,
/// Liberation Sans and Nimbus Sans share: the fonts the figures name), in em, so that layouts
/// leave room for every label. Bold text is taken 8% wider; characters outside the table as
/// wide as a capital M, so estimates err on the wide side. The figure test measures the text
/// as Chromium draws it.
public enum TextMetrics {
    /// Advance widths in thousandths of an em (Helvetica's metrics).
    static let widths: [Character: Double] = {
        var w = [Character: Double]()
        let groups: [(String, Double)] = [
            (" ", 278), ("!", 278), ("\"", 355), ("#", 556), ("$", 556), ("%", 889), ("&", 667), ("'", 191), ("()", 333),
            ("*", 389), ("+=<>", 584), (",.", 278), ("-", 333), ("/", 278), ("0123456789", 556), (":;", 278), ("?", 556),
            ("@", 1015), ("ABEKPSVXY", 667), ("CDHNRUw", 722), ("FTZ", 611), ("GOQ", 778), ("IJ", 278), ("L", 556), ("Mm", 833),
            ("W", 944), ("J", 500), ("[]", 278), ("\\", 278), ("^", 469), ("_", 556), ("abdeghnopqu", 556), ("ckrsvxyz", 500),
            ("fijlt", 278), ("r", 333), ("{}", 334), ("|", 260), ("~", 584), ("−–", 584), ("—", 1000), ("×", 584), ("±", 584),
            ("≥≤", 549), ("ρβγκχτσφημαπε", 600), ("†", 556), ("…", 1000), ("é", 556), ("öäå", 556), ("ÖÄÅ", 778),
        ]
        for (characters, width) in groups { for c in characters { w[c] = width } }
        w["i"] = 222; w["j"] = 222; w["l"] = 222; w["J"] = 500
        return w
    }()

    /// The width in pixels of `text` at `size` pixels.
    public static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        let em = text.reduce(0.0) { $0 + (widths[$1] ?? 833) } / 1000
        return em * size * (bold ? 1.08 : 1)
    }

    /// `text` broken at spaces into lines no wider than `width` pixels (a word wider than that
    /// stands on its own line).
    public static func lines(_ text: String, width: Double, size: Double, bold: Bool = false) -> [String] {
        var lines = [String](), line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && Self.width(candidate, size: size, bold: bold) > width {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
