import MixedModels
import Reports
import Ruptures
import SessionData

/// The publication tables of the replication, APA style, in the order of the analysis: sample,
/// ratings, ICCs, the patient-therapist alliance correlation, ruptures and repairs (with agreement
/// between raters), growth, lagged models, sensitivity, and the published findings next to this
/// dataset's. Tables shared with `alliance describe` and `alliance ruptures` are theirs; each is
/// renumbered in the order shown here.
public enum ReplicationTables {
    public static func all(_ a: ReplicationAnalysis) -> [Table] {
        var tables = [PanelDescriptionTables.sample(a.sample), PanelDescriptionTables.ratings(a.sample),
                      RatingIntraclassCorrelations.table(a.iccs)]
        if let r = a.correlation { tables.append(correlation(r)) }
        tables.append(RuptureTables.summary(a.ruptures))
        if !a.ruptures.agreement.isEmpty { tables.append(RuptureTables.agreement(a.ruptures)) }
        tables += [growth(a), lagged(a), sensitivity(a), published(a)]
        for k in tables.indices { tables[k].title = "Table \(k + 1). " + untitled(tables[k].title) }
        return tables
    }

    /// The title without its "Table k. " prefix.
    static func untitled(_ title: String) -> String {
        guard title.hasPrefix("Table "), let dot = title.firstIndex(of: ".") else { return title }
        let number = title[title.index(title.startIndex, offsetBy: 6) ..< dot]
        guard !number.isEmpty, number.allSatisfy(\.isNumber) else { return title }
        return String(title[title.index(after: dot)...].drop { $0 == " " })
    }

    static func correlation(_ r: AllianceCorrelation) -> Table {
        var t = Table(title: "Correlation of patient- and therapist-rated alliance", name: "alliance-correlation",
                      columns: [TableColumn("Level", alignment: .left), TableColumn("r"), TableColumn("n"), TableColumn("Unit", alignment: .left)])
        t.append([.text("Between patients (patient means)"), r.between.map { .bounded($0, decimals: 2) } ?? .empty, .integer(r.patients), .text("patients")])
        t.append([.text("Within patients (deviations from patient means)"), r.within.map { .bounded($0, decimals: 2) } ?? .empty, .integer(r.sessions), .text("sessions")])
        t.notes = ["Sessions rated by both; within-patient r pools the deviations of every patient with two or more such sessions (Curran & Bauer 2011)."]
        return t
    }

    static func growth(_ a: ReplicationAnalysis) -> Table {
        var t = modelTable(title: "Growth of the alliance over sessions", name: "growth", standardized: false)
        var notes = ["REML estimates (lme4); df by Satterthwaite's method (lmerTest); 95% CIs from the t distribution with those df.",
                     "Therapists: \(a.therapists.reason)."]
        for model in a.growth {
            t.appendSection(heading(model.rater))
            appendModel(model.outcome, to: &t, notes: &notes, label: heading(model.rater), standardized: nil)
        }
        t.notes = notes
        return t
    }

    static func lagged(_ a: ReplicationAnalysis) -> Table {
        var t = modelTable(title: "Lagged models: distress at the next session (criterion: \(a.criterion.name))", name: "lagged", standardized: true)
        var notes = ["REML estimates (lme4); df by Satterthwaite's method (lmerTest); 95% CIs from the t distribution with those df.",
                     "Therapists: \(a.therapists.reason)."]
        if let sd = a.variables.withinPatientDistressSD {
            notes.append("d = b / \(CellFormatting.fixed(sd, decimals: 2)), the pooled within-patient SD of distress.")
        }
        for model in a.lagged {
            let label = model.raters == .both ? "Both raters" : heading(model.raters.rawValue)
            t.appendSection(label)
            appendModel(model.outcome, to: &t, notes: &notes, label: label, standardized: a.variables.withinPatientDistressSD)
        }
        t.notes = notes
        return t
    }

    /// One row per criterion and distress variable (observed, then detrended), per rater.
    static func sensitivity(_ a: ReplicationAnalysis) -> Table {
        var t = Table(title: "Sensitivity: prevalence and lagged effects under each criterion, with observed and detrended distress",
                      name: "sensitivity", columns: [
                          TableColumn("Criterion", alignment: .left), TableColumn("Distress", alignment: .left), TableColumn("With rupture, %"),
                          TableColumn("Rupture b"), TableColumn("Rupture p"), TableColumn("Repair b"), TableColumn("Repair p"),
                      ])
        var unavailable = [String]()
        var nearBoundary = false
        let labels = a.sensitivity.rowLabels
        for (k, rater) in (a.sensitivity.rows.first?.raters ?? []).map(\.rater).enumerated() {
            t.appendSection(heading(rater))
            for (row, label) in zip(a.sensitivity.rows, labels) {
                let cell = row.raters[k]
                for model in [cell.observed, cell.detrended] {
                    let unstable = model.outcome.fit?.isNearBoundary == true
                    if unstable { nearBoundary = true }
                    var cells: [Cell] = [.text(label + (unstable ? " †" : "")), .text(model.distress.rawValue),
                                         cell.prevalence.prevalence.map { .percent(100 * $0, decimals: 1) } ?? .empty]
                    for event in LaggedEffect.Event.allCases {
                        let effect = model.effect(event, rater: rater)
                        if let e = effect?.estimate {
                            cells += [.number(e.estimate, decimals: 2), .pValue(e.p)]
                        } else {
                            cells += [.empty, .empty]
                            if let reason = effect?.unavailable {
                                let note = "\(label), \(rater)-rated: \(reason)"
                                if !unavailable.contains(note) { unavailable.append(note) }
                            }
                        }
                    }
                    t.append(cells)
                }
            }
        }
        t.notes = ["Each criterion with its default amount (docs/METHODS.md); % of patients judged.",
                   "b = effect on next-session distress of a rupture (repair) rated by that rater, from the rater's lagged model; detrended: outcome and lag are residuals from each patient's own linear trend.",
                   "Therapists: \(a.therapists.reason)."]
            + (nearBoundary ? ["† The model is near the boundary (a random-effects correlation within 0.02 of ±1 or a variance under 1e-4 of the residual's): its df and p are unstable."] : [])
            + unavailable.map { "Not estimated: \($0)." }
        return t
    }

    static func published(_ a: ReplicationAnalysis) -> Table {
        var t = Table(title: "Published findings and this dataset (criterion: \(a.criterion.name))", name: "published",
                      columns: [TableColumn("Finding", alignment: .left), TableColumn("Published", alignment: .left),
                                TableColumn("This dataset"), TableColumn("95% CI"), TableColumn("p"), TableColumn("Holds", alignment: .left)])
        var notes = [PublishedFindings.source, "Study: \(PublishedFindings.citation)."]
        for c in a.published.comparisons {
            var cells: [Cell] = [.text(c.finding), .text(c.publishedText)]
            if let p = c.proportion, let ci = c.interval {
                cells += [.percent(100 * p, decimals: 1), .interval(100 * ci.lower, 100 * ci.upper, decimals: 1), .empty]
            } else if let e = c.effect {
                cells += [.number(e.estimate, decimals: 2), .interval(e.confidenceLower, e.confidenceUpper, decimals: 2), .pValue(e.p)]
            } else {
                cells += [.empty, .empty, .empty]
            }
            cells.append(.text(c.holds.map { $0 ? "yes" : "no" } ?? "not judged"))
            if let reason = c.unavailable { notes.append("\(c.finding): not judged (\(reason)).") }
            t.append(cells)
        }
        notes.append("Holds: a published percentage within this dataset's Wilson 95% CI; a published effect with the same sign and p < .05 here; a published null effect with p >= .05 here. Effects from the per-rater lagged models; growth from each rater's growth model.")
        t.notes = notes
        return t
    }

    // MARK: - Model tables

    static func heading(_ rater: String) -> String { Rater(name: rater, column: rater).heading }

    static func modelTable(title: String, name: String, standardized: Bool) -> Table {
        var columns = [TableColumn("Parameter", alignment: .left), TableColumn("Estimate"), TableColumn("SE"), TableColumn("df"),
                       TableColumn("t"), TableColumn("p"), TableColumn("95% CI")]
        if standardized { columns.append(TableColumn("d")) }
        return Table(title: title, name: name, columns: columns)
    }

    /// The fixed effects of a fit (therapist dummies left out, counted in a note), its variance
    /// components, and a note with N, groups, fit indices and warnings; or a row saying it was not fitted.
    static func appendModel(_ outcome: ModelOutcome, to t: inout Table, notes: inout [String], label: String, standardized scale: Double?) {
        let width = t.columns.count
        guard let fit = outcome.fit else {
            t.append([.text("Not fitted")] + Array(repeating: .empty, count: width - 1))
            notes.append("\(label): not fitted: \(outcome.reason ?? "").")
            return
        }
        var dummies = 0
        for e in fit.fixedEffects {
            if e.term.hasPrefix("factor(therapist)") { dummies += 1; continue }
            let (b, se, ci) = MixedModelTables.estimateCells(e)
            var cells: [Cell] = [.text(termLabel(e.term) + (fit.isNearBoundary ? " †" : "")), b, se,
                                 .number(e.degreesOfFreedom, decimals: 1), .number(e.t, decimals: 2), .pValue(e.p), ci]
            if width == 8 {
                let focal = e.term.hasPrefix("rupture_") || e.term.hasPrefix("repair_")
                cells.append(focal ? scale.map { .number(e.estimate / $0, decimals: 2) } ?? .empty : .empty)
            }
            t.append(cells)
        }
        // lme4's names: "(Intercept)" for the intercept, the variable for a slope.
        func part(_ term: String?) -> String { term == "(Intercept)" ? "intercept" : "\(term ?? "") slope" }
        for c in fit.varianceComponents {
            let name: String
            if c.group == "Residual" { name = "Var(residual)" }
            else if let v2 = c.var2 { name = "Cor(\(c.group) \(part(c.var1)), \(part(v2)))" }
            else { name = "Var(\(c.group) \(part(c.var1)))" }
            let value: Cell = c.var2 == nil ? .number(c.variance, decimals: 3) : c.standardDeviationOrCorrelation.map { .bounded($0, decimals: 2) } ?? .empty
            t.append([.text(name), value] + Array(repeating: .empty, count: width - 2))
        }
        var note = "\(label): \(fit.formula); N = \(fit.observationCount) sessions (\(fit.groups.map { "\($0.levels) \($0.name)s" }.joined(separator: ", "))); REML criterion = \(CellFormatting.fixed(fit.objective, decimals: 1)), AIC = \(CellFormatting.fixed(fit.aic, decimals: 1)), BIC = \(CellFormatting.fixed(fit.bic, decimals: 1))"
        if dummies > 0 { note += "; \(dummies) therapist dummies not shown (results.json has them)" }
        if fit.singular { note += "; singular fit (a variance estimated as zero)" }
        for w in fit.warnings { note += "; warning: \(w)" }
        if fit.isNearBoundary { note += "; † marks its estimates, whose df and p are unstable" }
        notes.append(note + ".")
    }

    /// Readable names of the model terms.
    static func termLabel(_ term: String) -> String {
        switch term {
        case "(Intercept)": return "Intercept"
        case "session": return "Session"
        case "distress_within": return "Distress at t (within-patient)"
        case "distress_detrended": return "Distress at t (detrended)"
        default:
            for event in LaggedEffect.Event.allCases {
                for rater in ReplicationAnalysis.raterNames where term == "\(event.rawValue)_\(rater)" {
                    return "\(event == .rupture ? "Rupture" : "Repair") at t (\(rater)-rated)"
                }
            }
            return term
        }
    }
}
