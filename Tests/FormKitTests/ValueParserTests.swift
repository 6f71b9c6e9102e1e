import Foundation
import TestSupport
import Testing

@testable import FormKit

@Suite struct ValueParserTests {
    func field(_ type: FieldType, min: Double? = nil, max: Double? = nil, choices: [String] = []) -> Field {
        Field(
            id: "f", number: nil, type: type, label: LocalizedText("F"), help: nil, required: false, requiredWhen: nil,
            relevant: nil,
            min: min, max: max, minDate: nil, maxDate: nil, defaultValue: nil,
            choices: choices.map {
                Choice(
                    id: $0, label: LocalizedText($0 == "internet" ? "Qua Internet" : "Thành phần " + $0), other: false)
            },
            columns: [], rowRules: [], minRows: nil, maxRows: nil,
            location: SourceLocation(file: "", line: 1, column: 1))
    }

    func value(_ input: String, _ f: Field) -> Value? {
        if case .success(let v)? = ValueParser.parse(input, for: f) { return v }
        return nil
    }

    func problem(_ input: String, _ f: Field) -> InputProblem? {
        if case .failure(let p)? = ValueParser.parse(input, for: f) { return p }
        return nil
    }

    @Test(arguments: [
        ("1234", 1234.0), ("1.234", 1234), ("1.234.567", 1_234_567), ("1 234 567", 1_234_567), ("0", 0),
        ("12", 12), ("1,234,567", 1_234_567), (" 42 ", 42), ("1.000", 1000), ("1,234", 1234)
    ])
    func integersTheVietnameseWay(input: String, expected: Double) {
        #expect(value(input, field(.integer)) == .number(expected))
    }

    @Test(arguments: ["12,5", "12.5", "1.234,5", "abc", "1.23.4", "1..2"])
    func notAnInteger(input: String) {
        #expect(problem(input, field(.integer)) != nil)
    }

    @Test func commaThousandsAreAmbiguousWhereADecimalFits() {
        // 1,234 is 1.234 to a Vietnamese reader and 1234 to an English one: ask again,
        // unless the field only holds whole numbers (then 1234 is the only reading).
        #expect(problem("1,234", field(.decimal))?.candidates == [.number(1234), .number(1.234)])
        #expect(problem("1,000", field(.integer))?.candidates == [.number(1000), .number(1)])
    }

    @Test(arguments: [
        ("12,5", 12.5), ("12.5", 12.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("0,75", 0.75), ("0.123", 0.123),
        ("-3,5", -3.5)
    ])
    func decimalsTheVietnameseWay(input: String, expected: Double) {
        #expect(value(input, field(.decimal)) == .number(expected))
    }

    @Test func ambiguousDecimalIsAskedAgainWithBothReadings() throws {
        let p = try #require(problem("1.234", field(.decimal)))
        #expect(p.candidates == [.number(1234), .number(1.234)])
        #expect(p.message.vi.contains("chưa rõ"))
        #expect(p.message.vi.contains("1.234 hoặc 1,234"))
    }

    @Test func percentBoundsResolveAmbiguity() {
        // 12.345 as twelve thousand is out of 0–100, so only the decimal reading is left.
        #expect(value("12.345", field(.percent)) == .number(12.345))
        #expect(value("85%", field(.percent)) == .number(85))
        #expect(value("85,5", field(.percent)) == .number(85.5))
        #expect(problem("120", field(.percent))?.message.text(.en) == "120 is above the maximum 100")
        #expect(problem("-1", field(.percent)) != nil)
    }

    @Test func boundsAreChecked() {
        let f = field(.integer, min: 1, max: 4)
        #expect(value("4", f) == .number(4))
        #expect(problem("5", f)?.message.vi == "5 lớn hơn mức tối đa 4")
        #expect(problem("0", f)?.message.vi == "0 nhỏ hơn mức tối thiểu 1")
    }

    @Test func textIsStoredNFC() {
        let decomposed = "Cục Sở hữu trí tuệ".decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count > "Cục Sở hữu trí tuệ".unicodeScalars.count)
        let v = value("  " + decomposed + " ", field(.text))
        #expect(v == .text("Cục Sở hữu trí tuệ"))
        #expect(
            v?.text?.unicodeScalars.elementsEqual(
                "Cục Sở hữu trí tuệ".precomposedStringWithCanonicalMapping.unicodeScalars) == true)
    }

    @Test(arguments: [
        ("31/10/2018", "2018-10-31"), ("1/2/2019", "2019-02-01"), ("2018-10-31", "2018-10-31"),
        ("29.02.2020", "2020-02-29"),
        ("2018--10-31", "2018-10-31"), ("01/02/2019/", "2019-02-01")
    ])
    func dates(input: String, expected: String) {
        #expect(value(input, field(.date)) == .text(expected))
    }

    @Test(arguments: [
        "31/02/2018", "2018/13/01", "tomorrow", "12/2018", "1/2/3/2019", "2018-99999999999999999999-01", "2018-10-3١",
        "29/02/2100"
    ])
    func badDates(input: String) {
        #expect(problem(input, field(.date))?.message.vi.contains("ngày/tháng/năm") == true)
    }

    @Test func emailsPhonesAndURLs() {
        #expect(value("vanthu@most.gov.vn", field(.email)) == .text("vanthu@most.gov.vn"))
        #expect(problem("vanthu@most", field(.email)) != nil)
        for bad in [
            "@most.gov.vn", "a@@most.gov.vn", "a@b@most.gov.vn", "a@most..vn", "a@.most.vn", "a@most.vn.",
            "van thu@most.gov.vn", "a@most.gov\u{00A0}vn", "a@"
        ] {
            #expect(problem(bad, field(.email)) != nil, "\(bad)")
        }
        #expect(value("nguyễn.hương@bộ-khcn.vn", field(.email)) == .text("nguyễn.hương@bộ-khcn.vn"))
        #expect(value("024 3943 9999", field(.phone)) == .text("024 3943 9999"))
        #expect(value("+84 912.345.678", field(.phone)) != nil)
        #expect(problem("12345", field(.phone)) != nil)
        #expect(value("www.most.gov.vn", field(.url)) != nil)
        #expect(value("https://most.gov.vn/vn/Pages/Trangchu.aspx", field(.url)) != nil)
        #expect(problem("most gov vn", field(.url)) != nil)
    }

    @Test func yesNoInBothLanguages() {
        for yes in ["c", "có", "Co", "y", "yes"] { #expect(value(yes, field(.boolean)) == .bool(true)) }
        for no in ["k", "không", "KHONG", "n", "no"] { #expect(value(no, field(.boolean)) == .bool(false)) }
        #expect(problem("maybe", field(.boolean)) != nil)
    }

    @Test func choicesByNumberIdOrLooseLabel() {
        let f = field(.choice, choices: ["a", "b", "internet"])
        #expect(value("2", f) == .text("b"))
        #expect(value("internet", f) == .text("internet"))
        #expect(value("qua internet", f) == .text("internet"))
        #expect(problem("4", f) != nil)
        #expect(problem("thanh phan", f)?.message.text(.en).contains("matches several options") == true)
    }

    @Test func multipleChoicesSeparatedByCommasOrSpaces() {
        let f = field(.multi_choice, choices: ["a", "b", "internet"])
        #expect(value("1, 3", f) == .list(["a", "internet"]))
        #expect(value("3 1", f) == .list(["internet", "a"]))
        #expect(value("1,1", f) == .list(["a"]))
        #expect(problem("1, 9", f) != nil)
    }

    @Test func vietnameseNumberDisplay() {
        #expect(ValueParser.vnNumber(1_234_567) == "1.234.567")
        #expect(ValueParser.vnNumber(12.5) == "12,5")
        #expect(ValueParser.vnNumber(-1234) == "-1.234")
    }
}

/// Numbers typed or read from YAML follow the rule of numbers in JSON files: kept exactly.
@Suite struct ExactNumberTests {
    @Test func moreThanFifteenSignificantDigitsAreAskedAgain() {
        let field = TestSupport.form.field("general", "staff_total")!
        for text in [
            "1234567890123456", "123.456.789.012.345.678", "0,1234567890123456789", String(repeating: "9", count: 400)
        ] {
            guard case .failure(let p)? = ValueParser.parse(text, for: field) else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(p.message.text(.en).contains("cannot be kept exactly"), "\(text)")
        }
        #expect(ValueParser.parseTyped("1.000.000.000.000", for: field) == .success(.number(1e12)))
        for text in ["nan", "NaN", "inf", "-Infinity", ".inf", "1e5"] {
            guard case .failure? = ValueParser.parse(text, for: field) else {
                Issue.record("accepted \(text)")
                continue
            }
        }
    }
}

@Suite struct NoneInANumberTests {
    /// "không" typed where a number is asked: the answer is to type 0, said so.
    @Test func noneTypedInANumberFieldSaysToTypeZero() throws {
        let field = try #require(TestSupport.form.field("general", "staff_total"))
        for typed in ["không", "Không có", "none"] {
            guard case .failure(let problem)? = ValueParser.parse(typed, for: field) else {
                Issue.record("\(typed) was accepted")
                continue
            }
            #expect(problem.message.vi == "Câu này cần một số: nếu không có, hãy gõ 0.")
        }
        guard case .failure(let other)? = ValueParser.parse("nhiều", for: field) else {
            Issue.record("'nhiều' was accepted")
            return
        }
        #expect(other.message.vi.hasPrefix("'nhiều' không phải là số"))
    }
}
