import FormKit
import Foundation
import Submissions

/// What the campaign commands print: the status table, the log, an import's lines. Made here,
/// next to the store, so that the commands only parse and print.
public enum CampaignReport {
    /// A stored UTC time as the ministry writes times, in Hanoi's time zone.
    public static func localTime(_ iso: String?) -> String {
        guard let iso, let date = try? Date(iso, strategy: .iso8601) else { return "" }
        let f = DateFormatter()
        f.dateFormat = "dd/MM/yyyy HH:mm"
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return f.string(from: date)
    }

    /// One line per file, in the order given; the totals last.
    public static func importLines(_ outcomes: [ImportOutcome], _ language: Language) -> String {
        var out = ""
        var counts = [0, 0, 0, 0]
        for o in outcomes {
            let what: LocalizedText
            switch o.result {
            case .newRevision(let n):
                what = L("lần nộp mới \(n)", "new revision \(n)")
                counts[0] += 1
            case .unchanged:
                what = L("không đổi", "unchanged")
                counts[1] += 1
            case .draft:
                what = L("bản nháp", "draft")
                counts[2] += 1
            case .rejected(let reason):
                what = L("từ chối: ", "rejected: ") + reason
                counts[3] += 1
            }
            out += "\(o.file): \(what.text(language))\n"
        }
        out += L(
            "Tổng cộng \(outcomes.count) tệp: \(counts[0]) lần nộp mới, \(counts[1]) không đổi, \(counts[2]) bản nháp, \(counts[3]) bị từ chối.\n",
            "\(outcomes.count) files: \(counts[0]) new revisions, \(counts[1]) unchanged, \(counts[2]) drafts, \(counts[3]) rejected.\n"
        ).text(language)
        return out.terminalSafe
    }

    /// The status table: one line per unit in registry order, the counts at the bottom.
    public static func statusTable(_ campaign: Campaign, _ units: [UnitStatus], store: String, _ language: Language)
        -> String
    {
        let header = [
            L("ĐƠN VỊ", "UNIT"), L("TRẠNG THÁI", "STATE"), L("LẦN", "REV"), L("LỖI", "ERRORS"),
            L("C.BÁO", "WARNINGS"), L("THAY ĐỔI", "CHANGED")
        ].map { $0.text(language) }
        var rows: [[String]] = [header]
        for u in units {
            rows.append([
                u.unit.id, u.state.label.text(language), u.revision > 0 ? String(u.revision) : "-",
                u.errors.map(String.init) ?? "-", u.warnings.map(String.init) ?? "-", localTime(u.changedAt)
            ])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = L(
            "Đợt báo cáo: \(campaign.name) — biểu mẫu \(campaign.form.id) phiên bản \(campaign.form.version), \(units.count) đơn vị (kho \(store))\n",
            "Campaign: \(campaign.name) — form \(campaign.form.id) version \(campaign.form.version), \(units.count) units (store \(store))\n"
        ).text(language)
        for (k, row) in rows.enumerated() {
            var line = row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            if k > 0, let comment = units[k - 1].comment,
                units[k - 1].state == .returned || units[k - 1].state == .resubmitted
            {
                line += "  — " + L("lý do trả lại: ", "returned because: ").text(language) + comment
            }
            out += line.trimmingCharacters(in: .whitespaces) + "\n"
        }
        out += counts(units, language) + "\n"
        return out.terminalSafe
    }

    /// "Tổng: 42 đơn vị — chưa nộp 3, …": the states that occur, in the order of the review.
    public static func counts(_ units: [UnitStatus], _ language: Language) -> String {
        let parts = ReviewState.allCases.compactMap { state -> String? in
            let n = units.count { $0.state == state }
            return n == 0 ? nil : "\(state.label.text(language)) \(n)"
        }
        return L("Tổng: \(units.count) đơn vị — ", "Total: \(units.count) units — ").text(language)
            + parts.joined(separator: ", ")
    }

    /// The status as JSON, for other programs.
    public static func statusJSON(_ campaign: Campaign, _ units: [UnitStatus]) -> String {
        func optional(_ n: Int?) -> JSON { n.map { .number(Double($0)) } ?? .null }
        let list: [JSON] = units.map { u in
            .object([
                ("id", .string(u.unit.id)), ("name", .string(u.unit.name)), ("state", .string(u.state.rawValue)),
                ("revision", .number(Double(u.revision))), ("errors", optional(u.errors)),
                ("warnings", optional(u.warnings)), ("comment", u.comment.map { .string($0) } ?? .null),
                ("changed_at", u.changedAt.map { .string($0) } ?? .null)
            ])
        }
        let counts: [(String, JSON)] = ReviewState.allCases.map { s in
            (s.rawValue, .number(Double(units.count { $0.state == s })))
        }
        return JSON.object([
            ("campaign", .string(campaign.name)),
            ("form", .object([("id", .string(campaign.form.id)), ("version", .string(campaign.form.version))])),
            ("units", .array(list)), ("counts", .object(counts))
        ]).render(pretty: true) + "\n"
    }

    /// The log: time, who, what, unit, revision, hash, detail.
    public static func logLines(_ entries: [LogEntry], _ language: Language) -> String {
        var out = ""
        for e in entries {
            var fields = [localTime(e.at), e.by, action(e.action).text(language)]
            if let unit = e.unit { fields.append(unit) }
            if let r = e.revision { fields.append(L("lần \(r)", "revision \(r)").text(language)) }
            if let h = e.contentHash { fields.append(String(h.prefix(19))) }
            if let d = e.detail {
                // A forced acceptance keeps the number of errors it overrode.
                fields.append(e.action == "accept-forced" ? L("còn \(d) lỗi", "\(d) errors").text(language) : d)
            }
            out += fields.joined(separator: "  ") + "\n"
        }
        if entries.isEmpty { out += L("Nhật ký trống.\n", "The log is empty.\n").text(language) }
        return out.terminalSafe
    }

    static func action(_ name: String) -> LocalizedText {
        switch name {
        case "init": return L("tạo đợt", "created")
        case "revision": return L("nhận lần nộp", "revision received")
        case "draft": return L("nhận bản nháp", "draft received")
        case "return": return L("trả lại", "returned")
        case "accept": return L("duyệt", "accepted")
        case "accept-forced": return L("duyệt dù còn lỗi", "accepted with errors")
        case "migrate": return L("nâng cấp kho", "store upgraded")
        default: return L(name, name)
        }
    }
}
