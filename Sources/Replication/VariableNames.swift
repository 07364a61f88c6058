import SessionData

/// The model variables under the names of the user's own columns, for everything a reader sees.
/// The models are fitted on fixed internal names (`SessionVariables`: `distress_next`,
/// `rupture_patient`, ...) so that one formula serves every file; the report writes them with the
/// file's names instead: with columns `id`, `clinician`, `sess`, `wai_pat`, `wai_ther`, `core10`,
/// `distress_next ~ rupture_patient + distress_within + session + factor(therapist) + (1 | patient)`
/// reads `core10_next ~ rupture_wai_pat + core10_within + sess + factor(clinician) + (1 | id)`.
public struct VariableNames: Sendable {
    /// Internal name -> the name shown.
    public let shown: [String: String]

    public init(panel: Panel) {
        var names = [String: String]()
        func quoted(_ name: String) -> String { RatingIntraclassCorrelations.quoted(name) }
        for role in PanelRole.allCases {
            if let column = panel.column(for: role) { names[role.rawValue] = quoted(column) }
        }
        if let distress = panel.column(for: .distress) {
            for suffix in ["next", "within", "mean", "detrended", "next_detrended"] {
                names["distress_\(suffix)"] = quoted("\(distress)_\(suffix)")
            }
        }
        for (rater, role) in [("patient", PanelRole.alliancePatient), ("therapist", .allianceTherapist)] {
            // Under the default column names, the names `alliance ruptures --annotate` writes.
            if let column = panel.column(for: role), column != role.rawValue {
                names["rupture_\(rater)"] = quoted("rupture_\(column)")
                names["repair_\(rater)"] = quoted("repair_\(column)")
            }
        }
        shown = names
    }

    /// `name` as shown (unchanged when it is not a model variable).
    public subscript(_ name: String) -> String { shown[name] ?? name }

    /// A formula with every variable name replaced by its shown name (names are whole words of
    /// letters, digits, `_` and `.`; everything else is kept as it is).
    public func formula(_ formula: String) -> String {
        var out = "", word = ""
        func flush() {
            out += shown[word] ?? word
            word = ""
        }
        for c in formula {
            if c.isLetter || c.isNumber || c == "_" || c == "." { word.append(c) } else { flush(); out.append(c) }
        }
        flush()
        return out
    }

    /// A message (an error's reason) with the model variables it quotes, 'rupture_patient', given
    /// their shown names; the rest of the text is kept as it is.
    public func quoted(_ message: String) -> String {
        var out = message
        for (name, shown) in shown.sorted(by: { $0.key < $1.key }) where name != shown {
            out = out.replacingOccurrences(of: "'\(name)'", with: "'\(shown)'")
        }
        return out
    }

    /// The sentence that defines the derived variables a model uses, in shown names.
    public func definitions(for formula: String, criterion: String) -> String? {
        var parts = [String]()
        let words = Set(formula.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }.map(String.init))
        if words.contains("distress_next") { parts.append("\(self["distress_next"]) = \(self["distress"]) at the next session number (missing after a missed session)") }
        if words.contains("distress_within") { parts.append("\(self["distress_within"]) = \(self["distress"]) minus the patient's mean over all observed sessions") }
        if words.contains("distress_detrended") || words.contains("distress_next_detrended") {
            parts.append("\(self["distress_detrended"]) and \(self["distress_next_detrended"]) = residuals from each patient's own linear trend in \(self["distress"]) at t and t + 1")
        }
        for rater in ["patient", "therapist"] where words.contains("rupture_\(rater)") {
            parts.append("\(self["rupture_\(rater)"]) and \(self["repair_\(rater)"]) = 1 at a rupture onset and at a repair in \(self["alliance_\(rater)"]) under the \(criterion) criterion, 0 at other sessions judged")
        }
        return parts.isEmpty ? nil : "Variables: " + parts.joined(separator: "; ") + "."
    }
}
