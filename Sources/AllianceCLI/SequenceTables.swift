import Reports
import Ruptures
import SessionData

/// The publication tables of `alliance sequences`: the coded sample and its codes, lag-k
/// transitions (statistics, transitional probabilities, per session), rupture episodes, therapist
/// moves by resolution, the stage model's fit, and the observer session variables.
enum SequenceTables {
    static func all(_ r: SequenceReport) -> [Table] {
        var tables = [sample(r), codes(r), transitions(r), probabilities(r), transitionsBySession(r), episodes(r), moves(r)]
        if let fit = r.stageFit { tables += [stages(r, fit), stageFit(fit), stageSequences(r, fit)] }
        tables.append(sessions(r))
        for k in tables.indices { tables[k].title = "Table \(k + 1). " + tables[k].title }
        return tables
    }

    static func sample(_ r: SequenceReport) -> Table {
        let coded = r.coded
        var t = Table(title: "Coded sessions", name: "coded-sessions", columns: [TableColumn("", alignment: .left), TableColumn("Value")])
        t.csvLayout = .statisticsInRows(observation: nil, keys: [])
        let perSession = Descriptives(coded.sessions.map { Double($0.events.count) })
        t.appendStatistic("Patients, n", key: "patients", [.integer(coded.patientIDs.count)])
        t.appendStatistic("Sessions, n", key: "sessions", [.integer(coded.sessions.count)])
        t.appendStatistic("Events, n", key: "events", [.integer(coded.eventCount)])
        t.appendStatistic("Events per session, M", key: "events_per_session_mean", [number(perSession.mean)])
        t.appendStatistic("Events per session, SD", key: "events_per_session_sd", [number(perSession.standardDeviation)])
        t.appendStatistic("Events per session, range", key: "events_per_session", [PanelDescriptionTables.range(perSession, decimals: 0)])
        t.appendStatistic("Rupture episodes, n", key: "episodes", [.integer(r.episodes.count)])
        t.appendStatistic("Resolved episodes, n", key: "episodes_resolved", [.integer(r.moves.resolvedEpisodes)])
        t.notes = ["Events as coded by the observer (\(coded.source)), codes and categories from \(coded.codebook.source)."]
        return t
    }

    static func codes(_ r: SequenceReport) -> Table {
        let book = r.coded.codebook
        var t = Table(title: "Codes by category", name: "codes", columns: [
            TableColumn("Code", alignment: .left), TableColumn("Label", alignment: .left), TableColumn("Actor", alignment: .left),
            TableColumn("n"), TableColumn("%"),
        ])
        let total = max(1, r.coded.eventCount)
        for (c, category) in book.categories.enumerated() {
            t.appendSection("\(category.name) (\(kindDescription(category.kind)))")
            for (k, code) in book.codes.enumerated() where code.category == c {
                t.append([.text(code.name), code.label.map { .text($0) } ?? .empty, code.actor.map { .text($0.rawValue) } ?? .empty,
                          .integer(r.eventsByCode[k]), .percent(100 * Double(r.eventsByCode[k]) / Double(total), decimals: 1)])
            }
        }
        t.notes = ["% of all coded events. Actor: who the code is for, where the codebook says (facilitating and hindering moves are the therapist's)."]
        return t
    }

    static func kindDescription(_ kind: CategoryKind) -> String {
        switch kind {
        case .withdrawal: return "withdrawal marker"
        case .confrontation: return "confrontation marker"
        case .facilitating: return "facilitating move"
        case .hindering: return "hindering move"
        case .resolution: return "resolution"
        case .other: return "other"
        }
    }

    static func unitWord(_ r: SequenceReport) -> String { r.unit == .code ? "codes" : "categories" }

    static func transitions(_ r: SequenceReport) -> Table {
        var t = Table(title: "Lag-\(r.lag) transitions between \(unitWord(r))", name: "transitions", columns: [
            TableColumn("Given", alignment: .left), TableColumn("Target", alignment: .left), TableColumn("n"),
            TableColumn("Expected"), TableColumn("p(T|G)"), TableColumn("z"), TableColumn("Q"), TableColumn("p"),
        ])
        for cell in r.cells {
            t.append([.text(cell.given), .text(cell.target), .integer(cell.count), number(cell.expected),
                      bounded(cell.transitionalProbability), number(cell.adjustedResidual), bounded(cell.yulesQ),
                      cell.pValue.map { .pValue($0) } ?? .empty])
        }
        t.notes = [
            "N = \(r.pooled.total) lag-\(r.lag) transitions within sessions (none across sessions). n = joint frequency; Expected = x(G)x(T)/N under independence; p(T|G) = transitional probability n/x(G); z = adjusted residual (Allison & Liker, 1982; Bakeman & Quera, 2011); Q = Yule's Q of the 2 x 2 table G vs. not-G by T vs. not-T.",
            permutationNote(r),
            "A dash marks a statistic that is undefined for the cell (a given that never starts a transition, or a margin of 0 or N).",
        ]
        return t
    }

    static func permutationNote(_ r: SequenceReport) -> String {
        guard let test = r.permutation else { return "p: no permutation test was run (--permutations 0)." }
        return "p = two-sided permutation p-value: each session's events shuffled \(grouped(test.permutations)) times (seed \(test.seed)), p = min(1, 2 min(b+1, b'+1)/(m+1)) with b (b') permutations giving a count at least (at most) the observed n."
    }

    static func probabilities(_ r: SequenceReport) -> Table {
        var columns = [TableColumn("Given", alignment: .left), TableColumn("n")]
        columns += r.units.map { TableColumn($0) }
        var t = Table(title: "Transitional probabilities p(target | given), lag \(r.lag)", name: "transitional-probabilities", columns: columns)
        for g in r.units.indices {
            t.append([.text(r.units[g]), .integer(r.pooled.rowTotal(g))]
                     + r.units.indices.map { bounded(r.pooled.transitionalProbability(given: g, target: $0)) })
        }
        t.notes = ["Rows: given \(r.unit.rawValue) and the number of transitions it starts; columns: target. Each row sums to 1."]
        return t
    }

    static func transitionsBySession(_ r: SequenceReport) -> Table {
        var t = Table(title: "Lag-\(r.lag) transitions by session", name: "transitions-by-session", columns: [
            TableColumn("Patient", alignment: .left), TableColumn("Session"), TableColumn("Given", alignment: .left),
            TableColumn("Target", alignment: .left), TableColumn("n"), TableColumn("p(T|G)"),
        ])
        for (s, table) in r.bySession.enumerated() {
            let session = r.coded.sessions[s]
            for g in r.units.indices {
                for target in r.units.indices where table.counts[g][target] > 0 {
                    t.append([.text(r.coded.patientIDs[session.patient]), .integer(session.number), .text(r.units[g]),
                              .text(r.units[target]), .integer(table.counts[g][target]),
                              bounded(table.transitionalProbability(given: g, target: target))])
                }
            }
        }
        t.notes = ["Transitions observed in each session (pairs that do not occur are left out); p(T|G) within the session."]
        return t
    }

    static func episodes(_ r: SequenceReport) -> Table {
        let coded = r.coded
        var t = Table(title: "Rupture episodes", name: "episodes", columns: [
            TableColumn("Patient", alignment: .left), TableColumn("Session"), TableColumn("Episode"),
            TableColumn("Start", alignment: .left), TableColumn("End", alignment: .left), TableColumn("Marker", alignment: .left),
            TableColumn("Markers"), TableColumn("Events"), TableColumn("Resolved", alignment: .left),
            TableColumn("Facilitating"), TableColumn("Hindering"), TableColumn("Therapist moves", alignment: .left),
        ])
        for e in r.episodes {
            let events = coded.sessions[e.session].events
            t.append([.text(r.patient(of: e)), .integer(r.sessionNumber(of: e)), .integer(e.number),
                      .text(coded.orderText(events[e.first])), .text(coded.orderText(events[e.last])), .text(e.markerKind.rawValue),
                      .integer(e.markers), .integer(e.length), .text(e.resolved ? "yes" : "no"),
                      .integer(e.facilitating), .integer(e.hindering),
                      e.therapistMoves.isEmpty ? .empty : .text(e.therapistMoves.map { coded.codebook.codes[$0].name }.joined(separator: " "))])
        }
        t.notes = ["An episode runs from a rupture marker to the first resolution after it (resolved) or to the end of the session (not resolved); markers before the resolution belong to the same episode. Events: coded events from the marker to the episode's end, both included."]
        return t
    }

    static func moves(_ r: SequenceReport) -> Table {
        let m = r.moves
        var t = Table(title: "Therapist moves in resolved and unresolved episodes", name: "moves-by-resolution", columns: [
            TableColumn("Move", alignment: .left), TableColumn("Resolved, n"), TableColumn("Resolved, %"),
            TableColumn("Unresolved, n"), TableColumn("Unresolved, %"), TableColumn("p"),
        ])
        let resolvedMoves = m.facilitatingInResolved + m.hinderingInResolved
        let unresolvedMoves = m.facilitatingInUnresolved + m.hinderingInUnresolved
        func percent(_ x: Int, _ n: Int) -> Cell { n > 0 ? .percent(100 * Double(x) / Double(n), decimals: 1) : .empty }
        t.append([.text("Facilitating"), .integer(m.facilitatingInResolved), percent(m.facilitatingInResolved, resolvedMoves),
                  .integer(m.facilitatingInUnresolved), percent(m.facilitatingInUnresolved, unresolvedMoves),
                  m.test.pValue.map { .pValue($0) } ?? .empty])
        t.append([.text("Hindering"), .integer(m.hinderingInResolved), percent(m.hinderingInResolved, resolvedMoves),
                  .integer(m.hinderingInUnresolved), percent(m.hinderingInUnresolved, unresolvedMoves), .empty])
        t.append([.text("Total"), .integer(resolvedMoves), percent(resolvedMoves, resolvedMoves),
                  .integer(unresolvedMoves), percent(unresolvedMoves, unresolvedMoves), .empty])
        t.notes = [
            "Moves of the therapist within episodes: \(m.resolvedEpisodes) resolved and \(m.unresolvedEpisodes) unresolved episodes; % of the moves in each column.",
            "p = Fisher's exact test, two-sided (as R's fisher.test). Moves within an episode and a dyad are not independent; read p as descriptive.",
        ]
        return t
    }

    static func stages(_ r: SequenceReport, _ fit: StageModelFit) -> Table {
        var t = Table(title: "Episodes compared with the stage model", name: "stage-model", columns: [
            TableColumn("Stage"), TableColumn("Categories", alignment: .left), TableColumn("Episodes, n"), TableColumn("Episodes, %"),
            TableColumn("Resolved, n"), TableColumn("Unresolved, n"), TableColumn("Steps back to it, n"),
        ])
        for (s, count) in fit.stageCounts.enumerated() {
            t.append([.integer(s + 1), .text(fit.model.stages[s].name), .integer(count.episodes),
                      fit.all.episodes > 0 ? .percent(100 * Double(count.episodes) / Double(fit.all.episodes), decimals: 1) : .empty,
                      .integer(count.resolved), .integer(count.unresolved), .integer(count.deviationsTo)])
        }
        t.notes = ["Episodes that pass through each stage of the model (\(fit.all.episodes) episodes: \(fit.resolved.episodes) resolved, \(fit.unresolved.episodes) unresolved). Steps back: episodes whose first departure from the model's order returns to this stage after a later one."]
        return t
    }

    static func stageFit(_ fit: StageModelFit) -> Table {
        var t = Table(title: "Fit of episodes to the stage model", name: "stage-model-fit", columns: [
            TableColumn("Episodes", alignment: .left), TableColumn("n"), TableColumn("In order, n"), TableColumn("In order, %"),
            TableColumn("Complete, n"), TableColumn("Complete, %"), TableColumn("Both, n"), TableColumn("Both, %"),
        ])
        for (label, share) in [("All", fit.all), ("Resolved", fit.resolved), ("Unresolved", fit.unresolved)] {
            func percent(_ x: Int) -> Cell { share.episodes > 0 ? .percent(100 * Double(x) / Double(share.episodes), decimals: 1) : .empty }
            t.append([.text(label), .integer(share.episodes), .integer(share.inOrder), percent(share.inOrder),
                      .integer(share.complete), percent(share.complete), .integer(share.inOrderAndComplete), percent(share.inOrderAndComplete)])
        }
        t.notes = ["In order: the episode's staged events never step back to an earlier stage (stages may repeat or be skipped); complete: it passes through every stage. Events of categories in no stage are ignored."]
        return t
    }

    static func stageSequences(_ r: SequenceReport, _ fit: StageModelFit) -> Table {
        var t = Table(title: "Stage sequence of each episode", name: "stage-sequences", columns: [
            TableColumn("Patient", alignment: .left), TableColumn("Session"), TableColumn("Episode"), TableColumn("Resolved", alignment: .left),
            TableColumn("Stages", alignment: .left), TableColumn("In order", alignment: .left), TableColumn("First step back", alignment: .left),
            TableColumn("Missing stages", alignment: .left),
        ])
        for s in fit.sequences {
            let e = r.episodes[s.episode]
            let deviation: Cell = s.deviation.map { d in
                let event = r.coded.sessions[e.session].events[d.event]
                return .text("\(r.coded.codebook.codes[event.code].name) (stage \(d.stage + 1)) at \(r.coded.orderText(event)), after stage \(d.after + 1)")
            } ?? .empty
            t.append([.text(r.patient(of: e)), .integer(r.sessionNumber(of: e)), .integer(e.number), .text(e.resolved ? "yes" : "no"),
                      .text(s.stages.map { String($0 + 1) }.joined(separator: "-")), .text(s.inOrder ? "yes" : "no"), deviation,
                      s.missing.isEmpty ? .empty : .text(s.missing.map { String($0 + 1) }.joined(separator: ", "))])
        }
        t.notes = ["Stages: " + fit.model.stages.enumerated().map { "\($0.offset + 1) = \($0.element.name)" }.joined(separator: "; ")
                   + ". Stages lists the stage of each staged event in order (1-3-2: stage 1, then 3, then 2)."]
        return t
    }

    static func sessions(_ r: SequenceReport) -> Table {
        var t = Table(title: "Observer-coded session variables", name: "observer-sessions",
                      columns: [TableColumn("Patient", alignment: .left), TableColumn("Session")]
                        + ObserverSessionSummary.variableNames.map { TableColumn($0) })
        for summary in r.sessions {
            let s = r.coded.sessions[summary.session]
            t.append([.text(r.coded.patientIDs[s.patient]), .integer(s.number)] + summary.values.map { .integer($0) })
        }
        t.notes = ["One row per coded session in the long session format (--sessions-out writes it as .csv, .sav or .dta): rupture_observer = 1 when the session has a rupture marker; repair_observer = 1 when one of its episodes was resolved; resolution_seen = 1 when any resolution was coded."]
        return t
    }

    static func number(_ v: Double?) -> Cell { v.map { .number($0, decimals: 2) } ?? .empty }
    static func bounded(_ v: Double?) -> Cell { v.map { .bounded($0, decimals: 2) } ?? .empty }

    /// 9999 -> "9,999".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (k, d) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}
