/// Everything `alliance sequences` reports, and its JSON: the sample of coded events, the lag-k
/// transitions (pooled, with statistics and permutation p-values, and per session), the rupture
/// episodes, therapist moves by resolution, the stage model's fit, and the session aggregates.
public struct SequenceReport: Sendable, Encodable {
    public let coded: CodedSessions
    public let unit: SequenceUnit
    /// The units that occur in the data, in codebook order; the transition tables index into these.
    public let units: [String]
    /// The kind of each unit (of its category, for codes).
    public let unitKinds: [CategoryKind]
    /// Events per code of the codebook (zeros included).
    public let eventsByCode: [Int]
    public let pooled: TransitionTable
    /// One table per coded session, in `coded.sessions` order.
    public let bySession: [TransitionTable]
    /// Nil when no permutations were asked for or there is no transition to test.
    public let permutation: TransitionPermutationTest?
    public let seed: UInt64
    public let cells: [TransitionCell]
    public let episodes: [CodedEpisode]
    public let moves: MovesByResolution
    public let stageFit: StageModelFit?
    public let sessions: [ObserverSessionSummary]

    public var lag: Int { pooled.lag }

    /// Analyses `coded` at lag `lag` (>= 1) between `unit`s, with `permutations` (0 for none)
    /// shuffles from `seed`, comparing episodes with `model` when one is given.
    public init(coded: CodedSessions, unit: SequenceUnit, lag: Int, permutations: Int, seed: UInt64, model: StageModel?) {
        precondition(lag >= 1 && permutations >= 0, "lag >= 1, permutations >= 0")
        self.coded = coded
        self.unit = unit
        self.seed = seed
        var eventsByCode = [Int](repeating: 0, count: coded.codebook.codes.count)
        for session in coded.sessions { for e in session.events { eventsByCode[e.code] += 1 } }
        self.eventsByCode = eventsByCode

        // Units that occur, in codebook order, renumbered 0..<k.
        let allNames = coded.unitNames(unit)
        var occurs = [Bool](repeating: false, count: allNames.count)
        for session in coded.sessions { for u in coded.sequence(of: session, by: unit) { occurs[u] = true } }
        let kept = allNames.indices.filter { occurs[$0] }
        var compact = [Int](repeating: -1, count: allNames.count)
        for (k, u) in kept.enumerated() { compact[u] = k }
        let units = kept.map { allNames[$0] }
        self.units = units
        unitKinds = kept.map { u in
            unit == .category ? coded.codebook.categories[u].kind : coded.codebook.kind(ofCode: u)
        }

        let sequences = coded.sessions.map { coded.sequence(of: $0, by: unit).map { compact[$0] } }
        pooled = TransitionTable(sequences: sequences, unitCount: units.count, lag: lag)
        bySession = sequences.map { TransitionTable(sequences: [$0], unitCount: units.count, lag: lag) }
        permutation = permutations > 0 && pooled.total > 0
            ? TransitionPermutationTest(sequences: sequences, observed: pooled, permutations: permutations, seed: seed) : nil
        cells = TransitionCell.cells(of: pooled, units: units, permutation: permutation)

        let episodes = coded.sessions.indices.flatMap { CodedEpisode.episodes(inSession: $0, of: coded) }
        self.episodes = episodes
        moves = MovesByResolution(episodes: episodes)
        stageFit = model.map { StageModelFit(model: $0, episodes: episodes, coded: coded) }
        sessions = coded.sessions.indices.map { ObserverSessionSummary(session: $0, coded: coded, episodes: episodes) }
    }

    /// The patient identifier of an episode's session.
    public func patient(of episode: CodedEpisode) -> String { coded.patientIDs[coded.sessions[episode.session].patient] }

    /// The session number of an episode's session.
    public func sessionNumber(of episode: CodedEpisode) -> Int { coded.sessions[episode.session].number }

    // MARK: JSON

    enum CodingKeys: String, CodingKey {
        case source, codebook, unit, lag, permutations, seed, sample, units, transitions
        case totalTransitions = "total_transitions", transitionsBySession = "transitions_by_session"
        case episodes, movesByResolution = "moves_by_resolution", stageModel = "stage_model", sessions
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(coded.source, forKey: .source)
        try c.encode(coded.codebook.source, forKey: .codebook)
        try c.encode(unit, forKey: .unit)
        try c.encode(lag, forKey: .lag)
        try c.encode(permutation?.permutations ?? 0, forKey: .permutations)
        try c.encode(seed, forKey: .seed)
        try c.encode(SampleJSON(report: self), forKey: .sample)
        try c.encode(units, forKey: .units)
        try c.encode(cells, forKey: .transitions)
        try c.encode(pooled.total, forKey: .totalTransitions)
        try c.encode(coded.sessions.indices.map { SessionTransitionsJSON(report: self, session: $0) }, forKey: .transitionsBySession)
        try c.encode(episodes.map { EpisodeJSON(report: self, episode: $0) }, forKey: .episodes)
        try c.encode(moves, forKey: .movesByResolution)
        try c.encode(stageFit.map { StageModelJSON(report: self, fit: $0) }, forKey: .stageModel)
        try c.encode(sessions.map { SessionSummaryJSON(report: self, summary: $0) }, forKey: .sessions)
    }
}

private struct SampleJSON: Encodable {
    let report: SequenceReport

    func encode(to encoder: any Encoder) throws {
        let coded = report.coded, book = coded.codebook
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(coded.patientIDs.count, forKey: "patients")
        try c.encode(coded.sessions.count, forKey: "sessions")
        try c.encode(coded.eventCount, forKey: "events")
        var codes = c.nestedUnkeyedContainer(forKey: "codes")
        for (k, code) in book.codes.enumerated() {
            var row = codes.nestedContainer(keyedBy: AnyKey.self)
            try row.encode(code.name, forKey: "code")
            try row.encode(book.categories[code.category].name, forKey: "category")
            try row.encode(book.categories[code.category].kind, forKey: "kind")
            try row.encode(code.label, forKey: "label")
            try row.encode(report.eventsByCode[k], forKey: "events")
        }
    }
}

private struct SessionTransitionsJSON: Encodable {
    let report: SequenceReport
    let session: Int

    func encode(to encoder: any Encoder) throws {
        let s = report.coded.sessions[session], table = report.bySession[session]
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(report.coded.patientIDs[s.patient], forKey: "patient")
        try c.encode(s.number, forKey: "session")
        try c.encode(table.total, forKey: "transitions")
        var cells = c.nestedUnkeyedContainer(forKey: "cells")
        for g in table.counts.indices {
            for t in table.counts.indices where table.counts[g][t] > 0 {
                var row = cells.nestedContainer(keyedBy: AnyKey.self)
                try row.encode(report.units[g], forKey: "given")
                try row.encode(report.units[t], forKey: "target")
                try row.encode(table.counts[g][t], forKey: "count")
                try row.encode(table.transitionalProbability(given: g, target: t), forKey: "transitional_probability")
            }
        }
    }
}

private struct EpisodeJSON: Encodable {
    let report: SequenceReport
    let episode: CodedEpisode

    func encode(to encoder: any Encoder) throws {
        let coded = report.coded, events = coded.sessions[episode.session].events
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(report.patient(of: episode), forKey: "patient")
        try c.encode(report.sessionNumber(of: episode), forKey: "session")
        try c.encode(episode.number, forKey: "episode")
        try c.encode(coded.orderText(events[episode.first]), forKey: "start")
        try c.encode(coded.orderText(events[episode.last]), forKey: "end")
        try c.encode(episode.markerKind, forKey: "marker")
        try c.encode(episode.markers, forKey: "markers")
        try c.encode(episode.length, forKey: "events")
        try c.encode(episode.segments, forKey: "segments")
        try c.encode(episode.seconds, forKey: "seconds")
        try c.encode(episode.resolved, forKey: "resolved")
        try c.encode(episode.therapistMoves.map { coded.codebook.codes[$0].name }, forKey: "therapist_moves")
        try c.encode(episode.facilitating, forKey: "facilitating")
        try c.encode(episode.hindering, forKey: "hindering")
    }
}

private struct StageModelJSON: Encodable {
    let report: SequenceReport
    let fit: StageModelFit

    func encode(to encoder: any Encoder) throws {
        let stages = fit.model.stages
        var c = encoder.container(keyedBy: AnyKey.self)
        var stageRows = c.nestedUnkeyedContainer(forKey: "stages")
        for (s, count) in fit.stageCounts.enumerated() {
            var row = stageRows.nestedContainer(keyedBy: AnyKey.self)
            try row.encode(s + 1, forKey: "stage")
            try row.encode(stages[s].categories.map { report.coded.codebook.categories[$0].name }, forKey: "categories")
            try row.encode(count.episodes, forKey: "episodes")
            try row.encode(count.resolved, forKey: "resolved")
            try row.encode(count.unresolved, forKey: "unresolved")
            try row.encode(count.deviationsTo, forKey: "deviations_to")
        }
        for (key, share) in [("all", fit.all), ("resolved", fit.resolved), ("unresolved", fit.unresolved)] {
            var row = c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey(stringValue: "fit_" + key))
            try row.encode(share.episodes, forKey: "episodes")
            try row.encode(share.inOrder, forKey: "in_order")
            try row.encode(share.complete, forKey: "complete")
            try row.encode(share.inOrderAndComplete, forKey: "in_order_and_complete")
            try row.encode(share.episodes > 0 ? Double(share.inOrder) / Double(share.episodes) : nil, forKey: "share_in_order")
        }
        var episodes = c.nestedUnkeyedContainer(forKey: "episodes")
        for sequence in fit.sequences {
            let episode = report.episodes[sequence.episode]
            var row = episodes.nestedContainer(keyedBy: AnyKey.self)
            try row.encode(report.patient(of: episode), forKey: "patient")
            try row.encode(report.sessionNumber(of: episode), forKey: "session")
            try row.encode(episode.number, forKey: "episode")
            try row.encode(sequence.stages.map { $0 + 1 }, forKey: "stages")
            try row.encode(sequence.inOrder, forKey: "in_order")
            try row.encode(sequence.complete, forKey: "complete")
            try row.encode(sequence.missing.map { $0 + 1 }, forKey: "missing_stages")
            if let d = sequence.deviation {
                var deviation = row.nestedContainer(keyedBy: AnyKey.self, forKey: "deviation")
                let event = report.coded.sessions[episode.session].events[d.event]
                try deviation.encode(report.coded.orderText(event), forKey: "at")
                try deviation.encode(report.coded.codebook.codes[event.code].name, forKey: "code")
                try deviation.encode(d.stage + 1, forKey: "stage")
                try deviation.encode(d.after + 1, forKey: "after_stage")
            } else {
                try row.encodeNil(forKey: "deviation")
            }
        }
    }
}

private struct SessionSummaryJSON: Encodable {
    let report: SequenceReport
    let summary: ObserverSessionSummary

    func encode(to encoder: any Encoder) throws {
        let s = report.coded.sessions[summary.session]
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(report.coded.patientIDs[s.patient], forKey: "patient")
        try c.encode(s.number, forKey: "session")
        for (name, value) in zip(ObserverSessionSummary.variableNames, summary.values) {
            try c.encode(value, forKey: AnyKey(stringValue: name))
        }
    }
}

/// A JSON key spelt at the point of use.
private struct AnyKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    init(stringLiteral value: String) { stringValue = value }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
