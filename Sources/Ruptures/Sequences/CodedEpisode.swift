/// One rupture episode in coded events: from a rupture marker to the resolution that closes it,
/// or to the end of the session.
///
/// Within a session, an episode opens at a withdrawal or confrontation marker when none is open;
/// further markers before its resolution belong to the same episode (a rupture often shows
/// several markers); the first resolution event after the opening marker closes it as resolved,
/// and an episode still open at the last event of the session ends there, unresolved. Episodes
/// never cross sessions. A resolution with no open episode closes nothing.
public struct CodedEpisode: Sendable, Equatable {
    /// Index into the coded sessions' `sessions`.
    public let session: Int
    /// 1, 2, ... within the session.
    public let number: Int
    /// Indices into the session's events: the opening marker and the last event (the resolution,
    /// or the session's last event), both included.
    public let first: Int
    public let last: Int
    public let resolved: Bool
    /// The kind of the opening marker (withdrawal or confrontation).
    public let markerKind: CategoryKind
    /// Rupture markers in the episode (the opening one included).
    public let markers: Int
    /// The codes of the therapist's events in the episode, in order (indices into the codebook).
    public let therapistMoves: [Int]
    /// Therapist events of facilitating and of hindering categories.
    public let facilitating: Int
    public let hindering: Int

    /// Segments spanned, first and last included (when the events have segments).
    public let segments: Int?
    /// Seconds from the opening marker's onset to the last event's (when the events have onsets).
    public let seconds: Double?

    /// Events from the opening marker to the last event, both included.
    public var length: Int { last - first + 1 }

    /// The episodes of session `index` of `coded`.
    public static func episodes(inSession index: Int, of coded: CodedSessions) -> [CodedEpisode] {
        let events = coded.sessions[index].events
        let kinds = events.map { coded.codebook.kind(ofCode: $0.code) }
        var episodes = [CodedEpisode]()
        var i = 0
        while i < events.count {
            guard kinds[i].isRuptureMarker else { i += 1; continue }
            let first = i
            var last = events.count - 1
            var resolved = false
            var j = i + 1
            while j < events.count {
                if kinds[j] == .resolution { last = j; resolved = true; break }
                j += 1
            }
            let span = first...last
            let therapist = span.filter { events[$0].actor == .therapist }
            episodes.append(CodedEpisode(
                session: index, number: episodes.count + 1, first: first, last: last, resolved: resolved,
                markerKind: kinds[first], markers: span.filter { kinds[$0].isRuptureMarker }.count,
                therapistMoves: therapist.map { events[$0].code },
                facilitating: therapist.filter { kinds[$0] == .facilitating }.count,
                hindering: therapist.filter { kinds[$0] == .hindering }.count,
                segments: events[last].segment.flatMap { end in events[first].segment.map { end - $0 + 1 } },
                seconds: events[last].onset.flatMap { end in events[first].onset.map { end - $0 } }))
            i = last + 1
        }
        return episodes
    }
}
