import AtomicFiles
import FormKit
import Foundation
import SQLKit
import Submissions

/// Where a unit stands in the review.
public enum ReviewState: String, Sendable, CaseIterable, Codable {
    /// Nothing received.
    case missing
    /// Only drafts received.
    case draft
    /// A final revision received, not yet reviewed.
    case submitted
    /// Sent back to the unit for correction, with a comment.
    case returned
    /// A new revision received after the unit was sent back.
    case resubmitted
    /// Accepted by a coordinator.
    case accepted

    /// The state as a person reads it.
    public var label: LocalizedText {
        switch self {
        case .missing: return L("chưa nộp", "missing")
        case .draft: return L("bản nháp", "draft")
        case .submitted: return L("đã nộp", "submitted")
        case .returned: return L("trả lại", "returned")
        case .resubmitted: return L("nộp lại", "resubmitted")
        case .accepted: return L("đã duyệt", "accepted")
        }
    }
}

/// The campaign a store holds: one form version with its parameters, and one unit list.
public struct Campaign: Sendable {
    public var name: String
    public var form: Form
    public var formFile: String
    public var formText: String
    public var registry: UnitRegistry
    public var unitsFile: String
    public var unitsText: String
    public var createdAt: String
    public var createdBy: String
}

/// One unit's line of `campaign status`.
public struct UnitStatus: Sendable {
    public var unit: ReportingUnit
    public var state: ReviewState
    /// The store's revision number of the current final submission (0: none).
    public var revision: Int
    /// Errors and warnings of the current final revision (nil without one).
    public var errors: Int?
    public var warnings: Int?
    /// The coordinator's comment when the unit was last sent back (kept until it is accepted).
    public var comment: String?
    /// When the unit's state last changed (UTC, ISO 8601), nil when never.
    public var changedAt: String?
}

/// One entry of the append-only history.
public struct LogEntry: Sendable {
    public var id: Int
    /// UTC, ISO 8601.
    public var at: String
    public var by: String
    /// init, revision, draft, return, accept, accept-forced, migrate.
    public var action: String
    public var unit: String?
    public var revision: Int?
    public var contentHash: String?
    /// The file (revision, draft), the comment (return), the number of errors overridden
    /// (accept-forced), the schema versions and backup (migrate), the campaign (init).
    public var detail: String?
}

/// A stored submission file: what `dump` writes and what a merge from the store reads.
public struct StoredFile: Sendable {
    public var unitId: String
    /// The name the file had when it was imported.
    public var fileName: String
    public var bytes: [UInt8]
    public var isDraft: Bool
}

/// The campaign store: every submission, revision and decision in one database, SQLite (a file)
/// or PostgreSQL. Revisions and the log are only ever appended; a unit's review state changes
/// only together with the log entry that says so, in one transaction.
public final class CampaignStore: @unchecked Sendable {
    public let location: StoreLocation
    let db: StoreConnection
    private var cachedCampaign: Campaign?
    var cachedValidator: Validator?

    init(location: StoreLocation, db: StoreConnection) {
        self.location = location
        self.db = db
    }

    /// Closes the connection (also done when the store is released).
    public func close() { db.shutdown() }

    /// What happened when a store was opened.
    public struct Opening: Sendable {
        /// The schema version the store had, when it was migrated.
        public var migratedFrom: Int?
        /// The copy written before migrating, when one was: a file beside the SQLite store, or
        /// a schema of the PostgreSQL database ("schema ictreport_backup_v1_20261201_101500").
        public var backup: String?
    }

    /// Opens an existing campaign store, migrating an older schema after writing a backup copy
    /// (a file beside a SQLite store, a schema of a PostgreSQL database) and refusing a newer one. `create` makes the database's tables when it has none
    /// (for `campaign init`); otherwise a store without a campaign is an error.
    public static func open(_ location: StoreLocation, create: Bool = false, now: Date = Date()) throws(StoreError)
        -> (store: CampaignStore, opening: Opening)
    {
        try open(location, create: create, now: now, schema: Migrations.latest)
    }

    /// The same, migrating only up to `schema`: how the tests make a store of an older version.
    package static func open(_ location: StoreLocation, create: Bool, now: Date = Date(), schema target: Int)
        throws(StoreError) -> (store: CampaignStore, opening: Opening)
    {
        if case .sqlite(let path) = location, !create, !FileManager.default.fileExists(atPath: path) {
            throw StoreError(
                L(
                    "không có kho đợt báo cáo \(location.displayName); hãy tạo bằng: ictreport campaign init (hoặc chỉ đúng kho bằng --db)",
                    "no campaign store at \(location.displayName); create one with: ictreport campaign init (or name the right one with --db)"
                ))
        }
        let db = try StoreConnection.open(location)
        let store = CampaignStore(location: location, db: db)
        do {
            let opening = try store.prepareSchema(create: create, now: now, target: target)
            return (store, opening)
        } catch {
            db.shutdown()
            throw error
        }
    }

    private func prepareSchema(create: Bool, now: Date, target: Int) throws(StoreError) -> Opening {
        let version = try Migrations.version(db)
        if version > Migrations.latest {
            throw StoreError(
                L(
                    "kho \(location.displayName) được tạo bởi phiên bản mới hơn của ictreport (lược đồ \(version), phiên bản này chỉ biết đến \(Migrations.latest)); hãy cập nhật ictreport. Kho không bị thay đổi.",
                    "the store \(location.displayName) was written by a newer version of ictreport (schema \(version); this version knows up to \(Migrations.latest)); update ictreport. The store was not changed."
                ))
        }
        if version == 0 {
            guard create else {
                throw StoreError(
                    L(
                        "\(location.displayName) chưa chứa đợt báo cáo nào; hãy tạo bằng: ictreport campaign init",
                        "\(location.displayName) holds no campaign yet; create one with: ictreport campaign init"))
            }
            let tables = try Migrations.tableCount(db)
            let onlyVersions = try Migrations.hasTable("schema_version", db)
            guard tables == 0 || (tables == 1 && onlyVersions) else {
                throw StoreError(
                    L(
                        "\(location.displayName) đã có \(tables) bảng không phải của ictreport; hãy dùng một cơ sở dữ liệu trống",
                        "\(location.displayName) already has \(tables) tables that are not ictreport's; use an empty database"
                    ))
            }
            try Migrations.migrate(db, to: target, now: Self.timestamp(now))
            return Opening()
        }
        guard version < target else { return Opening() }
        // An older store: a copy first, then the steps it has not had, and a log entry.
        let backup: String
        switch location {
        case .sqlite(let path):
            backup = Self.backupPath(path, version: version, now: now)
            try db.run("VACUUM INTO \(bind: backup)")
        case .postgres:
            // The server's files are not the tool's to copy: the store's tables are copied into
            // a schema of their own in the same database, in one transaction, before any step.
            let schema = "ictreport_backup_v\(version)_\(Self.stamp(now, separator: "_"))"
            try db.transaction { () throws(StoreError) in
                try db.run("CREATE SCHEMA \(ident: schema)")
                for table in Migrations.tables where try Migrations.hasTable(table, db) {
                    try db.run("CREATE TABLE \(ident: schema).\(ident: table) AS TABLE \(ident: table)")
                }
            }
            backup = "schema \(schema)"
        }
        try Migrations.migrate(db, to: target, now: Self.timestamp(now))
        try db.transaction { () throws(StoreError) in
            try appendLog(
                at: Self.timestamp(now), by: Self.defaultActor, action: "migrate", unit: nil, revision: nil,
                hash: nil,
                detail: "schema \(version) → \(target); backup \(backup)")
        }
        return Opening(migratedFrom: version, backup: backup)
    }

    /// `20261201-101500` (UTC), for the names of backups.
    static func stamp(_ now: Date, separator: String = "-") -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd'\(separator)'HHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: now)
    }

    /// `campaign.sqlite` → `campaign.v1-backup-20261201-101500.sqlite`, beside it.
    static func backupPath(_ path: String, version: Int, now: Date) -> String {
        let stamp = Self.stamp(now)
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "sqlite" : url.pathExtension
        var candidate = url.deletingPathExtension().path + ".v\(version)-backup-\(stamp).\(ext)"
        var n = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = url.deletingPathExtension().path + ".v\(version)-backup-\(stamp)-\(n).\(ext)"
            n += 1
        }
        return candidate
    }

    /// The schema version of the store at `location`, read without changing anything.
    package static func schemaVersion(at location: StoreLocation) throws(StoreError) -> Int {
        let db = try StoreConnection.open(location)
        defer { db.shutdown() }
        return try Migrations.version(db)
    }

    /// Runs a statement as it is: how the tests play a tampering hand or a future version.
    package func unsafeExecute(_ statement: String) throws(StoreError) {
        try db.run("\(unsafeRaw: statement)")
    }

    /// The number a query counts (column `n`): how the tests look into a store.
    package func unsafeCount(_ query: String) throws(StoreError) -> Int {
        try db.first("\(unsafeRaw: query)")?.int("n") ?? 0
    }

    /// The schema version this tool writes.
    public static var schemaVersion: Int { Migrations.latest }

    /// The store's schema version.
    public func schemaVersion() throws(StoreError) -> Int { try Migrations.version(db) }

    /// Who did something, when `--by` is not given: the system user.
    public static var defaultActor: String {
        let env = ProcessInfo.processInfo.environment
        if let user = env["USER"] ?? env["LOGNAME"], !user.isEmpty { return user }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "?"
    }

    /// UTC, ISO 8601, to the second: how the store writes times.
    static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: TimeZone(identifier: "UTC")!))
    }

    /// Text as stored: NFC, control characters (but line breaks and tabs) left out.
    static func clean(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.nfc.unicodeScalars.filter {
                    $0 == "\n" || $0 == "\t" || !($0.properties.generalCategory == .control)
                }))
    }

    func appendLog(
        at: String, by: String, action: String, unit: String?, revision: Int?, hash: String?, detail: String?
    ) throws(StoreError) {
        try db.run(
            """
            INSERT INTO log (at, by_name, action, unit_id, revision, content_hash, detail)
            VALUES (\(bind: at), \(bind: Self.clean(by)), \(bind: action), \(bind: unit), \(bind: revision), \(bind: hash), \(bind: detail.map(Self.clean)))
            """)
    }

    // MARK: - The campaign

    /// Creates the campaign: the form (its text, so the store keeps the version it was made
    /// for) and the unit list. A store holds one campaign: a second `initialize` is refused.
    public func initialize(
        name: String, formText: String, formFile: String, unitsText: String, unitsFile: String, by: String,
        now: Date = Date()
    ) throws(StoreError) -> Campaign {
        let lint = FormLoader.lint(formText, file: formFile)
        guard let form = lint.form else {
            throw StoreError(
                L(
                    "biểu mẫu \(formFile) có lỗi:\n", "the form \(formFile) has errors:\n")
                    + LocalizedText(
                        lint.errors.map { $0.formatted(.vi) }.joined(separator: "\n"),
                        en: lint.errors.map { $0.formatted(.en) }.joined(separator: "\n")))
        }
        let registry: UnitRegistry
        do {
            registry = try UnitRegistry.parse(unitsText, file: unitsFile)
        } catch let e as DiagnosticsError {
            throw StoreError(
                L("danh sách đơn vị \(unitsFile) có lỗi:\n", "the unit list \(unitsFile) has errors:\n")
                    + LocalizedText(
                        e.diagnostics.map { $0.formatted(.vi) }.joined(separator: "\n"),
                        en: e.diagnostics.map { $0.formatted(.en) }.joined(separator: "\n")))
        } catch {
            throw StoreError(L("danh sách đơn vị: \(error)", "the unit list: \(error)"))
        }
        let at = Self.timestamp(now)
        let campaignName = Self.clean(name).trimmingCharacters(in: .whitespacesAndNewlines)
        try db.transaction { () throws(StoreError) in
            if let existing = try db.first("SELECT name, created_at FROM campaign") {
                let existingName = try existing.string("name")
                let created = try existing.string("created_at")
                throw StoreError(
                    L(
                        "\(location.displayName) đã có đợt báo cáo '\(existingName)' (tạo lúc \(created)); mỗi kho chỉ chứa một đợt. Hãy dùng kho khác (--db).",
                        "\(location.displayName) already holds the campaign '\(existingName)' (created \(created)); a store holds one campaign. Use another store (--db)."
                    ))
            }
            try db.run(
                """
                INSERT INTO campaign (id, name, form_id, form_version, form_file, form_text, units_file, units_text, created_at, created_by)
                VALUES (1, \(bind: campaignName), \(bind: form.id), \(bind: form.version), \(bind: formFile), \(bind: formText.nfc),
                        \(bind: unitsFile), \(bind: unitsText.nfc), \(bind: at), \(bind: Self.clean(by)))
                """)
            for (position, unit) in registry.units.enumerated() {
                try db.run(
                    """
                    INSERT INTO units (id, position, name, short_name, state, revision)
                    VALUES (\(bind: unit.id), \(bind: position), \(bind: unit.name), \(bind: unit.shortName), 'missing', 0)
                    """)
            }
            try appendLog(
                at: at, by: by, action: "init", unit: nil, revision: nil, hash: nil,
                detail:
                    "\(campaignName): \(form.id) \(form.version) (\(formFile)), \(registry.units.count) units (\(unitsFile))"
            )
        }
        return try campaign()
    }

    /// The campaign: its form (loaded from the text the store keeps) and its unit list.
    public func campaign() throws(StoreError) -> Campaign {
        if let cachedCampaign { return cachedCampaign }
        guard let row = try db.first("SELECT * FROM campaign WHERE id = 1") else {
            throw StoreError(
                L(
                    "\(location.displayName) chưa chứa đợt báo cáo nào; hãy tạo bằng: ictreport campaign init",
                    "\(location.displayName) holds no campaign yet; create one with: ictreport campaign init"))
        }
        let formFile = try row.string("form_file")
        let formText = try row.string("form_text")
        guard let form = FormLoader.lint(formText, file: formFile).form else {
            throw StoreError(
                L(
                    "biểu mẫu lưu trong kho không đọc được bằng phiên bản này của ictreport",
                    "the form kept in the store cannot be read by this version of ictreport"))
        }
        var units: [ReportingUnit] = []
        for u in try db.all("SELECT id, name, short_name FROM units ORDER BY position") {
            units.append(
                ReportingUnit(id: try u.string("id"), name: try u.string("name"), shortName: try u.string("short_name"))
            )
        }
        let campaign = Campaign(
            name: try row.string("name"), form: form, formFile: formFile, formText: formText,
            registry: UnitRegistry(units: units), unitsFile: try row.string("units_file"),
            unitsText: try row.string("units_text"), createdAt: try row.string("created_at"),
            createdBy: try row.string("created_by"))
        cachedCampaign = campaign
        return campaign
    }

    // MARK: - Review

    /// A unit of the campaign by id (or a name typed loosely); an unknown one is an error that
    /// suggests the closest.
    public func unit(_ query: String) throws(StoreError) -> ReportingUnit {
        let registry = try campaign().registry
        let matches = registry.match(query)
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            // Names typed loosely first; then an id with a typo ('vu-khtcc').
            let close = registry.suggestions(query).map(\.id)
            throw StoreError(
                L("không có đơn vị '\(query)' trong đợt báo cáo", "no unit '\(query)' in the campaign")
                    + (close.isEmpty
                        ? didYouMean(query, in: registry.units.map(\.id))
                        : L(
                            "; có phải: \(close.joined(separator: ", "))?",
                            "; did you mean: \(close.joined(separator: ", "))?")))
        }
        throw StoreError(
            L(
                "'\(query)' khớp với \(matches.count) đơn vị (\(matches.map(\.id).joined(separator: ", "))); hãy ghi mã đơn vị",
                "'\(query)' matches \(matches.count) units (\(matches.map(\.id).joined(separator: ", "))); give the unit id"
            ))
    }

    /// The unit's row, locked for this transaction (PostgreSQL; SQLite's write lock is the
    /// whole database already).
    func lockedUnit(_ id: String) throws(StoreError) -> (state: ReviewState, revision: Int, currentId: Int?) {
        let lock: SQLQueryString = db.engine == .postgres ? " FOR UPDATE" : ""
        guard
            let row = try db.first(
                "SELECT state, revision, current_id FROM units WHERE id = \(bind: id)\(lock)")
        else {
            throw StoreError(L("không có đơn vị '\(id)' trong đợt báo cáo", "no unit '\(id)' in the campaign"))
        }
        guard let state = ReviewState(rawValue: try row.string("state")) else {
            throw StoreError(L("trạng thái lạ trong kho", "unknown state in the store"))
        }
        return (state, try row.int("revision"), try row.optionalInt("current_id"))
    }

    /// Sends a unit's current revision back for correction, with the coordinator's comment.
    /// The unit's next revision makes it "resubmitted".
    public func returnUnit(_ query: String, comment: String, by: String, now: Date = Date()) throws(StoreError)
        -> UnitStatus
    {
        let unit = try unit(query)
        let text = Self.clean(comment).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw StoreError(
                L(
                    "hãy ghi lý do trả lại (--comment \"…\"): đơn vị cần biết phải sửa gì",
                    "give the reason (--comment \"…\"): the unit needs to know what to correct"))
        }
        try db.transaction { () throws(StoreError) in
            let row = try lockedUnit(unit.id)
            switch row.state {
            case .missing, .draft:
                throw StoreError(
                    L(
                        "\(unit.name) chưa nộp bản chính thức nào (trạng thái: \(row.state.label.vi)); không có gì để trả lại",
                        "\(unit.name) has no final revision (state: \(row.state.label.text(.en))); nothing to return"))
            case .returned:
                throw StoreError(
                    L(
                        "\(unit.name) đã được trả lại (lần \(row.revision)) và chưa nộp lại; xem: ictreport campaign log \(unit.id)",
                        "\(unit.name) was already returned (revision \(row.revision)) and has not resubmitted; see: ictreport campaign log \(unit.id)"
                    ))
            case .submitted, .resubmitted, .accepted:
                break
            }
            let at = Self.timestamp(now)
            let hash = try row.currentId.flatMap { id throws(StoreError) in
                try db.first("SELECT content_hash FROM revisions WHERE id = \(bind: id)")?.string("content_hash")
            }
            try db.run(
                "UPDATE units SET state = 'returned', comment = \(bind: text), changed_at = \(bind: at) WHERE id = \(bind: unit.id)"
            )
            try appendLog(
                at: at, by: by, action: "return", unit: unit.id, revision: row.revision, hash: hash, detail: text)
        }
        return try status(unit.id)
    }

    /// What `accept` did.
    public enum Acceptance: Sendable, Equatable {
        case accepted(revision: Int)
        /// Accepted with errors (`force`), logged as such.
        case forced(revision: Int, errors: Int)
        case alreadyAccepted(revision: Int)
    }

    /// Accepts a unit's current revision. One with errors needs `force`, and is logged as forced.
    public func accept(_ query: String, by: String, force: Bool = false, now: Date = Date()) throws(StoreError)
        -> Acceptance
    {
        let unit = try unit(query)
        return try db.transaction { () throws(StoreError) -> Acceptance in
            let row = try lockedUnit(unit.id)
            switch row.state {
            case .missing, .draft:
                throw StoreError(
                    L(
                        "\(unit.name) chưa nộp bản chính thức nào (trạng thái: \(row.state.label.vi)); không có gì để duyệt",
                        "\(unit.name) has no final revision (state: \(row.state.label.text(.en))); nothing to accept"))
            case .accepted:
                return .alreadyAccepted(revision: row.revision)
            case .submitted, .resubmitted, .returned:
                break
            }
            guard let currentId = row.currentId,
                let current = try db.first("SELECT errors, content_hash FROM revisions WHERE id = \(bind: currentId)")
            else { throw StoreError(L("kho thiếu bản nộp hiện hành", "the store lacks the current revision")) }
            let errors = try current.int("errors")
            if errors > 0 && !force {
                throw StoreError(
                    L(
                        "lần nộp \(row.revision) của \(unit.name) còn \(errors) lỗi; hãy trả lại để đơn vị sửa (ictreport campaign return \(unit.id) --comment \"…\"), hoặc thêm --force để vẫn duyệt (nhật ký sẽ ghi rõ)",
                        "revision \(row.revision) of \(unit.name) has \(errors) errors; return it for correction (ictreport campaign return \(unit.id) --comment \"…\"), or add --force to accept it anyway (the log says so)"
                    ))
            }
            let at = Self.timestamp(now)
            try db.run(
                "UPDATE units SET state = 'accepted', comment = NULL, changed_at = \(bind: at) WHERE id = \(bind: unit.id)"
            )
            try appendLog(
                at: at, by: by, action: errors > 0 ? "accept-forced" : "accept", unit: unit.id, revision: row.revision,
                hash: try current.string("content_hash"), detail: errors > 0 ? String(errors) : nil)
            return errors > 0 ? .forced(revision: row.revision, errors: errors) : .accepted(revision: row.revision)
        }
    }

    // MARK: - Reading

    /// Every unit in registry order, with its state, current revision and its counts.
    public func status() throws(StoreError) -> [UnitStatus] {
        try statuses(nil)
    }

    /// One unit's status.
    public func status(_ unitId: String) throws(StoreError) -> UnitStatus {
        guard let s = try statuses(unitId).first else {
            throw StoreError(L("không có đơn vị '\(unitId)' trong đợt báo cáo", "no unit '\(unitId)' in the campaign"))
        }
        return s
    }

    private func statuses(_ unitId: String?) throws(StoreError) -> [UnitStatus] {
        let filter: SQLQueryString = unitId.map { "WHERE u.id = \(bind: $0)" } ?? ""
        return try db.all(
            """
            SELECT u.id, u.name, u.short_name, u.state, u.revision, u.comment, u.changed_at, r.errors, r.warnings
            FROM units u LEFT JOIN revisions r ON r.id = u.current_id \(filter)
            ORDER BY u.position
            """
        ).map { row throws(StoreError) in
            UnitStatus(
                unit: ReportingUnit(
                    id: try row.string("id"), name: try row.string("name"), shortName: try row.string("short_name")),
                state: ReviewState(rawValue: try row.string("state")) ?? .missing, revision: try row.int("revision"),
                errors: try row.optionalInt("errors"), warnings: try row.optionalInt("warnings"),
                comment: try row.optionalString("comment"), changedAt: try row.optionalString("changed_at"))
        }
    }

    /// The history, oldest first; of one unit when `unitId` is given.
    public func log(unit unitId: String? = nil) throws(StoreError) -> [LogEntry] {
        let filter: SQLQueryString = unitId.map { "WHERE unit_id = \(bind: $0)" } ?? ""
        return try db.all("SELECT * FROM log \(filter) ORDER BY id").map { row throws(StoreError) in
            LogEntry(
                id: try row.int("id"), at: try row.string("at"), by: try row.string("by_name"),
                action: try row.string("action"), unit: try row.optionalString("unit_id"),
                revision: try row.optionalInt("revision"), contentHash: try row.optionalString("content_hash"),
                detail: try row.optionalString("detail"))
        }
    }

    /// Per unit, in registry order: the current final revision's file, or the working draft or latest draft of
    /// a unit that has only drafts.
    public func currentFiles() throws(StoreError) -> [StoredFile] { try currentFiles(nil) }

    /// One unit's current file (as `currentFiles`), nil when it has sent nothing.
    public func currentFile(_ unitId: String) throws(StoreError) -> StoredFile? { try currentFiles(unitId).first }

    /// A unit without a final revision counts its working draft (saved on the web or by the
    /// online collector) before a draft file it imported: the working draft is the newer.
    private func currentFiles(_ unitId: String?) throws(StoreError) -> [StoredFile] {
        let filter: SQLQueryString = unitId.map { "WHERE u.id = \(bind: $0)" } ?? ""
        let files = try db.all(
            """
            SELECT u.id AS unit_id, r.file_name, r.bytes, r.kind
            FROM units u JOIN revisions r ON r.id = u.current_id \(filter)
            UNION ALL
            SELECT u.id AS unit_id, u.id || '.draft.json' AS file_name, w.bytes, 'draft' AS kind
            FROM units u JOIN working_drafts w ON w.unit_id = u.id \(filter)\(unsafeRaw: unitId == nil ? " WHERE" : " AND") u.current_id IS NULL
            UNION ALL
            SELECT u.id AS unit_id, r.file_name, r.bytes, r.kind
            FROM units u JOIN revisions r ON r.id = u.draft_id \(filter)\(unsafeRaw: unitId == nil ? " WHERE" : " AND") u.current_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM working_drafts w WHERE w.unit_id = u.id)
            """
        ).map { row throws(StoreError) in
            StoredFile(
                unitId: try row.string("unit_id"), fileName: try row.string("file_name"), bytes: try row.bytes("bytes"),
                isDraft: try row.string("kind") == "draft")
        }
        // Each unit's place in the list, made once: made in the comparison, it was made again for
        // every pair compared, and a merge of 10,000 units from the store took 38 s instead of 6.
        let units = (try? campaign().registry.units) ?? []
        let positions = Dictionary(units.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return files.sorted { (positions[$0.unitId] ?? 0) < (positions[$1.unitId] ?? 0) }
    }

    /// Counts of stored revisions (finals and drafts) and log entries: for tests and `status`.
    public func counts() throws(StoreError) -> (finals: Int, drafts: Int, log: Int) {
        let finals = try db.first("SELECT COUNT(*) AS n FROM revisions WHERE kind = 'final'")?.int("n") ?? 0
        let drafts = try db.first("SELECT COUNT(*) AS n FROM revisions WHERE kind = 'draft'")?.int("n") ?? 0
        let log = try db.first("SELECT COUNT(*) AS n FROM log")?.int("n") ?? 0
        return (finals, drafts, log)
    }
}
