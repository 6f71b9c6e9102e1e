import ArgumentParser
import FormKit
import Foundation

@main
struct ICTReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ictreport",
        abstract: "Báo cáo ứng dụng CNTT hằng năm: kiểm tra biểu mẫu, kiểm tra bài nộp. (Annual ICT report campaign.)",
        version: "0.1.0",
        subcommands: [
            FormCommand.self, CollectCommand.self, ValidateCommand.self, SampleCommand.self, MergeCommand.self,
            ExportCommand.self, CampaignCommand.self, ServeCommand.self
        ]
    )

    /// ArgumentParser's own messages (usage errors, help) are English: in Vietnamese unless
    /// `--lang en` is given, the same words a person reads everywhere else.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let english =
            zip(arguments, arguments.dropFirst()).contains { $0 == "--lang" && $1 == "en" }
            || arguments.contains("--lang=en")
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if !text.isEmpty {
                let shown = english ? text : ArgumentParserWords.vietnamese(text)
                if code == .success {
                    print(shown)
                } else {
                    printError(shown)
                }
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// ArgumentParser's English, said in Vietnamese: its errors, and the headings and notes of
/// the help it writes (the help texts of our options are already in both languages).
enum ArgumentParserWords {
    static let patterns: [(String, String)] = [
        (#"Error: Missing expected argument '([^']*)'"#, "Lỗi: thiếu '$1' (bắt buộc)"),
        (#"Error: Unknown option '([^']*)'\. Did you mean '([^']*)'\?"#, "Lỗi: không có tùy chọn '$1'. Có phải '$2'?"),
        (#"Error: Unknown option '([^']*)'"#, "Lỗi: không có tùy chọn '$1'"),
        (#"Error: Unexpected argument '([^']*)'"#, "Lỗi: đối số '$1' không dùng được ở đây"),
        (#"Error: Missing value for '([^']*)'"#, "Lỗi: '$1' cần một giá trị"),
        (#"Error: The value '([^']*)' is invalid for '([^']*)'"#, "Lỗi: giá trị '$1' không hợp lệ cho '$2'"),
        (#"Error: "#, "Lỗi: "),
        (#"(?m)^Help: "#, "Hướng dẫn: "),
        (#"(?m)^Usage: "#, "Cách dùng: "),
        (#"See '([^']*)' for more information\."#, "Xem thêm: $1"),
        (#"See '([^']*)' for detailed help\."#, "Xem chi tiết: $1"),
        (#"(?m)^OVERVIEW:"#, "TỔNG QUAN:"),
        (#"(?m)^USAGE:"#, "CÁCH DÙNG:"),
        (#"(?m)^OPTIONS:"#, "TÙY CHỌN:"),
        (#"(?m)^ARGUMENTS:"#, "ĐỐI SỐ:"),
        (#"(?m)^SUBCOMMANDS:"#, "CÁC LỆNH:"),
        (#"Show help information\."#, "Xem hướng dẫn."),
        (#"Show the version\."#, "Xem phiên bản."),
        (#"\(default: "#, "(mặc định: "),
        (#"\(values: "#, "(giá trị: "),
        (#"; default: "#, "; mặc định: ")
    ]

    static func vietnamese(_ text: String) -> String {
        patterns.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1, options: .regularExpression) }
    }
}
