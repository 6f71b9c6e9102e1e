import TestSupport
import Testing

@testable import FormKit

/// Every linter check, with the line and column it reports.
@Suite struct LinterTests {
    /// Lints a form and returns "line:col: severity: english message" lines.
    func lint(_ yaml: String) -> [String] {
        FormLoader.lint(yaml, file: "t.yaml").diagnostics.map {
            "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message.text(.en))"
        }
    }

    func has(
        _ lines: [String], _ prefix: String, _ fragment: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(
            lines.contains { $0.hasPrefix(prefix) && $0.contains(fragment) },
            "expected \(prefix) … \(fragment) in \(lines)", sourceLocation: sourceLocation)
    }

    static let valid = """
        id: demo
        version: "1"
        title: Báo cáo {year}
        parameters:
          year: 2018
        sections:
          - id: general
            title: Chung
            fields:
              - id: total
                type: integer
                label: Tổng
                min: 0
              - id: part
                type: integer
                label: Phần
              - id: kind
                type: choice
                label: Loại
                choices:
                  - id: a
                    label: A
                  - id: b
                    label: B
            rules:
              - id: part_le_total
                assert: part <= total
                message: Phần lớn hơn tổng
        """

    @Test func validFormHasNoDiagnostics() throws {
        let r = FormLoader.lint(Self.valid, file: "t.yaml")
        #expect(r.diagnostics.isEmpty)
        let form = try #require(r.form)
        #expect(form.title.vi == "Báo cáo 2018")
        #expect(form.sections[0].rules[0].condition.references == ["general.part", "general.total"])
    }

    @Test func yamlSyntaxErrorHasItsPlace() {
        let lines = lint("id: demo\nsections:\n  - id: [unclosed\n")
        #expect(lines.count == 1)
        #expect(lines[0].contains("YAML syntax"))
        #expect(lines[0].hasPrefix("4:1:") || lines[0].hasPrefix("3:"))
    }

    @Test func unknownKeyWithDidYouMean() {
        let lines = lint(Self.valid.replacingOccurrences(of: "        min: 0", with: "        minn: 0"))
        has(lines, "13:9: error", "unknown key 'minn'")
        has(lines, "13:9: error", "did you mean 'min'?")
    }

    @Test func duplicateIds() {
        let dupField = Self.valid.replacingOccurrences(of: "- id: part\n", with: "- id: total\n")
        has(lint(dupField), "14:9: error", "duplicate field id 'total'")
        let dupChoice = Self.valid.replacingOccurrences(of: "- id: b\n", with: "- id: a\n")
        has(lint(dupChoice), "23:17: error", "duplicate choice id 'a'")
        let dupSection =
            Self.valid + "\n  - id: general\n    title: Lại\n    fields:\n      - {id: x, type: text, label: X}\n"
        has(lint(dupSection), "29:5: error", "duplicate section id 'general'")
    }

    @Test func unknownTypeWithDidYouMean() {
        let lines = lint(
            Self.valid.replacingOccurrences(
                of: "type: integer\n        label: Tổng", with: "type: interger\n        label: Tổng"))
        has(lines, "11:15: error", "unknown type 'interger'; did you mean 'integer'?")
    }

    @Test func choiceWithoutId() {
        let lines = lint(Self.valid.replacingOccurrences(of: "- id: b\n            label: B", with: "- label: B"))
        has(lines, "23:13: error", "choice without an 'id'")
    }

    @Test func referenceToMissingField() {
        let lines = lint(Self.valid.replacingOccurrences(of: "assert: part <= total", with: "assert: part <= totl"))
        has(lines, "27:25: error", "no field 'totl' here; did you mean 'total'?")
    }

    @Test func referenceOutOfScope() {
        let form =
            Self.valid + """

                  - id: other
                    title: Khác
                    fields:
                      - id: rows
                        type: table
                        label: Bảng
                        columns:
                          - {id: v, type: integer, label: V}
                    rules:
                      - id: bad_scope
                        assert: rows.v > 0
                        message: x
                      - id: bare_name_from_other_section
                        assert: count(rows) <= part
                        message: y
                """
        let lines = lint(form)
        has(lines, "39:17: error", "'rows.v' is a table column: use it inside sum() or in a row rule")
        has(lines, "42:32: error", "no field 'part' here")
        #expect(lines.count == 2)
    }

    @Test func expressionThatDoesNotParse() {
        let lines = lint(Self.valid.replacingOccurrences(of: "assert: part <= total", with: "assert: part <= (total"))
        has(lines, "27:31: error", "the expression does not parse: missing ')'")
    }

    @Test func numberComparedWithString() {
        let lines = lint(Self.valid.replacingOccurrences(of: "assert: part <= total", with: "assert: total = 'many'"))
        has(lines, "27:23: error", "compares a number with a string")
    }

    @Test func choiceLiteralMustExist() {
        let lines = lint(Self.valid.replacingOccurrences(of: "assert: part <= total", with: "assert: kind = 'c'"))
        has(lines, "27:24: error", "'c' is not an option of 'kind'; did you mean 'a'?")
    }

    @Test func parameterUsedButNotDefined() {
        has(
            lint(Self.valid.replacingOccurrences(of: "title: Báo cáo {year}", with: "title: Báo cáo {yaer}")),
            "3:8: error", "parameter '{yaer}' is used but not defined under 'parameters'; did you mean '{year}'?")
        has(
            lint(Self.valid.replacingOccurrences(of: "assert: part <= total", with: "assert: total <= $years")),
            "27:26: error", "parameter '$years' is not defined under 'parameters'; did you mean '$year'?")
    }

    @Test func relevantCycle() {
        let form = Self.valid
            .replacingOccurrences(
                of: "        label: Tổng\n", with: "        label: Tổng\n        relevant: part > 0\n"
            )
            .replacingOccurrences(
                of: "        label: Phần\n", with: "        label: Phần\n        relevant: total > 0\n")
        let lines = lint(form)
        has(lines, "15:9: error", "'relevant' cycle: general.part → general.total → general.part")
    }

    @Test func relevantOnALaterFieldIsAWarning() {
        let form = Self.valid.replacingOccurrences(
            of: "        label: Tổng\n", with: "        label: Tổng\n        relevant: part > 0\n")
        has(lint(form), "10:9: warning", "depends on 'general.part', which is asked after it")
    }

    @Test func everyProblemInOneRun() {
        let form = Self.valid
            .replacingOccurrences(of: "type: integer\n        label: Tổng", with: "type: number\n        label: Tổng")
            .replacingOccurrences(of: "        min: 0", with: "        minimum: 0")
            .replacingOccurrences(of: "assert: part <= total", with: "assert: part <= nothing")
        let errors = lint(form).filter { $0.contains(": error:") }
        #expect(errors.count == 3)
        #expect(FormLoader.lint(form, file: "t.yaml").form == nil)
    }

    @Test func boundsAndTableShape() {
        let form = Self.valid.replacingOccurrences(
            of: "        min: 0", with: "        min: 10\n        max: 5\n        columns: []")
        let lines = lint(form)
        has(lines, "13:14: error", "min (10) is greater than max (5)")
        has(lines, "15:9: error", "'columns' only applies to fields of type table")
    }

    @Test func theBundledFormIsClean() throws {
        let r = FormLoader.lint(contentsOf: repositoryRoot.appendingPathComponent("Forms/ict-annual-report.yaml"))
        #expect(r.diagnostics.map { $0.formatted(.en) } == [])
    }
}

/// The template's parts, headings, notes, units and suggestions in the form file.
@Suite struct TemplateTextLinterTests {
    func lint(_ yaml: String) -> FormLoader.Result { FormLoader.lint(yaml, file: "t.yaml") }

    static let form = """
        id: demo
        version: "1"
        title: Báo cáo
        subtitle: (Kèm theo Công văn số {dispatch})
        parameters:
          dispatch: 12/CV
        parts:
          - {id: content, number: "Mục 3:", title: Nội dung báo cáo}
        sections:
          - id: services
            part: content
            number: "3."
            title: Dịch vụ công
            fields:
              - heading: Tin học hóa
                number: "3.2."
              - id: total
                number: a.
                type: integer
                label: Tổng số thủ tục
                unit: thủ tục
              - note: "Trong đó:"
              - id: storage
                number: "-"
                type: text
                label: Nơi lưu trữ
                suggestions:
                  - label: Thuê ngoài
        """

    @Test func partsHeadingsNotesUnitsAndSuggestionsAreRead() throws {
        let r = lint(Self.form)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics)")
        let form = try #require(r.form)
        let section = try #require(form.section("services"))
        #expect(form.subtitle?.vi == "(Kèm theo Công văn số 12/CV)")
        #expect(section.fields.map(\.id) == ["total", "storage"])  // headings and notes are not questions
        #expect(section.items.count == 4)
        #expect(section.printedHeading(.vi) == "3. Dịch vụ công")
        #expect(section.heading(.vi) == "Mục 3 – 3. Dịch vụ công")
        #expect(section.heading(.en) == "Section 3 – 3. Dịch vụ công")
        #expect(section.partHeading(.vi) == "Mục 3: Nội dung báo cáo")
        #expect(section.text(above: "total")?.line(.vi) == "3.2. Tin học hóa")
        #expect(section.text(above: "storage")?.kind == .note)
        #expect(section.field("total")?.unit?.vi == "thủ tục")
        #expect(section.field("storage")?.suggestions.map(\.vi) == ["Thuê ngoài"])
        #expect(section.field("storage")?.name(.vi) == "Nơi lưu trữ")  // the bullet is not its name
        #expect(section.field("total")?.name(.vi) == "a. Tổng số thủ tục")
    }

    @Test func mistakesAreNamedWithTheirPlace() {
        func errors(_ replace: String, _ with: String) -> [String] {
            let yaml = Self.form.replacingOccurrences(of: replace, with: with)
            #expect(yaml != Self.form, "the replacement must apply")
            return lint(yaml).errors.map { "\($0.location.line): \($0.message.text(.en))" }
        }
        #expect(
            errors("part: content", "part: contnet") == [
                "11: part 'contnet' is not defined under 'parts'; did you mean 'content'?"
            ])
        #expect(
            errors("- note: \"Trong đó:\"", "- note: \"Trong đó:\"\n        heading: X").contains {
                $0.contains("either a 'heading' or a 'note'")
            })
        #expect(
            errors("unit: thủ tục", "unit: thủ tục\n        suggestions: []").contains {
                $0.contains("'suggestions' only applies to fields of type text")
            })
        #expect(
            errors("label: Nơi lưu trữ", "label: Nơi lưu trữ\n        unit: x").contains {
                $0.contains("'unit' only applies to fields of type integer, decimal")
            })
        #expect(
            errors("  - heading: Tin học hóa", "  - heading: ''").contains { $0.contains("a heading needs its text") })
    }
}
