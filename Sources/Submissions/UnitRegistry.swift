import Foundation
import FormKit

/// A reporting unit of the ministry.
public struct ReportingUnit: Sendable, Hashable {
    /// Stable ASCII slug, used in file names and by outside tools.
    public var id: String
    /// The official name.
    public var name: String
    public var shortName: String

    public init(id: String, name: String, shortName: String) {
        self.id = id
        self.name = name
        self.shortName = shortName
    }
}

/// The units expected to report, in the registry's order (the order of every workbook).
public struct UnitRegistry: Sendable {
    public var units: [ReportingUnit] { didSet { index = UnitRegistry.index(units) } }
    /// Position of each unit id in `units`: registries of whole provinces hold thousands.
    private var index: [String: Int]

    public init(units: [ReportingUnit]) {
        self.units = units
        index = UnitRegistry.index(units)
    }

    private static func index(_ units: [ReportingUnit]) -> [String: Int] {
        Dictionary(units.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    public func unit(_ id: String) -> ReportingUnit? { position(id).map { units[$0] } }

    /// Where the unit stands in the registry's order.
    public func position(_ id: String) -> Int? { index[id] }

    /// A unit id: lower-case ASCII letters and digits in groups joined by single '-'.
    static func isValidId(_ id: String) -> Bool {
        let groups = id.split(separator: "-", omittingEmptySubsequences: false)
        return groups.allSatisfy { g in !g.isEmpty && g.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) } }
    }

    /// Loads Forms/units.yaml; every problem is reported with file:line:col.
    public static func load(contentsOf url: URL) throws -> UnitRegistry {
        let name = FormLoader.displayPath(url)
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticsError([Diagnostic(.error, SourceLocation(file: name, line: 1, column: 1),
                                               L("không mở được danh sách đơn vị; kiểm tra đường dẫn", "cannot open the unit list; check the path"))])
        }
        return try parse(text, file: name)
    }

    public static func parse(_ text: String, file: String) throws -> UnitRegistry {
        let reader = YAMLReader(file: file)
        var units: [ReportingUnit] = []
        var seenKeys: [String: Int] = [:]
        var seenIds: Set<String> = []
        for entry in plainEntries(text, file: file) ?? yamlEntries(text, reader) {
            let (id, name) = (entry.id, entry.name)
            if !isValidId(id) {
                reader.error(at: entry.idAt, L("mã đơn vị '\(id)' phải là chữ thường không dấu, chữ số và '-' (ví dụ cuc-shtt)",
                                               "unit id '\(id)' must be lower-case ASCII letters, digits and '-' (e.g. cuc-shtt)"))
            }
            if !seenIds.insert(id).inserted {
                reader.error(at: entry.idAt, L("mã đơn vị '\(id)' bị lặp", "duplicate unit id '\(id)'"))
            }
            let key = name.lowercased()
            if let line = seenKeys[key] {
                reader.error(at: entry.nameAt, L("tên đơn vị '\(name)' trùng với dòng \(line)", "unit name '\(name)' repeats line \(line)"))
            }
            seenKeys[key] = entry.nameAt.line
            units.append(ReportingUnit(id: id, name: name, shortName: entry.short ?? name))
        }
        if reader.hasErrors { throw DiagnosticsError(reader.diagnostics) }
        return UnitRegistry(units: units)
    }

    /// One unit as the list gives it, with where its id and name are written.
    struct Entry {
        var id: String
        var name: String
        var short: String?
        var idAt: SourceLocation
        var nameAt: SourceLocation
    }

    /// The units through the YAML reader, its problems reported to it.
    static func yamlEntries(_ text: String, _ reader: YAMLReader) -> [Entry] {
        guard let root = reader.compose(text), let top = reader.mapping(root, what: L("danh sách đơn vị", "the unit list"), allowed: ["units"]) else { return [] }
        return reader.sequence(top.node("units"), what: L("'units'", "'units'")).compactMap { node in
            guard let m = reader.mapping(node, what: L("đơn vị", "a unit"), allowed: ["id", "name", "short"]),
                  let id = m.string("id", required: true), let name = m.string("name", required: true) else { return nil }
            return Entry(id: id, name: name, short: m.string("short"), idAt: m.location("id"), nameAt: m.location("name"))
        }
    }

    /// The units of a list written the usual way — `units:`, then one `- {id: …, name: "…",
    /// short: "…"}` a line, comments and blank lines — read line by line; nil for anything
    /// else, which the YAML reader then reads and reports on. A list of thousands of units
    /// took the YAML reader a fifth of a second, while a merge waits for it.
    static func plainEntries(_ text: String, file: String) -> [Entry]? {
        var entries: [Entry] = []
        var sawUnits = false
        var indent: Int?
        var number = 0
        for line in text.utf8.split(separator: 10, omittingEmptySubsequences: false) {
            number += 1
            let bytes = Array(line)
            var i = 0
            while i < bytes.count, bytes[i] == 32 { i += 1 }
            if i == bytes.count || bytes[i] == UInt8(ascii: "#") { continue }
            if !sawUnits {
                guard i == 0, bytes.starts(with: Array("units:".utf8)), isEnd(bytes, from: 6) else { return nil }
                sawUnits = true
                continue
            }
            guard indent == nil || indent == i else { return nil }
            indent = i
            guard let entry = plainEntry(bytes, from: i, line: number, file: file) else { return nil }
            entries.append(entry)
        }
        return sawUnits && !entries.isEmpty ? entries : nil
    }

    /// Only spaces, then the end or a comment.
    private static func isEnd(_ bytes: [UInt8], from start: Int) -> Bool {
        var i = start
        while i < bytes.count, bytes[i] == 32 { i += 1 }
        return i == bytes.count || (i > start && bytes[i] == UInt8(ascii: "#"))
    }

    /// `- {key: value, …}` from `start`: keys id, name and short, each once; values plain
    /// words or double-quoted text without escapes.
    private static func plainEntry(_ b: [UInt8], from start: Int, line: Int, file: String) -> Entry? {
        var i = start + 1
        func skipSpaces() { while i < b.count, b[i] == 32 { i += 1 } }
        guard b[start] == UInt8(ascii: "-"), i < b.count, b[i] == 32 else { return nil }
        skipSpaces()
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var values: [String: (text: String, column: Int)] = [:]
        while true {
            skipSpaces()
            let keyStart = i
            while i < b.count, (0x61...0x7A).contains(b[i]) { i += 1 }
            let key = String(decoding: b[keyStart..<i], as: UTF8.self)
            guard ["id", "name", "short"].contains(key), values[key] == nil, i + 1 < b.count, b[i] == UInt8(ascii: ":"), b[i + 1] == 32 else { return nil }
            i += 2
            skipSpaces()
            // Columns count characters, as the YAML reader's do: the bytes that start one.
            let column = b[..<i].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            var value: [UInt8]
            if i < b.count, b[i] == UInt8(ascii: "\"") {
                guard let close = b[(i + 1)...].firstIndex(of: UInt8(ascii: "\"")), !b[(i + 1)..<close].contains(UInt8(ascii: "\\")) else { return nil }
                value = Array(b[(i + 1)..<close])
                i = close + 1
            } else {
                // A plain word: starts with a letter or digit, holds no flow or quote marks.
                guard i < b.count, b[i] >= 0x80 || (0x30...0x39).contains(b[i]) || (0x41...0x5A).contains(b[i]) || (0x61...0x7A).contains(b[i]) else { return nil }
                let valueStart = i
                while i < b.count, !",{}[]\"'#:\t".utf8.contains(b[i]), b[i] >= 0x20 { i += 1 }
                value = Array(b[valueStart..<i])
                while value.last == 32 { value.removeLast() }
            }
            guard let text = String(validating: value, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return nil }
            values[key] = (text.nfc, column)
            skipSpaces()
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            guard b[i] == UInt8(ascii: "}"), isEnd(b, from: i + 1) || i + 1 == b.count else { return nil }
            break
        }
        guard let id = values["id"], let name = values["name"] else { return nil }
        return Entry(id: id.text, name: name.text, short: values["short"]?.text,
                     idAt: SourceLocation(file: file, line: line, column: id.column),
                     nameAt: SourceLocation(file: file, line: line, column: name.column))
    }

    /// Units matching what a person typed: an id, or a name or short name typed loosely
    /// (case, diacritics and extra spaces ignored; every word typed must appear).
    public func match(_ query: String) -> [ReportingUnit] {
        if let u = unit(query.trimmingCharacters(in: .whitespaces).lowercased()) { return [u] }
        let key = query.matchKey
        guard !key.isEmpty else { return [] }
        let exact = units.filter { $0.name.matchKey == key || $0.shortName.matchKey == key }
        if !exact.isEmpty { return exact }
        let words = key.split(separator: " ")
        return units.filter { u in
            let hay = u.name.matchKey + " " + u.shortName.matchKey
            return words.allSatisfy { hay.contains($0) }
        }
    }

    /// The names closest to a query that matched nothing, for "did you mean": the units
    /// sharing the most words with it, a word counting when it is spelt nearly the same.
    public func suggestions(_ query: String, limit: Int = 3) -> [ReportingUnit] {
        let words = query.matchKey.split(separator: " ").map(String.init)
        let scored = units.map { u -> (unit: ReportingUnit, score: Int) in
            let nameWords = (u.name.matchKey + " " + u.shortName.matchKey).split(separator: " ").map(String.init)
            // A word spelt right counts twice a word spelt nearly right.
            let score = words.reduce(0) { total, w in
                total + (nameWords.contains(w) ? 2 : nameWords.contains { editDistance(w, $0) <= max(1, w.count / 4) } ? 1 : 0)
            }
            return (u, score)
        }
        return scored.filter { $0.score > 0 }.sorted { $0.score > $1.score }.prefix(limit).map(\.unit)
    }
}
