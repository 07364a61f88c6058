import Foundation
import Tabular

/// A rational model of rupture resolution as an ordered list of stages, each one or more
/// categories of the codebook (e.g. marker, attending to the rupture, exploring, resolution).
///
/// Written as categories separated by commas, alternatives within a stage by `|`:
/// `withdrawal|confrontation,attending,exploring,resolution` (on the command line with `--model`)
/// or as a list in the codebook's `model:`. A category belongs to at most one stage; categories in
/// no stage are ignored when an episode is compared with the model.
public struct StageModel: Sendable, Equatable {
    public struct Stage: Sendable, Equatable {
        /// The categories' names joined by " | ".
        public let name: String
        /// Indices into the codebook's categories.
        public let categories: [Int]
    }

    public let stages: [Stage]
    /// The stage of each category of the codebook (nil: in no stage).
    public let stageOfCategory: [Int?]

    /// A model from stages written as `a|b` texts; `location` names where each came from.
    public init(stages texts: [(text: String, location: String)], categories: [EventCodebook.Category], location: String) throws {
        guard texts.count >= 2 else {
            throw DataError(location: location, message: "a stage model needs at least two stages (it has \(texts.count))")
        }
        var stages = [Stage]()
        var stageOfCategory = [Int?](repeating: nil, count: categories.count)
        for (text, place) in texts {
            let names = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var members = [Int]()
            for name in names {
                guard !name.isEmpty else { throw DataError(location: place, message: "stage '\(text)' has an empty category name") }
                guard let c = categories.firstIndex(where: { $0.name == name }) else {
                    throw DataError(location: place, message: "stage '\(text)': no category '\(name)' in the codebook (categories: \(categories.map(\.name).joined(separator: ", ")))")
                }
                if let s = stageOfCategory[c] {
                    throw DataError(location: place, message: "category '\(name)' is in stage \(s + 1) and again in stage \(stages.count + 1)")
                }
                stageOfCategory[c] = stages.count
                members.append(c)
            }
            stages.append(Stage(name: names.joined(separator: " | "), categories: members))
        }
        self.stages = stages
        self.stageOfCategory = stageOfCategory
    }

    /// A model from a `--model` value: stages separated by commas.
    public init(specification: String, codebook: EventCodebook, option: String = "--model") throws {
        let texts = specification.split(separator: ",", omittingEmptySubsequences: false).map { (String($0), option) }
        try self.init(stages: texts, categories: codebook.categories, location: option)
    }
}
