import Foundation
import DynamicModels
import SessionData
import Tabular
@testable import SEM

/// The repository's folders, found from this file.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let referenceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")

    /// panelr's WageData (Cornwell & Rupert 1988): 595 persons x 7 years, id and t.
    static func wages() throws -> Panel {
        var columns = ColumnMapping()
        try columns.apply(specification: "patient=id,session=t")
        return try Panel.read(path: repository.appendingPathComponent("datasets/classic/wages.csv").path, columns: columns)
    }
}
