import FormKit
import Foundation
import SQLKit
import Submissions

/// Where a unit's working answers come from.
public enum DraftSource: String, Sendable {
    /// Its working draft (saved from the web or the online collector).
    case workingDraft = "draft"
    /// Its current final revision (a unit correcting what it sent, after a return).
    case revision
    /// A draft file imported into the store.
    case importedDraft = "imported-draft"
    /// Nothing yet.
    case empty
    /// Nothing yet this year: the answers are last year's, where they rarely change, and last
    /// year's plan as this year's task rows (`serve --previous`).
    case lastYear = "last-year"
}

/// A unit's answers as the form and the collector start from: the working draft if there is
/// one, else its current revision (or an imported draft), else nothing; with every issue the
/// form's Validator finds in them.
public struct WorkingDraft: Sendable {
    public var unitId: String
    public var answers: Answers
    public var explanations: [String: String]
    /// The saves counted so far (0: no working draft yet). A save may name the version it was
    /// made from; a save made from an older one is refused (another tab or collector saved since).
    public var version: Int
    public var source: DraftSource
    public var issues: [ValidationIssue]
    /// UTC, ISO 8601; nil without a working draft.
    public var savedAt: String?
}

/// What saving a draft came to.
public enum DraftSaveResult: Sendable {
    /// Saved (or unchanged: the same content keeps its version), with the Validator's issues.
    case saved(version: Int, issues: [ValidationIssue])
    /// Not saved: the draft was saved from elsewhere since `expected` (its version now).
    case conflict(current: Int)
}

/// What submitting came to.
public enum SubmitResult: Sendable {
    /// Stored as the unit's revision N.
    case revision(Int)
    /// Not submitted: errors, and warnings not confirmed, every one (the warnings confirmed and
    /// the errors are all listed; `unconfirmed` says which warnings still need confirming).
    case rejected(issues: [ValidationIssue], unconfirmed: [String])
    /// Nothing to submit (no working draft).
    case nothingToSubmit
    /// The draft changed while it was submitted, or another submission came first: nothing
    /// stored; reload and try again.
    case conflict
}

extension CampaignStore {
    /// The campaign form's Validator (one per store, made once).
    public func validator() throws(StoreError) -> Validator {
        if let cachedValidator { return cachedValidator }
        let v = Validator(form: try campaign().form)
        cachedValidator = v
        return v
    }

    /// Every issue of `answers`: the form's checks and, with the unit's report of last year,
    /// what this year leaves open of its plan (as `collect --previous` asks).
    public func issues(in answers: Answers, previous: Answers? = nil) throws(StoreError) -> [ValidationIssue] {
        let form = try campaign().form
        return try validator().validate(answers)
            + (previous.map { YearOverYear(form: form, last: $0).issues(in: answers) } ?? [])
    }

    /// The unit's working answers (see `WorkingDraft`). `previous`: the unit's report of last
    /// year, when the campaign has one (`serve --previous`): with nothing yet this year, the
    /// answers start from it; its plan is checked against this year's answers.
    public func workingDraft(unit unitId: String, previous: Answers? = nil) throws(StoreError) -> WorkingDraft {
        let form = try campaign().form
        let validator = try validator()
        if let row = try db.first(
            "SELECT version, bytes, saved_at FROM working_drafts WHERE unit_id = \(bind: unitId)")
        {
            let s = try submission(try row.bytes("bytes"), form: form, name: "\(unitId).draft.json")
            return WorkingDraft(
                unitId: unitId, answers: s.answers, explanations: s.explanations, version: try row.int("version"),
                source: .workingDraft, issues: try issues(in: s.answers, previous: previous),
                savedAt: try row.string("saved_at"))
        }
        if let file = try currentFile(unitId) {
            let s = try submission(file.bytes, form: form, name: file.fileName)
            return WorkingDraft(
                unitId: unitId, answers: s.answers, explanations: s.explanations, version: 0,
                source: file.isDraft ? .importedDraft : .revision,
                issues: try issues(in: s.answers, previous: previous),
                savedAt: nil)
        }
        if let previous {
            let answers = validator.relevantAnswers(YearOverYear(form: form, last: previous).filling(Answers()).answers)
            return WorkingDraft(
                unitId: unitId, answers: answers, explanations: [:], version: 0, source: .lastYear,
                issues: try issues(in: answers, previous: previous), savedAt: nil)
        }
        return WorkingDraft(
            unitId: unitId, answers: Answers(), explanations: [:], version: 0, source: .empty,
            issues: validator.validate(Answers()), savedAt: nil)
    }

    /// Stored bytes read back through the one reader.
    func submission(_ bytes: [UInt8], form: Form, name: String) throws(StoreError) -> Submission {
        let loaded = SubmissionLoader.load(bytes: bytes, file: name, form: form, yaml: false)
        guard let s = loaded.submission, loaded.rejection == nil else {
            throw StoreError(
                L("bản lưu trong kho không đọc được: \(name)", "a file kept in the store cannot be read: \(name)"))
        }
        return s
    }

    /// Saves the unit's working draft in one transaction: the answers (as a draft submission
    /// file, NFC, read back by the one reader) replace the previous draft and its version goes up
    /// by one; the same content again changes nothing. `expected`, when given, must be the
    /// version the draft has now. The first save of a draft leaves a log entry; the others do not
    /// (autosave runs on every change).
    public func saveDraft(
        unit unitId: String, answers: Answers, explanations: [String: String], expected: Int?, by: String,
        previous: Answers? = nil, now: Date = Date()
    ) throws(StoreError) -> DraftSaveResult {
        let campaign = try campaign()
        guard let unit = campaign.registry.unit(unitId) else {
            throw StoreError(L("không có đơn vị '\(unitId)' trong đợt báo cáo", "no unit '\(unitId)' in the campaign"))
        }
        var s = Submission(
            form: campaign.form, unitId: unit.id, unitName: unit.name, status: .draft, answers: answers,
            explanations: explanations.mapValues { Self.clean($0) }, now: now)
        let hash = s.contentHash
        let issues = try self.issues(in: answers, previous: previous)
        let at = Self.timestamp(now)
        return try db.transaction { () throws(StoreError) -> DraftSaveResult in
            let row = try lockedUnit(unit.id)
            let current = try db.first(
                "SELECT version, content_hash, bytes FROM working_drafts WHERE unit_id = \(bind: unit.id)")
            let version = try current?.int("version") ?? 0
            if let expected, expected != version { return .conflict(current: version) }
            if let current, try current.string("content_hash") == hash {
                return .saved(version: version, issues: issues)
            }
            if let current, let created = try? submission(current.bytes("bytes"), form: campaign.form, name: "draft") {
                s.createdAt = created.createdAt
            }
            let bytes = s.json.bytes(pretty: true) + [10]
            let errors = issues.count { $0.severity == .error }
            let warnings = issues.count - errors
            if current == nil {
                try db.run(
                    """
                    INSERT INTO working_drafts (unit_id, version, content_hash, bytes, errors, warnings, saved_at, saved_by)
                    VALUES (\(bind: unit.id), \(bind: version + 1), \(bind: hash), \(bind: Data(bytes)), \(bind: errors), \(bind: warnings), \(bind: at), \(bind: Self.clean(by)))
                    """)
                try appendLog(
                    at: at, by: by, action: "draft-begun", unit: unit.id, revision: nil, hash: hash, detail: nil)
                if row.state == .missing {
                    try db.run(
                        "UPDATE units SET state = 'draft', changed_at = \(bind: at) WHERE id = \(bind: unit.id)")
                }
            } else {
                try db.run(
                    """
                    UPDATE working_drafts SET version = \(bind: version + 1), content_hash = \(bind: hash), bytes = \(bind: Data(bytes)),
                    errors = \(bind: errors), warnings = \(bind: warnings), saved_at = \(bind: at), saved_by = \(bind: Self.clean(by))
                    WHERE unit_id = \(bind: unit.id)
                    """)
            }
            return .saved(version: version + 1, issues: issues)
        }
    }

    /// Submits the unit's working draft: every warning must be among `confirmed` (issue keys,
    /// `ValidationIssue.key`), explanations (by the same keys) are kept with the revision; errors
    /// refuse it. The final file goes the way every received file goes (`store`: the revision, the
    /// unit's state and the log in one transaction), and the working draft is removed in the same
    /// transaction.
    public func submit(
        unit unitId: String, confirmed: Set<String>, explanations: [String: String]? = nil, by: String,
        previous: Answers? = nil, now: Date = Date()
    ) throws(StoreError) -> SubmitResult {
        let campaign = try campaign()
        guard let unit = campaign.registry.unit(unitId) else {
            throw StoreError(L("không có đơn vị '\(unitId)' trong đợt báo cáo", "no unit '\(unitId)' in the campaign"))
        }
        guard
            let row = try db.first(
                "SELECT version, bytes FROM working_drafts WHERE unit_id = \(bind: unit.id)")
        else { return .nothingToSubmit }
        let version = try row.int("version")
        var s = try submission(try row.bytes("bytes"), form: campaign.form, name: "\(unit.id).draft.json")
        if let explanations { s.explanations = explanations.mapValues { Self.clean($0) } }
        let issues = try self.issues(in: s.answers, previous: previous)
        let warnings = issues.filter { $0.severity == .warning }.map(\.key)
        let unconfirmed = warnings.filter { !confirmed.contains($0) }
        if issues.contains(where: { $0.severity == .error }) || !unconfirmed.isEmpty {
            return .rejected(issues: issues, unconfirmed: unconfirmed)
        }
        // Explanations of warnings that are gone are not kept (as in the terminal).
        s.explanations = s.explanations.filter { warnings.contains($0.key) && !$0.value.isEmpty }
        let previous =
            try db.first(
                "SELECT r.file_revision FROM units u JOIN revisions r ON r.id = u.current_id WHERE u.id = \(bind: unit.id)"
            )?.int("file_revision") ?? 0
        s.status = .final
        s.revision = previous + 1
        s.updatedAt = now
        s.finalizedAt = now
        s.resumeAt = nil
        let bytes = s.json.bytes(pretty: true) + [10]
        let name = "\(unit.id).json"
        let loaded = SubmissionLoader.load(bytes: bytes, file: name, form: campaign.form, yaml: false)
        let check = SubmissionCheck(loaded, validator: try validator())
        var changed = false
        let outcome: ImportOutcome
        do {
            outcome = try store(
                loaded, bytes: bytes, check: check, registry: campaign.registry, by: by, now: now
            ) { () throws(StoreError) in
                // Only the draft that was read: a save that came in between wins, nothing stored.
                guard
                    try self.db.first(
                        "SELECT version FROM working_drafts WHERE unit_id = \(bind: unit.id) AND version = \(bind: version)"
                    ) != nil
                else {
                    changed = true
                    throw StoreError(L("bản nháp vừa thay đổi", "the draft just changed"))
                }
                try self.db.run("DELETE FROM working_drafts WHERE unit_id = \(bind: unit.id)")
            }
        } catch {
            if changed { return .conflict }
            throw error
        }
        switch outcome.result {
        case .newRevision(let n): return .revision(n)
        case .unchanged, .draft, .rejected: return .conflict
        }
    }

    /// The unit's working-draft version (0: none), without reading it.
    public func draftVersion(unit unitId: String) throws(StoreError) -> Int {
        try db.first("SELECT version FROM working_drafts WHERE unit_id = \(bind: unitId)")?.int("version") ?? 0
    }
}
