import FormKit
import Foundation

/// Many loaded submissions sorted out per unit: which one counts, which were set aside and why.
public struct SubmissionSet: Sendable {
    /// Per unit id: the latest final revision.
    public var current: [String: LoadedSubmission] = [:]
    /// Older final revisions, not merged but listed.
    public var superseded: [LoadedSubmission] = []
    /// Units that have only drafts.
    public var draftsOnly: [String: LoadedSubmission] = [:]
    /// Drafts of units that also have a final submission.
    public var otherDrafts: [LoadedSubmission] = []
    /// Files that cannot be used, with the reason.
    public var rejected: [(file: String, reason: LocalizedText)] = []

    public init() {}

    /// Per unit id: two or more final files of the same, highest revision whose contents
    /// differ. Neither is merged: the coordinator settles which counts.
    public var conflicts: [String: [LoadedSubmission]] = [:]
    /// Files that are copies (the same bytes) of the one counted: `of` is it.
    public var copies: [(file: LoadedSubmission, of: String)] = []

    /// Sorts loaded files: unreadable ones, another form's, and unknown units are rejected;
    /// per unit the final with the highest revision wins. Two finals of that revision with
    /// different contents are a conflict (neither wins, whatever their times say); the same
    /// file twice (byte for byte) is a copy. Drafts count only where a unit has no final.
    public init(_ loaded: [LoadedSubmission], registry: UnitRegistry) {
        var finals: [String: [LoadedSubmission]] = [:]
        for item in loaded {
            if let reason = item.rejection {
                rejected.append((item.file, reason))
                continue
            }
            guard let s = item.submission else { continue }
            guard registry.unit(s.unitId) != nil else {
                rejected.append(
                    (
                        item.file,
                        s.unitId.isEmpty
                            ? L("tệp không ghi mã đơn vị (unit.id)", "the file names no unit (unit.id)")
                            : L(
                                "đơn vị '\(s.unitId)' không có trong danh sách đơn vị",
                                "unit '\(s.unitId)' is not in the unit list")
                    ))
                continue
            }
            if s.status == .draft {
                if let other = draftsOnly[s.unitId] {
                    let newer =
                        (s.updatedAt, s.revision, item.file) > (
                            other.submission!.updatedAt, other.submission!.revision, other.file
                        )
                    draftsOnly[s.unitId] = newer ? item : other
                    otherDrafts.append(newer ? other : item)
                } else {
                    draftsOnly[s.unitId] = item
                }
                continue
            }
            finals[s.unitId, default: []].append(item)
        }
        for (unit, items) in finals {
            let top = items.map { $0.submission!.revision }.max()!
            superseded += items.filter { $0.submission!.revision < top }
            // Files in name order, so that which one is "the" file and which the copy is stable.
            let newest = items.filter { $0.submission!.revision == top }.sorted { $0.file < $1.file }
            var distinct: [LoadedSubmission] = []
            for item in newest {
                if let same = distinct.first(where: { $0.fileDigest != nil && $0.fileDigest == item.fileDigest }) {
                    copies.append((item, same.file))
                } else {
                    distinct.append(item)
                }
            }
            if distinct.count == 1 { current[unit] = distinct[0] } else { conflicts[unit] = distinct }
        }
        for (unit, draft) in draftsOnly where current[unit] != nil || conflicts[unit] != nil {
            otherDrafts.append(draft)
            draftsOnly[unit] = nil
        }
        superseded.sort { $0.file < $1.file }
        otherDrafts.sort { $0.file < $1.file }
        copies.sort { $0.file.file < $1.file.file }
    }
}
