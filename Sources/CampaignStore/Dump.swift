import AtomicFiles
import FormKit
import Foundation
import Submissions

/// What `dump` wrote.
public struct DumpSummary: Sendable {
    public var finals = 0
    public var drafts = 0
    public var logEntries = 0
    public var files: [String] = []
}

extension CampaignStore {
    /// Every current submission back as a file (`UNIT.json`; `UNIT.draft.json` for a unit with
    /// only drafts), byte for byte as imported, plus the form and unit list the campaign was made
    /// with and the whole log as `log.csv`: the way out of the store, and a backup. The folder
    /// can be merged (`ictreport merge DIR --units DIR/units.yaml`) and imported again.
    public func dump(to directory: URL) throws(StoreError) -> DumpSummary {
        let campaign = try campaign()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                L(
                    "không tạo được thư mục \(directory.path): \(error.localizedDescription)",
                    "cannot create the folder \(directory.path): \(error.localizedDescription)"))
        }
        var summary = DumpSummary()
        func write(_ bytes: [UInt8], _ name: String) throws(StoreError) {
            let path = directory.appendingPathComponent(name).path
            do {
                try AtomicOutput.write(bytes, to: path)
            } catch {
                throw StoreError(
                    L("không ghi được \(path): \(error)", "cannot write \(path): \(error)"))
            }
            summary.files.append(name)
        }
        for file in try currentFiles() {
            try write(file.bytes, file.unitId + (file.isDraft ? ".draft.json" : ".json"))
            if file.isDraft { summary.drafts += 1 } else { summary.finals += 1 }
        }
        try write(Array(campaign.unitsText.utf8), "units.yaml")
        let formName = (campaign.formFile as NSString).lastPathComponent
        try write(Array(campaign.formText.utf8), formName.isEmpty ? "form.yaml" : formName)
        let entries = try log()
        var csv = "id,at,by,action,unit,revision,content_hash,detail\r\n"
        for e in entries {
            csv +=
                [
                    String(e.id), e.at, e.by, e.action, e.unit ?? "", e.revision.map(String.init) ?? "",
                    e.contentHash ?? "", e.detail ?? ""
                ].map(Self.csvField).joined(separator: ",") + "\r\n"
        }
        try write(Array(csv.utf8), "log.csv")
        summary.logEntries = entries.count
        return summary
    }

    /// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
