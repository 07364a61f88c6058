/// What the lag-sequential analysis counts transitions between: the codes themselves, or the
/// categories the codebook puts them in.
public enum SequenceUnit: String, CaseIterable, Sendable, Codable {
    case code
    case category
}
