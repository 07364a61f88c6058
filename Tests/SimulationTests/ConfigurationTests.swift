import Foundation
import Testing
import Tabular
@testable import Simulation

/// Study configurations: defaults, presets, the canonical text, the grid, and one-line errors
/// naming the file, line and field.
@Suite struct ConfigurationTests {
    /// The dotted paths of every scalar or list field under a mapping.
    static func leafPaths(_ value: ConfigurationValue, prefix: String = "") -> [String] {
        guard case .mapping(let pairs, _) = value else { return [prefix] }
        if prefix == "analysis.criterion" { return [prefix] }
        return pairs.flatMap { leafPaths($0.value, prefix: prefix.isEmpty ? $0.key : prefix + "." + $0.key) }
    }

    @Test func emptyConfigurationIsTheDefaults() throws {
        let c = try study("")
        #expect(c.process == DataGeneratingProcess())
        #expect(c.analysis == AnalysisPlan())
        #expect(c.cells.count == 1 && c.grid.factors.isEmpty)
        #expect(try StudyConfiguration.preset(named: "default").canonicalText == c.canonicalText)
    }

    @Test func sud2025SpellsOutEveryField() throws {
        // Every field of the canonical configuration is written in the preset itself, so no
        // number of the preset comes from a default elsewhere.
        let canonical = try ConfigurationValue.parse(try study("").canonicalText, source: "canonical")
        let preset = try ConfigurationValue.parse(SimulationPresets.sud2025, source: "sud-2025")
        let fields = Self.leafPaths(canonical).filter { !$0.hasPrefix("grid") }
        #expect(fields.count > 50)
        for field in fields {
            #expect(preset.value(at: field.split(separator: ".").map(String.init)) != nil, "sud-2025 leaves '\(field)' to its default")
        }
        let sud = try StudyConfiguration.preset(named: "sud-2025")
        #expect(sud.process.design.patients == 119 && sud.process.design.therapists == 6)
        #expect(sud.process.design.sessions.mean == 16)
        #expect(sud.process.alliance.patient.scale == SimulatedScale(minimum: 1, maximum: 7, valuesPerPoint: 6))
        #expect(sud.process.distress.scale == SimulatedScale(minimum: 0, maximum: 40, valuesPerPoint: 1))
        #expect(sud.analysis.estimators.map(\.name) == ["lagged-observed", "lagged-centred", "detrended"])
    }

    @Test func canonicalTextReadsBackToItself() throws {
        let grid = try study("""
        preset: sud-2025
        patients: 60
        grid:
          sessions.mean: [8, 16.0]
          distress.rupture_effect.patient: [0, 1.50]
          analysis.criterion: [drop, {preset: rci, threshold: 1.645}]
        """)
        for c in [grid, try StudyConfiguration.preset(named: "sud-2025")] {
            #expect(try study(c.canonicalText).canonicalText == c.canonicalText)
        }
        #expect(grid.canonicalText.contains("patients: 60\n"))
        #expect(grid.canonicalText.contains("sessions.mean: [8, 16]"))
        #expect(grid.canonicalText.contains("distress.rupture_effect.patient: [0, 1.5]"))
    }

    @Test func gridCellsVaryTheFirstFactorSlowest() throws {
        let c = try study("""
        grid:
          patients: [60, 120]
          analysis.criterion: [drop, {preset: drop, threshold: 1.5}, stiles-2sd]
        """)
        #expect(c.cells.count == 6)
        #expect(c.cells.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(c.cells.map { $0.process.design.patients } == [60, 60, 60, 120, 120, 120])
        #expect(c.cells.map { $0.analysis.criterion.label } == ["drop", "drop (threshold 1.5)", "stiles-2sd", "drop", "drop (threshold 1.5)", "stiles-2sd"])
        #expect(c.cells[1].analysis.criterion.criterion.threshold == .points(1.5))
        #expect(c.grid.factors.map(\.values) == [["60", "120"], ["drop", "drop (threshold 1.5)", "stiles-2sd"]])
    }

    @Test func customEstimatorsReadOnlyAnalysisVariables() throws {
        let c = try study("""
        analysis:
          estimators: [lagged-centred, {name: slopes, formula: "distress_next ~ distress_within + rupture + session + (session | patient)"}]
        """)
        #expect(c.analysis.estimators[1].focalTerms == [.rupture])
        #expect(c.analysis.estimators[0] == Estimator.laggedCentred)
    }

    /// DSEM estimators: the built-in `dsem` and a user's `{name, dsem}`; each estimator gets its
    /// fit to the true events unless `oracle: false`.
    @Test func dsemEstimatorsAndOracleFits() throws {
        let c = try study("""
        analysis:
          estimators: [dsem, {name: fixed-ar, dsem: "distress ~ lag(distress) + lag(rupture) + (1 | patient)"}]
        """)
        #expect(c.analysis.estimators[0] == Estimator.dsem && Estimator.dsem.method == .dsem)
        #expect(c.analysis.estimators[1].method == .dsem && c.analysis.estimators[1].focalTerms == [.rupture])
        #expect(c.analysis.fits.map(\.name) == ["dsem", "dsem (oracle)", "fixed-ar", "fixed-ar (oracle)"])
        #expect(c.canonicalText.contains("{name: fixed-ar, dsem: "))
        let without = try study("analysis: {estimators: [dsem], oracle: false}\n")
        #expect(without.analysis.fits.map(\.name) == ["dsem"])
    }

    static let badConfigurations: [(yaml: String, message: String)] = [
        ("distress:\n  autoregression: high\n", "test.yaml:2: field 'distress.autoregression' must be a number strictly between -1 and 1, not 'high'"),
        ("distress:\n  autoregression: 1\n", "test.yaml:2: field 'distress.autoregression' must be a number strictly between -1 and 1, not '1'"),
        ("patients: many\n", "test.yaml:1: field 'patients' must be a whole number from 1 to 1000000, not 'many'"),
        ("patients: 0\n", "test.yaml:1: field 'patients' must be a whole number from 1 to 1000000, not '0'"),
        ("ruptures: {rate: 1.5}\n", "test.yaml:1: field 'ruptures.rate' must be a probability between 0 and 1, not '1.5'"),
        ("distress:\n  autoregresion: 0.3\n", "test.yaml:2: unknown field 'distress.autoregresion' (fields of 'distress': mean, patient_sd, slope, slope_sd, therapist_sd, autoregression, residual_sd, scale, rupture_effect, repair_effect)"),
        ("alliance: 5\n", "test.yaml:1: field 'alliance' must be a mapping of fields, not '5'"),
        ("preset: sud-2026\n", "test.yaml:1: field 'preset': unknown preset 'sud-2026' (presets: sud-2025, default)"),
        ("sessions: {distribution: weekly}\n", "test.yaml:1: field 'sessions.distribution' must be one of fixed, poisson, negative-binomial, uniform, not 'weekly'"),
        ("sessions: {distribution: negative-binomial, mean: 10, sd: 3}\n", "test.yaml:1: field 'sessions.sd' must exceed the square root of the mean (3.1622776601683795) for a negative binomial, whose variance is larger than its mean"),
        ("sessions: {distribution: fixed, mean: 7.5}\n", "test.yaml:1: field 'sessions.mean' must be a whole number between minimum and maximum for a fixed number of sessions, not 7.5"),
        ("analysis: {criterion: steep}\n", "test.yaml:1: field 'analysis.criterion': unknown criterion 'steep' (choose drop, rci, stiles-2sd, strauss-1sd, gumz, sudden-loss)"),
        ("analysis: {criterion: {preset: drop, threshold: -1}}\n", "test.yaml:1: field 'analysis.criterion': must be a positive number, not -1.0"),
        ("analysis: {raters: [client]}\n", "test.yaml:1: field 'analysis.raters' must list patient and/or therapist, not 'client'"),
        ("analysis:\n  estimators:\n    - {name: x, dsem: \"distress ~ lag(distress) + lag(mood) + (1 | patient)\"}\n", "test.yaml:3: field 'analysis.estimators[0].dsem': the formula reads 'mood', which is not a DSEM analysis variable (variables: distress, alliance, rupture, repair, session)"),
        ("analysis:\n  estimators:\n    - {name: x, dsem: \"distress ~ lag(distress) + rupture + (1 | patient)\"}\n", "test.yaml:3: field 'analysis.estimators[0].dsem': the formula must have lag(rupture) or lag(repair) (or both) among its terms"),
        ("analysis: {oracle: maybe}\n", "test.yaml:1: field 'analysis.oracle' must be true or false, not 'maybe'"),
        ("analysis: {estimators: [ols]}\n", "test.yaml:1: field 'analysis.estimators[0]': unknown estimator 'ols' (built in: lagged-observed, lagged-centred, detrended, dsem, mlsem, lagged-ar1; or give {name: ..., formula: ...} or {name: ..., dsem: ...})"),
        ("analysis:\n  estimators:\n    - {name: x, dsem: \"distress ~ lag(distress) + lag(rupture) + (1 | patient)\", residuals: \"ar1(session | patient)\"}\n", "test.yaml:3: field 'analysis.estimators[0].residuals': a residual correlation structure is for an lme4 'formula', not a 'dsem' formula"),
        ("analysis:\n  estimators:\n    - {name: x, formula: \"distress_next ~ mood + rupture + (1 | patient)\"}\n", "test.yaml:3: field 'analysis.estimators[0].formula': the formula reads 'mood', which is not an analysis variable (variables: patient, therapist, session, alliance_patient, alliance_therapist, distress, distress_next, distress_within, distress_mean, distress_detrended, distress_next_detrended, alliance, rupture, repair)"),
        ("analysis:\n  estimators:\n    - {name: x, formula: \"distress_next ~ . + (1 | patient)\"}\n", "test.yaml:3: field 'analysis.estimators[0].formula': '.' (every other column) would take in patient, therapist and every derived variable: name the variables"),
        ("analysis:\n  estimators:\n    - {name: x, formula: \"distress_next ~ distress + (1 | patient)\"}\n", "test.yaml:3: field 'analysis.estimators[0].formula': the formula must have 'rupture' or 'repair' (or both) among its terms"),
        ("grid:\n  patiens: [60, 120]\n", "test.yaml:2: grid factor 'patiens': no such field (vary a field of the configuration, e.g. patients, sessions.mean, distress.rupture_effect.patient, analysis.criterion)"),
        ("grid:\n  patients: [60, x]\n", "test.yaml:2: field 'patients' must be a whole number from 1 to 1000000, not 'x'"),
        ("grid:\n  patients: [60, 60.0]\n", "test.yaml:2: grid factor 'patients': value 2 repeats value 1 (60)"),
        ("grid:\n  sessions: [8, 16]\n", "test.yaml:2: grid factor 'sessions': is a group of fields; vary one of them (sessions.distribution, sessions.mean, sessions.sd, sessions.minimum, ...)"),
        ("grid:\n  analysis.raters: [patient]\n", "test.yaml:2: grid factor 'analysis.raters': lists what a study already shows side by side; it cannot be a grid factor"),
        ("patients: 10\npatients: 20\n", "test.yaml: not valid YAML or JSON: Parser: expected all keys to be unique but found the following duplicated key(s): 'patients'."),
        ("[1, 2]\n", "test.yaml:1: a study configuration must be a mapping of fields, not '[1, 2]'"),
        ("a: [\n", "test.yaml: not valid YAML or JSON: "),
    ]

    @Test(arguments: badConfigurations.indices)
    func badConfigurationGivesOneLineNamingTheField(index: Int) {
        let bad = Self.badConfigurations[index]
        do {
            _ = try study(bad.yaml)
            Issue.record("accepted: \(bad.yaml)")
        } catch let error as DataError {
            #expect(error.description.hasPrefix(bad.message), "\(error.description)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("not a DataError: \(error)")
        }
    }

    @Test func unknownPresetNamesTheOption() {
        #expect(throws: DataError(location: "--preset", message: "unknown preset 'sud' (presets: sud-2025, default)")) {
            try StudyConfiguration.preset(named: "sud")
        }
    }

    @Test func jsonReadsLikeYAML() throws {
        let json = try study(#"{"patients": 30, "grid": {"distress.rupture_effect.patient": [0, 2]}}"#)
        let yaml = try study("patients: 30\ngrid:\n  distress.rupture_effect.patient: [0, 2]\n")
        #expect(json.canonicalText == yaml.canonicalText)
        #expect(json.cells[1].process.distress.ruptureEffect.patient == 2)
    }
}
