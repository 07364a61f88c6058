import DSEM
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
        tables += [growth(a), laggedByEstimator(a), lagged(a)]
        if a.dynamic != nil { tables += [dsem(a), mlsem(a)] }
        tables += [sensitivity(a), published(a)]
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
                     "Therapists: \(a.therapists.reason).",
                     intercept(a, outcome: "alliance rating", at: "")]
        for model in a.growth {
            t.appendSection(heading(model.rater, a))
            appendModel(model.outcome, to: &t, notes: &notes, label: heading(model.rater, a), names: a.names, standardized: nil)
        }
        t.notes = notes
        return t
    }

    /// What the intercept is: the expected `outcome` at session 0 (the file's session numbers)
    /// `at` the other terms' zero, for a patient of the reference therapist when therapists
    /// are fixed effects (R's first level: `factor()` sorts the levels).
    static func intercept(_ a: ReplicationAnalysis, outcome: String, at: String) -> String {
        var text = "Intercept: the expected \(outcome) at \(a.names["session"]) = 0\(at)"
        if a.therapists.kind == .fixedEffects, let reference = referenceTherapist(a) {
            text += " for a patient of \(a.names["therapist"]) \(reference), the reference level of factor(\(a.names["therapist"])) (the other therapists' differences from it are the dummies, in results.json)"
        }
        return text + "."
    }

    /// The therapist without a dummy in the fits: factor()'s reference level.
    static func referenceTherapist(_ a: ReplicationAnalysis) -> String? {
        guard let fit = (a.growth.map(\.outcome) + a.lagged.map(\.outcome)).compactMap(\.fit).first else { return nil }
        let prefix = "factor(therapist)"
        let dummies = Set(fit.fixedEffects.map(\.term).filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
        let reference = a.panel.therapistIDs.filter { !dummies.contains($0) }
        return reference.count == 1 ? reference[0] : nil
    }

    /// d: b divided by the pooled within-patient SD of distress, said in full (not Cohen's d).
    static func standardizedNote(_ a: ReplicationAnalysis) -> String? {
        guard let sd = a.variables.withinPatientDistressSD else { return nil }
        var text = "d (within) = b / \(CellFormatting.fixed(sd, decimals: 2)), the pooled within-patient SD of \(a.names["distress"]) (the SD of its deviations from each patient's mean): the change in next-session \(a.names["distress"]) in units of its session-to-session variation"
        if let total = a.sample.ratings.first(where: { $0.role == "distress" })?.overall.standardDeviation {
            text += "; not Cohen's d, which would divide by the total SD (\(CellFormatting.fixed(total, decimals: 2))) and be \(CellFormatting.fixed(sd / total, decimals: 2)) times as large"
        }
        return text + "."
    }

    static func lagged(_ a: ReplicationAnalysis) -> Table {
        var t = modelTable(title: "Lagged models: \(a.names["distress"]) at the next session, multilevel model with observed centring (criterion: \(a.criterion.name))", name: "lagged", standardized: true)
        let estimator = a.laggedEstimates[0]
        var notes = ["Estimator: \(estimator.description) 95% CIs from the t distribution with Satterthwaite's df.",
                     "Known bias: \(estimator.knownBias ?? "none known.")",
                     "Therapists: \(a.therapists.reason).",
                     intercept(a, outcome: "\(a.names["distress"]) at the next session", at: " with no rupture or repair and \(a.names["distress"]) at the patient's mean")]
        if let d = standardizedNote(a) { notes.append(d) }
        if let definitions = a.names.definitions(for: a.lagged.compactMap(\.outcome.formula).joined(separator: " "), criterion: a.criterion.name) {
            notes.append(definitions)
        }
        for model in a.lagged {
            let label = model.raters == .both ? "Both raters" : heading(model.raters.rawValue, a)
            t.appendSection(label)
            appendModel(model.outcome, to: &t, notes: &notes, label: label, names: a.names, standardized: a.variables.withinPatientDistressSD)
        }
        t.notes = notes
        return t
    }

    /// The rupture and repair effects of every estimator side by side: a section per effect, a
    /// row per estimator (`ReplicationAnalysis.laggedEstimates`), each with its interval; an
    /// estimator that could not estimate an effect has a row that says so, with the reason in the
    /// notes. The first note says why the estimators differ.
    static func laggedByEstimator(_ a: ReplicationAnalysis) -> Table {
        var t = Table(title: "Effects of ruptures and repairs on \(a.names["distress"]) at the next session, by estimator (criterion: \(a.criterion.name))",
                      name: "lagged-estimators",
                      columns: [TableColumn("Estimator", alignment: .left), TableColumn("b"), TableColumn("Interval"),
                                TableColumn("p"), TableColumn("d (within)")])
        var unavailable = [String](), notEstimated = [String]()
        for rater in ReplicationAnalysis.raterNames {
            for event in LaggedEffect.Event.allCases {
                let rows = a.laggedEstimates.map { ($0, $0.effect(event, rater: rater)) }
                guard rows.contains(where: { $0.1?.estimate != nil }) else {
                    if let reason = rows.first?.1?.unavailable { unavailable.append("\(heading(rater, a)) \(event.rawValue): \(reason)") }
                    continue
                }
                t.appendSection("\(heading(rater, a)) \(event.rawValue) at t")
                for (estimates, effect) in rows {
                    guard let effect, let b = effect.estimate else {
                        t.append([.text("\(estimates.name): not estimated"), .empty, .empty, .empty, .empty])
                        let note = "\(estimates.name), \(heading(rater, a)): not estimated: \(a.names.quoted(effect?.unavailable ?? "no estimate"))"
                        if !notEstimated.contains(note) { notEstimated.append(note) }
                        continue
                    }
                    t.append([.text(estimates.name), .number(b, decimals: 2),
                              effect.lower.flatMap { lo in effect.upper.map { .interval(lo, $0, decimals: 2) } } ?? .empty,
                              effect.p.map { .pValue($0) } ?? .empty, effect.standardized.map { .number($0, decimals: 2) } ?? .empty])
                }
            }
        }
        var notes = [String]()
        if let why = whyEstimatorsDiffer(a) { notes.append(why) }
        notes.append("Each rater's own model (per-rater models of the lagged-models table); the estimators differ in how they separate a patient's stable level of \(a.names["distress"]) from its change.")
        for e in a.laggedEstimates {
            notes.append("\(e.name): \(e.description) Interval: \(e.interval). Known bias: \(e.knownBias ?? "none known.")")
            notes += e.remarks.map { "\(e.name), \($0)." }
        }
        if let d = standardizedNote(a) { notes.append(d) }
        if a.dynamic == nil {
            notes.append("The estimators without this bias (DSEM with latent centring; ML-SEM with fixed effects) were not run (alliance replicate --no-dynamic).")
        }
        t.notes = notes + notEstimated.map { $0 + "." } + unavailable.map { "Not estimated: \($0)." }
        return t
    }

    /// Why the estimators' effects differ: Nickell's bias of observed centring with its size here,
    /// and each estimator's autoregression of distress in the models of one rater (the first of
    /// the raters whose models the most estimators fitted); nil with the multilevel model alone.
    static func whyEstimatorsDiffer(_ a: ReplicationAnalysis) -> String? {
        guard a.laggedEstimates.count > 1 else { return nil }
        let distress = a.names["distress"]
        // Nickell's approximation with the multilevel autoregression and the sessions per patient.
        var size = ""
        if let rho = a.laggedEstimates[0].autoregressions.sorted(by: { $0.key < $1.key }).first?.value,
           let t = a.sample.sessionsPerPatient.mean, t > 1 {
            size = ", by about (1 + ρ)/(T − 1) = \(CellFormatting.fixed((1 + rho) / (t - 1), decimals: 2)) with T = \(CellFormatting.fixed(t, decimals: 1)) sessions per patient"
        }
        var text = "Why the estimates differ: the multilevel model centres \(distress) at t on the patient's observed mean, which contains the patient's later sessions, so its autoregression comes out too low (Nickell's bias\(size)) and the rupture and repair effects, which correlate with \(distress) at t, move with it; the DSEM centres on the patient's latent mean, a parameter of the model; the ML-SEM treats each patient's stable level as a fixed effect that may correlate with ruptures and repairs (a patient with more ruptures may have higher \(distress) throughout), lets ruptures and repairs respond to earlier \(distress), and uses only the sessions of its waves."
        // The autoregressions of the first rater whose models most estimators fitted.
        let rater = ReplicationAnalysis.raterNames.max { r, s in
            a.laggedEstimates.filter { $0.autoregressions[r] != nil }.count < a.laggedEstimates.filter { $0.autoregressions[s] != nil }.count
        }
        if let rater {
            let values = a.laggedEstimates.map { e in "\(e.name) \(e.autoregressions[rater].map { CellFormatting.fixed($0, decimals: 2) } ?? "not estimated")" }
            if a.laggedEstimates.contains(where: { $0.autoregressions[rater] != nil }) {
                text += " The autoregression of \(distress) in the \(rater)-rated models: " + values.joined(separator: "; ") + "."
            }
        }
        return text + " All use the same detected ruptures and repairs, so sessions the criterion misclassifies affect them alike."
    }

    /// Step 5 by DSEM: each rater's model as `alliance dsem` reports it (Mplus's labels, PSR, ESS).
    static func dsem(_ a: ReplicationAnalysis) -> Table {
        var t = Table(title: "Lagged models by DSEM: \(a.names["distress"]) with latent centring (criterion: \(a.criterion.name))",
                      name: "lagged-dsem", columns: DSEMTables.columns)
        var notes = [String]()
        for model in a.dsem {
            let label = heading(model.rater, a)
            guard let fit = model.fit else {
                t.appendSection(label)
                t.append([.text("Not fitted")] + Array(repeating: .empty, count: t.columns.count - 1))
                notes.append("\(label): not fitted: \(a.names.quoted(model.unavailable ?? "")).")
                continue
            }
            for row in DSEMTables.estimates(fit).rows {
                switch row {
                case .section(let heading): t.appendSection("\(label): \(a.names.formula(heading).prefix(1).lowercased())\(a.names.formula(heading).dropFirst())")
                case .cells(let cells):
                    guard case .text(let parameter) = cells[0] else { t.append(cells); continue }
                    t.append([.text(a.names.formula(parameter))] + cells.dropFirst())
                }
            }
            let run = DSEMTables.notes(fit).dropFirst().map { a.names.formula($0) }
            notes.append("\(label): \(a.names.formula(model.formula)); " + run.joined(separator: " "))
        }
        if let first = a.dsem.lazy.compactMap(\.fit).first { notes.insert(DSEMTables.notes(first)[0], at: 0) }
        notes.append("Therapists: \(a.therapists.reason)\(a.therapists.kind == .randomIntercept ? "; the DSEM has two levels, so the patients' latent means take up the therapists' differences" : "").")
        notes.append("lag(x) is x at the previous session; the autoregression lag(\(a.names["distress"])) is centred on each patient's latent mean; \(a.names["session"]) is the session trend; the intercept is the mean of the patients' latent means at \(a.names["session"]) = 0\(a.therapists.kind == .fixedEffects ? " for the reference therapist" : "").")
        t.notes = notes
        return t
    }

    /// Step 5 by ML-SEM: each rater's coefficients as `alliance mlsem` reports them.
    static func mlsem(_ a: ReplicationAnalysis) -> Table {
        var t = Table(title: "Lagged models by ML-SEM: \(a.names["distress"]) with fixed effects (criterion: \(a.criterion.name))",
                      name: "lagged-mlsem",
                      columns: [TableColumn("Term", alignment: .left), TableColumn("b"), TableColumn("SE"), TableColumn("z"),
                                TableColumn("p"), TableColumn("95% CI")])
        var notes = ["ML estimates (full-information ML over every observed value), standard errors from the observed information, 95% Wald CIs; lag(x) is x at the previous session; predetermined (sequentially exogenous): the rater's rupture and repair; each patient's stable level is a latent variable free to covary with them (fixed effects); an intercept and an error variance per session; χ² and fit indices not computed."]
        for model in a.mlsem {
            let label = heading(model.rater, a)
            t.appendSection(label)
            guard let fit = model.fit else {
                t.append([.text("Not fitted")] + Array(repeating: .empty, count: t.columns.count - 1))
                notes.append("\(label): not fitted: \(a.names.quoted(model.unavailable ?? "")).")
                continue
            }
            for c in fit.coefficients {
                t.append([.text(a.names.formula(c.term)), .number(c.estimate, decimals: 3), .number(c.se, decimals: 3), .number(c.z, decimals: 2),
                          .pValue(c.p), .interval(c.ciLower, c.ciUpper, decimals: 3)])
            }
            notes.append("\(label): \(a.names.formula(model.formula)); sessions \(fit.waves.first)\u{2013}\(fit.waves.end) as waves, equations for \(fit.waves.start)\u{2013}\(fit.waves.end); N = \(fit.patientsUsed) patients; log-likelihood = \(CellFormatting.fixed(fit.sem.logLikelihood, decimals: 2)), \(fit.sem.parameterCount) free parameters.")
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
        var autocorrelation = [String]()
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
            // The chosen criterion's model with AR(1) residuals within patient.
            if let model = a.laggedAutocorrelated.first(where: { $0.raters.rawValue == rater }) {
                var cells: [Cell] = [.text(a.criterion.name), .text("observed, AR(1) residuals"), .empty]
                for event in LaggedEffect.Event.allCases {
                    if let e = model.effect(event, rater: rater)?.estimate { cells += [.number(e.estimate, decimals: 2), .pValue(e.p)] }
                    else { cells += [.empty, .empty] }
                }
                t.append(cells)
                if let phi = model.outcome.fit?.residualCorrelation {
                    autocorrelation.append("\(heading(rater)): phi = \(CellFormatting.fixed(phi.estimate, decimals: 2))")
                } else if let reason = model.outcome.reason {
                    autocorrelation.append("\(heading(rater)): \(reason)")
                }
            }
        }
        t.notes = ["Each criterion with its default amount (docs/METHODS.md); % of patients judged.",
                   "b = effect on next-session distress of a rupture (repair) rated by that rater, from the rater's lagged model; detrended: outcome and lag are residuals from each patient's own linear trend.",
                   "Therapists: \(a.therapists.reason)."]
            + (nearBoundary ? ["† The model is near the boundary (a random-effects correlation within 0.02 of ±1 or a variance under 1e-4 of the residual's): its df and p are unstable."] : [])
            + unavailable.map { "Not estimated: \($0)." }
            + (autocorrelation.isEmpty ? [] : ["AR(1) residuals: the chosen criterion's lagged model with residuals correlated within patient over session numbers (\(LaggedModel.autocorrelatedResiduals), nlme's corAR1; missed sessions are gaps); \(autocorrelation.joined(separator: "; "))."])
        return t
    }

    static func published(_ a: ReplicationAnalysis) -> Table {
        var t = Table(title: "Published findings and this dataset (criterion: \(a.criterion.name))", name: "published",
                      columns: [TableColumn("Finding", alignment: .left), TableColumn("Estimator", alignment: .left),
                                TableColumn("Published", alignment: .left), TableColumn("This dataset"), TableColumn("95% interval", key: "ci"),
                                TableColumn("p"), TableColumn("Consistent here", alignment: .left)])
        var notes = [PublishedFindings.source, "Study: \(PublishedFindings.citation).",
                     "This dataset's numbers come from alliance's reconstruction of the paper's models (docs/METHODS.md, \"The replication\"), not from the paper's analysis: a consistent result says the data agree with the published direction under these models, not that the paper's estimates were reproduced."]
        for c in a.published.comparisons {
            var cells: [Cell] = [.text(c.finding), .text(c.estimator), .text(c.publishedText)]
            if let p = c.proportion, let ci = c.interval {
                cells += [.percent(100 * p, decimals: 1), .interval(100 * ci.lower, 100 * ci.upper, decimals: 1), .empty]
            } else if let e = c.effect {
                cells += [.number(e.estimate, decimals: 2), .interval(e.lower, e.upper, decimals: 2), .pValue(e.p)]
            } else {
                cells += [.empty, .empty, .empty]
            }
            cells.append(.text(c.verdict))
            if let reason = c.unavailable {
                let shown = a.laggedEstimates.dropFirst().contains { $0.name == c.estimator }
                    ? "not estimated; the notes of the by-estimator table give the reason" : a.names.quoted(reason)
                notes.append("\(c.finding), \(c.estimator): not judged (\(shown)).")
            }
            if let q = c.equivalence {
                let bound = CellFormatting.fixed(q.bound, decimals: 2)
                notes.append("\(c.finding): equivalence to no effect (TOST within ±\(bound) points, d = ±\(CellFormatting.fixed(PublishedFindings.smallestEffectOfInterest, decimals: 1)) within-patient SDs): \(q.equivalent ? "shown" : "not shown") (p = \(CellFormatting.pValue(q.p)), 90% CI [\(CellFormatting.fixed(q.lower, decimals: 2)), \(CellFormatting.fixed(q.upper, decimals: 2))]).")
            }
            t.append(cells)
        }
        notes.append("Consistent here: a published percentage inside this dataset's Wilson 95% CI; a published effect with the same sign and p < .05 here. A published null effect with p >= .05 here is \"not significant, as published\", which is absence of evidence; the equivalence test (two one-sided tests, Lakens 2017) of the multilevel estimate says whether the effect is shown to be smaller than the smallest effect of interest. Effects from the per-rater lagged models; growth from each rater's growth model.")
        if a.laggedEstimates.count > 1 {
            notes.append("Estimator: each lagged finding is judged by every estimator of step 5 (the by-estimator table): the multilevel model with observed centring (the reconstruction of the paper's model, biased by Nickell's bias), the DSEM (95% credible interval; p twice the one-tailed posterior p) and the ML-SEM (95% Wald CI).")
        }
        t.notes = notes
        return t
    }

    // MARK: - Model tables

    static func heading(_ rater: String) -> String { Rater(name: rater, column: rater).heading }

    /// `Patient-rated (wai_pat)`: the rater and the user's column.
    static func heading(_ rater: String, _ a: ReplicationAnalysis) -> String {
        let column = a.names["alliance_\(rater)"]
        return column == "alliance_\(rater)" || a.panel.column(for: rater == "patient" ? .alliancePatient : .allianceTherapist) == nil
            ? heading(rater) : "\(heading(rater)) (\(column))"
    }

    static func modelTable(title: String, name: String, standardized: Bool) -> Table {
        var columns = [TableColumn("Parameter", alignment: .left), TableColumn("Estimate"), TableColumn("SE"), TableColumn("df"),
                       TableColumn("t"), TableColumn("p"), TableColumn("95% CI")]
        if standardized { columns.append(TableColumn("d (within)")) }
        return Table(title: title, name: name, columns: columns)
    }

    /// The fixed effects of a fit (therapist dummies left out, counted in a note), its variance
    /// components, and a note with N, groups, fit indices and warnings; or a row saying it was not fitted.
    static func appendModel(_ outcome: ModelOutcome, to t: inout Table, notes: inout [String], label: String, names: VariableNames,
                            standardized scale: Double?) {
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
            var cells: [Cell] = [.text(termLabel(e.term, names: names) + (fit.isNearBoundary ? " †" : "")), b, se,
                                 .number(e.degreesOfFreedom, decimals: 1), .number(e.t, decimals: 2), .pValue(e.p), ci]
            if width == 8 {
                let focal = e.term.hasPrefix("rupture_") || e.term.hasPrefix("repair_")
                cells.append(focal ? scale.map { .number(e.estimate / $0, decimals: 2) } ?? .empty : .empty)
            }
            t.append(cells)
        }
        // lme4's names: "(Intercept)" for the intercept, the variable for a slope.
        func part(_ term: String?) -> String { term == "(Intercept)" ? "intercept" : "\(names[term ?? ""]) slope" }
        for c in fit.varianceComponents {
            let name: String
            let group = names.formula(c.group)
            if c.group == "Residual" { name = "Var(residual)" }
            else if let v2 = c.var2 { name = "Cor(\(group) \(part(c.var1)), \(part(v2)))" }
            else { name = "Var(\(group) \(part(c.var1)))" }
            let value: Cell = c.var2 == nil ? .number(c.variance, decimals: 3) : c.standardDeviationOrCorrelation.map { .bounded($0, decimals: 2) } ?? .empty
            t.append([.text(name), value] + Array(repeating: .empty, count: width - 2))
        }
        var note = "\(label): \(names.formula(fit.formula)); N = \(fit.observationCount) sessions (\(fit.groups.map { "\(names.formula($0.name)): \($0.levels)" }.joined(separator: ", "))); REML criterion = \(CellFormatting.fixed(fit.objective, decimals: 1)), AIC = \(CellFormatting.fixed(fit.aic, decimals: 1)), BIC = \(CellFormatting.fixed(fit.bic, decimals: 1))"
        if dummies > 0 { note += "; \(dummies) dummies of factor(\(names["therapist"])) not shown (results.json has them)" }
        if fit.singular { note += "; singular fit (a variance estimated as zero)" }
        for w in fit.warnings { note += "; warning: \(w)" }
        if fit.isNearBoundary { note += "; † marks its estimates, whose df and p are unstable" }
        notes.append(note + ".")
    }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    /// Readable names of the model terms, with the file's column names.
    static func termLabel(_ term: String, names: VariableNames) -> String {
        switch term {
        case "(Intercept)": return "Intercept"
        case "session": return names["session"] == "session" ? "Session" : "Session (\(names["session"]))"
        case "distress_within": return "\(capitalized(names["distress"])) at t (within-patient)"
        case "distress_detrended": return "\(capitalized(names["distress"])) at t (detrended)"
        default:
            for event in LaggedEffect.Event.allCases {
                for rater in ReplicationAnalysis.raterNames where term == "\(event.rawValue)_\(rater)" {
                    return "\(event == .rupture ? "Rupture" : "Repair") at t (\(rater)-rated)"
                }
            }
            return names.formula(term)
        }
    }
}
