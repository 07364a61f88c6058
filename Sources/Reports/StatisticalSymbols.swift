/// The statistical symbols APA style sets in italics (n, N, M, SD, SE, Mdn, b, t, p, r, d, df, F,
/// z, k), found as whole words in a table's text so that LaTeX and HTML can italicize them:
/// "Patients with >= 1 rupture, n", "p < .05", "d = b / 3.82". Greek letters and abbreviations
/// such as CI, ICC and RMSE stay upright, as APA has them.
public enum StatisticalSymbols {
    public static let italic: Set<String> = ["n", "N", "M", "SD", "SE", "Mdn", "b", "t", "p", "r", "d", "df", "F", "z", "k"]

    /// A piece of text: plain, or a symbol to set in italics.
    public enum Run: Equatable, Sendable {
        case plain(String)
        case symbol(String)
    }

    /// `text` cut into plain runs and symbols. A symbol is a run of ASCII letters in `italic`
    /// that is not part of a longer name: no letter, digit, `_`, `.` or `'` before it, and no
    /// letter, digit, `_` or `(` after it (`rupture_p`, `Var(...)`, `e.g.` and `p(x)` are not
    /// symbols), and not a capital followed by a full stop (an author's initial).
    public static func runs(_ text: String) -> [Run] {
        let characters = Array(text)
        var runs = [Run]()
        var plain = ""
        var k = 0
        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while k < characters.count {
            let c = characters[k]
            guard c.isASCII && c.isLetter else {
                plain.append(c)
                k += 1
                continue
            }
            var end = k
            while end < characters.count && characters[end].isASCII && characters[end].isLetter { end += 1 }
            let word = String(characters[k..<end])
            let before = k > 0 ? characters[k - 1] : nil
            let after = end < characters.count ? characters[end] : nil
            // A capital followed by a full stop is an initial ("Falkenström, F."), not a symbol.
            let initial = word.count == 1 && word.first!.isUppercase && after == "."
            let standsAlone = !initial && (before.map { !isWordCharacter($0) && $0 != "." && $0 != "'" } ?? true)
                && (after.map { !isWordCharacter($0) && $0 != "(" } ?? true)
            if italic.contains(word) && standsAlone {
                if !plain.isEmpty { runs.append(.plain(plain)); plain = "" }
                runs.append(.symbol(word))
            } else {
                plain += word
            }
            k = end
        }
        if !plain.isEmpty { runs.append(.plain(plain)) }
        return runs
    }
}
