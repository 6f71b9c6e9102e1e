import ArgumentParser
import AtomicFiles
import FormKit
import Foundation
import Submissions

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract:
            "Kiểm tra các tệp bài nộp hoặc tệp câu trả lời; mã thoát 1 khi có lỗi. (Validate submission or answers files.)"
    )

    @Argument(help: "Tệp bài nộp (.json) hoặc tệp câu trả lời (.json, .yaml), hoặc thư mục chứa chúng.")
    var files: [String]
    @OptionGroup var formFile: FormOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let validator = Validator(form: try formFile.load(lang))
        // Every path in the order given; folders expand to their files. Files are read and
        // checked on every core, then reported in that order.
        // In the order given; each file once, however often it is named (a folder and a file
        // in it, a link).
        var seen: Set<String> = []
        let entries: [(path: String, url: URL?)] = files.flatMap { path -> [(path: String, url: URL?)] in
            let (urls, missing, _) = SubmissionLoader.expand([path])
            let fresh = urls.filter { seen.insert(AtomicOutput.resolvingLinks($0.path)).inserted }
            if missing.isEmpty && fresh.isEmpty && !urls.isEmpty {
                print(
                    L(
                        "\(path.terminalSafe): đã được nêu, chỉ kiểm tra một lần\n",
                        "\(path.terminalSafe): given more than once, checked once\n"
                    ).text(lang))
            }
            return missing.map { ($0, nil) } + fresh.map { (path, $0) }
        }
        let reports = parallelMap(entries.count) { i -> (text: String, errors: Int) in
            guard let url = entries[i].url else {
                return (
                    "\(entries[i].path)\n  \(Severity.error.label(lang)): "
                        + (L("không có tệp hoặc thư mục này", "no such file or folder").text(lang)) + "\n", 1
                )
            }
            let check = SubmissionCheck.run(url, validator: validator)
            return (check.render(lang, form: validator.form), check.errorCount)
        }
        var errors = 0
        var withErrors = 0
        var clean = 0
        var out = ""
        for r in reports {
            out += r.text + "\n"
            errors += r.errors
            if r.errors > 0 { withErrors += 1 } else { clean += 1 }
            if out.utf8.count > 1 << 16 {
                print(out, terminator: "")
                out = ""
            }
        }
        print(out, terminator: "")
        let total = reports.count
        print(
            L(
                "Tổng cộng \(total) tệp: \(clean) không có lỗi, \(withErrors) có lỗi (\(errors) lỗi).",
                "\(total) files: \(clean) without errors, \(withErrors) with errors (\(errors) errors)."
            ).text(lang))
        if withErrors > 0 { throw ExitCode(1) }
    }
}
