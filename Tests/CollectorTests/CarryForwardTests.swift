import FormKit
import Foundation
import Submissions
import TestSupport
import Testing

@testable import Collector

/// `collect --previous`: last year's report carried into this year's session (issue 17).
@Suite struct CarryForwardTests {
    /// Last year's report: the bundled example (its plan: one task, one service at level 4).
    let lastYear = SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission!.answers

    /// This year's answers where last year's are offered: Enter keeps what rarely changes.
    func script(plan: [String]) -> [String] {
        let general = ["", "", "", "", "", "", "4", "10", "6", "4"]
        let contact = ["", "", "", "", "", ""]
        let websites = ["", "k"]  // keep last year's portals, add none
        let online = ["10", "5", "3", "k", "k", "", ""]  // last year's services not kept, none added
        let documents = ["60", "40", "30", "50", "80", "", "k", "k"]
        let next = ["k", "k"]
        let signOff = ["", "15/11/2019", ""]
        return general + contact + websites + online + Script.oneStop + documents + Script.staffing + plan + next
            + signOff
    }

    @Test func stableAnswersAreOfferedAsLastYearsAndPlannedTasksArePrefilled() throws {
        let h = Harness()
        // The planned task reported: name and planned time kept (Enter), done in full.
        let plan = ["", "", "", "Quý II/2019", "100", "k"]
        let warnings = ["c", "Chưa có chữ ký số cho người nộp đơn"]
        let (outcome, terminal, _) = h.run(script(plan: plan) + Script.finish + warnings, previous: lastYear)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(1500))")
        let out = terminal.output
        #expect(out.contains("[Cục Sở hữu trí tuệ] (năm trước) › "))
        #expect(out.contains("Năm trước bảng này có 2 dòng:"))
        #expect(
            out.contains(
                "Nhiệm vụ 1/1 của kế hoạch năm trước: Dịch vụ công mức 4 cho đơn sáng chế (dự kiến: Quý II/2019)"))
        #expect(out.contains("[Dịch vụ công mức 4 cho đơn sáng chế] (năm trước) › "))
        let final = try #require(h.load(h.final))
        #expect(final.answers["general", "agency_name"] == .text("Cục Sở hữu trí tuệ"))
        #expect(final.answers["contact", "email"] == lastYear["contact", "email"])
        #expect(final.answers["websites", "portals"] == lastYear["websites", "portals"])
        #expect(final.answers["general", "staff_total"] == .number(10), "figures are asked again")
        let tasks = try #require(final.answers["plan_results", "tasks"]?.rows)
        #expect(tasks.count == 1)
        #expect(tasks[0]["name"] == .text("Dịch vụ công mức 4 cho đơn sáng chế"))
        #expect(tasks[0]["planned_time"] == .text("Quý II/2019"))
        #expect(tasks[0]["completion_pct"] == .number(100))
        // The service promised at level 4 is not reported: a warning, explained.
        #expect(out.contains("Dịch vụ \"Đăng ký sáng chế\" đăng ký mức 4 trong kế hoạch năm trước"))
        #expect(final.explanations["online_services/services/promised_service:dang ky sang che"] != nil)
    }

    @Test func aDroppedTaskIsAskedAndExplained() throws {
        let h = Harness()
        let plan = ["k", "k"]  // not reported; no task added
        let warnings = ["c", "Đã gộp vào dự án cổng dịch vụ công", "c", ""]
        let (outcome, terminal, _) = h.run(script(plan: plan) + Script.finish + warnings, previous: lastYear)
        #expect(outcome == .finalized(h.final), "\(terminal.output.suffix(1500))")
        #expect(terminal.output.contains("Báo cáo kết quả nhiệm vụ này?"))
        #expect(terminal.output.contains("Có nhiệm vụ phát sinh ngoài kế hoạch năm trước"))
        let final = try #require(h.load(h.final))
        #expect(final.answers["plan_results", "tasks"] == nil)
        #expect(
            final.explanations["plan_results/tasks/dropped_task:dich vu cong muc 4 cho don sang che"]
                == "Đã gộp vào dự án cổng dịch vụ công")
    }

    @Test func noInputTakesLastYearsAnswersAndAsksForTheCompletion() throws {
        let h = Harness()
        var answers = lastYear
        answers["general", "agency_name"] = nil
        answers["plan_results", "tasks"] = nil
        let terminal = ScriptedTerminal(lines: [])
        var options = CollectorSession.Options(
            draftURL: h.draft, outputDirectory: h.dir.appendingPathComponent("submissions"))
        options.prefill = answers
        options.previous = lastYear
        let session = CollectorSession(form: form, unit: unit, terminal: terminal, options: options)
        #expect(session.runWithoutInput() == .incomplete)
        #expect(
            terminal.output.contains("Lấy từ báo cáo năm trước (năm trước): Tên cơ quan báo cáo; Các đơn vị căn cứ"))
        #expect(
            terminal.output.contains(
                "Nhiệm vụ \"Dịch vụ công mức 4 cho đơn sáng chế\" của kế hoạch năm trước: hãy nêu mức độ hoàn thành (%)"
            ))
    }
}
