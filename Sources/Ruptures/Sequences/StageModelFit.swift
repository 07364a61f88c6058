/// How the episodes of a sample fit a stage model: the table a task analysis compares with its
/// rational model (Greenberg's task analysis; Cirasola et al. 2023 for rupture resolution with
/// young people).
///
/// Per stage: the episodes that pass through it (all, resolved, unresolved) and the episodes
/// whose first step back lands on it. Overall, for all, resolved and unresolved episodes: how
/// many follow the model's order, how many are complete, and how many are both.
public struct StageModelFit: Sendable, Equatable {
    public struct StageCount: Sendable, Equatable {
        public let episodes: Int
        public let resolved: Int
        public let unresolved: Int
        /// Episodes whose first deviation steps back to this stage.
        public let deviationsTo: Int
    }

    public struct Share: Sendable, Equatable {
        public let episodes: Int
        public let inOrder: Int
        public let complete: Int
        public let inOrderAndComplete: Int

        init(_ sequences: [StageSequence]) {
            episodes = sequences.count
            inOrder = sequences.filter(\.inOrder).count
            complete = sequences.filter(\.complete).count
            inOrderAndComplete = sequences.filter { $0.inOrder && $0.complete }.count
        }
    }

    public let model: StageModel
    /// One per episode, in the episodes' order.
    public let sequences: [StageSequence]
    /// One per stage of the model.
    public let stageCounts: [StageCount]
    public let all: Share
    public let resolved: Share
    public let unresolved: Share

    public init(model: StageModel, episodes: [CodedEpisode], coded: CodedSessions) {
        let sequences = episodes.enumerated().map { k, episode in
            StageSequence(episode: k, episode, events: coded.sessions[episode.session].events, codebook: coded.codebook, model: model)
        }
        let isResolved = episodes.map(\.resolved)
        stageCounts = model.stages.indices.map { s in
            let with = sequences.filter { $0.stages.contains(s) }
            return StageCount(episodes: with.count,
                              resolved: with.filter { isResolved[$0.episode] }.count,
                              unresolved: with.filter { !isResolved[$0.episode] }.count,
                              deviationsTo: sequences.filter { $0.deviation?.stage == s }.count)
        }
        self.model = model
        self.sequences = sequences
        all = Share(sequences)
        resolved = Share(sequences.filter { isResolved[$0.episode] })
        unresolved = Share(sequences.filter { !isResolved[$0.episode] })
    }
}
