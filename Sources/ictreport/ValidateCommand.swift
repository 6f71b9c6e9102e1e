import ArgumentParser
import Foundation
import FormKit
import Submissions

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Kiểm tra các tệp bài nộp hoặc tệp câu trả lời; mã thoát 1 khi có lỗi. (Validate submission or answers files.)")

    @Argument(help: "Tệp bài nộp (.json) hoặc tệp câu trả lời (.json, .yaml), hoặc thư mục chứa chúng.")
    var files: [String]
    @Option(help: "Tệp biểu mẫu (mặc định Forms/ict-annual-report.yaml).")
    var form: String?
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let validator = Validator(form: try loadForm(form, lang))
        var total = 0, errors = 0, withErrors = 0, clean = 0
        for path in files {
            let (urls, missing) = SubmissionLoader.expand([path])
            if !missing.isEmpty {
                print("\(path)\n  \(Severity.error.label(lang)): " + (lang == .vi ? "không có tệp hoặc thư mục này" : "no such file or folder") + "\n")
                withErrors += 1
                errors += 1
                total += 1
            }
            for url in urls {
                let check = SubmissionCheck.run(url, validator: validator)
                print(check.render(lang))
                errors += check.errorCount
                total += 1
                if check.errorCount > 0 { withErrors += 1 } else { clean += 1 }
            }
        }
        print(lang == .vi ? "Tổng cộng \(total) tệp: \(clean) không có lỗi, \(withErrors) có lỗi (\(errors) lỗi)."
                          : "\(total) files: \(clean) without errors, \(withErrors) with errors (\(errors) errors).")
        if withErrors > 0 { throw ExitCode(1) }
    }
}
