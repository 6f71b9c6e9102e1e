import ArgumentParser
import CampaignStore
import FormKit
import Foundation
import Submissions

struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract:
            "Kho đợt báo cáo: mọi bài nộp, lần nộp và quyết định duyệt trong một cơ sở dữ liệu. (The campaign store.)",
        discussion: """
            Kho mặc định là tệp campaign.sqlite trong thư mục hiện hành; --db TỆP hoặc --db postgres://… \
            (hoặc biến môi trường ICTREPORT_DB) chọn kho khác.
            """,
        subcommands: [
            CampaignInit.self, CampaignImport.self, CampaignStatus.self, CampaignReturn.self, CampaignAccept.self,
            CampaignLog.self, CampaignDump.self, CampaignLinks.self, CampaignCoordinator.self
        ])
}

/// `--db PATH|postgres://…`, shared by the commands that use the store.
struct StoreOption: ParsableArguments {
    @Option(
        help:
            "Kho: tệp SQLite hoặc postgres://người-dùng@máy/csdl (mặc định campaign.sqlite, hoặc ICTREPORT_DB). (The store.)"
    )
    var db: String?

    var location: StoreLocation { StoreLocation.resolve(db) }

    /// Opens the store, runs `body` on it and closes it: what every command on the store does.
    /// An error of the store is printed and the command exits 1.
    func using<T>(_ language: Language, create: Bool = false, _ body: (CampaignStore) throws(StoreError) -> T)
        throws -> T
    {
        let opened = try open(language, create: create)
        defer { opened.close() }
        do {
            return try body(opened)
        } catch {
            printError(error.message.text(language))
            throw ExitCode(1)
        }
    }

    /// Opens the store, saying when it was upgraded; a store that cannot be used ends the command.
    func open(_ language: Language, create: Bool = false) throws -> CampaignStore {
        do {
            let (store, opening) = try CampaignStore.open(location, create: create)
            if let from = opening.migratedFrom {
                printError(
                    L(
                        "Kho \(location.displayName) đã được nâng cấp từ lược đồ \(from) lên \(CampaignStore.schemaVersion)"
                            + (opening.backup.map { "; bản sao trước khi nâng cấp: \($0)" } ?? "") + ".",
                        "The store \(location.displayName) was upgraded from schema \(from) to \(CampaignStore.schemaVersion)"
                            + (opening.backup.map { "; copy made before the upgrade: \($0)" } ?? "") + "."
                    ).text(language))
            }
            return store
        } catch {
            printError(error.message.text(language))
            throw ExitCode(1)
        }
    }
}

/// `--by NAME`: who does it (the system user when not given).
struct ActorOption: ParsableArguments {
    @Option(help: "Người thực hiện, ghi vào nhật ký (mặc định tên người dùng hệ thống). (Who, for the log.)")
    var by: String?

    var name: String { by ?? CampaignStore.defaultActor }
}

struct CampaignInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Tạo đợt báo cáo: một phiên bản biểu mẫu và một danh sách đơn vị. (Create the campaign.)")

    @OptionGroup var formFile: FormOption
    @OptionGroup var unitList: UnitsOption
    @Option(help: "Tên đợt báo cáo (mặc định: tiêu đề biểu mẫu). (The campaign's name.)")
    var name: String?
    @OptionGroup var store: StoreOption
    @OptionGroup var actor: ActorOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let formURL = try locate(formFile.form, default: defaultFormPath, option: "--form", lang)
        let unitsURL = try locate(unitList.units, default: defaultUnitsPath, option: "--units", lang)
        // Both checked (every diagnostic printed) before the store is touched.
        let form = try formFile.load(lang)
        _ = try unitList.load(lang)
        let formText = try loadOrExit(lang) {
            try InputFile.yamlText(formURL.path, what: L("không mở được tệp biểu mẫu", "cannot open the form file"))
        }
        let unitsText = try loadOrExit(lang) {
            try InputFile.yamlText(
                unitsURL.path, what: L("không mở được danh sách đơn vị", "cannot open the unit list"))
        }
        let campaign = try store.using(lang, create: true) { opened throws(StoreError) in
            try opened.initialize(
                name: name ?? form.title.vi, formText: formText, formFile: FormLoader.displayPath(formURL),
                unitsText: unitsText, unitsFile: FormLoader.displayPath(unitsURL), by: actor.name)
        }
        print(
            L(
                "Đã tạo đợt báo cáo '\(campaign.name)' trong \(store.location.displayName): biểu mẫu \(campaign.form.id) phiên bản \(campaign.form.version), \(campaign.registry.units.count) đơn vị.",
                "Created the campaign '\(campaign.name)' in \(store.location.displayName): form \(campaign.form.id) version \(campaign.form.version), \(campaign.registry.units.count) units."
            ).text(lang).terminalSafe)
    }
}

struct CampaignImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Nhận các tệp bài nộp (hoặc thư mục) vào kho. (Import submission files or folders.)",
        discussion: """
            Mỗi tệp: "lần nộp mới N", "không đổi" (cùng nội dung, không lưu hai lần), "bản nháp", hoặc "từ chối: lý do". \
            Mã thoát: 0, hoặc 2 khi có tệp bị từ chối. Nhận lại cùng các tệp không thay đổi gì.
            """)

    @Argument(help: "Tệp bài nộp (.json) hoặc thư mục chứa chúng.")
    var inputs: [String]
    @OptionGroup var store: StoreOption
    @OptionGroup var actor: ActorOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let outcomes = try store.using(lang) { opened throws(StoreError) in
            try opened.importFiles(inputs, by: actor.name)
        }
        print(CampaignReport.importLines(outcomes, lang), terminator: "")
        if outcomes.contains(where: { if case .rejected = $0.result { true } else { false } }) { throw ExitCode(2) }
    }
}

struct CampaignStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Trạng thái từng đơn vị theo thứ tự danh sách, và số đếm. (Each unit's state.)")

    @Flag(help: "In dạng JSON. (As JSON.)")
    var json = false
    @OptionGroup var store: StoreOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let (campaign, units) = try store.using(lang) { opened throws(StoreError) in
            (try opened.campaign(), try opened.status())
        }
        print(
            json
                ? CampaignReport.statusJSON(campaign, units)
                : CampaignReport.statusTable(campaign, units, store: store.location.displayName, lang),
            terminator: "")
    }
}

struct CampaignReturn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Trả lại báo cáo của một đơn vị để sửa, kèm lý do. (Send a unit's report back for correction.)")

    @Argument(help: "Mã đơn vị (hoặc tên).")
    var unit: String
    @Option(help: "Lý do trả lại: đơn vị cần sửa gì. (What to correct.)")
    var comment: String
    @OptionGroup var store: StoreOption
    @OptionGroup var actor: ActorOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let s = try store.using(lang) { opened throws(StoreError) in
            try opened.returnUnit(unit, comment: comment, by: actor.name)
        }
        print(
            L(
                "Đã trả lại \(s.unit.name) (lần nộp \(s.revision)); lần nộp tiếp theo sẽ ở trạng thái 'nộp lại'.",
                "Returned \(s.unit.name) (revision \(s.revision)); its next revision will be 'resubmitted'."
            ).text(lang).terminalSafe)
    }
}

struct CampaignAccept: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Duyệt lần nộp hiện hành của một đơn vị. (Accept a unit's current revision.)")

    @Argument(help: "Mã đơn vị (hoặc tên).")
    var unit: String
    @Flag(help: "Duyệt cả khi bản nộp còn lỗi; nhật ký ghi rõ. (Accept even with errors; logged.)")
    var force = false
    @OptionGroup var store: StoreOption
    @OptionGroup var actor: ActorOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let (target, result) = try store.using(lang) { opened throws(StoreError) in
            let target = try opened.unit(unit)
            return (target, try opened.accept(target.id, by: actor.name, force: force))
        }
        let message: LocalizedText
        switch result {
        case .accepted(let r):
            message = L("Đã duyệt \(target.name) (lần nộp \(r)).", "Accepted \(target.name) (revision \(r)).")
        case .forced(let r, let errors):
            message = L(
                "Đã duyệt \(target.name) (lần nộp \(r)) dù còn \(errors) lỗi; nhật ký ghi rõ điều này.",
                "Accepted \(target.name) (revision \(r)) with \(errors) errors; the log says so.")
        case .alreadyAccepted(let r):
            message = L(
                "\(target.name) đã được duyệt (lần nộp \(r)); không thay đổi gì.",
                "\(target.name) was already accepted (revision \(r)); nothing changed.")
        }
        print(message.text(lang).terminalSafe)
    }
}

struct CampaignLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Nhật ký: ai làm gì, lúc nào, lần nộp nào (chỉ ghi thêm, không bao giờ sửa). (The history.)")

    @Argument(help: "Mã đơn vị (bỏ trống: cả đợt).")
    var unit: String?
    @OptionGroup var store: StoreOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let entries = try store.using(lang) { opened throws(StoreError) in
            try opened.log(unit: try unit.map { u throws(StoreError) in try opened.unit(u).id })
        }
        print(CampaignReport.logLines(entries, lang), terminator: "")
    }
}

struct CampaignDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract:
            "Xuất mọi bài nộp hiện hành ra tệp, kèm biểu mẫu, danh sách đơn vị và nhật ký (log.csv). (Everything back as files.)"
    )

    @Option(name: .shortAndLong, help: "Thư mục ghi ra.")
    var output: String
    @OptionGroup var store: StoreOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let summary = try store.using(lang) { opened throws(StoreError) in
            try opened.dump(to: URL(fileURLWithPath: output))
        }
        print(
            L(
                "Đã ghi vào \(output)/: \(summary.finals) bản chính thức, \(summary.drafts) bản nháp, units.yaml, biểu mẫu, và log.csv (\(summary.logEntries) dòng nhật ký).",
                "Wrote to \(output)/: \(summary.finals) final submissions, \(summary.drafts) drafts, units.yaml, the form, and log.csv (\(summary.logEntries) log entries)."
            ).text(lang).terminalSafe)
    }
}
