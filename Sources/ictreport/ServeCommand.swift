import ArgumentParser
import CampaignStore
import Consolidation
import FormKit
import Foundation
import WebServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Máy chủ web của đợt báo cáo: trang nhập liệu của đơn vị, bàn làm việc của cán bộ tổng hợp, API JSON. (The campaign on the web.)",
        discussion: """
            Mỗi yêu cầu ghi một dòng ra đầu ra chuẩn. Dừng bằng Ctrl-C hoặc SIGTERM: các yêu cầu đang chạy \
            được hoàn tất trước. Nhiều tiến trình serve trên cùng một kho PostgreSQL hoạt động như một.
            """)

    @OptionGroup var store: StoreOption
    @Option(help: "Địa chỉ lắng nghe (mặc định 127.0.0.1). (Address to listen on.)")
    var host = "127.0.0.1"
    @Option(help: "Cổng (mặc định 8080; 0: một cổng trống bất kỳ). (Port.)")
    var port = 8080
    @Option(help: "Số kết nối tới kho (mặc định 4). (Store connections.)")
    var connections = 4
    @Flag(help: "In tài liệu OpenAPI của API JSON rồi thoát. (Print the JSON API's OpenAPI document.)")
    var openapi = false
    @Option(
        parsing: .upToNextOption,
        help:
            "Báo cáo năm trước (tệp hoặc thư mục): đơn vị chưa có gì năm nay bắt đầu từ đó, kế hoạch năm trước được đối chiếu. (Last year's reports.)"
    )
    var previous: [String] = []
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        if openapi {
            FileHandle.standardOutput.write(Data(OpenAPIDocument.bytes))
            return
        }
        let consolidatedPath = try locate(nil, default: "Templates/consolidated.yaml", option: "--layout", lang)
        let reportPath = try locate(nil, default: "Templates/unit-report.yaml", option: "--layout", lang)
        // The store is opened once first, as every command does (migrated after a backup when older).
        let campaign = try store.using(lang) { opened throws(StoreError) in try opened.campaign() }
        let layouts = try loadOrExit(lang) {
            StoreWorkbooks(
                consolidated: try WorkbookLayout.load(contentsOf: consolidatedPath, form: campaign.form),
                unitReport: try UnitReportLayout.load(contentsOf: reportPath, form: campaign.form))
        }
        let lastYear = try lastYearAnswers(previous, form: campaign.form, registry: campaign.registry, lang)
        let pool: StorePool
        do {
            pool = try StorePool(location: store.location, size: max(1, min(connections, 64)))
        } catch {
            printError(error.message.text(lang))
            throw ExitCode(1)
        }
        let host = host
        let port = port
        let displayName = store.location.displayName
        let result = runBlocking { () async throws -> Void in
            let web = try await WebCampaign(pool: pool, layouts: layouts, previous: lastYear)
            try await WebApp.serve(
                campaign: web, host: host, port: port, pages: ServeCommand.pages,
                log: { line in printLine(line) },
                onServerRunning: { actual in
                    printLine(
                        L(
                            "Đang phục vụ đợt báo cáo '\(campaign.name)' (kho \(displayName)) tại http://\(host):\(actual)/",
                            "Serving the campaign '\(campaign.name)' (store \(displayName)) at http://\(host):\(actual)/"
                        ).text(lang))
                })
            await pool.shutdown()
        }
        if case .failure(let error) = result {
            printError(L("Máy chủ dừng vì lỗi: \(error)", "The server stopped on an error: \(error)").text(lang))
            throw ExitCode(1)
        }
        printLine(L("Đã dừng.", "Stopped.").text(lang))
    }

    /// The pages' routes: the unit's pages, the coordinators' desk, the style sheet and script.
    static let pages: WebApp.Pages? = WebPages.register
}

/// A line on standard output, written at once (the request log is read while the server runs).
func printLine(_ s: String) {
    FileHandle.standardOutput.write(Data((s.terminalSafe + "\n").utf8))
}

/// Runs async work from a synchronous command and waits for it.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return box.get()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<T, any Error>?
    func set(_ v: Result<T, any Error>) { lock.withLock { value = v } }
    func get() -> Result<T, any Error> { lock.withLock { value! } }
}
