import SessionData
import Tabular
import Yams

/// The codebook of an observer coding system: every code with its category, the kind of each
/// category, optionally who a code is for and a stage model. YAML or JSON (JSON is YAML):
///
/// ```yaml
/// columns: {code: rrs_code}        # optional renames, as --columns
/// categories:                      # optional: categories besides the built-in ones, with their kind
///   attending: facilitating
///   exploring: facilitating
///   neutral: other
/// codes:
///   W-DENY: {category: withdrawal, actor: patient, label: "Denial"}
///   C-COMPLAIN: confrontation      # shorthand: code: category
///   T-ATTEND: attending
///   T-DEFEND: hindering
///   P-NEW: resolution
/// model: [withdrawal|confrontation, attending, exploring, resolution]
/// ```
///
/// The built-in categories `withdrawal`, `confrontation`, `facilitating`, `hindering` and
/// `resolution` need no declaration; any other category must be declared under `categories`
/// (so a misspelt `withdrawl` is an error, not a silent new category). Unknown keys are errors
/// naming their line.
public struct EventCodebook: Sendable {
    public struct Code: Sendable, Equatable {
        public let name: String
        /// Index into `categories`.
        public let category: Int
        /// Who the code is for, when the codebook says; events must then match.
        public let actor: Actor?
        public let label: String?
    }

    public struct Category: Sendable, Equatable {
        public let name: String
        public let kind: CategoryKind
    }

    /// The file it was read from.
    public let source: String
    /// Codes in the codebook's order.
    public let codes: [Code]
    /// Categories in the order they first appear among the codes.
    public let categories: [Category]
    public let columns: EventColumns
    /// The stage model given in the codebook, if any.
    public let model: StageModel?
    private let codeIndex: [String: Int]

    /// The index of the code spelt `name`.
    public func code(named name: String) -> Int? { codeIndex[name] }

    /// The index of the category called `name`.
    public func category(named name: String) -> Int? { categories.firstIndex { $0.name == name } }

    public func kind(ofCode code: Int) -> CategoryKind { categories[codes[code].category].kind }

    /// Reads the codebook at `path`.
    public init(path: String) throws {
        try self.init(text: try CodebookNodeReader.text(ofFile: path), source: path)
    }

    /// Reads a codebook from text; `source` names it in messages.
    public init(text: String, source: String) throws {
        let reader = CodebookNodeReader(source: source)
        let top = try reader.mapping(try reader.root(of: text), what: "the codebook",
                                     keys: ["columns", "categories", "codes", "model"])
        self.source = source

        var columns = EventColumns()
        if let node = top["columns"] {
            for (key, value) in try reader.pairs(node, what: "'columns'") {
                guard let role = EventRole(rawValue: key.name) else {
                    throw reader.error(at: key.node, "unknown role '\(key.name)' under 'columns' (roles: \(EventColumns.roleList))")
                }
                columns.rename(role, to: try reader.string(value, what: "the column for '\(key.name)'"))
            }
        }
        self.columns = columns

        // Declared categories, then the built-in ones.
        var declared = [String: CategoryKind]()
        for kind in CategoryKind.builtInCategories { declared[kind.rawValue] = kind }
        if let node = top["categories"] {
            for (key, value) in try reader.pairs(node, what: "'categories'") {
                let kindName = try reader.string(value, what: "the kind of category '\(key.name)'")
                guard let kind = CategoryKind(rawValue: kindName) else {
                    throw reader.error(at: value, "category '\(key.name)': unknown kind '\(kindName)' (kinds: \(CategoryKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if let builtIn = CategoryKind(rawValue: key.name), builtIn != .other, builtIn != kind {
                    throw reader.error(at: key.node, "category '\(key.name)' is built in with kind '\(builtIn.rawValue)', not '\(kindName)'")
                }
                declared[key.name] = kind
            }
        }

        guard let codesNode = top["codes"] else {
            throw DataError(source: source, message: "the codebook has no 'codes' (each code with its category)")
        }
        var codes = [Code]()
        var categories = [Category]()
        var codeIndex = [String: Int]()
        for (key, value) in try reader.pairs(codesNode, what: "'codes'") {
            let categoryNode: Node
            var actor: Actor?
            var label: String?
            if case .scalar = value {
                categoryNode = value
            } else {
                let fields = try reader.mapping(value, what: "code '\(key.name)'", keys: ["category", "actor", "label"])
                guard let c = fields["category"] else { throw reader.error(at: value, "code '\(key.name)' has no 'category'") }
                categoryNode = c
                if let a = fields["actor"] {
                    let text = try reader.string(a, what: "the actor of code '\(key.name)'")
                    guard let parsed = Actor(text: text) else {
                        throw reader.error(at: a, "code '\(key.name)': actor '\(text)' is not patient or therapist")
                    }
                    actor = parsed
                }
                if let l = fields["label"] { label = try reader.string(l, what: "the label of code '\(key.name)'") }
            }
            let categoryName = try reader.string(categoryNode, what: "the category of code '\(key.name)'")
            guard let kind = declared[categoryName] else {
                throw reader.error(at: categoryNode, "code '\(key.name)': unknown category '\(categoryName)' (built in: \(CategoryKind.builtInCategories.map(\.rawValue).joined(separator: ", ")); declare others under 'categories')")
            }
            if kind.isTherapistMove && actor == .patient {
                throw reader.error(at: value, "code '\(key.name)' is a \(kind.rawValue) move, which is the therapist's, but has actor patient")
            }
            guard codeIndex[key.name] == nil else { throw reader.error(at: key.node, "code '\(key.name)' is listed twice") }
            if !categories.contains(where: { $0.name == categoryName }) { categories.append(Category(name: categoryName, kind: kind)) }
            codeIndex[key.name] = codes.count
            codes.append(Code(name: key.name, category: categories.firstIndex { $0.name == categoryName }!,
                              actor: actor ?? (kind.isTherapistMove ? .therapist : nil), label: label))
        }
        guard !codes.isEmpty else { throw reader.error(at: codesNode, "'codes' is empty") }
        self.codes = codes
        self.categories = categories
        self.codeIndex = codeIndex

        if let node = top["model"] {
            let stages: [(text: String, location: String)]
            switch node {
            case .sequence(let items):
                stages = try items.map { item in
                    if case .sequence(let alternatives) = item {
                        return (try alternatives.map { try reader.string($0, what: "a stage of 'model'") }.joined(separator: "|"),
                                reader.location(of: item))
                    }
                    return (try reader.string(item, what: "a stage of 'model'"), reader.location(of: item))
                }
            default:
                throw reader.error(at: node, "'model' must be a list of stages, e.g. [withdrawal|confrontation, attending, resolution]")
            }
            model = try StageModel(stages: stages, categories: categories, location: reader.location(of: node))
        } else {
            model = nil
        }
    }
}
