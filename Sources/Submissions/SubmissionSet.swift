import Foundation
import FormKit

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

    /// Sorts loaded files: unreadable ones, another form's, and unknown units are rejected;
    /// per unit the final with the highest revision (then the latest update) wins.
    public init(_ loaded: [LoadedSubmission], registry: UnitRegistry) {
        for item in loaded {
            if let reason = item.rejection {
                rejected.append((item.file, reason))
                continue
            }
            guard let s = item.submission else { continue }
            guard registry.unit(s.unitId) != nil else {
                rejected.append((item.file, s.unitId.isEmpty
                    ? L("tệp không ghi mã đơn vị (unit.id)", "the file names no unit (unit.id)")
                    : L("đơn vị '\(s.unitId)' không có trong danh sách đơn vị", "unit '\(s.unitId)' is not in the unit list")))
                continue
            }
            if s.status == .draft {
                if let other = draftsOnly[s.unitId] {
                    let newer = (s.updatedAt, s.revision) > (other.submission!.updatedAt, other.submission!.revision)
                    draftsOnly[s.unitId] = newer ? item : other
                    otherDrafts.append(newer ? other : item)
                } else {
                    draftsOnly[s.unitId] = item
                }
                continue
            }
            if let other = current[s.unitId] {
                let o = other.submission!
                let newer = (s.revision, s.updatedAt) > (o.revision, o.updatedAt)
                current[s.unitId] = newer ? item : other
                superseded.append(newer ? other : item)
            } else {
                current[s.unitId] = item
            }
        }
        for (unit, draft) in draftsOnly where current[unit] != nil {
            otherDrafts.append(draft)
            draftsOnly[unit] = nil
        }
        superseded.sort { $0.file < $1.file }
        otherDrafts.sort { $0.file < $1.file }
    }
}
