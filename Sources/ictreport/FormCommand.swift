import ArgumentParser
import FormKit
import Foundation

struct FormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form",
        abstract: "Kiểm tra hoặc xem tệp biểu mẫu. (Check or show a form file.)",
        subcommands: [Check.self, Show.self]
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
}
