import Foundation
import TestSupport
import Testing

@testable import FormKit

/// Every rule of FORM-INVENTORY.md, each with a passing and a violating case, starting from
/// the complete, valid example report of Examples/cuc-shtt.json.
@Suite struct InventoryRuleTests {
    static let base: Answers = {
        let data = try! Data(contentsOf: repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"))
        let tree = try! DataTree.parse(data, yaml: false)
        let (answers, problems) = AnswersDecoder.decode(tree["answers"]!, form: TestSupport.form)
        precondition(problems.isEmpty, "\(problems)")
        return answers
    }()

    let validator = Validator(form: TestSupport.form)

    /// A change to the example answers, and the issue it must (or must not) raise.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var rule: String
        var severity: Severity
        var passing: @Sendable (inout Answers) -> Void
        var violating: @Sendable (inout Answers) -> Void
        var testDescription: String { name }
    }

    static func set(_ s: String, _ f: String, _ v: Value?) -> @Sendable (inout Answers) -> Void { { $0[s, f] = v } }
    static func row(_ s: String, _ t: String, _ i: Int, _ c: String, _ v: Value?) -> @Sendable (inout Answers) -> Void {
        { a in
            var rows = a[s, t]!.rows!
            rows[i][c] = v
            a[s, t] = .rows(rows)
        }
    }
    static func both(_ x: @escaping @Sendable (inout Answers) -> Void, _ y: @escaping @Sendable (inout Answers) -> Void)
        -> @Sendable (inout Answers) -> Void
    {
        {
            x(&$0)
            y(&$0)
        }
    }

    static let cases: [Case] = [
        Case(
            name: "biên chế + hợp đồng > tổng là lỗi", rule: "staff_breakdown_over_total", severity: .error,
            passing: set("general", "staff_total", .number(420)), violating: set("general", "staff_total", .number(400))
        ),
        Case(
            name: "biên chế + hợp đồng < tổng là cảnh báo", rule: "staff_breakdown_under_total", severity: .warning,
            passing: set("general", "staff_total", .number(420)), violating: set("general", "staff_total", .number(500))
        ),
        Case(
            name: "cần ít nhất một số điện thoại", rule: "phone_needed", severity: .error,
            passing: set("contact", "landline", nil),
            violating: both(set("contact", "landline", nil), set("contact", "mobile", nil))),
        Case(
            name: "DVC mức 1-2 + mức 3 > số TTHC là cảnh báo", rule: "services_over_procedures", severity: .warning,
            passing: set("online_services", "procedures_total", .number(32)),
            violating: set("online_services", "procedures_total", .number(31))),
        Case(
            name: "hồ sơ trực tuyến > tổng hồ sơ là lỗi", rule: "online_over_total", severity: .error,
            passing: row("online_services", "services", 0, "online_dossiers", .number(41870)),
            violating: row("online_services", "services", 0, "online_dossiers", .number(41871))),
        Case(
            name: "mức hiện tại < lộ trình cần ghi chú", rule: "required", severity: .error,
            passing: row("online_services", "services", 1, "current_level", .number(4)),
            violating: row("online_services", "services", 1, "note", nil)),
        Case(
            name: "hồ sơ đúng hạn > hồ sơ tiếp nhận là lỗi", rule: "on_time_over_received", severity: .error,
            passing: set("one_stop", "dossiers_on_time", .number(52310)),
            violating: set("one_stop", "dossiers_on_time", .number(52311))),
        Case(
            name: "số đơn vị một cửa > đơn vị trực thuộc + 1 là cảnh báo", rule: "units_over_subunits",
            severity: .warning,
            passing: set("one_stop", "units_with_it", .number(5)),
            violating: set("one_stop", "units_with_it", .number(6))),
        Case(
            name: "triển khai đồng bộ cần tên phần mềm", rule: "required", severity: .error,
            passing: both(set("one_stop", "deployment", .text("separate")), set("one_stop", "software_name", nil)),
            violating: set("one_stop", "software_name", nil)),
        Case(
            name: "tra cứu hình thức khác cần nêu rõ", rule: "required", severity: .error,
            passing: both(
                set("one_stop", "lookup_channels", .list(["internet"])), set("one_stop", "lookup_other", nil)),
            violating: set("one_stop", "lookup_other", nil)),
        Case(
            name: "trích yếu thông tin cần ghi rõ", rule: "required", severity: .error,
            passing: both(
                set("one_stop", "transfer_mode", .text("summary")),
                set("one_stop", "transfer_detail", .text("Gửi bản sao điện tử"))),
            violating: set("one_stop", "transfer_mode", .text("summary"))),
        Case(
            name: "văn bản nội bộ hoàn toàn + song song > 100% là lỗi", rule: "internal_pct_over_100", severity: .error,
            passing: set("internal", "internal_parallel_pct", .number(35)),
            violating: set("internal", "internal_parallel_pct", .number(35.5))),
        Case(
            name: "văn bản bên ngoài hoàn toàn + song song > 100% là lỗi", rule: "external_pct_over_100",
            severity: .error,
            passing: set("internal", "external_parallel_pct", .number(60)),
            violating: set("internal", "external_parallel_pct", .number(61))),
        Case(
            name: "CSDL đã triển khai với năm sau năm báo cáo là lỗi", rule: "deployed_in_future", severity: .error,
            passing: row("internal", "databases", 0, "year", .number(2018)),
            violating: row("internal", "databases", 0, "year", .number(2019))),
        Case(
            name: "tổng theo trình độ khác tổng cán bộ CNTT là cảnh báo", rule: "degrees_not_total", severity: .warning,
            passing: set("staffing", "it_staff_total", .number(18)),
            violating: set("staffing", "it_staff_total", .number(19))),
        Case(
            name: "cán bộ CNTT > tổng CBCCVC là lỗi", rule: "it_staff_over_staff", severity: .error,
            passing: set("general", "staff_total", .number(420)),
            violating: both(
                set("general", "staff_total", .number(17)),
                both(set("general", "staff_permanent", .number(10)), set("general", "staff_contract", .number(7))))),
        Case(
            name: "hoàn thành < 100% cần lý do", rule: "required", severity: .error,
            passing: row("plan_results", "tasks", 0, "reason", nil),
            violating: row("plan_results", "tasks", 1, "reason", nil)),
        Case(
            name: "ngày lập báo cáo trong năm báo cáo hoặc năm sau", rule: "invalid", severity: .error,
            passing: set("sign_off", "report_date", .text("2019-12-31")),
            violating: set("sign_off", "report_date", .text("2020-01-01"))),
        Case(
            name: "mức độ đăng ký năm sau là 3 hoặc 4", rule: "invalid", severity: .error,
            passing: row("next_plan", "services", 0, "target_level", .number(3)),
            violating: row("next_plan", "services", 0, "target_level", .number(2))),
        Case(
            name: "năm triển khai từ 1990 đến năm kế hoạch", rule: "invalid", severity: .error,
            passing: row("internal", "databases", 0, "year", .number(1990)),
            violating: row("internal", "databases", 0, "year", .number(1989))),
        Case(
            name: "tỷ lệ phần trăm trong 0-100", rule: "invalid", severity: .error,
            passing: set("internal", "electronic_submission_pct", .number(100)),
            violating: set("internal", "electronic_submission_pct", .number(100.5))),
        Case(
            name: "mức độ lộ trình từ 1 đến 4", rule: "invalid", severity: .error,
            passing: row("online_services", "services", 0, "roadmap_level", .number(1)),
            violating: row("online_services", "services", 0, "roadmap_level", .number(5))),
        Case(
            name: "thư điện tử hợp lệ", rule: "invalid", severity: .error,
            passing: set("contact", "email", .text("a@b.vn")), violating: set("contact", "email", .text("a@b"))),
        Case(
            name: "tên cơ quan bắt buộc", rule: "required", severity: .error,
            passing: set("general", "agency_name", .text("Cục SHTT")), violating: set("general", "agency_name", nil)),
        Case(
            name: "tên dịch vụ trong bảng bắt buộc", rule: "required", severity: .error,
            passing: row("next_plan", "services", 0, "name", .text("X")),
            violating: row("next_plan", "services", 0, "name", .text("  "))),
        Case(
            name: "số nguyên không âm", rule: "invalid", severity: .error,
            passing: set("general", "subunit_count", .number(0)),
            violating: set("general", "subunit_count", .number(-1)))
    ]

    @Test func theExampleIsValid() {
        #expect(validator.validate(Self.base).map { $0.message.text(.en) } == [])
    }

    @Test(arguments: cases)
    func rule(_ c: Case) {
        var ok = Self.base
        c.passing(&ok)
        #expect(validator.validate(ok).filter { $0.rule == c.rule } == [], "passing case of \(c.rule)")
        var bad = Self.base
        c.violating(&bad)
        let found = validator.validate(bad).filter { $0.rule == c.rule }
        #expect(found.count == 1, "violating case of \(c.rule): \(validator.validate(bad).map(\.key))")
        #expect(found.first?.severity == c.severity)
    }

    @Test func issuesNameTheirPlace() throws {
        var a = Self.base
        a["online_services", "services"] = .rows([
            ["name": .text("X"), "online_dossiers": .number(5), "total_dossiers": .number(4)]
        ])
        let issue = try #require(validator.validate(a).first { $0.rule == "online_over_total" })
        #expect(issue.section == "online_services")
        #expect(issue.field == "services")
        #expect(issue.row == 1)
        #expect(
            issue.fields == ["online_services.services[].online_dossiers", "online_services.services[].total_dossiers"])
        #expect(issue.key == "online_services/services/online_over_total#1")
        #expect(issue.message.vi == "Số hồ sơ trực tuyến lớn hơn tổng số hồ sơ thực tế tiếp nhận")
    }

    @Test func skipLogicClearsStaleAnswers() {
        var a = Self.base
        a["one_stop", "deployment"] = .text("separate")  // software_name is still there from before
        let cleaned = validator.relevantAnswers(a)
        #expect(cleaned["one_stop", "software_name"] == nil)
        #expect(cleaned["one_stop", "software_vendor"] == nil)
        a["one_stop", "units_with_it"] = .number(0)  // then deployment itself is no longer asked
        let cleaned2 = validator.relevantAnswers(a)
        #expect(cleaned2["one_stop", "deployment"] == nil)
        #expect(cleaned2["one_stop", "lookup_other"] == nil)
        #expect(validator.validate(a).filter { $0.severity == .error } == [])
    }

    @Test func aRuleOnAnUnansweredFieldDoesNotFire() {
        var a = Self.base
        a["general", "staff_contract"] = nil
        let rules = validator.validate(a).map(\.rule)
        #expect(rules == ["required"])  // only the blank itself, not the sum rules
    }
}
