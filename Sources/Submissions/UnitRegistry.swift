import FormKit
import Foundation

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
        // Groups of a–z and 0–9 joined by single '-': one look at each byte (a unit list of
        // 10,000 units is checked while a merge waits).
        var previous: UInt8 = UInt8(ascii: "-")
        for b in id.utf8 {
            if b == UInt8(ascii: "-") {
                if previous == b { return false }
            } else if !((0x61...0x7A).contains(b) || (0x30...0x39).contains(b)) {
                return false
            }
            previous = b
        }
        return previous != UInt8(ascii: "-")
    }

    /// Loads Forms/units.yaml; every problem is reported with file:line:col.
    public static func load(contentsOf url: URL) throws -> UnitRegistry {
        let text = try InputFile.yamlText(
            url.path, what: L("không mở được danh sách đơn vị", "cannot open the unit list"))
        return try parse(text, file: FormLoader.displayPath(url))
    }

    public static func parse(_ text: String, file: String) throws -> UnitRegistry {
        let reader = YAMLReader(file: file)
        var units: [ReportingUnit] = []
        var seenKeys: [String: Int] = [:]
        var seenIds: Set<String> = []
        for entry in yamlEntries(text, reader) {
            let (id, name) = (entry.id, entry.name)
            if !isValidId(id) {
                reader.error(
                    at: entry.idAt,
                    L(
                        "mã đơn vị '\(id)' phải là chữ thường không dấu, chữ số và '-' (ví dụ cuc-shtt)",
                        "unit id '\(id)' must be lower-case ASCII letters, digits and '-' (e.g. cuc-shtt)"))
            }
            if !seenIds.insert(id).inserted {
                reader.error(at: entry.idAt, L("mã đơn vị '\(id)' bị lặp", "duplicate unit id '\(id)'"))
            }
            let key = name.lowercased()
            if let line = seenKeys[key] {
                reader.error(
                    at: entry.nameAt,
                    L("tên đơn vị '\(name)' trùng với dòng \(line)", "unit name '\(name)' repeats line \(line)"))
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
        guard let root = reader.compose(text),
            let top = reader.mapping(root, what: L("danh sách đơn vị", "the unit list"), allowed: ["units"])
        else { return [] }
        return reader.sequence(top.node("units"), what: L("'units'", "'units'")).compactMap { node in
            guard let m = reader.mapping(node, what: L("đơn vị", "a unit"), allowed: ["id", "name", "short"]),
                let id = m.string("id", required: true), let name = m.string("name", required: true)
            else { return nil }
            return Entry(
                id: id, name: name, short: m.string("short"), idAt: m.location("id"), nameAt: m.location("name"))
        }
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
                total
                    + (nameWords.contains(w)
                        ? 2 : nameWords.contains { editDistance(w, $0) <= max(1, w.count / 4) } ? 1 : 0)
            }
            return (u, score)
        }
        return scored.filter { $0.score > 0 }.sorted { $0.score > $1.score }.prefix(limit).map(\.unit)
    }
}
