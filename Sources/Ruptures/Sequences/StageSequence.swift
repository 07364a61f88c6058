/// One episode compared with a stage model: the stages its events pass through, in order.
///
/// Events whose category is in no stage are left out. The episode *follows the model's order*
/// when the stages of its remaining events never step back: s_1 <= s_2 <= ... (a stage may
/// repeat, and stages may be skipped). Where it steps back first, `deviation` names the event,
/// its stage and the later stage already reached. Separately, the episode is *complete* when it
/// passes through every stage. (A task analysis's rational model is a sequence; these two checks
/// are our formalization of "follows the model" [I].)
public struct StageSequence: Sendable, Equatable {
    public struct Deviation: Sendable, Equatable {
        /// Index into the session's events.
        public let event: Int
        /// The event's stage (index into the model's stages).
        public let stage: Int
        /// The latest stage reached before it.
        public let after: Int
    }

    /// Index into the report's episodes.
    public let episode: Int
    /// The stage of each staged event, in event order.
    public let stages: [Int]
    public let deviation: Deviation?
    /// Stages the episode never reaches.
    public let missing: [Int]

    public var inOrder: Bool { deviation == nil }
    public var complete: Bool { missing.isEmpty }

    public init(episode index: Int, _ episode: CodedEpisode, events: [CodedSessions.Event], codebook: EventCodebook, model: StageModel) {
        var stages = [Int]()
        var deviation: Deviation?
        for e in episode.first...episode.last {
            guard let stage = model.stageOfCategory[codebook.codes[events[e].code].category] else { continue }
            if deviation == nil, let reached = stages.max(), stage < reached {
                deviation = Deviation(event: e, stage: stage, after: reached)
            }
            stages.append(stage)
        }
        self.episode = index
        self.stages = stages
        self.deviation = deviation
        self.missing = model.stages.indices.filter { !stages.contains($0) }
    }
}
