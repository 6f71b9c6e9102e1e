import FormKit
import Foundation
import TestSupport
import Testing

/// The `year` type end to end through FormKit's public API, and what every type must have.
@Suite struct FieldTypeTests {
    static let yaml = """
        id: demo
        version: "1"
        title: Năm
        parameters:
          plan_year: 2019
        sections:
          - id: s
            title: Mục
            fields:
              - id: any_year
                type: year
                label: Năm bất kỳ
              - id: planned
                type: year
                label: Năm dự kiến
                min: 2000
                max: "{plan_year}"
              - id: systems
                type: table
                label: Hệ thống
                columns:
                  - id: name
                    type: text
                    label: Tên
                  - id: year
                    type: year
                    label: Năm triển khai
                rules:
                  - id: not_after_plan
                    assert: year <= $plan_year
                    message: Năm sau năm kế hoạch
        """

    let form: Form
    init() throws {
        let r = FormLoader.lint(Self.yaml, file: "t.yaml")
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map { $0.message.text(.en) })")
        form = try #require(r.form)
    }

    var anyYear: Field { form.field("s", "any_year")! }
    var planned: Field { form.field("s", "planned")! }

    func parse(_ text: String, _ field: Field) -> Result<Value, InputProblem>? { ValueParser.parse(text, for: field) }

    // MARK: Parsing what a person types

    @Test func fourDigitsAreAYear() {
        #expect(parse("2019", anyYear) == .success(.number(2019)))
        #expect(parse(" 1995 ", anyYear) == .success(.number(1995)))
        #expect(parse("2019", planned) == .success(.number(2019)))
        #expect(parse("", anyYear) == nil)
    }

    /// "2.019" is how a Vietnamese reader writes two thousand and nineteen as a number, but
    /// a year is never written so: refused, with what to type.
    @Test(arguments: ["2.019", "2,019", "2019,0", "2019.0", "19", "02019", "năm 2019", "2 019", "-2019", "MMXIX"])
    func anythingElseIsRefusedWithAMessageAskingForFourDigits(input: String) throws {
        guard case .failure(let p)? = parse(input, anyYear) else {
            Issue.record("'\(input)' was accepted as a year")
            return
        }
        #expect(p.message.vi.contains("năm phải là số có 4 chữ số"))
        #expect(p.message.vi.contains("2019"))
        #expect(p.message.text(.en).contains("4 digits"))
        #expect(p.candidates.isEmpty)
    }

    @Test func boundsDefaultTo1900Through2100AndFollowMinMax() throws {
        #expect(parse("1900", anyYear) == .success(.number(1900)))
        #expect(parse("2100", anyYear) == .success(.number(2100)))
        guard case .failure(let early)? = parse("1899", anyYear), case .failure(let late)? = parse("2101", anyYear)
        else {
            Issue.record("a year outside 1900–2100 was accepted")
            return
        }
        // The year as written, not grouped as a number is.
        #expect(early.message.vi == "năm 1899 trước năm 1900")
        #expect(late.message.vi == "năm 2101 sau năm 2100")
        guard case .failure(let p)? = parse("2020", planned) else {
            Issue.record("2020 is after max 2019")
            return
        }
        #expect(p.message.vi == "năm 2020 sau năm 2019")
        #expect(p.message.text(.en) == "year 2020 is after 2019")
        if case .success? = parse("1999", planned) { Issue.record("1999 is before min 2000") }
    }

    @Test func checkRefusesWhatIsNotAWholeFourDigitYear() {
        #expect(ValueParser.check(.number(2019), for: anyYear) == nil)
        #expect(ValueParser.check(.number(2019.5), for: anyYear)?.vi.contains("4 chữ số") == true)
        #expect(ValueParser.check(.number(19), for: anyYear)?.vi.contains("4 chữ số") == true)
        #expect(ValueParser.check(.text("2019"), for: anyYear) == L("cần năm", "expected year"))
    }

    @Test func theExampleIsWithinTheBounds() {
        #expect(ValueParser.example(anyYear, .vi) == "2019")
        #expect(ValueParser.example(form.field("s", "planned")!, .en) == "2019")
        var early = anyYear
        early.max = 1999
        #expect(ValueParser.example(early, .vi) == "1999")
    }

    // MARK: Showing it

    @Test func aYearIsShownAsWrittenNeverGrouped() {
        #expect(form.display(.number(2019), of: anyYear, .vi) == "2019")
        #expect(form.display(.number(2019), of: anyYear, .en) == "2019")
        // An integer of the same value is grouped the Vietnamese way: the difference the type makes.
        var count = anyYear
        count.type = .integer
        #expect(form.display(.number(2019), of: count, .vi) == "2.019")
        #expect(FieldType.year.label(.vi) == "năm")
    }

    // MARK: Reading answers files

    func decode(_ json: String) -> (Answers, [DataProblem]) {
        let tree = try! DataTree.parseJSON(Array(json.utf8))
        return AnswersDecoder.decode(tree, form: form)
    }

    @Test func aJSONNumberIsReadAsBeforeTheTypeExisted() {
        let (answers, problems) = decode(#"{"s": {"any_year": 2019, "systems": [{"name": "A", "year": 2010}]}}"#)
        #expect(problems.isEmpty)
        #expect(answers["s", "any_year"] == .number(2019))
        #expect(answers["s", "systems"] == .rows([["name": .text("A"), "year": .number(2010)]]))
        #expect(Validator(form: form).validate(answers).isEmpty)
    }

    @Test func aJSONStringIsReadAsTyped() {
        let (answers, problems) = decode(#"{"s": {"any_year": "2019", "planned": "2.019"}}"#)
        #expect(answers["s", "any_year"] == .number(2019))
        #expect(answers["s", "planned"] == nil)
        #expect(problems.count == 1)
        #expect(problems.first?.path == "answers.s.planned")
        #expect(problems.first?.message.vi.contains("năm phải là số có 4 chữ số") == true)
    }

    @Test func theValidatorChecksAYearFromAFile() {
        let (answers, problems) = decode(#"{"s": {"any_year": 19, "planned": 2030, "systems": [{"year": 2025}]}}"#)
        #expect(problems.isEmpty)
        let issues = Validator(form: form).validate(answers)
        #expect(issues.contains { $0.field == "any_year" && $0.message.vi.contains("4 chữ số") })
        #expect(issues.contains { $0.field == "planned" && $0.message.vi.hasSuffix("năm 2030 sau năm 2019") })
        // In expressions a year is a number.
        #expect(issues.contains { $0.rule == "not_after_plan" && $0.row == 1 })
    }

    @Test func aYearTakesMinMaxAsYearsAndNoChoices() {
        func lint(_ keys: String) -> [String] {
            let yaml = """
                id: demo
                version: "1"
                title: T
                sections:
                  - id: s
                    title: S
                    fields:
                      - id: y
                        type: year
                        label: Y
                \(keys)
                """
            return FormLoader.lint(yaml, file: "t.yaml").diagnostics.map { $0.message.text(.en) }
        }
        #expect(lint("        min: 2000\n        max: 2020").isEmpty)
        #expect(lint("        min: 2.000") == ["a year 'min' must be 4 digits, e.g. 2019"])
        #expect(
            lint("        choices: []").first?.contains("'choices' only applies to fields of type choice, multi_choice")
                == true)
        #expect(lint("        default: 2.019").first?.contains("invalid default") == true)
    }

    // MARK: Every type

    /// The form language's documentation names every type the loader accepts.
    @Test func everyTypeIsDocumented() throws {
        let doc = try String(contentsOf: repositoryFile("docs/form-language.md"), encoding: .utf8)
        for type in FieldType.allCases {
            #expect(
                doc.contains("| `\(type.rawValue)` |"),
                "docs/form-language.md does not document the type '\(type.rawValue)'")
        }
    }

    @Test func everyTypeHasItsOwnLabelAndTakesDefaultOrColumns() {
        let labels = FieldType.allCases.map { $0.label(.vi) }
        #expect(Set(labels).count == labels.count)
        for type in FieldType.allCases {
            #expect(type.keys.contains(.default) != type.keys.contains(.columns), "\(type)")
        }
    }

    @Test func theAnnualReportAsksTheYearASystemWasDeployedAsAYear() throws {
        let table = try #require(TestSupport.form.field("internal", "databases"))
        #expect(table.column("year")?.type == .year)
    }
}
