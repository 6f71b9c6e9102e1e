import FormKit
import Foundation
import Submissions
import TestSupport
import Testing

@testable import CampaignStore
@testable import WebServer

/// The pages' HTML, rendered without a server: escaping, labels and problems tied to their
/// inputs, what a posted section reads as, and the desk's forms.
@Suite struct PagesRenderingTests {
    let form = TestSupport.form
    let validator = Validator(form: TestSupport.form)
    let vi = PageContext(language: .vi, path: "/u/T/s/general")
    static let attacks = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]

    func page(_ section: String, _ answers: Answers, rejected: [String: SectionInput.Rejected] = [:]) -> String {
        var p = SectionPage(
            form: form, section: form.section(section)!, validator: validator, answers: answers,
            issues: validator.validate(answers), base: "/u/T", draftURL: "/u/T/s/\(section)")
        p.rejected = rejected
        return p.content(vi).text
    }

    /// Every id="…" in a page.
    func ids(_ html: String) -> Set<String> {
        Set(html.matches(of: /\sid="([^"]+)"/).map { String($0.1) })
    }

    @Test func escapeTurnsMarkupIntoText() {
        #expect(escapeHTML("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(escapeHTML("\"><img src=x onerror=alert(1)>") == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        #expect(escapeHTML("a & b 'c'") == "a &amp; b &#39;c&#39;")
        #expect(escapeHTML("Trung tâm CNTT") == "Trung tâm CNTT")
        #expect(escapeHTML("x\u{0}y\u{1B}z\n") == "x\u{FFFD}y\u{FFFD}z\n")
    }

    @Test func interpolatedTextIsEscapedAndMarkupIsNot() {
        let inner: HTML = "<b>\("<i>")</b>"
        let outer: HTML = "<p title=\"\("\"x\"")\">\(inner)</p>"
        #expect(outer.text == "<p title=\"&quot;x&quot;\"><b>&lt;i&gt;</b></p>")
    }

    @Test func answersShowAsTextEverywhere() throws {
        for attack in Self.attacks {
            var answers = Answers()
            answers["general", "agency_name"] = .text(attack)
            answers["general", "address"] = .text(attack)
            answers["internal", "databases"] = .rows([["name": .text(attack), "status": .text(attack)]])
            let pages = [page("general", answers), page("internal", answers)]
            let rejected = page(
                "general", Answers(), rejected: ["a.staff_total": .init(text: attack, problem: L(attack, attack))])
            let review = ReportView(form: form, answers: answers, validator: validator).render(vi).text
            for html in pages + [rejected, review] {
                #expect(!html.contains(attack))
                #expect(html.contains(escapeHTML(attack)))
            }
        }
    }

    /// The pages' own markup is never escaped into text (the "%" after a percentage was shown as
    /// `<span class="unit">%</span>`): every section with a whole report's answers, in both
    /// languages, holds no escaped tag.
    @Test func thePagesOwnMarkupIsNeverShownAsText() throws {
        for section in form.sections {
            for language in [Language.vi, .en] {
                var p = SectionPage(
                    form: form, section: section, validator: validator, answers: example.answers,
                    issues: validator.validate(example.answers), base: "/u/T", draftURL: "/u/T/s/\(section.id)")
                p.rejected = [:]
                let html = p.content(PageContext(language: language, path: "/u/T/s/\(section.id)")).text
                let escaped = html.firstMatch(of: /&lt;\/?[a-z]+[ &]/).map { String(html[$0.range]) }
                #expect(escaped == nil, "\(section.id) \(language)")
            }
        }
    }

    @Test func everyInputHasALabelAndItsProblemsAreLinked() throws {
        var answers = Answers()
        answers["general", "staff_total"] = .number(-3)
        answers["internal", "databases"] = .rows([["name": .text("CSDL"), "year": .number(1800)]])
        for section in form.sections {
            let html = page(section.id, answers)
            let present = ids(html)
            for input in html.matches(of: /<(?:input|textarea)\b([^>]*)>/) {
                let attrs = String(input.1)
                if attrs.contains("type=\"hidden\"") { continue }
                let id = try #require(attrs.firstMatch(of: /\sid="([^"]+)"/)).1
                #expect(html.contains("for=\"\(id)\""), "no label for \(id) in \(section.id)")
                if let described = attrs.firstMatch(of: /aria-describedby="([^"]+)"/) {
                    for target in described.1.split(separator: " ") {
                        #expect(present.contains(String(target)), "\(id) names a missing \(target)")
                    }
                }
            }
            // Each problem of the section has its place on the page.
            for issue in validator.validate(answers) where issue.section == section.id {
                #expect(present.contains(FormNames.issueTarget(issue)), "\(issue.key)")
            }
        }
        let general = page("general", answers)
        #expect(general.contains("aria-invalid=\"true\""))
        #expect(general.contains("class=\"issue error\""))
    }

    @Test func templateOrderWithHeadingsAndNotes() throws {
        let section = try #require(
            form.sections.first { s in s.items.contains { if case .text = $0 { true } else { false } } })
        let html = page(section.id, Answers())
        var at = html.startIndex
        for item in section.printedItems {
            let needle: String =
                switch item {
                case .text(let t): escapeHTML(t.line(.vi))
                case .field(let f): "data-field=\"\(f.id)\""
                }
            let found = try #require(html.range(of: needle, range: at..<html.endIndex), "\(needle) out of order")
            at = found.upperBound
        }
    }

    @Test func postedSectionReadsLikeTheTerminal() throws {
        let general = try #require(form.section("general"))
        var before = Answers()
        before["general", "subunit_count"] = .number(4)
        let read = SectionInput.read(
            [
                "a.agency_name": ["  Cục Sở hữu trí tuệ "], "a.staff_total": ["1.234"], "a.subunit_count": ["bốn"],
                "a.email": ["vanthu@most.gov.vn"]
            ], section: general, over: before)
        #expect(read.answers["general", "agency_name"] == .text("Cục Sở hữu trí tuệ"))
        #expect(read.answers["general", "staff_total"] == .number(1234))
        // Not readable: the earlier answer stays, what was typed is shown back with why.
        #expect(read.answers["general", "subunit_count"] == .number(4))
        #expect(read.rejected["a.subunit_count"]?.text == "bốn")
        #expect(read.rejected["a.subunit_count"]?.problem.vi.contains("không phải là số") == true)
        // Not posted: unanswered.
        #expect(read.answers["general", "address"] == nil)
    }

    @Test func tableRowsAreReadDeletedAndBlankOnesDropped() throws {
        let section = try #require(form.section("internal"))
        let rows: [String: [String]] = [
            "row.databases": ["1", "2", "3"],
            "a.databases.1.name": ["A"], "a.databases.1.status": ["deployed"], "a.databases.1.year": ["2015"],
            "a.databases.2.name": [""],
            "a.databases.3.name": ["C"], "a.databases.3.year": ["20x5"]
        ]
        let old = Answers(["internal": ["databases": .rows([[:], [:], ["name": .text("C"), "year": .number(2010)]])]])
        let read = SectionInput.read(rows, section: section, over: old)
        let table = try #require(read.answers["internal", "databases"]?.rows)
        #expect(table.count == 2)
        #expect(table[0] == ["name": .text("A"), "status": .text("deployed"), "year": .number(2015)])
        #expect(table[1] == ["name": .text("C"), "year": .number(2010)])
        #expect(read.rejected.keys.sorted() == ["a.databases.3.year"])
        let deleted = SectionInput.read(rows, section: section, over: old, deleteRow: ("databases", 1))
        #expect(deleted.answers["internal", "databases"]?.rows?.map { $0["name"] } == [.text("C")])
    }

    @Test func choicesAreReadByIdInTheFormsOrder() throws {
        let section = try #require(form.sections.first { $0.fields.contains { $0.type == .multi_choice } })
        let field = try #require(section.fields.first { $0.type == .multi_choice })
        let ids = field.choices.map(\.id)
        let read = SectionInput.read(
            [FormNames.input(field.id): [ids[1], ids[0], ids[1]]], section: section, over: Answers())
        #expect(read.answers[section.id, field.id] == .list([ids[0], ids[1]]))
    }

    @Test func storedNumbersReadBackTheSame() throws {
        let f = try #require(form.field("general", "staff_total"))
        var decimal = f
        decimal.type = .decimal
        for n in [0, 7, 1234, 1_234_567, 12.5, 1.234, 0.125, 1234.5] {
            let field = n.rounded() == n ? f : decimal
            let text = editableText(.number(n), field)
            #expect(try ValueParser.parseTyped(text, for: field)?.get() == .number(n), "\(n) shown as \(text)")
        }
        #expect(editableText(.text("2018-10-31"), Field.date) == "31/10/2018")
    }

    @Test func reviewListsWarningsToConfirmAndEscapesExplanations() throws {
        var answers = Answers()
        answers["general", "staff_total"] = .number(10)
        answers["general", "staff_permanent"] = .number(2)
        answers["general", "staff_contract"] = .number(3)
        let issues = validator.validate(answers)
        let warning = try #require(issues.first { $0.severity == .warning })
        let unit = ReportingUnit(id: "u1", name: "Vụ <Kế hoạch>", shortName: "KH")
        let status = UnitStatus(
            unit: unit, state: .returned, revision: 1, errors: 0, warnings: 1, comment: Self.attacks[0],
            changedAt: nil)
        let pages = UnitPages(form: form, unit: unit, status: status, base: "/u/T")
        let html = pages.review(
            issues: issues, explanations: [warning.key: Self.attacks[1]], unconfirmed: [warning.key], vi)
        #expect(html.contains("name=\"confirm\" value=\"\(escapeHTML(warning.key))\""))
        #expect(html.contains("unconfirmed"))
        for attack in Self.attacks + ["Vụ <Kế hoạch>"] {
            #expect(!html.contains(attack))
            #expect(html.contains(escapeHTML(attack)))
        }
        // No inline script, only the files the Content-Security-Policy allows.
        #expect(!html.contains("<script>"))
        #expect(!html.contains("onclick"))
    }

    @Test func everyDeskFormThatPostsCarriesTheToken() throws {
        let c = PageContext(language: .en, path: "/desk", csrfToken: "tok\"en")
        let unit = ReportingUnit(id: "u1", name: Self.attacks[0], shortName: "X")
        let status = UnitStatus(
            unit: unit, state: .submitted, revision: 2, errors: 1, warnings: 0, comment: nil, changedAt: nil)
        let submission = UnitSubmission(
            status: status,
            submission: Submission(
                form: form, unitId: "u1", unitName: unit.name, status: .final, revision: 2,
                answers: Answers(["general": ["agency_name": .text(Self.attacks[1])]]),
                explanations: ["x": Self.attacks[1]]),
            isDraft: false, issues: validator.validate(Answers()))
        let desk = DeskPages(form: form, coordinator: "an<b>")
        let row = UnitRow(
            status: status, cells: form.sections.map { _ in SectionCell(state: "submitted", errors: 1, warnings: 0) })
        let pages = [
            desk.unit(status, submission: submission, validator: validator, c), desk.matrix([row], c),
            desk.log([], c), DeskPages(form: form, coordinator: nil).login(c)
        ]
        for html in pages {
            let forms = html.matches(of: /<form method="post"[^>]*>\s*(<[^>]*>)/)
            for f in forms {
                #expect(f.1 == "<input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">")
            }
            for attack in Self.attacks { #expect(!html.contains(attack)) }
            #expect(html.contains("lang=\"en\""))
        }
        #expect(pages[0].contains("name=\"comment\""))
        #expect(pages[0].contains("name=\"force\""))
        #expect(pages[1].contains("/desk/units/u1"))
    }
}

extension Field {
    /// A date question, for the display of dates.
    fileprivate static var date: Field {
        var f = TestSupport.form.field("general", "agency_name")!
        f.type = .date
        return f
    }
}
