import ArgumentParser
import CampaignStore
import FormKit
import Foundation
import Submissions

struct CampaignLinks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "Đường dẫn riêng của từng đơn vị tới trang nhập liệu. (Each unit's private link.)",
        discussion: """
            Kho chỉ giữ mã băm của đường dẫn, nên mỗi đường dẫn chỉ in ra một lần, khi được tạo. Đơn vị đã có \
            đường dẫn được ghi là "đã cấp"; --rotate cấp đường dẫn mới (đường dẫn cũ thôi dùng được).
            """)

    @Option(help: "Chỉ đơn vị này (mã hoặc tên). (Only this unit.)")
    var unit: String?
    @Flag(help: "Cấp đường dẫn mới, đường dẫn cũ thôi dùng được. (Issue new links; the old ones stop working.)")
    var rotate = false
    @Option(
        name: .customLong("base-url"),
        help: "Địa chỉ của máy chủ (mặc định http://127.0.0.1:8080). (The server's address.)")
    var baseURL = "http://127.0.0.1:8080"
    @OptionGroup var store: StoreOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let scheme = URL(string: base)?.scheme, scheme == "http" || scheme == "https" else {
            printError(
                L(
                    "--base-url phải bắt đầu bằng http:// hoặc https://",
                    "--base-url must begin with http:// or https://"
                ).text(lang))
            throw ExitCode(64)
        }
        let lines = try store.using(lang) { opened throws(StoreError) -> [String] in
            let units: [ReportingUnit]
            if let unit { units = [try opened.unit(unit)] } else { units = try opened.campaign().registry.units }
            var lines: [String] = []
            for u in units {
                if !rotate, try opened.hasToken(unit: u.id) {
                    lines.append(
                        "\(u.id)\t"
                            + L("đã cấp (dùng --rotate để cấp mới)", "issued (--rotate issues a new one)").text(lang))
                } else {
                    lines.append("\(u.id)\t\(base)/u/\(try opened.issueToken(unit: u.id))")
                }
            }
            return lines
        }
        for line in lines { print(line.terminalSafe) }
    }
}

struct CampaignCoordinator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Tài khoản của cán bộ tổng hợp trên máy chủ web. (The coordinators' accounts.)",
        subcommands: [CampaignCoordinatorAdd.self])
}

struct CampaignCoordinatorAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract:
            "Thêm cán bộ tổng hợp (hoặc cấp mật khẩu mới); mật khẩu chỉ in ra một lần. (Add a coordinator; the password is shown once.)"
    )

    @Argument(help: "Tên đăng nhập.")
    var name: String
    @OptionGroup var store: StoreOption
    @OptionGroup var actor: ActorOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let password = try store.using(lang) { opened throws(StoreError) in
            try opened.addCoordinator(name, by: actor.name)
        }
        print(
            L(
                "Mật khẩu của \(name) (chỉ in ra lần này, kho chỉ giữ mã băm): \(password)",
                "Password of \(name) (shown this once; the store keeps only a hash): \(password)"
            ).text(lang).terminalSafe)
    }
}
