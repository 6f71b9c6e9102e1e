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
        let s = try loadSubmission(submission, form, lang)
        do {
            try UnitReportExporter(form: form, layout: layout).export(s, to: URL(fileURLWithPath: output))
        } catch {
            printError((L("Không tạo được tệp \(output): ", "Cannot write \(output): ").text(lang)) + "\(error)")
            throw ExitCode(1)
        }
        print(
            L("Đã xuất báo cáo của \(s.unitName) ra \(output)", "Exported the report of \(s.unitName) to \(output)")
                .text(lang))
    }
}
