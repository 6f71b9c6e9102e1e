import FormKit
import Foundation
import Submissions
import TestSupport
import Testing

@testable import Collector

let unit = ReportingUnit(id: "cuc-shtt", name: "Cục Sở hữu trí tuệ", shortName: "Cục SHTT")

/// A scripted session in its own folder.
struct Harness {
    let dir: URL
    var draft: URL { dir.appendingPathComponent("drafts/cuc-shtt.json") }
    var final: URL { dir.appendingPathComponent("submissions/cuc-shtt.json") }

    init() {
        dir = temporaryDirectory("collector")
    }

    func run(
        _ lines: [String], prefill: Answers? = nil, editing: Submission? = nil, previous: Answers? = nil,
        language: Language = .vi
    ) -> (CollectorOutcome, ScriptedTerminal, CollectorSession) {
        let terminal = ScriptedTerminal(lines: lines)
        var options = CollectorSession.Options(
            draftURL: draft, outputDirectory: dir.appendingPathComponent("submissions"))
        options.language = language
        options.prefill = prefill
        options.editing = editing
        options.previous = previous
        let session = CollectorSession(form: form, unit: unit, terminal: terminal, options: options)
        let outcome = session.run()
        if let dump = ProcessInfo.processInfo.environment["COLLECTOR_DUMP"] {
            try? terminal.output.write(
                toFile: dump + "-" + dir.lastPathComponent + ".txt", atomically: true, encoding: .utf8)
        }
        return (outcome, terminal, session)
    }

    func load(_ url: URL) -> Submission? { SubmissionLoader.load(url, form: form).submission }
}

/// The answers of a short, valid report, question by question in the form's order.
enum Script {
    static let general = [
        "Cục Sở hữu trí tuệ", "384 Nguyễn Trãi", "024 3858 3069", "", "vanthu@ipvietnam.gov.vn", "", "4", "10", "6", "4"
    ]
    static let contact = ["Nguyễn Thị Hương", "", "", "024 3858 3425", "", "huong@ipvietnam.gov.vn"]
    static let websites = ["k"]
    static let online = ["10", "5", "3", "k", "", ""]
    static let oneStop = ["0", "0", "0"]  // no unit uses ICT at the one-stop office: its details are not asked
    static let documents = ["60", "40", "30", "50", "80", "", "k"]
    static let staffing = ["2", "0", "0", "2", "0", "0", "0", "", ""]
    static let plan = ["k"]
    static let next = ["k", "k"]
    static let signOff = ["Hà Nội", "15/11/2018", "Đinh Hữu Phí"]
    static var all: [String] {
        general + contact + websites + online + oneStop + documents + staffing + plan + next + signOff
    }
    /// Enter at the review: finalize.
    static var finish: [String] { [""] }
}

@Suite struct CollectorTests {
    @Test func aShortReportFromStartToFinal() throws {
        let h = Harness()
        let (outcome, terminal, _) = h.run(Script.all + Script.finish)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(1500))")
        #expect(terminal.unread == 0)
        let s = try #require(h.load(h.final))
        #expect(s.status == .final)
        #expect(s.revision == 1)
        #expect(s.answers["general", "staff_total"] == .number(10))
        #expect(s.answers["one_stop", "deployment"] == nil)
        #expect(s.answers["sign_off", "report_date"] == .text("2018-11-15"))
        #expect(Validator(form: form).validate(s.answers).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: h.draft.path))  // the draft is gone once final
        #expect(terminal.output.contains("MỤC 1. THÔNG TIN CHUNG  (phần 1/10)"))
        #expect(terminal.output.contains("XEM LẠI CÁC CÂU TRẢ LỜI"))
        #expect(terminal.output.contains("✓ Đã hoàn tất báo cáo (lần 1)"))
    }

    @Test func everyTypeIsReAskedOnBadInputWithAnExample() throws {
        let h = Harness()
        let nfd = "Cục Sở hữu trí tuệ".decomposedStringWithCanonicalMapping
        var lines = [
            "", nfd, "384 Nguyễn Trãi", "024 3858 3069", "",
            "vanthu@ipvietnam", "vanthu@ipvietnam.gov.vn", "",  // email asked again
            "nhiều", "-3", "4",  // not a number, below 0
            "1.234", "1.000", "234"
        ]  // a thousand and more, the Vietnamese way
        lines +=
            Script.contact + Script.websites + Script.online + Script.oneStop + Script.documents + Script.staffing
            + Script.plan + Script.next
        lines += ["Hà Nội", "31/02/2018", "15/11/2017", "15/11/2018", "Đinh Hữu Phí"]
        let (outcome, terminal, _) = h.run(lines + Script.finish)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2000))")
        let out = terminal.output
        #expect(out.contains("Câu này bắt buộc. Hãy nhập câu trả lời."))
        #expect(out.contains("'vanthu@ipvietnam' không phải địa chỉ thư điện tử. Ví dụ: vanthu@most.gov.vn"))
        #expect(out.contains("'nhiều' không phải là số. Ví dụ: 1234 hoặc 1.234"))
        #expect(out.contains("-3 nhỏ hơn mức tối thiểu 0"))
        #expect(out.contains("'31/02/2018' không phải ngày hợp lệ. Gõ theo dạng ngày/tháng/năm"))
        #expect(out.contains("Ngày 15/11/2017 sớm hơn 01/01/2018"))  // a message begins with a capital
        let s = try #require(h.load(h.final))
        #expect(
            Array(s.answers["general", "agency_name"]!.text!.unicodeScalars)
                == Array("Cục Sở hữu trí tuệ".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(s.answers["general", "staff_total"] == .number(1234))
        #expect(s.answers["general", "staff_permanent"] == .number(1000))
    }

    @Test func choicesMultiChoicesAndSkipLogicBothWays() throws {
        let h = Harness()
        var lines = Script.general + Script.contact + Script.websites + Script.online
        // 3 units use ICT; unified → software asked; lookup "other" → its text asked; summary → detail asked.
        lines += [
            "3", "1", "IPAS", "", "1 2", "2, 4", "Tổng đài", "100", "90", "trích yếu", "Gửi bản điện tử", "kèm theo", ""
        ]  // a long text: lines up to an empty one
        // Go back to the deployment and change it: the software questions are no longer asked.
        lines += Array(repeating: "<", count: 10) + ["2"] + Array(repeating: "", count: 7)
        lines += Script.documents + Script.staffing + Script.plan + Script.next + Script.signOff + Script.finish
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2500))")
        let s = try #require(h.load(h.final))
        #expect(s.answers["one_stop", "deployment"] == .text("separate"))
        #expect(s.answers["one_stop", "software_name"] == nil)
        #expect(s.answers["one_stop", "interconnection"] == .list(["horizontal", "vertical"]))
        #expect(s.answers["one_stop", "lookup_channels"] == .list(["internet", "other"]))
        #expect(s.answers["one_stop", "lookup_other"] == .text("Tổng đài"))
        #expect(s.answers["one_stop", "transfer_mode"] == .text("summary"))
        #expect(s.answers["one_stop", "transfer_detail"] == .text("Gửi bản điện tử\nkèm theo"))
        #expect(terminal.output.contains("bỏ câu trả lời cũ của \"Tên phần mềm\""))
    }

    @Test func theTemplatesHeadingsNotesAndSuggestionsAreShownWhereTheyStand() throws {
        let h = Harness()
        var lines = Script.general + Script.contact + Script.websites + Script.online
        lines += ["3", "2", "1", "1", "100", "90", "1"]  // one-stop: separate, horizontal, internet, full
        lines += ["60", "40", "30", "50", "80", ""]
        // One database row; its storage is free text, its suggestion taken by number.
        lines += ["c", "CSDL sở hữu công nghiệp", "", "", "", "", "1", "2010", "1", "", "", "k"]
        lines += Script.staffing + Script.plan + Script.next + Script.signOff + Script.finish
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2500))")
        let out = terminal.output
        // The part once, above its first section; headings and notes above their questions.
        #expect(out.components(separatedBy: "MỤC 3: NỘI DUNG BÁO CÁO").count - 1 == 1)
        #expect(out.contains("MỤC 3: NỘI DUNG BÁO CÁO\nMỤC 3 – 1. ỨNG DỤNG CÔNG NGHỆ THÔNG TIN"))
        #expect(out.contains("Trong đó:\n\n- Tổng số cán bộ thuộc biên chế *"))
        #expect(
            out.contains(
                "3.2. Tin học hóa việc tiếp nhận và xử lý hồ sơ tại bộ phận một cửa\n\na) Cách thức triển khai *"))
        #expect(out.contains("c) Hiệu quả sử dụng trong năm\n\n- Số lượng hồ sơ tiếp nhận qua bộ phận một cửa *"))
        #expect(out.contains("6.3. Những thuận lợi, khó khăn về nguồn lực cho ứng dụng CNTT\n\nThuận lợi"))
        // What a number counts, as the template prints it after the blank.
        #expect(out.contains("a. Tổng số thủ tục hành chính *\n  (số nguyên, ví dụ 1234 hoặc 1.234; đơn vị: thủ tục)"))
        #expect(out.contains("Nơi lưu trữ dữ liệu\n    1) Máy chủ đặt tại đơn vị\n    2) Thuê ngoài\n"))
        let s = try #require(h.load(h.final))
        let row = try #require(s.answers["internal", "databases"]?.rows?.first)
        #expect(row["storage"] == .text("Máy chủ đặt tại đơn vị"))
        #expect(row["status"] == .text("deployed"))
    }

    @Test func tablesWithRowRulesAndRequiredWhen() throws {
        let h = Harness()
        var lines = Script.general + Script.contact
        lines += ["c", "Cục SHTT", "2", "k"]  // one portal row, "independent"
        lines += [
            "10", "5", "3", "c",
            "Đăng ký nhãn hiệu", "3", "2", "", "50", "40",  // online 50 > total 40: row rule error
            "", "Chưa có chữ ký số", "",  // note required since current < roadmap (a long text: ends at an empty line)
            "", "60",  // correct the columns the rule reads
            "k", "", ""
        ]
        lines +=
            Script.oneStop + Script.documents + Script.staffing + Script.plan + Script.next + Script.signOff
            + Script.finish
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2500))")
        #expect(terminal.output.contains("✗ Lỗi: Số hồ sơ trực tuyến lớn hơn tổng số hồ sơ thực tế tiếp nhận"))
        #expect(terminal.output.contains("Các cột liên quan: \"Tổng số hồ sơ tiếp nhận, xử lý trên môi trường mạng\""))
        let s = try #require(h.load(h.final))
        let row = try #require(s.answers["online_services", "services"]?.rows?.first)
        #expect(row["online_dossiers"] == .number(50))
        #expect(row["total_dossiers"] == .number(60))
        #expect(row["note"] == .text("Chưa có chữ ký số"))
        #expect(
            s.answers["websites", "portals"] == .rows([["unit_name": .text("Cục SHTT"), "kind": .text("independent")]]))
    }

    @Test func backAcrossSections() throws {
        let h = Harness()
        var lines = Script.general
        lines += ["<", "5"]  // at contact's first question: back to general's last, change it
        lines +=
            Script.contact + Script.websites + Script.online + Script.oneStop + Script.documents + Script.staffing
            + Script.plan + Script.next + Script.signOff
        lines += ["", "c", ""]  // review; the warning (6 + 5 > 10 is an error!) — see below
        let (_, terminal, session) = h.run(lines)
        #expect(
            terminal.output.contains(
                "MỤC 2. THÔNG TIN LIÊN HỆ  (phần 2/10)\n  Phần này gồm 6 câu hỏi (11–16)\n\n1. Họ và tên người thực hiện báo cáo *\n› <\n\nMỤC 1. THÔNG TIN CHUNG"
            ))
        #expect(session.submission.answers["general", "staff_contract"] == .number(5))
        #expect(
            terminal.output.contains(
                "✗ Lỗi: Số cán bộ biên chế cộng hợp đồng lớn hơn tổng số cán bộ, công chức, viên chức"))
    }

    @Test func errorsBlockFinalizingAndLeadToTheFirstOne() throws {
        let h = Harness()
        var lines = Script.all
        lines[9] = "5"  // staff_contract 5: 6 + 5 > 10, an error
        lines.insert("", at: 10)  // keep it when asked again
        // review → finalize → the error → the three questions its rule reads: the second → 5 →
        // done → review → finalize
        lines += ["", "2", "5", "", ""]
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2000))")
        #expect(terminal.output.contains("Chưa hoàn tất được: còn 1 lỗi cần sửa."))
        #expect(terminal.output.contains("Đi tới lỗi đầu tiên."))
        #expect(h.load(h.final)?.answers["general", "staff_permanent"] == .number(5))
        #expect(h.load(h.final)?.answers["general", "staff_contract"] == .number(5))
    }

    @Test func reviewEditsQuestionsAndTableRows() throws {
        let h = Harness()
        var lines = Script.general + Script.contact
        lines += ["c", "Cục SHTT", "2", "k"]
        lines +=
            Script.online + Script.oneStop + Script.documents + Script.staffing + Script.plan + Script.next
            + Script.signOff
        lines += [
            "2", "Số 1 Trần Duy Hưng",  // edit question 2
            "17+", "VP đại diện", "1",  // add a row to table 17 (portals)
            "17.1", "Cục Sở hữu trí tuệ", "",  // edit row 1 (keep its kind)
            "17.2-", "c",  // delete row 2
            "99", "xong"
        ]
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2500))")
        #expect(
            terminal.output.contains(
                "   17 Danh sách các cơ quan, đơn vị có trang thông tin hoặc cổng thông tin điện tử liệt kê theo bảng sau: 1 dòng\n       17.1  Cục SHTT | Độc lập"
            ))
        #expect(terminal.output.contains("Không hiểu '99'"))
        // A choice typed by its number is echoed as understood.
        #expect(terminal.output.contains("› 2\n  → hiểu là: Độc lập\n"))
        // What is coming: the part's outline, the table's columns.
        #expect(
            terminal.output.contains("(phần 3/10)\n  Phần này gồm bảng 17: Danh sách các cơ quan, đơn vị có trang …\n"))
        #expect(
            terminal.output.contains(
                "  Mỗi dòng gồm: Danh sách đơn vị có trang/ cổng thông tin điện tử · Cổng thông tin điện tử thành phần hay"
            ))
        let s = try #require(h.load(h.final))
        #expect(s.answers["general", "address"] == .text("Số 1 Trần Duy Hưng"))
        #expect(
            s.answers["websites", "portals"]
                == .rows([["unit_name": .text("Cục Sở hữu trí tuệ"), "kind": .text("independent")]]))
    }

    @Test func warningsAreConfirmedAndExplained() throws {
        let h = Harness()
        var lines = Script.all
        lines[7] = "12"  // staff_total 12 > 6 + 4: a warning
        lines += ["", "c", "Hai người đang nghỉ chế độ"]
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2000))")
        #expect(
            terminal.output.contains(
                "⚠ Cảnh báo: Số cán bộ biên chế cộng hợp đồng nhỏ hơn tổng số cán bộ, công chức, viên chức"))
        #expect(terminal.output.contains("Xác nhận số liệu là đúng?"))
        let s = try #require(h.load(h.final))
        #expect(s.explanations == ["general/staff_breakdown_under_total": "Hai người đang nghỉ chế độ"])
    }

    @Test func endOfInputThenResume() throws {
        let h = Harness()
        let first = Array(Script.all.prefix(12))  // general and two contact answers
        let (outcome, terminal, _) = h.run(first)
        #expect(outcome == .endOfInput(h.draft))
        #expect(outcome.exitCode == 3)
        #expect(terminal.output.contains("Hết dữ liệu nhập. Đã lưu bản nháp: \(h.draft.path)"))
        #expect(terminal.output.contains("Để làm tiếp, chạy lại: ictreport collect --unit cuc-shtt"))
        let draft = try #require(h.load(h.draft))
        #expect(draft.status == .draft)
        #expect(draft.answers["general", "staff_contract"] == .number(4))
        #expect(draft.answers["contact", "reporter_name"] == .text("Nguyễn Thị Hương"))
        // Resume: the next question is the third of Mục 2.
        let (again, t2, _) = h.run(["c"] + Array(Script.all.dropFirst(12)) + Script.finish)
        #expect(again == .finalized(h.final), "\(t2.output.suffix(1500))")
        #expect(t2.output.contains("Đã có bản nháp"))
        let beforeFirstQuestion = try #require(t2.output.components(separatedBy: "3. Chức vụ").first)
        #expect(t2.output.contains("3. Chức vụ"))
        #expect(!beforeFirstQuestion.contains("1. Tên cơ quan báo cáo"))  // nothing answered is asked again
    }

    @Test func ctrlCSavesAndSaysHowToResume() throws {
        let h = Harness()
        let (outcome, terminal, _) = h.run(Array(Script.all.prefix(8)) + ["^C"])
        #expect(outcome == .interrupted(h.draft))
        #expect(outcome.exitCode == 130)
        #expect(terminal.output.contains("Đã dừng (Ctrl-C). Bản nháp đã được lưu"))
        #expect(h.load(h.draft)?.answers["general", "staff_total"] == .number(10))
    }

    @Test func saveSkipAndLiteralColon() throws {
        let h = Harness()
        var lines = Array(Script.general.prefix(3))
        lines += [":skip", "vanthu@ipvietnam.gov.vn", ":skip", "4", "10", "6", "4"]
        lines += ["\\:TT Thông tin", ":skip", ":skip", "024 3858 3425", "", "a@b.vn", ":save"]
        lines.insert(":skip", at: 0)  // a required question cannot be skipped
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .saved(h.draft))
        #expect(terminal.output.contains("Không thể bỏ qua câu bắt buộc."))
        let draft = try #require(h.load(h.draft))
        #expect(draft.answers["contact", "reporter_name"] == .text(":TT Thông tin"))
        #expect(draft.answers["general", "fax"] == nil)
    }

    @Test func helpShowsTheFieldHelpAndTheCommands() {
        let h = Harness()
        let (_, terminal, _) = h.run(Array(Script.general.prefix(7)) + ["?"])
        #expect(
            terminal.output.contains(
                "Bao gồm số cán bộ, công chức, viên chức của tất cả các đơn vị thuộc, trực thuộc đơn vị."))
        #expect(terminal.output.contains("Muốn gõ chữ bắt đầu bằng ':'"))
    }

    @Test func ambiguousNumbersOfferTheirReadings() throws {
        let h = Harness()
        // electronic_submission_pct is a percentage: 12.345 fits only as a decimal. A decimal field
        // would ask; here the integer staff_total takes 1.234 as a thousand and more.
        var lines = Script.all
        lines[
            Script.general.count + Script.contact.count + Script.websites.count + Script.online.count
                + Script.oneStop.count + 4] = "12.345"
        let (outcome, _, _) = h.run(lines + Script.finish)
        #expect(outcome == .finalized(h.final))
        #expect(h.load(h.final)?.answers["internal", "electronic_submission_pct"] == .number(12.345))
    }

    @Test func prefilledAnswersAskOnlyWhatIsMissing() throws {
        let h = Harness()
        let example = try #require(
            SubmissionLoader.load(repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"), form: form)
                .submission)
        var answers = example.answers
        answers["general", "staff_total"] = nil
        answers["contact", "email"] = .text("khong-phai-email")
        let (outcome, terminal, _) = h.run(["420", "huongnt@ipvietnam.gov.vn", ""], prefill: answers)
        #expect(outcome == .finalized(h.final), "\(terminal.output)")
        #expect(terminal.output.components(separatedBy: "› ").count - 1 == 3)  // two questions and the review
        #expect(h.load(h.final)?.answers["contact", "email"] == .text("huongnt@ipvietnam.gov.vn"))
    }

    @Test func noInputWritesTheFinalOrListsEveryProblem() throws {
        let h = Harness()
        let example = try #require(
            SubmissionLoader.load(repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"), form: form)
                .submission)
        var bad = example.answers
        bad["general", "staff_total"] = nil
        bad["online_services", "services"] = .rows([
            ["name": .text("X"), "online_dossiers": .number(5), "total_dossiers": .number(4)]
        ])
        let terminal = ScriptedTerminal(lines: [])
        var options = CollectorSession.Options(
            draftURL: h.draft, outputDirectory: h.dir.appendingPathComponent("submissions"))
        options.prefill = bad
        let failed = CollectorSession(form: form, unit: unit, terminal: terminal, options: options).runWithoutInput()
        #expect(failed == .incomplete)
        // Each place in the words of the form, as the focal point sees the questions.
        #expect(terminal.output.contains("Mục 1 › 7. Tổng số cán bộ"))
        #expect(terminal.output.contains(" › dòng 1: Số hồ sơ trực tuyến lớn hơn"))
        #expect(!terminal.output.contains("staff_total") && !terminal.output.contains("online_services"))
        options.prefill = example.answers
        let ok = CollectorSession(form: form, unit: unit, terminal: ScriptedTerminal(lines: []), options: options)
            .runWithoutInput()
        #expect(ok == .finalized(h.final))
    }

    @Test func editingAFinalMakesTheNextRevision() throws {
        let h = Harness()
        _ = h.run(Script.all + Script.finish)
        let first = try #require(h.load(h.final))
        // Reopen: review straight away, change question 2, finalize.
        let terminal = ScriptedTerminal(lines: [":review", "2", "Địa chỉ mới", "xong"])
        var options = CollectorSession.Options(
            draftURL: h.draft, outputDirectory: h.dir.appendingPathComponent("submissions"))
        options.editing = first
        let outcome = CollectorSession(form: form, unit: unit, terminal: terminal, options: options).run()
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(1500))")
        let second = try #require(h.load(h.final))
        #expect(second.revision == 2)
        #expect(second.answers["general", "address"] == .text("Địa chỉ mới"))
    }

    @Test func englishPrompts() {
        let h = Harness()
        let (_, terminal, _) = h.run(["", "x"], language: .en)
        #expect(terminal.output.contains("1. Reporting agency *"))
        #expect(terminal.output.contains("This question is required. Please answer it."))
    }

    @Test func paletteHonoursNoColorAndDumbTerminals() {
        #expect(Palette(.auto, outputIsTerminal: true, environment: [:]).enabled)
        #expect(!Palette(.auto, outputIsTerminal: true, environment: ["NO_COLOR": "1"]).enabled)
        #expect(!Palette(.auto, outputIsTerminal: true, environment: ["TERM": "dumb"]).enabled)
        #expect(!Palette(.auto, outputIsTerminal: false, environment: [:]).enabled)
        #expect(Palette(.always, outputIsTerminal: false, environment: ["NO_COLOR": "1"]).enabled)
    }
}

/// A terminal that runs `hook` before each prompt: another session acting mid-way.
final class HookedTerminal: Terminal {
    let inner: ScriptedTerminal
    let hook: (String) -> Void
    init(_ lines: [String], hook: @escaping (String) -> Void) {
        inner = ScriptedTerminal(lines: lines)
        self.hook = hook
    }
    func read(prompt: String) -> TerminalInput {
        hook(prompt)
        return inner.read(prompt: prompt)
    }
    func write(_ text: String) { inner.write(text) }
    var isInteractive: Bool { true }
    var output: String { inner.output }
}

/// Every "saved" is true; nothing typed is lost; a final is replaced only by a revision made from it.
@Suite struct NothingLostTests {
    @Test func ctrlCBeforeAnyAnswerSaysThereIsNothingToSave() {
        let h = Harness()
        let (outcome, terminal, _) = h.run(["^C"], language: .en)
        #expect(outcome == .interrupted(h.draft))
        #expect(terminal.output.contains("Nothing was answered yet, so there is nothing to save."))
        #expect(!terminal.output.contains("Draft saved: "))
        #expect(!FileManager.default.fileExists(atPath: h.draft.path))
    }

    @Test func anUnfinishedTableRowIsSavedCellByCell() throws {
        let h = Harness()
        let (outcome, terminal, _) = h.run(Script.general + Script.contact + ["c", "Cục Sở hữu trí tuệ"], language: .en)
        #expect(outcome == .endOfInput(h.draft), "\(terminal.output.suffix(800))")
        let rows = h.load(h.draft)?.answers["websites", "portals"]?.rows
        #expect(rows?.count == 1 && rows?.first?["unit_name"] == .text("Cục Sở hữu trí tuệ"))
    }

    @Test func aFailedSaveSaysSoAndKeepsTheSessionOpen() throws {
        let h = Harness()
        // The drafts folder is a file: every save fails.
        try Data("not a folder".utf8).write(to: h.dir.appendingPathComponent("drafts"))
        let (outcome, terminal, _) = h.run([Script.general[0], ":save", Script.general[1]], language: .en)
        #expect(terminal.output.contains("Could NOT save the draft"))
        #expect(!terminal.output.contains("Draft saved: "))
        #expect(terminal.output.contains("The session stays open and your answers are kept"))
        // The session went on after the failed :save: the next answer was asked and taken.
        #expect(
            terminal.output.contains("2. Address *\n› :save")
                && terminal.output.contains("2. Address *\n› 384 Nguyễn Trãi"))
        #expect(outcome == .notSaved && outcome.exitCode == 1)
        #expect(terminal.output.contains("The draft could NOT be saved"))
    }

    @Test func aFinalChangedByAnotherSessionIsNotReplaced() throws {
        let h = Harness()
        let other = try #require(
            SubmissionLoader.load(repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"), form: form)
                .submission)
        var written = false
        // Another session (say on another computer) finalizes while this one is at the review.
        let terminal = HookedTerminal(Script.all + Script.finish) { prompt in
            if !written, prompt.contains("Enter") && prompt.contains("xong") {
                written = true
                try? other.save(to: h.final)
            }
        }
        let options = CollectorSession.Options(
            draftURL: h.draft, outputDirectory: h.dir.appendingPathComponent("submissions"))
        let session = CollectorSession(form: form, unit: unit, terminal: terminal, options: options)
        let outcome = session.run()
        #expect(written)
        #expect(outcome == .incomplete, "\(terminal.output.suffix(600))")
        #expect(terminal.output.contains("đã được thay đổi (lần 1) từ khi phiên này bắt đầu"))
        // The other session's final is intact; this session's answers are in the draft.
        #expect(h.load(h.final)?.contentHash == other.contentHash)
        #expect(h.load(h.draft)?.answers["general", "agency_name"] == .text("Cục Sở hữu trí tuệ"))
    }
}

/// Every command at every kind of prompt: none ends the session unsaid (issue: `<` or
/// `:review` at a confirmation used to end it with exit 1 and no message).
@Suite struct CommandsAtEveryPromptTests {
    enum Prompt: String, CaseIterable, Sendable {
        case question, tableRow, resume, review, warningConfirmation, explanation, deleteConfirmation
    }
    enum Command: String, CaseIterable, Sendable {
        case back = "<"
        case review = ":review"
        case save = ":save"
        case skip = ":skip"
        case help = "?"
        case interrupt = "^C"
        case endOfInput = ""
    }

    /// What brings a session to the prompt (the resume prompt needs a draft first).
    static func lines(to prompt: Prompt) -> [String] {
        var withWarning = Script.all
        withWarning[7] = "12"  // staff_total 12 > 6 + 4: a warning at finalizing
        let withPortal =
            Script.general + Script.contact + ["c", "Cục SHTT", "2", "k"] + Script.online + Script.oneStop
            + Script.documents + Script.staffing + Script.plan + Script.next + Script.signOff
        switch prompt {
        case .question, .resume: return []
        case .tableRow: return Script.general + Script.contact + ["c"]
        case .review: return Script.all
        case .warningConfirmation: return withWarning + [""]
        case .explanation: return withWarning + ["", "c"]
        case .deleteConfirmation: return withPortal + ["17.1-"]
        }
    }

    @Test(arguments: Prompt.allCases, Command.allCases)
    func commandAtPrompt(_ prompt: Prompt, _ command: Command) throws {
        let h = Harness()
        if prompt == .resume {
            let (first, _, _) = h.run(["Cục Sở hữu trí tuệ", ":save"])
            #expect(first == .saved(h.draft))
        }
        var lines = Self.lines(to: prompt)
        switch command {
        case .endOfInput: break
        case .save, .interrupt: lines.append(command.rawValue)
        default: lines += [command.rawValue, ":save"]  // the session goes on: it takes :save
        }
        let (outcome, terminal, _) = h.run(lines)
        // `:skip` at the last explanation gives none, and the report is final at once.
        let skipsTheLastExplanation = prompt == .explanation && command == .skip
        let expected: CollectorOutcome =
            switch command {
            case .interrupt: .interrupted(h.draft)
            case .endOfInput: .endOfInput(h.draft)
            case .skip where skipsTheLastExplanation: .finalized(h.final)
            default: .saved(h.draft)
            }
        #expect(outcome == expected, "\(prompt) \(command.rawValue): \(terminal.output.suffix(800))")
        #expect(
            terminal.unread == (skipsTheLastExplanation ? 1 : 0),
            "\(prompt) \(command.rawValue): \(terminal.output.suffix(800))")
    }
}

@Suite struct WarningExplanationTests {
    /// Confirm warning 1 and explain it, answer k at warning 2 and correct its answer: warning 1
    /// is not asked again and its explanation reaches the final (it used to be lost).
    @Test func aGivenExplanationSurvivesCorrectingAnotherWarning() throws {
        let h = Harness()
        var lines = Script.all
        lines[7] = "12"  // staff_total 12 > 6 + 4: warning 1 (Mục 1)
        lines[18] = "8"  // 8 + 3 online services > 10 procedures: warning 2 (Mục 3)
        lines += [
            "",  // Enter at the review: finalize
            "c", "Hai người nghỉ chế độ",  // warning 1 confirmed and explained
            "k",  // warning 2: correct it; the rule reads three questions:
            "2", "5", "",  // the second of them (8 → 5), then done
            ""
        ]  // the review again: finalize
        let (outcome, terminal, _) = h.run(lines)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(2500))")
        #expect(terminal.unread == 0)
        #expect(terminal.output.components(separatedBy: "Xác nhận số liệu là đúng?").count - 1 == 2)
        #expect(terminal.output.contains("Đã xác nhận. Giải trình: Hai người nghỉ chế độ"))
        // The figures a warning compares are shown with it.
        #expect(
            terminal.output.contains(
                "Số liệu: \"Tổng số cán bộ thuộc biên chế\" = 6; \"Tổng số cán bộ ký hợp đồng\" = 4; "
                    + "\"7. Tổng số cán bộ, công chức, viên chức của toàn đơn vị\" = 12"))
        #expect(terminal.output.contains("  Các câu mà quy tắc này dùng:\n    1) câu 18 "))
        let s = try #require(h.load(h.final))
        #expect(s.explanations == ["general/staff_breakdown_under_total": "Hai người nghỉ chế độ"])
        #expect(s.answers["online_services", "services_level_1_2"] == .number(5))
    }
}

@Suite struct WrappingTests {
    /// At 60 columns the review breaks lines between words, and the four percentages of Mục 4
    /// that differ only near the end of their labels are shown whole.
    @Test func theReviewFitsTheScreenWithWholeWords() throws {
        let h = Harness()
        let terminal = ScriptedTerminal(lines: Script.all + [":save"])
        terminal.columns = 60
        var options = CollectorSession.Options(
            draftURL: h.draft, outputDirectory: h.dir.appendingPathComponent("submissions"))
        options.language = .vi
        let outcome = CollectorSession(form: form, unit: unit, terminal: terminal, options: options).run()
        #expect(outcome == .saved(h.draft))
        let lines = terminal.output.split(separator: "\n", omittingEmptySubsequences: false)
        // Prompt lines end with what was typed (echoed by the script), the rest fits.
        // (A word longer than the line, a file's path, stays whole.)
        for line in lines where !line.contains("› ") && line.trimmingCharacters(in: .whitespaces).contains(" ") {
            #expect(line.count <= 60, "\(line)")
        }
        let review = terminal.output[terminal.output.range(of: "XEM LẠI CÁC CÂU TRẢ LỜI")!.lowerBound...]
        let flat = review.replacingOccurrences(of: "\n +", with: " ", options: .regularExpression)
        #expect(flat.contains("trên tổng số văn bản đi/đến trong nội bộ đơn vị (%): 60"))
        #expect(flat.contains("trên tổng số văn bản đi/đến với các đơn vị bên ngoài (%): 40"))
        // Never inside a word: every line break falls between two words.
        #expect(!review.contains("trư\n"))
    }
}

@Suite struct HintTests {
    func session() -> CollectorSession {
        let h = Harness()
        return CollectorSession(
            form: form, unit: unit, terminal: ScriptedTerminal(lines: []),
            options: CollectorSession.Options(draftURL: h.draft, outputDirectory: h.dir))
    }

    /// Hints show the bounds the form sets and an example within them; a mobile number's
    /// example is a mobile number.
    @Test func hintsShowTheBoundsAndAFittingExample() throws {
        let s = session()
        let services = try #require(form.field("online_services", "services"))
        let level = try #require(services.column("current_level"))
        #expect(s.typeHint(level) == "số nguyên từ 1 đến 4, ví dụ 4")
        let staff = try #require(form.field("general", "staff_total"))
        #expect(s.typeHint(staff) == "số nguyên, ví dụ 1234 hoặc 1.234")
        let mobile = try #require(form.field("contact", "mobile"))
        #expect(s.typeHint(mobile) == "số điện thoại, ví dụ 0912 345 678")
        let landline = try #require(form.field("contact", "landline"))
        #expect(s.typeHint(landline) == "số điện thoại, ví dụ 024 3943 9999")
        let year = try #require(form.field("internal", "databases")?.column("year"))
        #expect(s.typeHint(year).hasPrefix("năm, 4 chữ số từ 1990 đến 2019, ví dụ 2019"))
    }
}

@Suite struct ErrorListTests {
    /// The list of errors at finalizing names each question once: the message already holds
    /// its label, the place does not say it again; messages begin with a capital.
    @Test func anErrorNamesItsQuestionOnce() throws {
        let h = Harness()
        var reopened = try #require(
            SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission)
        reopened.answers["general", "address"] = nil
        let terminal = ScriptedTerminal(lines: [":review", "xong"])
        var options = CollectorSession.Options(
            draftURL: h.draft, outputDirectory: h.dir.appendingPathComponent("submissions"))
        options.editing = reopened
        _ = CollectorSession(form: form, unit: unit, terminal: terminal, options: options).run()
        let line = try #require(terminal.output.split(separator: "\n").first { $0.hasPrefix("  ✗ ") })
        #expect(line.components(separatedBy: "2. Địa chỉ").count - 1 == 1, "\(line)")
        #expect(line.contains(": Chưa trả lời câu hỏi bắt buộc \"2. Địa chỉ\""), "\(line)")
    }
}

@Suite struct ResumeTests {
    /// Answer the ten questions of Mục 1, go back four (to "6. Tổng số đơn vị…") and save there:
    /// the draft resumes there, not after the last answer accepted (Mục 2; it went to 36 once).
    @Test func aDraftSavedAfterGoingBackResumesWhereItWasSaved() throws {
        let h = Harness()
        let (first, _, _) = h.run(Script.general + Array(repeating: "<", count: 4) + [":save"])
        #expect(first == .saved(h.draft))
        let (_, terminal, _) = h.run(["c", ":save"])
        let afterResume = try #require(terminal.output.range(of: "Tiếp tục từ chỗ đã dừng?"))
        let next = terminal.output[afterResume.upperBound...]
        #expect(next.contains("\n6. Tổng số đơn vị thuộc, trực thuộc cơ quan *"), "\(next.prefix(600))")
        #expect(!next.contains("MỤC 2"))
    }
}
