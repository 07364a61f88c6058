/// Typographic details shared by the formats that can print them (HTML, LaTeX).
public enum Typography {
    /// `>=` and `<=` as the signs ≥ and ≤.
    public static func mathSigns(_ text: String) -> String {
        text.replacingOccurrences(of: ">=", with: "≥").replacingOccurrences(of: "<=", with: "≤")
    }

    /// `text` with the hyphen-minus of each negative number as a true minus sign (U+2212): a
    /// hyphen before a digit or decimal point, at the start or after a space, `(`, `[`, `,` or
    /// `=`. Ranges (`1-7`) and words (`person-mean`) keep their hyphens.
    public static func minusSigns(_ text: String) -> String {
        var out = ""
        var previous: Character? = nil
        let characters = Array(text)
        for (k, c) in characters.enumerated() {
            let next = k + 1 < characters.count ? characters[k + 1] : nil
            if c == "-", next.map({ $0.isNumber || $0 == "." }) ?? false,
               previous.map({ $0 == " " || $0 == "(" || $0 == "[" || $0 == "," || $0 == "=" }) ?? true {
                out.append("\u{2212}")
            } else {
                out.append(c)
            }
            previous = c
        }
        return out
    }
}
