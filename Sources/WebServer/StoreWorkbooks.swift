import CampaignStore
import Consolidation
import FormKit
import Foundation
import Submissions

/// The workbooks made from the campaign store: the consolidated workbook (`merge --db`) and one
/// unit's report (`export --db --unit`). One path for the commands and the server: the store's
/// current files are handed to the same merge as files are, with each unit's review.
package struct StoreWorkbooks: Sendable {
    package var consolidated: WorkbookLayout
    package var unitReport: UnitReportLayout

    package init(consolidated: WorkbookLayout, unitReport: UnitReportLayout) {
        self.consolidated = consolidated
        self.unitReport = unitReport
    }

    /// What a merge from the store reads: the campaign, each unit's current file and status.
    package static func contents(of store: CampaignStore) throws(StoreError) -> (
        campaign: Campaign, files: [StoredFile], statuses: [UnitStatus]
    ) {
        (try store.campaign(), try store.currentFiles(), try store.status())
    }

    /// The merge of the store's current submissions into `output` (atomically): the same merge as
    /// of the same files, with each unit's review state and the coordinator's comment, and last
    /// year's answers by unit when given (`merge --db --previous`).
    package static func merge(
        _ contents: (campaign: Campaign, files: [StoredFile], statuses: [UnitStatus]), layout: WorkbookLayout,
        previous: [String: Answers] = [:], to output: URL, summary: Language? = nil
    ) throws -> (Consolidator, MergeResult) {
        let campaign = contents.campaign
        // The sheets are in Vietnamese, as the rest of the workbook.
        let reviews = Dictionary(
            contents.statuses.map { ($0.unit.id, UnitReview(state: $0.state.label.vi, comment: $0.comment)) },
            uniquingKeysWith: { a, _ in a })
        let scan = Consolidator.scan(
            stored: contents.files.map { ($0.unitId + ($0.isDraft ? ".draft.json" : ".json"), $0.bytes) },
            form: campaign.form)
        var consolidator = Consolidator(form: campaign.form, registry: campaign.registry, layout: layout)
        consolidator.previous = previous
        return (consolidator, try consolidator.merge(scan, to: output, reviews: reviews, summary: summary))
    }

    /// What a unit's report says on top when its file was edited by hand after it was saved.
    package static let editedMark =
        "LƯU Ý: tệp này đã bị sửa bằng tay sau khi đơn vị lưu (mã kiểm tra nội dung không khớp); số liệu dưới đây có thể không phải số liệu đơn vị đã hoàn tất."

    /// Whether a file read was edited by hand after it was saved (its content hash does not match).
    package static func wasEdited(_ loaded: LoadedSubmission) -> Bool {
        loaded.problems.contains { $0.path == "$.content_hash" }
    }

    /// The unit's current file in the store read back as a file of it would be (nil when it has
    /// sent nothing), and the name messages give it.
    package static func currentSubmission(of unit: ReportingUnit, in store: CampaignStore) throws(StoreError)
        -> (loaded: LoadedSubmission, name: String)?
    {
        guard let file = try store.currentFile(unit.id) else { return nil }
        let name = "\(store.location.displayName): \(file.fileName)"
        return (
            SubmissionLoader.load(bytes: file.bytes, file: name, form: try store.campaign().form, yaml: false), name
        )
    }

    /// The consolidated workbook's bytes (written to a temporary file by the same merge).
    package func consolidatedBytes(from store: CampaignStore) throws -> [UInt8] {
        let contents = try Self.contents(of: store)
        return try Self.throughTemporaryFile { _ = try Self.merge(contents, layout: consolidated, to: $0) }
    }

    /// A unit's report's bytes; nil when it has sent nothing or its file cannot be read.
    package func unitReportBytes(from store: CampaignStore, unit unitId: String) throws -> [UInt8]? {
        guard let unit = try store.campaign().registry.unit(unitId),
            let current = try Self.currentSubmission(of: unit, in: store), let s = current.loaded.submission
        else { return nil }
        let form = try store.campaign().form
        return try Self.throughTemporaryFile {
            _ = try UnitReportExporter(form: form, layout: unitReport).export(
                s, to: $0, mark: Self.wasEdited(current.loaded) ? Self.editedMark : nil)
        }
    }

    static func throughTemporaryFile(_ write: (URL) throws -> Void) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ictreport-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("workbook.xlsx")
        try write(file)
        return [UInt8](try Data(contentsOf: file))
    }
}
