import FormKit
import Foundation
import SQLKit
import Submissions

/// What importing one file did.
public enum ImportResult: Sendable, Equatable {
    /// A final submission stored as the unit's revision N (the store's own numbering, 1, 2, …).
    case newRevision(Int)
    /// The same content is already stored for this unit: nothing stored twice.
    case unchanged
    /// A draft, stored; a unit with only drafts is in the state "draft".
    case draft
    /// Not stored, with the reason (and the place in the file, when the file could not be read).
    case rejected(LocalizedText)
}

/// One file's outcome, in the order the files were given.
public struct ImportOutcome: Sendable {
    /// The file as a person names it.
    public var file: String
    public var unit: String?
    public var result: ImportResult
}

extension CampaignStore {
    /// Imports submission files (and the .json files in folders): each file in its own
    /// transaction, read through the one reader (`SubmissionLoader`) and checked against the
    /// campaign's form. Files of the same unit are taken in the order of the revision they
    /// claim, so a folder holding an old and a new revision stores both, the new one current.
    /// Importing the same files again changes nothing.
    public func importFiles(_ inputs: [String], by: String, now: @escaping () -> Date = { Date() }) throws(StoreError)
        -> [ImportOutcome]
    {
        let campaign = try campaign()
        let form = campaign.form
        let validator = Validator(form: form)
        let (files, missing, _) = SubmissionLoader.expandPaths(inputs)
        var outcomes: [ImportOutcome?] = Array(repeating: nil, count: files.count)
        // First what each file is about (answers skipped), to take a unit's revisions in order.
        let headers = parallelMap(files.count) { i -> (unit: String, revision: Int) in
            let h = SubmissionLoader.load(path: files[i], form: form, answers: false)
            return (h.submission?.unitId ?? "", h.submission?.revision ?? 0)
        }
        let order = files.indices.sorted {
            (headers[$0].revision, $0) < (headers[$1].revision, $1)
        }
        // Then in chunks: read and checked on every core, stored one file at a time.
        let chunk = 256
        for start in stride(from: 0, to: order.count, by: chunk) {
            let slice = Array(order[start..<min(start + chunk, order.count)])
            let read = parallelMap(slice.count) { k -> (LoadedSubmission, [UInt8], SubmissionCheck?) in
                let path = files[slice[k]]
                let file: InputFile
                do throws(InputFileError) {
                    file = try InputFile.read(path)
                } catch {
                    return (
                        LoadedSubmission(
                            file: FormLoader.displayPath(path), submission: nil, problems: [], rejection: error.message),
                        [], nil
                    )
                }
                let lower = path.lowercased()
                let loaded = SubmissionLoader.load(
                    bytes: file.bytes, file: FormLoader.displayPath(path), form: form,
                    yaml: lower.hasSuffix(".yaml") || lower.hasSuffix(".yml"))
                return (loaded, file.bytes, loaded.isUsable ? SubmissionCheck(loaded, validator: validator) : nil)
            }
            for (k, index) in slice.enumerated() {
                let (loaded, bytes, check) = read[k]
                outcomes[index] = try store(
                    loaded, bytes: bytes, check: check, registry: campaign.registry, by: by, now: now())
            }
        }
        return missing.map {
            ImportOutcome(
                file: $0, unit: nil,
                result: .rejected(L("không có tệp hoặc thư mục này", "no such file or folder")))
        } + outcomes.map { $0! }
    }

    /// Stores one read file in one transaction.
    func store(
        _ loaded: LoadedSubmission, bytes: [UInt8], check: SubmissionCheck?, registry: UnitRegistry, by: String,
        now: Date, withNewRevision: (() throws(StoreError) -> Void)? = nil
    ) throws(StoreError) -> ImportOutcome {
        guard let s = loaded.submission, let check, loaded.rejection == nil else {
            return ImportOutcome(
                file: loaded.file, unit: nil,
                result: .rejected(loaded.rejection ?? L("tệp không đọc được", "the file cannot be read")))
        }
        guard registry.unit(s.unitId) != nil else {
            let reason =
                s.unitId.isEmpty
                ? L("tệp không ghi mã đơn vị (unit.id)", "the file names no unit (unit.id)")
                : L(
                    "đơn vị '\(s.unitId)' không có trong danh sách đơn vị của đợt báo cáo",
                    "unit '\(s.unitId)' is not in the campaign's unit list")
                    + didYouMean(s.unitId, in: registry.units.map(\.id))
            return ImportOutcome(file: loaded.file, unit: nil, result: .rejected(reason))
        }
        let unitId = s.unitId
        let hash = s.contentHash
        let at = Self.timestamp(now)
        let fileName = (loaded.file as NSString).lastPathComponent
        let result = try db.transaction { () throws(StoreError) -> ImportResult in
            let unit = try lockedUnit(unitId)
            if s.status == .draft {
                if try db.first(
                    "SELECT id FROM revisions WHERE unit_id = \(bind: unitId) AND kind = 'draft' AND content_hash = \(bind: hash)"
                ) != nil {
                    return .unchanged
                }
                let id = try insertRevision(
                    unitId: unitId, kind: "draft", revision: nil, s: s, hash: hash, fileName: fileName, bytes: bytes,
                    check: check, at: at, by: by)
                let state: ReviewState = unit.state == .missing ? .draft : unit.state
                try db.run(
                    "UPDATE units SET state = \(bind: state.rawValue), draft_id = \(bind: id), changed_at = \(bind: at) WHERE id = \(bind: unitId)"
                )
                try appendLog(
                    at: at, by: by, action: "draft", unit: unitId, revision: nil, hash: hash, detail: fileName)
                return .draft
            }
            if try db.first(
                """
                SELECT id FROM revisions WHERE unit_id = \(bind: unitId) AND kind = 'final'
                AND content_hash = \(bind: hash) AND file_revision = \(bind: s.revision)
                """
            ) != nil {
                return .unchanged
            }
            if let currentId = unit.currentId,
                let current = try db.first(
                    "SELECT file_revision, content_hash FROM revisions WHERE id = \(bind: currentId)")
            {
                let currentFileRevision = try current.int("file_revision")
                if s.revision < currentFileRevision {
                    return .rejected(
                        L(
                            "bản này ghi lần nộp \(s.revision), cũ hơn bản hiện hành trong kho (lần \(unit.revision), tệp ghi lần nộp \(currentFileRevision)); không lưu",
                            "this file says revision \(s.revision), older than the current one in the store (revision \(unit.revision), its file says \(currentFileRevision)); not stored"
                        ))
                }
                if s.revision == currentFileRevision {
                    return .rejected(
                        L(
                            "xung đột: kho đã có bản chính thức lần nộp \(s.revision) của đơn vị này với nội dung khác (lần \(unit.revision) trong kho); đơn vị cần nộp một lần mới (ictreport collect --edit)",
                            "conflict: the store already has a final file of revision \(s.revision) of this unit with other contents (revision \(unit.revision) in the store); the unit must send a new revision (ictreport collect --edit)"
                        ))
                }
            }
            let revision = unit.revision + 1
            let id = try insertRevision(
                unitId: unitId, kind: "final", revision: revision, s: s, hash: hash, fileName: fileName, bytes: bytes,
                check: check, at: at, by: by)
            let state: ReviewState = unit.state == .returned ? .resubmitted : .submitted
            try db.run(
                """
                UPDATE units SET state = \(bind: state.rawValue), revision = \(bind: revision), current_id = \(bind: id),
                changed_at = \(bind: at) WHERE id = \(bind: unitId)
                """)
            try appendLog(
                at: at, by: by, action: "revision", unit: unitId, revision: revision, hash: hash,
                detail: fileName)
            // What the caller stores with it, in the same transaction (the web: its draft removed).
            try withNewRevision?()
            return .newRevision(revision)
        }
        return ImportOutcome(file: loaded.file, unit: unitId, result: result)
    }

    private func insertRevision(
        unitId: String, kind: String, revision: Int?, s: Submission, hash: String, fileName: String, bytes: [UInt8],
        check: SubmissionCheck, at: String, by: String
    ) throws(StoreError) -> Int {
        guard
            let row = try db.first(
                """
                INSERT INTO revisions (unit_id, kind, revision, file_revision, content_hash, file_name, bytes, errors, warnings, imported_at, imported_by)
                VALUES (\(bind: unitId), \(bind: kind), \(bind: revision), \(bind: s.revision), \(bind: hash), \(bind: Self.clean(fileName)),
                        \(bind: Data(bytes)), \(bind: check.errorCount), \(bind: check.warningCount), \(bind: at), \(bind: Self.clean(by)))
                RETURNING id
                """)
        else { throw StoreError(L("không lưu được bản nộp", "the revision was not stored")) }
        return try row.int("id")
    }
}
