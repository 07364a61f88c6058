import DynamicModels
import SessionData
import Tabular
@testable import DSEM

/// Lagged panels and fits for the DSEM tests.
enum Fixtures {
    /// The lagged panel of `table` (columns patient, session and the model's columns).
    static func laggedPanel(_ table: DataTable, variables: [String]) throws -> LaggedPanel {
        let panel = try Panel(file: SessionFile(table: table))
        return try LaggedPanel(panel: panel, variables: variables)
    }

    /// `formula` fitted to `table`.
    static func fit(_ formula: String, to table: DataTable, settings: SamplerSettings = SamplerSettings(),
                    configure: (inout DSEMSpecification) -> Void = { _ in }) throws -> DSEMFit {
        let f = try DSEMFormula(formula)
        let lagged = try laggedPanel(table, variables: f.columns)
        var spec = try DSEMSpecification(formula: f, panel: lagged)
        configure(&spec)
        return try DSEM.fit(lagged, specification: spec, settings: settings)
    }
}
