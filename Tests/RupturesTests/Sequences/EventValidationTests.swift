import Testing
import SessionData
import Tabular
@testable import Ruptures

/// Event tables and codebooks: every problem is one line naming the file, line and column.
@Suite struct EventValidationTests {
    static let header = "patient,session,segment,actor,code\n"

    @Test(arguments: [
        ("P1,1,1,patient,W\nP1,1,2,patient,XYZ\n",
         "events.csv:3: column 'code': code 'XYZ' is not in the codebook book.yaml (codes: W, C, AT, EX, F, H, R, N, A, B)"),
        ("P1,1,1,patient,W\nP1,1,3,patient,N\nP1,1,2,patient,R\n",
         "events.csv:4: column 'segment': segment 2 comes after segment 3 (line 3) in session 1 of patient 'P1'; events must be in time order"),
        ("P1,1,1,patient,W\nP1,1,1,patient,N\n",
         "events.csv:3: column 'segment': segment 1 twice in session 1 of patient 'P1' (also at line 2); events must be in time order; one event per segment (add an 'onset' column to order events within a segment)"),
        ("P1,1,1,patient,W\nP1,2,1,patient,\nP1,2,2,therapist,\n",
         "events.csv:3: session 2 of patient 'P1' has no coded events (column 'code' is empty in all its rows); leave sessions that were not coded out of the file"),
        ("P1,1,1,patient,W\nP1,1,2,patient,\n", "events.csv:3: column 'code': missing code"),
        ("P1,1,1,patient,W\nP1,1,2,client,N\n", "events.csv:3: column 'actor': 'client' is not an actor (patient or therapist)"),
        ("P1,1,1,patient,W\nP1,1,2,patient,F\n",
         "events.csv:3: column 'actor': code 'F' is for the therapist in the codebook (a facilitating move is the therapist's), but coded for the patient here"),
        ("P1,1,1,patient,W\nP1,1.5,2,patient,N\n", "events.csv:3: column 'session': session 1.5 is not a whole number"),
        ("P1,1,1,patient,W\nP1,1,2.5,patient,N\n", "events.csv:3: column 'segment': segment 2.5 is not a whole number from 0 up"),
        (",1,1,patient,W\n", "events.csv:2: column 'patient': missing patient identifier"),
    ])
    func badEventsGiveOneLine(rows: String, expected: String) throws {
        #expect(message { try codedSessions(Self.header + rows) } == expected)
    }

    @Test func eventsOfDifferentSessionsMayInterleave() throws {
        // Order is checked within each session only; sessions are sorted by patient and number.
        let coded = try codedSessions(Self.header + "P1,2,5,patient,W\nP1,1,1,patient,N\nP1,2,6,patient,R\nP1,1,2,patient,A\n")
        #expect(coded.sessions.map(\.number) == [1, 2])
        #expect(coded.sessions.map { $0.events.map(\.row) } == [[1, 3], [0, 2]])
    }

    @Test func theFirstProblemInTheFileIsReported() {
        // Session 1's bad actor (line 4) comes after session 2's bad code (line 3).
        #expect(message { try codedSessions(Self.header + "P1,1,1,patient,W\nP1,2,1,patient,XX\nP1,1,2,client,N\n") }?
                    .hasPrefix("events.csv:3: column 'code': code 'XX'") == true)
    }

    @Test func missingColumnsAndOrderKeys() {
        #expect(message { try codedSessions("patient,session,segment,code\nP,1,1,W\n") }
                == "events.csv: missing required column 'actor' (columns: patient, session, segment, code); rename with --columns actor=NAME")
        #expect(message { try codedSessions("patient,session,actor,code\nP,1,patient,W\n") }
                == "events.csv: no order column: expected 'segment' or 'onset' (columns: patient, session, actor, code); rename with --columns segment=NAME or onset=NAME")
        #expect(message { try codedSessions(Self.header) } == "events.csv: file has a header but no data rows")
        var columns = EventColumns()
        #expect(message { try columns.apply(specification: "coed=x") }
                == "--columns: unknown role 'coed' (roles: patient, session, segment, onset, actor, code)")
        // Renamed columns.
        #expect(message { try columns.apply(specification: "code=rrs, segment=seg") } == nil)
        #expect(message { try codedSessions("patient,session,seg,actor,rrs\nP,1,1,patient,W\n", columns: columns) } == nil)
    }

    @Test func onsetTimes() throws {
        // Segment and onset together: segment first, onset within segment.
        let coded = try codedSessions("""
        patient,session,segment,onset,actor,code
        P,1,1,0:30,patient,W
        P,1,1,1:02:03.5,therapist,F
        P,1,2,0:10,patient,R
        """)
        #expect(coded.sessions[0].events.map(\.onset) == [30, 3723.5, 10])
        #expect(coded.orderText(coded.sessions[0].events[1]) == "segment 1, onset 1:02:03.5")
        #expect(message { try codedSessions("patient,session,segment,onset,actor,code\nP,1,1,0:30,patient,W\nP,1,1,0:30,patient,R\n") }
                == "events.csv:3: columns 'segment', 'onset': segment 1, onset 0:30 twice in session 1 of patient 'P' (also at line 2); events must be in time order")
        #expect(message { try codedSessions("patient,session,onset,actor,code\nP,1,0:75,patient,W\n") }
                == "events.csv:2: column 'onset': '0:75' is not an onset time (seconds from the start of the session, m:ss or h:mm:ss)")
        #expect(OnsetTime.seconds("12") == 12 && OnsetTime.seconds("1:00:00") == 3600 && OnsetTime.seconds("2.5") == 2.5)
        #expect(OnsetTime.seconds("1:2:3:4") == nil && OnsetTime.seconds("1.5:00") == nil && OnsetTime.seconds("-3") == nil)
    }

    @Test(arguments: [
        ("codes:\n  W: withdrawl\n",
         "book.yaml:2: code 'W': unknown category 'withdrawl' (built in: withdrawal, confrontation, facilitating, hindering, resolution; declare others under 'categories')"),
        ("categories:\n  attending: helpful\ncodes:\n  W: withdrawal\n",
         "book.yaml:2: category 'attending': unknown kind 'helpful' (kinds: withdrawal, confrontation, facilitating, hindering, resolution, other)"),
        ("codes:\n  W: {category: withdrawal, colour: red}\n",
         "book.yaml:2: unknown key 'colour' in code 'W' (expected category, actor, label)"),
        ("codes:\n  F: {category: facilitating, actor: patient}\n",
         "book.yaml:2: code 'F' is a facilitating move, which is the therapist's, but has actor patient"),
        ("codes:\n  W: withdrawal\nmodel: [withdrawal, exploring]\n",
         "book.yaml:3: stage 'exploring': no category 'exploring' in the codebook (categories: withdrawal)"),
        ("codes:\n  W: withdrawal\n  R: resolution\nmodel: [withdrawal, resolution|withdrawal]\n",
         "book.yaml:4: category 'withdrawal' is in stage 1 and again in stage 2"),
        ("codes:\n  W: withdrawal\nmodel: [withdrawal]\n", "book.yaml:3: a stage model needs at least two stages (it has 1)"),
        ("columns:\n  kode: c\ncodes:\n  W: withdrawal\n",
         "book.yaml:2: unknown role 'kode' under 'columns' (roles: patient, session, segment, onset, actor, code)"),
        ("scales: {}\n", "book.yaml:1: unknown key 'scales' in the codebook (expected columns, categories, codes, model)"),
        ("columns: {}\n", "book.yaml: the codebook has no 'codes' (each code with its category)"),
        ("codes: [\n", "book.yaml: not valid YAML or JSON: 2:1: error: parser: while parsing a flow node"),
    ])
    func badCodebooksGiveOneLine(text: String, expected: String) {
        let got = message { try testCodebook(text) }
        #expect(got?.hasPrefix(expected) == true, "\(got ?? "no error")")
    }

    @Test func codebookReadsKindsActorsAndModels() throws {
        let book = try testCodebook()
        #expect(book.categories.map(\.name) == ["withdrawal", "confrontation", "attending", "exploring", "facilitating", "hindering", "resolution", "neutral"])
        #expect(book.categories.map(\.kind) == [.withdrawal, .confrontation, .facilitating, .facilitating, .facilitating, .hindering, .resolution, .other])
        #expect(book.codes[book.code(named: "AT")!].label == "Attending to the rupture")
        // Facilitating and hindering codes are the therapist's; others have no actor unless given.
        #expect(book.codes[book.code(named: "H")!].actor == .therapist && book.codes[book.code(named: "W")!].actor == nil)
        #expect(book.model?.stages.map(\.name) == ["withdrawal | confrontation", "attending", "exploring", "resolution"])
        // JSON is YAML; a stage may be a list of alternatives.
        let json = try testCodebook(#"{"codes": {"W": "withdrawal", "C": "confrontation", "R": "resolution"}, "model": [["withdrawal", "confrontation"], "resolution"]}"#)
        #expect(json.model?.stages.map(\.categories) == [[0, 1], [2]])
        // --model on the command line.
        let model = try StageModel(specification: "withdrawal|confrontation,resolution", codebook: json)
        #expect(model == json.model)
        #expect(message { try StageModel(specification: "withdrawal,,resolution", codebook: json) } == "--model: stage '' has an empty category name")
    }
}
