import Foundation
import MixedModels
import Ruptures
import SessionData
import Tabular

/// The analysis of Gidhagen, Holmqvist & Falkenström (2025), "Rupture and repair in the working
/// alliance among patients with substance use disorder" (Psychotherapy Research), end to end on
/// one panel of session data:
///
/// 1. the sample (patients, therapists, sessions per patient, missing ratings);
/// 2. descriptives by rater (`RatingDescription` of each rating: mean/SD overall and at the first
///    and last session, ceiling share; `RatingIntraclassCorrelations`) and the patient-therapist
///    alliance correlation within and between patients (`AllianceCorrelation`);
/// 3. ruptures and repairs by rater under the chosen criterion (`RuptureReport`, the JSON of
///    `alliance ruptures`);
/// 4. alliance growth per rater (`GrowthModel`), therapists as `TherapistModelling` decides;
/// 5. lagged models of next-session distress per rater and for both raters (`LaggedModel`), and per
///    rater by the estimators without Nickell's bias, DSEM and ML-SEM (`DynamicLaggedModels`),
///    side by side (`laggedEstimates`);
/// 6. the prevalence and lagged effects under every criterion, with observed and detrended
///    distress (`CriterionSensitivity`);
/// 7. the published findings next to this dataset's (`PublishedFindings`).
///
/// A step that cannot run on these data (one rater, no distress, no therapists) is kept with the
/// reason, as is a model that cannot be fitted; nothing here stops the analysis but bad input
/// (no alliance ratings at all, a criterion that cannot be applied to the data as chosen).
public struct ReplicationAnalysis: Sendable {
    public let panel: Panel
    public let criterion: RuptureCriterion
    public let therapists: TherapistModelling
    public let sample: PanelDescription
    /// The ICCs of each rating (the descriptives are in `sample.ratings`).
    public let iccs: [RatingIntraclassCorrelations]
    /// Nil without both alliance raters.
    public let correlation: AllianceCorrelation?
    public let ruptures: RuptureReport
    /// The model variables with the chosen criterion's indicators.
    public let variables: SessionVariables
    /// Patient-rated, then therapist-rated (with the reason where the rater is missing).
    public let growth: [GrowthModel]
    /// Patient, therapist, both (observed distress).
    public let lagged: [LaggedModel]
    /// Each rater's lagged model (observed distress, chosen criterion) with AR(1) residuals within
    /// patient: a sensitivity row (issue #13).
    public let laggedAutocorrelated: [LaggedModel]
    public let sensitivity: CriterionSensitivity
    public let published: PublishedFindings
    /// How the DSEM and ML-SEM were fitted; nil when they were not (`--no-dynamic`).
    public let dynamic: DynamicModelSettings?
    /// Per rater (patient, therapist), the DSEM and the ML-SEM of step 5; empty when `dynamic` is nil.
    public let dsem: [DSEMLaggedModel]
    public let mlsem: [MLSEMLaggedModel]
    /// The rupture and repair effects of every estimator: the multilevel model of step 5 first,
    /// then the DSEM and the ML-SEM when they ran.
    public var laggedEstimates: [LaggedEstimates]
    /// The model variables under the names of the file's columns.
    public let names: VariableNames

    /// The alliance raters of the study, in the order every table shows them.
    public static let raterNames = ["patient", "therapist"]

    /// The analysis of `panel`; `dynamic` nil leaves out the DSEM and ML-SEM of step 5 (their
    /// sampling and fitting take most of the time).
    public init(panel: Panel, criterion: RuptureCriterion = .drop, therapists choice: TherapistModelling.Choice = .auto,
                dynamic: DynamicModelSettings? = DynamicModelSettings(), progress: AnalysisProgress = .silent) throws {
        let raters = Rater.allianceRaters(in: panel)
        guard !raters.isEmpty else {
            throw DataError(source: panel.source, message: "no alliance ratings: expected a column 'alliance_patient' or 'alliance_therapist' (rename yours with --columns alliance_patient=NAME)")
        }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        self.panel = panel
        // What can fail on bad input (the therapist choice, the criterion on these data) comes
        // first, before any progress is shown.
        let therapists = try TherapistModelling(panel: panel, choice: choice)
        self.therapists = therapists
        ruptures = try RuptureReport(panel: panel, raters: raters, criterion: criterion, sensitivity: true)
        self.criterion = ruptures.criterion

        progress.step("sample and descriptives by rater (variance models for the ICCs)")
        sample = try PanelDescription(panel: panel)
        let base = try SessionVariables(panel: panel)
        iccs = panel.ratingColumns.map { RatingIntraclassCorrelations(panel: panel, rating: $0, therapists: therapists) }
        if let p = panel.column(for: .alliancePatient), let t = panel.column(for: .allianceTherapist) {
            correlation = AllianceCorrelation(patientRated: try panel.values(of: p), therapistRated: try panel.values(of: t), panel: panel)
        } else {
            correlation = nil
        }
        let variables = try base.with(ruptures.results)
        self.variables = variables

        progress.step("growth models of the alliance (\(therapists.reason))")
        growth = Self.raterNames.map { name in
            if let rater = raters.first(where: { $0.name == name }) {
                return GrowthModel.fit(rater: rater, variables: base, therapists: therapists, threads: threads)
            }
            return GrowthModel(rater: name, outcome: .notRun(formula: nil, reason: "the data have no \(name)-rated alliance (column 'alliance_\(name)')"))
        }

        progress.step("lagged models of next-session distress")
        lagged = LaggedModel.Raters.allCases.map {
            LaggedModel.fit(raters: $0, distress: .observed, variables: variables, therapists: therapists, threads: threads)
        }
        laggedAutocorrelated = [LaggedModel.Raters.patient, .therapist].filter { r in raters.contains { $0.name == r.rawValue } }.map {
            LaggedModel.fit(raters: $0, distress: .observed, variables: variables, therapists: therapists, threads: threads,
                            residuals: LaggedModel.autocorrelatedResiduals)
        }

        self.dynamic = dynamic
        if let dynamic {
            let models = DynamicLaggedModels(variables: variables, therapists: therapists, settings: dynamic, progress: progress)
            dsem = models.dsem
            mlsem = models.mlsem
        } else {
            dsem = []
            mlsem = []
        }

        sensitivity = try CriterionSensitivity(panel: panel, raters: raters, analysis: ruptures.sensitivity!,
                                               variables: base, therapists: therapists, progress: progress)
        names = VariableNames(panel: panel)
        let scale = variables.withinPatientDistressSD
        laggedEstimates = [LaggedEstimates.multilevel(lagged, sessionsPerPatient: sample.sessionsPerPatient.mean,
                                                      distress: names["distress"])]
        if let dynamic {
            laggedEstimates += [LaggedEstimates.dsem(dsem, scale: scale, therapists: therapists, names: names),
                                LaggedEstimates.mlsem(mlsem, scale: scale, settings: dynamic, names: names)]
        }
        published = PublishedFindings(ruptures: ruptures, growth: growth, lagged: lagged, estimators: Array(laggedEstimates.dropFirst()),
                                      withinPatientSD: scale)
    }

    /// The lagged model of `raters` (observed distress, chosen criterion).
    public func laggedModel(_ raters: LaggedModel.Raters) -> LaggedModel {
        lagged.first { $0.raters == raters }!
    }

    /// The growth model of `rater`.
    public func growthModel(_ rater: String) -> GrowthModel? {
        growth.first { $0.rater == rater }
    }

    /// The DSEM of `rater` (nil when the DSEM did not run).
    public func dsemModel(_ rater: String) -> DSEMLaggedModel? {
        dsem.first { $0.rater == rater }
    }

    /// The ML-SEM of `rater` (nil when the ML-SEM did not run).
    public func mlsemModel(_ rater: String) -> MLSEMLaggedModel? {
        mlsem.first { $0.rater == rater }
    }
}
