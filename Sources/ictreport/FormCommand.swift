import ArgumentParser
import AtomicFiles
import FormKit
import Foundation
import Submissions

struct FormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form",
        abstract: "Kiểm tra hoặc xem tệp biểu mẫu. (Check or show a form file.)",
        subcommands: [Check.self, Show.self, Next.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kiểm tra tệp biểu mẫu; mã thoát 1 khi có lỗi. (Lint a form; exit 1 on errors.)")

        @Argument(help: "Tệp biểu mẫu (mặc định Forms/ict-annual-report.yaml).")
        var file: String?
        @OptionGroup var common: CommonOptions

        func run() throws {
            let url = try locate(file, default: defaultFormPath, option: "ictreport form check", common.lang)
            let result = FormLoader.lint(contentsOf: url)
            for d in result.diagnostics { print(d.formatted(common.lang)) }
            let errors = result.errors.count
            let warnings = result.diagnostics.count - errors
            let name = FormLoader.displayPath(url)
            if common.lang == .vi {
                print(
                    errors == 0
                        ? "\(name): hợp lệ (\(warnings) cảnh báo)" : "\(name): \(errors) lỗi, \(warnings) cảnh báo")
            } else {
                print(
                    errors == 0
                        ? "\(name): valid (\(warnings) warnings)" : "\(name): \(errors) errors, \(warnings) warnings")
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "In dàn ý biểu mẫu: mục, câu hỏi, kiểu, quy tắc. (Print the form's outline.)")

        @Argument(help: "Tệp biểu mẫu (mặc định Forms/ict-annual-report.yaml).")
        var file: String?
        @Flag(help: "In dạng JSON, liệt kê mã đầy đủ của mọi câu hỏi. (Machine-readable JSON.)")
        var json = false
        @OptionGroup var common: CommonOptions

        func run() throws {
            let form = try loadForm(file, common.lang)
            let outline = FormOutline(form)
            print(json ? outline.json.render(pretty: true) : outline.text(common.lang), terminator: json ? "\n" : "")
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Làm biểu mẫu năm sau từ biểu mẫu năm nay: tham số chuyển sang năm sau, tăng phiên bản, giữ nguyên phần còn lại. (Next year's form from this year's.)"
        )

        @Argument(help: "Biểu mẫu năm nay (mặc định Forms/ict-annual-report.yaml).")
        var file: String?
        @Option(name: .shortAndLong, help: "Tệp biểu mẫu năm sau (.yaml). (Next year's form.)")
        var output: String
        @OptionGroup var common: CommonOptions

        func run() throws {
            let lang = common.lang
            let url = try locate(file, default: defaultFormPath, option: "ictreport form next", lang)
            let ext = (output as NSString).pathExtension.lowercased()
            let problem =
                ext == "yaml" || ext == "yml"
                ? OutputTarget.problem(output, inputs: [url.path], fileExtension: ext)
                : L(
                    "tệp kết quả '\(output)' phải có đuôi .yaml (một biểu mẫu được ghi vào đó)",
                    "the output '\(output)' must end in .yaml (a form is written there)")
            if let problem {
                printError(L("Không ghi: ", "Not written: ").text(lang) + problem.text(lang))
                throw ExitCode(2)
            }
            let next = try loadOrExit(lang) {
                let text = try InputFile.yamlText(
                    url.path, what: L("không mở được tệp biểu mẫu", "cannot open the form file"))
                return try NextYearForm.make(from: text, file: FormLoader.displayPath(url))
            }
            do {
                try AtomicOutput.write(Array(next.text.utf8), to: output)
            } catch {
                printError(L("Không ghi được \(output): \(error)", "Cannot write \(output): \(error)").text(lang))
                throw ExitCode(1)
            }
            let moved = next.changes.filter { $0.kind == .moved }
            print(
                L(
                    "Đã ghi \(output): phiên bản \(next.oldVersion) → \(next.newVersion), \(moved.count) tham số chuyển sang năm sau:",
                    "Wrote \(output): version \(next.oldVersion) → \(next.newVersion), \(moved.count) parameters moved on a year:"
                ).text(lang))
            for c in moved { print("  \(c.name): \(c.old) → \(c.new)") }
            if !next.toEdit.isEmpty {
                print(
                    L(
                        "Còn phải tự sửa trong \(output) (phần parameters) trước khi gửi biểu mẫu:",
                        "Still to edit by hand in \(output) (under parameters) before sending the form:"
                    ).text(lang))
                for c in next.toEdit {
                    let what =
                        c.kind == .moved
                        ? L("đã đổi năm, điền nốt ngày/số", "year moved; fill in the day/number")
                        : L("giữ nguyên, hãy viết lại nếu năm sau khác", "kept; write it again if next year's differs")
                    print("  - \(c.name) (\(what.text(lang))): \(c.new)")
                }
            }
            print(L("Kiểm tra: ictreport form check \(output)", "Check: ictreport form check \(output)").text(lang))
        }
    }
}
