import ArgumentParser
import Consolidation
import FormKit
import Foundation
import Submissions

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Xuất báo cáo của một đơn vị ra Excel theo mẫu chính thức. (Export one unit's report.)")

    @Argument(help: "Tệp bài nộp (.json).")
    var submission: String
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
        let s = loaded.submission!
        // A file edited by hand after it was saved is not what the unit finalized: not printed
        // as if it were.
        let edited = loaded.problems.contains { $0.path == "$.content_hash" }
        if edited && !force {
            printError(
                L(
                    "Không xuất: \(submission) đã bị sửa bằng tay sau khi lưu (mã kiểm tra nội dung không khớp), nên không còn là bản đơn vị đã hoàn tất. Hãy đề nghị đơn vị gửi lại tệp, hoặc thêm --force để vẫn xuất (bản in sẽ ghi rõ điều này).",
                    "Not exported: \(submission) was edited by hand after it was saved (the content hash does not match), so it is not what the unit finalized. Ask the unit to send the file again, or add --force to export it anyway (the printout says so)."
                ).text(lang))
            throw ExitCode(1)
        }
        let mark =
            edited
            ? "LƯU Ý: tệp này đã bị sửa bằng tay sau khi đơn vị lưu (mã kiểm tra nội dung không khớp); số liệu dưới đây có thể không phải số liệu đơn vị đã hoàn tất."
            : nil
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
