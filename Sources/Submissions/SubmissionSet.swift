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
        // Per unit (by its place in the registry), the files of its highest final revision so
        // far, as positions in `loaded`: a merge sorts out 10,000 files while both cores wait
        // for it, and a file copied from dictionary to dictionary cost most of that time.
        var top = [Int](repeating: -1, count: registry.units.count)
        // The other files of a unit's highest revision (copies or conflicts): few.
        var ties: [Int: [Int]] = [:]
        var draft = [Int](repeating: -1, count: registry.units.count)
        var older: [Int] = []
        var drafts: [Int] = []
        // Each file's fields are read in place: a whole LoadedSubmission copied is a dozen
        // references counted, each first touched on the thread that read the file.
        for k in loaded.indices {
            if let reason = loaded[k].rejection {
                rejected.append((loaded[k].file, reason))
                continue
            }
            guard loaded[k].submission != nil else { continue }
            let unitId = loaded[k].submission!.unitId
            guard let p = registry.position(unitId) else {
                rejected.append(
                    (
                        loaded[k].file,
                        unitId.isEmpty
                            ? L("tệp không ghi mã đơn vị (unit.id)", "the file names no unit (unit.id)")
                            : L(
                                "đơn vị '\(unitId)' không có trong danh sách đơn vị",
                                "unit '\(unitId)' is not in the unit list")
                    ))
                continue
            }
            let revision = loaded[k].submission!.revision
            if loaded[k].submission!.status == .draft {
                // The newest draft of the unit by (time, revision, file name); the rest are listed.
                if draft[p] < 0 {
                    draft[p] = k
                } else {
                    let other = draft[p]
                    let newer =
                        (loaded[k].submission!.updatedAt, revision, loaded[k].file) > (
                            loaded[other].submission!.updatedAt, loaded[other].submission!.revision,
                            loaded[other].file
                        )
                    drafts.append(newer ? other : k)
                    if newer { draft[p] = k }
                }
                continue
            }
            if top[p] < 0 {
                top[p] = k
                continue
            }
            let best = loaded[top[p]].submission!.revision
            if revision == best {
                ties[p, default: []].append(k)
            } else if revision > best {
                older.append(top[p])
                older += ties.removeValue(forKey: p) ?? []
                top[p] = k
            } else {
                older.append(k)
            }
        }
        current.reserveCapacity(top.count)
        for (p, k) in top.enumerated() where k >= 0 {
            let unit = registry.units[p].id
            if let others = ties[p] {
                let newest = [k] + others
                // Files in name order, so that which one is "the" file and which the copy is stable.
                var distinct: [LoadedSubmission] = []
                for item in newest.map({ loaded[$0] }).sorted(by: { $0.file < $1.file }) {
                    if let same = distinct.first(where: { $0.fileDigest != nil && $0.fileDigest == item.fileDigest }) {
                        copies.append((item, same.file))
                    } else {
                        distinct.append(item)
                    }
                }
                if distinct.count == 1 { current[unit] = distinct[0] } else { conflicts[unit] = distinct }
            } else {
                current[unit] = loaded[k]
            }
        }
        // A unit with a final (counted or in conflict) lists its draft among the other drafts.
        for (p, k) in draft.enumerated() where k >= 0 {
            if top[p] >= 0 { drafts.append(k) } else { draftsOnly[registry.units[p].id] = loaded[k] }
        }
        superseded = older.map { loaded[$0] }
        otherDrafts = drafts.map { loaded[$0] }
        superseded.sort { $0.file < $1.file }
        otherDrafts.sort { $0.file < $1.file }
        copies.sort { $0.file.file < $1.file.file }
    }
}
