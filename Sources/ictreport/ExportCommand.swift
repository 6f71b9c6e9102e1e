import ArgumentParser
import CampaignStore
import Consolidation
import FormKit
import Foundation
import Submissions
import WebServer

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Xuất báo cáo của một đơn vị ra Excel theo mẫu chính thức. (Export one unit's report.)")

    @Argument(help: "Tệp bài nộp (.json), hoặc --unit với kho đợt báo cáo.")
    var submission: String?
    @Option(help: "Đơn vị có bài nộp hiện hành trong kho (--db) cần xuất. (A unit of the campaign store.)")
    var unit: String?
    @OptionGroup var store: StoreOption
    @Option(name: .shortAndLong, help: "Tệp Excel kết quả (.xlsx).")
    var output: String
    @OptionGroup var formFile: FormOption
    @Option(help: "Bố cục (mặc định Templates/unit-report.yaml).")
    var layout: String?
    @Flag(
        help:
            "Xuất cả tệp đã bị sửa tay sau khi lưu (mã kiểm tra không khớp); bản in ghi rõ điều đó. (Export a hand-edited file, marked.)"
    )
    var force = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let layoutPath = try locate(self.layout, default: "Templates/unit-report.yaml", option: "--layout", lang).path
        if let unit { return try runFromStore(unit, layoutPath: layoutPath) }
        guard let submission else {
            printError(
                L(
                    "Hãy nêu tệp bài nộp, hoặc --unit MÃ-ĐƠN-VỊ để xuất bài nộp hiện hành trong kho đợt báo cáo (--db).",
                    "Name the submission file, or --unit UNIT-ID to export the current submission in the campaign store (--db)."
                ).text(lang))
            throw ExitCode(64)
        }
        if store.db != nil {
            printError(
                L(
                    "--db cần --unit MÃ-ĐƠN-VỊ (đơn vị cần xuất).", "--db needs --unit UNIT-ID (the unit to export)."
                )
                .text(lang))
            throw ExitCode(64)
        }
        if let problem = OutputTarget.problem(
            output,
            inputs: [
                submission, try locate(formFile.form, default: defaultFormPath, option: "--form", lang).path, layoutPath
            ],
            fileExtension: "xlsx")
        {
            printError((L("Không xuất: ", "Not exported: ").text(lang)) + problem.text(lang))
            throw ExitCode(2)
        }
        let form = try formFile.load(lang)
        let layout = try loadOrExit(lang) {
            try UnitReportLayout.load(contentsOf: URL(fileURLWithPath: layoutPath), form: form)
        }
        let loaded = try loadSubmissionFile(submission, form, lang)
        try export(loaded, form: form, layout: layout, source: submission)
    }

    /// The unit's current submission in the campaign store (its latest draft when it has no
    /// final one), exported as a file of it would be; the form is the campaign's.
    func runFromStore(_ query: String, layoutPath: String) throws {
        let lang = common.lang
        if submission != nil || formFile.form != nil {
            printError(
                L(
                    "Với --unit, bài nộp và biểu mẫu lấy từ kho: không nêu thêm tệp hay --form.",
                    "With --unit the submission and the form come from the store: name no file or --form."
                ).text(lang))
            throw ExitCode(64)
        }
        var storeFiles: [String] = []
        if case .sqlite(let path) = store.location { storeFiles.append(path) }
        if let problem = OutputTarget.problem(output, inputs: storeFiles + [layoutPath], fileExtension: "xlsx") {
            printError((L("Không xuất: ", "Not exported: ").text(lang)) + problem.text(lang))
            throw ExitCode(2)
        }
        let (campaign, unit, current) = try store.using(lang) { opened throws(StoreError) in
            let unit = try opened.unit(query)
            return (try opened.campaign(), unit, try StoreWorkbooks.currentSubmission(of: unit, in: opened))
        }
        guard let current else {
            printError(
                L(
                    "\(unit.name) chưa có bài nộp nào trong kho \(store.location.displayName).",
                    "\(unit.name) has no submission in the store \(store.location.displayName)."
                ).text(lang))
            throw ExitCode(1)
        }
        let layout = try loadOrExit(lang) {
            try UnitReportLayout.load(contentsOf: URL(fileURLWithPath: layoutPath), form: campaign.form)
        }
        try export(try usable(current.loaded, lang), form: campaign.form, layout: layout, source: current.name)
    }

    /// Writes the unit's report, after checking the file was not edited by hand.
    func export(_ loaded: LoadedSubmission, form: Form, layout: UnitReportLayout, source submission: String) throws {
        let lang = common.lang
        let s = loaded.submission!
        // A file edited by hand after it was saved is not what the unit finalized: not printed
        // as if it were.
        let edited = StoreWorkbooks.wasEdited(loaded)
        if edited && !force {
            printError(
                L(
                    "Không xuất: \(submission) đã bị sửa bằng tay sau khi lưu (mã kiểm tra nội dung không khớp), nên không còn là bản đơn vị đã hoàn tất. Hãy đề nghị đơn vị gửi lại tệp, hoặc thêm --force để vẫn xuất (bản in sẽ ghi rõ điều này).",
                    "Not exported: \(submission) was edited by hand after it was saved (the content hash does not match), so it is not what the unit finalized. Ask the unit to send the file again, or add --force to export it anyway (the printout says so)."
                ).text(lang))
            throw ExitCode(1)
        }
        let mark = edited ? StoreWorkbooks.editedMark : nil
        do {
            try UnitReportExporter(form: form, layout: layout).export(s, to: URL(fileURLWithPath: output), mark: mark)
        } catch {
            printError((L("Không tạo được tệp \(output): ", "Cannot write \(output): ").text(lang)) + "\(error)")
            throw ExitCode(1)
        }
        print(
            L("Đã xuất báo cáo của \(s.unitName) ra \(output)", "Exported the report of \(s.unitName) to \(output)")
                .text(lang))
    }
}
