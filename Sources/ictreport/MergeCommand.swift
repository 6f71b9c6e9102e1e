import ArgumentParser
import CampaignStore
import Consolidation
import FormKit
import Foundation
import Submissions
import WebServer
import XLSX

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Tổng hợp các bài nộp thành một bảng Excel. (Merge submissions into the consolidated workbook.)",
        discussion: """
            Mã thoát / exit codes: 0 khi mọi tệp đều được tổng hợp; 2 khi có tệp bị từ chối hoặc xung đột, hoặc thiếu đầu vào; \
            1 với --strict khi có bản nộp có lỗi (hoặc khi không tạo được bảng tính).
            """)

    @Argument(help: "Tệp bài nộp (.json) hoặc thư mục chứa chúng (hoặc --db).")
    var inputs: [String] = []
    @OptionGroup var store: StoreOption
    @Option(name: .shortAndLong, help: "Tệp Excel kết quả (.xlsx).")
    var output: String
    @OptionGroup var unitList: UnitsOption
    @OptionGroup var formFile: FormOption
    @Option(help: "Bố cục bảng tổng hợp (mặc định Templates/consolidated.yaml).")
    var layout: String?
    @Option(
        parsing: .upToNextOption,
        help:
            "Bài nộp năm trước (tệp hoặc thư mục): thêm trang \"Theo dõi kế hoạch\" so kế hoạch năm trước với báo cáo năm nay. (Last year's submissions.)"
    )
    var previous: [String] = []
    @Flag(help: "Mã thoát 1 khi có bản nộp có lỗi. (Exit 1 when any submission has an error.)")
    var strict = false
    @Flag(
        help:
            "Vẫn ghi đè bảng tính đã có khi thiếu đầu vào hoặc không có bài nộp nào. (Replace an existing workbook even when inputs are missing or empty.)"
    )
    var allowEmpty = false
    @Option(help: ArgumentHelp("Ghi lại mọi ô đã ghi (cho make bench).", visibility: .hidden))
    var trace: String?
    @Flag(help: ArgumentHelp("In số ô đã ghi (cho make bench).", visibility: .hidden))
    var stats = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        let started = ContinuousClock.now
        let lang = common.lang
        if store.db != nil || inputs.isEmpty && ProcessInfo.processInfo.environment["ICTREPORT_DB"] != nil {
            return try runFromStore(started)
        }
        if inputs.isEmpty {
            printError(
                L(
                    "Hãy nêu các tệp bài nộp hoặc thư mục chứa chúng, hoặc kho đợt báo cáo (--db).",
                    "Name the submission files or folders, or the campaign store (--db)."
                ).text(lang))
            throw ExitCode(64)
        }
        // Before anything is written: the output must not be an input, and must not lose a good
        // workbook to a misspelt folder.
        let formPath = try locate(formFile.form, default: defaultFormPath, option: "--form", lang).path
        let unitsPath = try locate(unitList.units, default: defaultUnitsPath, option: "--units", lang).path
        let layoutPath = try locate(self.layout, default: "Templates/consolidated.yaml", option: "--layout", lang).path
        // The form and the unit list are read on other threads while the inputs are listed and
        // the output checked (a unit list of 10,000 units takes a fifth of a second); what
        // they find is said at the same point as before, after the checks of the output.
        let formReading = Background { FormLoader.lint(contentsOf: URL(fileURLWithPath: formPath)) }
        let registryReading = Background {
            Result { try UnitRegistry.load(contentsOf: URL(fileURLWithPath: unitsPath)) }
        }
        let expanded = SubmissionLoader.expandPaths(inputs)
        // The first pass over the inputs needs only their list and the form: it starts as soon
        // as the form is read, while the output is checked and the rest loads (reading is no
        // harm; nothing is written before the checks pass). A form with errors gives no scan.
        let scanning = Background { formReading.value.form.map { Consolidator.scan(expanded, form: $0) } }
        let (files, missingInputs) = (expanded.files, expanded.missing)
        if let problem = OutputTarget.problem(
            output, inputs: files + SubmissionLoader.expandPaths(previous).files + [formPath, unitsPath, layoutPath],
            fileExtension: "xlsx")
        {
            printError((L("Không tổng hợp: ", "Not merged: ").text(lang)) + problem.text(lang))
            throw ExitCode(2)
        }
        if (!missingInputs.isEmpty || files.isEmpty) && !allowEmpty && FileManager.default.fileExists(atPath: output) {
            for path in missingInputs {
                printError((L("Không có tệp hoặc thư mục: ", "No such file or folder: ").text(lang)) + path)
            }
            if missingInputs.isEmpty {
                printError(
                    L("Không tìm thấy bài nộp (.json) nào trong đầu vào.", "No submission (.json) found in the inputs.")
                        .text(lang))
            }
            printError(
                lang == .vi
                    ? "Bảng tính \(output) đã có nên được giữ nguyên. Hãy kiểm tra đường dẫn, hoặc thêm --allow-empty để vẫn ghi đè."
                    : "The workbook \(output) exists and was left as it was. Check the paths, or add --allow-empty to replace it anyway."
            )
            throw ExitCode(2)
        }
        let form = try checkedForm(formReading.value, lang)
        let registry = try loadOrExit(lang) { try registryReading.value.get() }
        let layout = try loadOrExit(lang) {
            try WorkbookLayout.load(contentsOf: URL(fileURLWithPath: layoutPath), form: form)
        }
        var consolidator = Consolidator(form: form, registry: registry, layout: layout)
        consolidator.previous = try lastYearAnswers(previous, form: form, registry: registry, lang)
        let ready = ContinuousClock.now
        let result = try writing { () throws -> MergeResult in
            // The trace, for the benchmark's reference program: installed only when asked for.
            let cellTrace = trace.map { _ in CellTrace() }
            // The form was read without errors (checked above), so the scan was made.
            let result = try consolidator.merge(
                scanning.value!, to: URL(fileURLWithPath: output), observer: cellTrace, summary: lang)
            if let trace, let cellTrace { try cellTrace.data.write(to: URL(fileURLWithPath: trace)) }
            return result
        }
        let merged = ContinuousClock.now
        try finish(consolidator, result, started: started, ready: ready, merged: merged)
    }

    /// The merge of the campaign store's current submissions: the same workbook as from the same
    /// files, plus each unit's review state and the coordinator's comment.
    func runFromStore(_ started: ContinuousClock.Instant) throws {
        let lang = common.lang
        if !inputs.isEmpty || formFile.form != nil || unitList.units != nil {
            printError(
                L(
                    "Với --db, bài nộp, biểu mẫu và danh sách đơn vị đều lấy từ kho: không nêu thêm tệp, --form hay --units.",
                    "With --db the submissions, the form and the unit list all come from the store: name no files, --form or --units."
                ).text(lang))
            throw ExitCode(64)
        }
        let layoutPath = try locate(self.layout, default: "Templates/consolidated.yaml", option: "--layout", lang).path
        var storeFiles: [String] = []
        if case .sqlite(let path) = store.location { storeFiles.append(path) }
        if let problem = OutputTarget.problem(output, inputs: storeFiles + [layoutPath], fileExtension: "xlsx") {
            printError((L("Không tổng hợp: ", "Not merged: ").text(lang)) + problem.text(lang))
            throw ExitCode(2)
        }
        let contents = try store.using(lang) { opened throws(StoreError) in try StoreWorkbooks.contents(of: opened) }
        let layout = try loadOrExit(lang) {
            try WorkbookLayout.load(contentsOf: URL(fileURLWithPath: layoutPath), form: contents.campaign.form)
        }
        let lastYear = try lastYearAnswers(
            previous, form: contents.campaign.form, registry: contents.campaign.registry, lang)
        let ready = ContinuousClock.now
        var consolidator: Consolidator?
        let result = try writing {
            let (merger, result) = try StoreWorkbooks.merge(
                contents, layout: layout, previous: lastYear, to: URL(fileURLWithPath: output), summary: lang)
            consolidator = merger
            return result
        }
        try finish(consolidator!, result, started: started, ready: ready, merged: ContinuousClock.now)
    }

    /// The workbook written by `body`; when it cannot be, the command says so and exits 1.
    func writing(_ body: () throws -> MergeResult) throws -> MergeResult {
        do {
            return try body()
        } catch {
            printError(
                (L("Không tạo được bảng tính \(output): ", "Cannot write the workbook \(output): ").text(common.lang))
                    + "\(error)")
            printError(
                L("Tệp cũ (nếu có) được giữ nguyên.", "Any existing file was left as it was.").text(common.lang))
            throw ExitCode(1)
        }
    }

    /// The summary, the statistics when asked for, and the exit code.
    func finish(
        _ consolidator: Consolidator, _ result: MergeResult, started: ContinuousClock.Instant,
        ready: ContinuousClock.Instant, merged: ContinuousClock.Instant
    ) throws {
        let lang = common.lang
        print(result.summaryText ?? consolidator.summary(result, lang), terminator: "")
        if stats {
            // Around the merge's own phases: loading the form, unit list and layout (the scan
            // runs meanwhile), and the summary printed after.
            let phases =
                [("load", Consolidator.seconds(ready - started))] + result.phases + [
                    ("summary", Consolidator.seconds(ContinuousClock.now - merged))
                ]
            print(
                "cells=\(result.cellsWritten) "
                    + phases.map { "\($0.0)=\(String(format: "%.3f", $0.1))" }.joined(separator: " ")
                    + " units-the-writer-prepared=\(result.unitsPreparedByWriter)")
        }
        // Freeing every merged answer just before the process ends only costs time.
        MergeCommand.kept = result
        if strict && result.withErrors > 0 { throw ExitCode(1) }
        if result.rejectedCount > 0 || result.conflictCount > 0 { throw ExitCode(2) }
    }

    nonisolated(unsafe) static var kept: MergeResult?
}
