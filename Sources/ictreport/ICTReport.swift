import ArgumentParser
import FormKit

@main
struct ICTReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ictreport",
        abstract: "Báo cáo ứng dụng CNTT hằng năm: kiểm tra biểu mẫu, kiểm tra bài nộp. (Annual ICT report campaign.)",
        version: "0.1.0",
        subcommands: [
            FormCommand.self, CollectCommand.self, ValidateCommand.self, SampleCommand.self, MergeCommand.self,
            ExportCommand.self
        ]
    )
}
