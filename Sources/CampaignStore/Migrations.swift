import FormKit
import Foundation
import SQLKit

/// One step of the store's schema. Steps run in order, each in its own transaction, and each
/// leaves a row in `schema_version`: a store knows which steps it has had.
struct Migration: Sendable {
    var version: Int
    var summary: String
    var statements: @Sendable (Engine) -> [SQLQueryString]
}

enum Migrations {
    /// Every step, oldest first. A new step is appended here, never inserted or changed: stores
    /// in use have had the earlier ones.
    static let all: [Migration] = [
        Migration(version: 1, summary: "campaign, units, revisions, log") { engine in
            let id =
                engine == .sqlite
                ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
            let blob = engine == .sqlite ? "BLOB" : "BYTEA"
            return [
                """
                CREATE TABLE campaign (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    name TEXT NOT NULL,
                    form_id TEXT NOT NULL,
                    form_version TEXT NOT NULL,
                    form_file TEXT NOT NULL,
                    form_text TEXT NOT NULL,
                    units_file TEXT NOT NULL,
                    units_text TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL)
                """,
                """
                CREATE TABLE units (
                    id TEXT PRIMARY KEY,
                    position INTEGER NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    short_name TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('missing', 'draft', 'submitted', 'returned', 'resubmitted', 'accepted')),
                    revision INTEGER NOT NULL DEFAULT 0,
                    current_id BIGINT NULL,
                    draft_id BIGINT NULL,
                    comment TEXT NULL,
                    changed_at TEXT NULL)
                """,
                """
                CREATE TABLE revisions (
                    id \(unsafeRaw: id),
                    unit_id TEXT NOT NULL REFERENCES units (id),
                    kind TEXT NOT NULL CHECK (kind IN ('final', 'draft')),
                    revision INTEGER NULL,
                    file_revision INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    bytes \(unsafeRaw: blob) NOT NULL,
                    errors INTEGER NOT NULL,
                    warnings INTEGER NOT NULL,
                    imported_at TEXT NOT NULL,
                    imported_by TEXT NOT NULL,
                    UNIQUE (unit_id, revision))
                """,
                "CREATE INDEX revisions_by_content ON revisions (unit_id, kind, content_hash)",
                """
                CREATE TABLE log (
                    id \(unsafeRaw: id),
                    at TEXT NOT NULL,
                    by_name TEXT NOT NULL,
                    action TEXT NOT NULL,
                    unit_id TEXT NULL,
                    revision INTEGER NULL,
                    content_hash TEXT NULL,
                    detail TEXT NULL)
                """,
                "CREATE INDEX log_by_unit ON log (unit_id, id)"
            ]
        },
        Migration(version: 2, summary: "revisions and log are append-only; units are never deleted") { engine in
            switch engine {
            case .sqlite:
                return [
                    "CREATE TRIGGER revisions_never_change BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'revisions are never changed'); END",
                    "CREATE TRIGGER revisions_never_deleted BEFORE DELETE ON revisions BEGIN SELECT RAISE(ABORT, 'revisions are never deleted'); END",
                    "CREATE TRIGGER log_never_changes BEFORE UPDATE ON log BEGIN SELECT RAISE(ABORT, 'the log is never changed'); END",
                    "CREATE TRIGGER log_never_deleted BEFORE DELETE ON log BEGIN SELECT RAISE(ABORT, 'the log is never deleted'); END",
                    "CREATE TRIGGER units_never_deleted BEFORE DELETE ON units BEGIN SELECT RAISE(ABORT, 'units are never deleted'); END"
                ]
            case .postgres:
                return [
                    """
                    CREATE FUNCTION ictreport_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION '% on % refused: the campaign store keeps its history', TG_OP, TG_TABLE_NAME; END
                    $$
                    """,
                    "CREATE TRIGGER revisions_append_only BEFORE UPDATE OR DELETE ON revisions FOR EACH ROW EXECUTE FUNCTION ictreport_append_only()",
                    "CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE ON log FOR EACH ROW EXECUTE FUNCTION ictreport_append_only()",
                    "CREATE TRIGGER units_never_deleted BEFORE DELETE ON units FOR EACH ROW EXECUTE FUNCTION ictreport_append_only()"
                ]
            }
        },
        Migration(
            version: 3,
            summary: "the web: unit link tokens, coordinators, sessions, login throttling, working drafts"
        ) { engine in
            let blob = engine == .sqlite ? "BLOB" : "BYTEA"
            return [
                // A unit's private link: only the SHA-256 of the token is kept; rotating replaces it.
                """
                CREATE TABLE unit_tokens (
                    unit_id TEXT PRIMARY KEY REFERENCES units (id),
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL)
                """,
                // The coordinators' desk: scrypt hashes ("scrypt$N$r$p$salt$hash", base64).
                """
                CREATE TABLE coordinators (
                    name TEXT PRIMARY KEY,
                    password_hash TEXT NOT NULL,
                    created_at TEXT NOT NULL)
                """,
                // Sessions: the SHA-256 of the cookie's token, the CSRF token of its forms, and
                // when it ends (seconds since 1970): any serve process can check any session.
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    coordinator TEXT NOT NULL REFERENCES coordinators (name),
                    csrf TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires BIGINT NOT NULL)
                """,
                // Wrong passwords, per name typed (folded): after a few, each try waits longer.
                """
                CREATE TABLE login_throttle (
                    name_key TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    not_before BIGINT NOT NULL)
                """,
                // The working draft: one mutable row per unit, replaced by every autosave (its
                // version counts the saves), removed when the unit submits. Autosave runs on every
                // change, so revisions of drafts would grow without bound; the log gets one entry
                // when a draft is begun, not one per save.
                """
                CREATE TABLE working_drafts (
                    unit_id TEXT PRIMARY KEY REFERENCES units (id),
                    version INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    bytes \(unsafeRaw: blob) NOT NULL,
                    errors INTEGER NOT NULL,
                    warnings INTEGER NOT NULL,
                    saved_at TEXT NOT NULL,
                    saved_by TEXT NOT NULL)
                """
            ]
        }
    ]

    static var latest: Int { all.last!.version }

    /// The store's tables, those a backup copies (a table a later step adds goes here too).
    static let tables = [
        "schema_version", "campaign", "units", "revisions", "log", "unit_tokens", "coordinators", "sessions",
        "login_throttle", "working_drafts"
    ]

    /// The store's schema version: 0 for a database without the store's tables.
    static func version(_ db: StoreConnection) throws(StoreError) -> Int {
        guard try hasTable("schema_version", db) else { return 0 }
        return try db.first("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")?.int("v") ?? 0
    }

    static func hasTable(_ name: String, _ db: StoreConnection) throws(StoreError) -> Bool {
        switch db.engine {
        case .sqlite:
            return try db.first("SELECT name FROM sqlite_master WHERE type = 'table' AND name = \(bind: name)") != nil
        case .postgres:
            return try db.first(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = \(bind: name)"
            ) != nil
        }
    }

    /// Tables in the database that are not the store's (a database given by mistake).
    static func tableCount(_ db: StoreConnection) throws(StoreError) -> Int {
        switch db.engine {
        case .sqlite:
            return try db.first("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'")?.int("n") ?? 0
        case .postgres:
            return try db.first(
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()")?.int("n")
                ?? 0
        }
    }

    /// Brings the schema to `target`, one step per transaction. The version is read again
    /// inside each transaction: another process may have migrated meanwhile.
    static func migrate(_ db: StoreConnection, to target: Int = latest, now: String) throws(StoreError) {
        try db.run(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, summary TEXT NOT NULL)"
        )
        for step in all where step.version <= target {
            try db.transaction { () throws(StoreError) in
                let current = try db.first("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")?.int("v") ?? 0
                guard current < step.version else { return }
                for statement in step.statements(db.engine) { try db.run(statement) }
                try db.run(
                    "INSERT INTO schema_version (version, applied_at, summary) VALUES (\(bind: step.version), \(bind: now), \(bind: step.summary))"
                )
            }
        }
    }
}
