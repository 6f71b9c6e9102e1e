/// Reads a submission's answers straight from its JSON bytes into `Answers`, without
/// building a tree first: the path every file of a merge or a `validate` takes.
///
/// It knows only the plain case, which is every file the tool wrote: each key a form id,
/// each value what its field expects. At anything else it gives up, and the document is
/// read through `DataTree` and `AnswersDecoder`, which say what is wrong and where. So the
/// answers and the problems are always the decoder's; this only makes the plain case cheap.
/// Built once per form and shared by every file read.
public final class AnswersReader: Sendable {
    final class Entry: Sendable {
        let id: String
        let key: [UInt8]
        let field: Field
        /// For a multiple choice: the same options as a single choice, to read one item.
        let single: Field?
        let columns: [Entry]

        init(_ field: Field) {
            id = field.id
            key = Array(field.id.utf8)
            self.field = field
            single = field.type == .multi_choice ? Field.singleChoice(of: field) : nil
            columns = field.columns.map(Entry.init)
        }
    }

    struct SectionEntry: Sendable {
        let id: String
        let key: [UInt8]
        let fields: [Entry]
    }

    let sections: [SectionEntry]

    public init(form: Form) {
        sections = form.sections.map { SectionEntry(id: $0.id, key: Array($0.id.utf8), fields: $0.fields.map(Entry.init)) }
    }
}

extension JSONTreeParser {
    /// The answers object at the current position, or nil when it is not the plain case
    /// (the position is then left anywhere: the caller goes back and parses the value).
    mutating func readAnswers(_ reader: AnswersReader) -> Answers? {
        var answers = Answers()
        // Sized at once: growing a dictionary rehashes what it holds.
        answers.sections.reserveCapacity(reader.sections.count)
        // A section named twice is left to the decoder, which merges the two.
        var seen = [Bool](repeating: false, count: reader.sections.count)
        let ok = readObject { parser, key in
            guard let s = reader.sections.firstIndex(where: { parser.keyEquals(key, $0.key) }), !seen[s] else { return false }
            seen[s] = true
            let section = reader.sections[s]
            var values = [String: Value](minimumCapacity: section.fields.count)
            parser.skipSpace()
            if parser.peek(UInt8(ascii: "n")) { return (try? parser.literal("null")) != nil }
            let read = parser.readObject { parser, key in
                guard let f = section.fields.first(where: { parser.keyEquals(key, $0.key) }) else { return false }
                return parser.readValue(f) { values[f.id] = $0 }
            }
            guard read else { return false }
            if !values.isEmpty { answers.sections[section.id] = values }
            return true
        }
        return ok ? answers : nil
    }

    private func peek(_ byte: UInt8) -> Bool { i < bytes.count && bytes[i] == byte }

    private func keyEquals(_ key: Range<Int>, _ id: [UInt8]) -> Bool {
        key.count == id.count && bytes[key].elementsEqual(id)
    }

    /// `{ "key": value, … }`, each key (as a byte range; plain keys only) handed to `member`,
    /// which reads its value. False at anything unexpected.
    private mutating func readObject(_ member: (inout JSONTreeParser, Range<Int>) -> Bool) -> Bool {
        skipSpace()
        guard peek(UInt8(ascii: "{")) else { return false }
        i += 1
        skipSpace()
        if peek(UInt8(ascii: "}")) { i += 1; return true }
        while true {
            skipSpace()
            guard peek(UInt8(ascii: "\"")) else { return false }
            let start = i + 1
            var j = start
            while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\"), bytes[j] >= 0x20 { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") else { return false }
            i = j + 1
            skipSpace()
            guard peek(UInt8(ascii: ":")) else { return false }
            i += 1
            guard member(&self, start..<j) else { return false }
            skipSpace()
            if peek(UInt8(ascii: ",")) { i += 1; continue }
            if peek(UInt8(ascii: "}")) { i += 1; return true }
            return false
        }
    }

    /// `[ item, … ]`, each item read by `item`. False at anything unexpected.
    private mutating func readArray(_ item: (inout JSONTreeParser) -> Bool) -> Bool {
        skipSpace()
        guard peek(UInt8(ascii: "[")) else { return false }
        i += 1
        skipSpace()
        if peek(UInt8(ascii: "]")) { i += 1; return true }
        while true {
            guard item(&self) else { return false }
            skipSpace()
            if peek(UInt8(ascii: ",")) { i += 1; continue }
            if peek(UInt8(ascii: "]")) { i += 1; return true }
            return false
        }
    }

    /// One field's value, as `AnswersDecoder.value` would read it when it reports nothing;
    /// `store` gets it unless it is null or blank. False where the decoder would report a
    /// problem, or where the case is not worth a fast path (numbers in text fields).
    private mutating func readValue(_ entry: AnswersReader.Entry, _ store: (Value) -> Void) -> Bool {
        skipSpace()
        guard i < bytes.count else { return false }
        let field = entry.field
        switch bytes[i] {
        case UInt8(ascii: "n"):
            return (try? literal("null")) != nil
        case UInt8(ascii: "\""):
            guard field.type != .table, field.type != .multi_choice, let s = try? parseString() else { return false }
            switch ValueParser.parseTyped(s, for: field) {
            case .success(let v)?: store(v)
            case nil: break
            case .failure?: return false
            }
            return true
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            guard field.type == .boolean else { return false }
            let b = bytes[i] == UInt8(ascii: "t")
            guard (try? literal(b ? "true" : "false")) != nil else { return false }
            store(.bool(b))
            return true
        case UInt8(ascii: "["):
            if field.type == .multi_choice, let single = entry.single {
                var ids: [String] = []
                let ok = readArray { parser in
                    parser.skipSpace()
                    guard parser.peek(UInt8(ascii: "\"")), let s = try? parser.parseString() else { return false }
                    switch ValueParser.parseTyped(s, for: single) {
                    case .success(.text(let id))?: ids.append(id)
                    case .failure?: return false
                    default: break
                    }
                    return true
                }
                guard ok else { return false }
                store(.list(ids))
                return true
            }
            guard field.type == .table else { return false }
            var rows: [Row] = []
            let ok = readArray { parser in
                var row = Row(minimumCapacity: entry.columns.count)
                let read = parser.readObject { parser, key in
                    guard let c = entry.columns.first(where: { parser.keyEquals(key, $0.key) }) else { return false }
                    return parser.readValue(c) { row[c.id] = $0 }
                }
                rows.append(row)
                return read
            }
            guard ok else { return false }
            store(.rows(rows))
            return true
        case UInt8(ascii: "{"):
            return false
        default:
            guard field.type.isNumeric, let n = try? parseNumber() else { return false }
            store(.number(n))
            return true
        }
    }
}
