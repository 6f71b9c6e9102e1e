import FormKit
import Foundation
import TestSupport
import Testing

/// The form against the official template, through docs/form-items.md: every item of the form
/// has a row, every row's template text is in the template, and a row that says `=` carries
/// the template's words (see that file for the rules of comparison).
@Suite struct TemplateFidelityTests {
    static let seedName = "004_a7d417410595ea1a.txt"

    /// The template: the project's seed when it is there (and then the copy must not have
    /// drifted from it), otherwise the copy under Tests/Fixtures/seeds.
    static func template() throws -> String {
        let copy = try String(contentsOf: repositoryFile("Tests/Fixtures/seeds/\(seedName)"), encoding: .utf8)
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds/\(seedName)")
        if let original = try? String(contentsOf: shared, encoding: .utf8) {
            #expect(original == copy, "Tests/Fixtures/seeds/\(seedName) differs from ../shared/seeds: copy it again")
            return original
        }
        return copy
    }

    /// As a reader compares: NFC, case folded, without dotted blanks, footnote marks, runs of
    /// spaces or a final ":" / ".".
    static func normalized(_ text: String) -> String {
        var t = text.precomposedStringWithCanonicalMapping
        t = t.replacingOccurrences(of: #"\[footnoteRef:\d+\]"#, with: "", options: .regularExpression)
        t = t.replacingOccurrences(of: #"…+|\.{2,}"#, with: "", options: .regularExpression)
        t = t.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        t = t.folding(options: [.caseInsensitive], locale: nil).trimmingCharacters(in: .whitespaces)
        while let last = t.last, ":. ".contains(last) { t.removeLast() }
        return t
    }

    struct Row {
        var template: String
        var item: String?
        var comparison: String
        var line: Int
    }

    static func rows() throws -> [Row] {
        let text = try String(contentsOf: repositoryFile("docs/form-items.md"), encoding: .utf8)
        var rows: [Row] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix("| "), !line.hasPrefix("| Template"), !line.hasPrefix("|---") else { continue }
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
            guard cells.count == 3 else {
                Issue.record("docs/form-items.md:\(n + 1): a row needs 3 cells, it has \(cells.count)")
                continue
            }
            let item = cells[1] == "—" ? nil : cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            rows.append(Row(template: cells[0], item: item, comparison: cells[2], line: n + 1))
        }
        return rows
    }

    /// Every item of the form by its name in the table, with its text as printed.
    static func items(of form: Form) -> [(name: String, text: String)] {
        var items: [(String, String)] = [("title", form.title.vi)]
        if let subtitle = form.subtitle { items.append(("subtitle", subtitle.vi)) }
        for part in form.parts {
            items.append(("part \(part.id)", [part.number, part.title.vi].compactMap { $0 }.joined(separator: " ")))
        }
        func field(_ f: Field, _ name: String) {
            items.append((name, f.heading(.vi)))
            if let help = f.help { items.append(("\(name) help", help.vi)) }
            for c in f.choices { items.append(("\(name)=\(c.id)", c.label.vi)) }
            for (i, s) in f.suggestions.enumerated() { items.append(("\(name) suggestion \(i + 1)", s.vi)) }
            for c in f.columns { field(c, "\(name)[].\(c.id)") }
        }
        for section in form.sections {
            items.append(("section \(section.id)", section.printedHeading(.vi)))
            var texts = 0
            for item in section.printedItems {
                switch item {
                case .field(let f): field(f, "\(section.id).\(f.id)")
                case .text(let t):
                    texts += 1
                    items.append(("\(section.id) text \(texts)", t.line(.vi)))
                }
            }
        }
        return items
    }

    @Test func everyItemOfTheFormIsTheTemplatesOrSaysWhyNot() throws {
        let template = Self.normalized(try Self.template())
        let rows = try Self.rows()
        let items = Self.items(of: form)
        #expect(rows.count > 100)
        let texts = Dictionary(items, uniquingKeysWith: { a, _ in a })
        for row in rows {
            let place = "docs/form-items.md:\(row.line)"
            if row.template != "—" {
                #expect(
                    template.contains(Self.normalized(row.template)), "\(place): not in the template: \(row.template)")
            }
            guard let item = row.item else {
                #expect(row.comparison.count > 10, "\(place): a template item without a form item needs a reason")
                continue
            }
            guard let text = texts[item] else {
                Issue.record("\(place): the form has no item '\(item)'")
                continue
            }
            if row.comparison == "=" {
                #expect(
                    Self.normalized(text) == Self.normalized(row.template),
                    "\(place): '\(item)' reads \"\(text)\", the template \"\(row.template)\"")
            } else {
                #expect(row.comparison.count > 10, "\(place): '\(item)' differs from the template: say why")
                #expect(
                    Self.normalized(text) != Self.normalized(row.template),
                    "\(place): '\(item)' is the template's text: mark it '='")
            }
        }
        let named = rows.compactMap(\.item)
        for (name, _) in items {
            #expect(named.filter { $0 == name }.count == 1, "docs/form-items.md: '\(name)' needs exactly one row")
        }
    }

    /// The comparison itself: what it ignores and what it does not.
    @Test func theComparisonIgnoresOnlyPrintingDetails() {
        #expect(Self.normalized("MỤC 3: NỘI DUNG BÁO CÁO") == Self.normalized("Mục 3: Nội dung báo cáo"))
        #expect(Self.normalized("3.1. Số cơ quan:……………") == Self.normalized("3.1. Số cơ quan"))
        #expect(Self.normalized("Tổng  số\ncán bộ") == Self.normalized("Tổng số cán bộ"))
        #expect(Self.normalized("Tiến sỹ") != Self.normalized("Tiến sĩ"))
        #expect(Self.normalized("3.2 a) Cách thức") != Self.normalized("a) Cách thức"))
    }

    /// The decisions the template cites and the dispatch are parameters: next year's form
    /// cites next year's decisions without a change anywhere else.
    @Test func citationsComeFromParameters() throws {
        var yaml = try String(contentsOf: repositoryFile("Forms/ict-annual-report.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(
            of: "decision_ict_plan: Quyết định 3768/QĐ-BKHCN ngày 28/12/2017",
            with: "decision_ict_plan: Quyết định 4000/QĐ-BKHCN ngày 30/12/2018")
        yaml = yaml.replacingOccurrences(of: "dispatch_number: \"……\"", with: "dispatch_number: \"1234\"")
        let next = try #require(FormLoader.lint(yaml, file: "next.yaml").form)
        #expect(
            next.field("plan_results", "tasks")?.label.vi.contains("Quyết định 4000/QĐ-BKHCN ngày 30/12/2018") == true)
        #expect(next.subtitle?.vi.hasPrefix("(Kèm theo Công văn số 1234/CV - TTCNTT ngày") == true)
    }
}
