/// A piece of the user's input quoted in a message: whole when short, else its start and its
/// length, so that a 5 MB cell or formula never becomes a 5 MB error line.
public enum Excerpt {
    /// The most characters of input a message quotes.
    public static let limit = 60

    /// `'text'`, or `'first 60 characters…' (5,000,083 characters)`; line breaks and other control
    /// characters are shown as escapes so the message stays one line.
    public static func quoted(_ text: some StringProtocol) -> String {
        let count = text.count
        let shown = count > limit ? String(text.prefix(limit)) + "…" : String(text)
        let visible = shown.unicodeScalars.map { s -> String in
            switch s {
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default: return s.value < 0x20 || s.value == 0x7F ? "\\u{\(String(s.value, radix: 16))}" : String(s)
            }
        }.joined()
        return "'\(visible)'" + (count > limit ? " (\(count) characters)" : "")
    }
}
