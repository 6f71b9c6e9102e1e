import CampaignStore
import FormKit
import Foundation
import Submissions
import TestSupport
import Testing

/// The engines every test here runs on: the same store code, the same tests.
enum Engine: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// A new, empty store of this engine.
    func newLocation() throws -> StoreLocation {
        switch self {
        case .sqlite: return .sqlite(path: temporaryFile("campaign.sqlite").path)
        case .postgres: return .postgres(url: try PostgresCluster.shared().newDatabase())
        }
    }
}

let formText = try! String(contentsOf: repositoryFile("Forms/ict-annual-report.yaml"), encoding: .utf8)

/// A campaign on the bundled form, with the unit list given (the bundled one by default).
func newCampaign(
    _ engine: Engine, units: String = try! String(contentsOf: repositoryFile("Forms/units.yaml"), encoding: .utf8),
    schema: Int? = nil
) throws -> CampaignStore {
    let location = try engine.newLocation()
    let store =
        try schema.map { try CampaignStore.open(location, create: true, schema: $0).store }
        ?? CampaignStore.open(location, create: true).store
    _ = try store.initialize(
        name: "Báo cáo 2018", formText: formText, formFile: "Forms/ict-annual-report.yaml", unitsText: units,
        unitsFile: "Forms/units.yaml", by: "điều phối")
    return store
}

/// The sample data of `ictreport sample` for the bundled units: finals (some with warnings or
/// errors), superseded revisions, drafts and missing units.
func sampleFolder(seed: UInt64 = 2018, count: Int? = nil) throws -> (folder: URL, summary: SampleGenerator.Summary) {
    let example = SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission!
    let generator = SampleGenerator(form: form, base: example.answers, baseUnitName: example.unitName, seed: seed)
    let folder = temporaryDirectory("sample")
    let summary = try generator.generate(units: SampleGenerator.units(registry, count: count), into: folder)
    return (folder, summary)
}

func count(_ outcomes: [ImportOutcome], _ match: (ImportResult) -> Bool) -> Int {
    outcomes.count { match($0.result) }
}

func isNew(_ r: ImportResult) -> Bool { if case .newRevision = r { true } else { false } }
func isRejected(_ r: ImportResult) -> Bool { if case .rejected = r { true } else { false } }

@Suite struct CampaignStoreTests {
    @Test(arguments: Engine.allCases) func initCreatesTheCampaignOnceOnly(engine: Engine) throws {
        let store = try newCampaign(engine)
        defer { store.close() }
        let campaign = try store.campaign()
        #expect(campaign.name == "Báo cáo 2018")
        #expect(campaign.form.id == form.id && campaign.form.version == form.version)
        #expect(campaign.registry.units.map(\.id) == registry.units.map(\.id))
        #expect(try store.status().allSatisfy { $0.state == .missing && $0.revision == 0 })
        #expect(try store.log().map(\.action) == ["init"])
        let second = #expect(throws: StoreError.self) {
            _ = try store.initialize(
                name: "Lần hai", formText: formText, formFile: "f.yaml", unitsText: "units: []\n", unitsFile: "u.yaml",
                by: "x")
        }
        #expect(second?.message.vi.contains("đã có đợt báo cáo 'Báo cáo 2018'") == true)
        #expect(second?.message.text(.en).contains("a store holds one campaign") == true)
        #expect(try store.campaign().name == "Báo cáo 2018")
    }

    @Test(arguments: Engine.allCases) func importStoresEveryRevisionOnceAndAgainNothing(engine: Engine) throws {
        let store = try newCampaign(engine)
        defer { store.close() }
        let (folder, sample) = try sampleFolder()
        let outcomes = try store.importFiles([folder.path], by: "điều phối")
        #expect(outcomes.count == sample.files)
        #expect(count(outcomes, isNew) == sample.finals + sample.superseded)
        #expect(count(outcomes) { $0 == .draft } == sample.draftsOnly)
        #expect(count(outcomes, isRejected) == 0)
        let status = try store.status()
        #expect(status.map(\.unit.id) == registry.units.map(\.id))
        #expect(status.count { $0.state == .missing } == sample.missing)
        #expect(status.count { $0.state == .draft } == sample.draftsOnly)
        #expect(status.count { $0.state == .submitted } == sample.finals)
        // A unit with an older final in the folder has both, the newer one current.
        #expect(status.count { $0.revision == 2 } == sample.superseded)
        #expect(status.count { ($0.errors ?? 0) > 0 } == sample.withErrors)
        let stored = try store.counts()
        #expect(stored.finals == sample.finals + sample.superseded)
        #expect(stored.drafts == sample.draftsOnly)
        #expect(stored.log == 1 + stored.finals + stored.drafts)
        // Idempotent: the same files again change nothing.
        let again = try store.importFiles([folder.path], by: "người khác")
        #expect(again.allSatisfy { $0.result == .unchanged })
        #expect(try store.counts() == stored)
        #expect(try store.status().map(\.state) == status.map(\.state))
    }

    @Test(arguments: Engine.allCases) func returnResubmitAcceptWithTheLog(engine: Engine) throws {
        let store = try newCampaign(engine)
        defer { store.close() }
        let folder = temporaryDirectory("review")
        let example = SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission!
        var s = example
        s.status = .final
        s.revision = 1
        try s.save(to: folder.appendingPathComponent("cuc-shtt.json"))
        #expect(try store.importFiles([folder.path], by: "a").map(\.result) == [.newRevision(1)])
        // Nothing to return or accept for a unit that has sent nothing.
        let unknown = #expect(throws: StoreError.self) { _ = try store.returnUnit("vu-khtcc", comment: "?", by: "a") }
        #expect(unknown?.message.text(.en) == "no unit 'vu-khtcc' in the campaign; did you mean 'vu-khtc'?")
        #expect(throws: StoreError.self) { _ = try store.accept("vu-khcn", by: "a") }
        #expect(throws: StoreError.self) { _ = try store.returnUnit("cuc-shtt", comment: "  ", by: "a") }
        let returned = try store.returnUnit("cuc-shtt", comment: "Mục 2: số máy chủ chưa khớp", by: "Lan")
        #expect(returned.state == .returned && returned.comment == "Mục 2: số máy chủ chưa khớp")
        #expect(throws: StoreError.self) { _ = try store.returnUnit("cuc-shtt", comment: "lần nữa", by: "Lan") }
        // The unit's corrected file: the next revision, and the unit "resubmitted".
        s.revision = 2
        s.explanations["note"] = "Đã sửa số máy chủ"
        let second = temporaryDirectory("review2")
        try s.save(to: second.appendingPathComponent("cuc-shtt.json"))
        #expect(try store.importFiles([second.path], by: "a").map(\.result) == [.newRevision(2)])
        let resubmitted = try store.status("cuc-shtt")
        #expect(resubmitted.state == .resubmitted && resubmitted.revision == 2)
        #expect(try store.accept("cuc-shtt", by: "Lan") == .accepted(revision: 2))
        #expect(try store.accept("cuc-shtt", by: "Lan") == .alreadyAccepted(revision: 2))
        #expect(try store.status("cuc-shtt").state == .accepted)
        let log = try store.log(unit: "cuc-shtt")
        #expect(log.map(\.action) == ["revision", "return", "revision", "accept"])
        #expect(log.map(\.revision) == [1, 1, 2, 2])
        #expect(log.map(\.by) == ["a", "Lan", "a", "Lan"])
        #expect(log[1].detail == "Mục 2: số máy chủ chưa khớp")
        #expect(log[0].contentHash == example.contentHash)
        #expect(log[2].contentHash == s.contentHash)
    }

    @Test(arguments: Engine.allCases) func acceptingErrorsNeedsForceAndIsLogged(engine: Engine) throws {
        let store = try newCampaign(engine)
        defer { store.close() }
        var s = SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission!
        s.status = .final
        s.revision = 1
        s.answers["general", "staff_total"] = .number(-5)
        let folder = temporaryDirectory("errors")
        try s.save(to: folder.appendingPathComponent("cuc-shtt.json"))
        _ = try store.importFiles([folder.path], by: "a")
        let errors = try #require(try store.status("cuc-shtt").errors)
        #expect(errors > 0)
        let refused = #expect(throws: StoreError.self) { _ = try store.accept("cuc-shtt", by: "Lan") }
        #expect(refused?.message.text(.en).contains("add --force") == true)
        #expect(try store.status("cuc-shtt").state == .submitted)
        #expect(try store.accept("cuc-shtt", by: "Lan", force: true) == .forced(revision: 1, errors: errors))
        let last = try #require(try store.log(unit: "cuc-shtt").last)
        #expect(last.action == "accept-forced" && last.detail == String(errors))
    }

    @Test(arguments: Engine.allCases) func olderConflictingAndUnknownFilesAreRejected(engine: Engine) throws {
        let store = try newCampaign(engine)
        defer { store.close() }
        var s = SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission!
        s.status = .final
        s.revision = 3
        let folder = temporaryDirectory("newer")
        try s.save(to: folder.appendingPathComponent("cuc-shtt.json"))
        #expect(try store.importFiles([folder.path], by: "a").map(\.result) == [.newRevision(1)])
        let other = temporaryDirectory("older")
        s.revision = 2
        s.explanations["x"] = "cũ"
        try s.save(to: other.appendingPathComponent("old.json"))
        s.revision = 3
        s.explanations["x"] = "khác"
        try s.save(to: other.appendingPathComponent("same-revision.json"))
        s.unitId = "khong-co"
        try s.save(to: other.appendingPathComponent("unknown.json"))
        try Data("{\"format\": \"ictreport-submission\",\n  \"unit\": }".utf8).write(
            to: other.appendingPathComponent("broken.json"))
        let outcomes = try store.importFiles([other.path, other.appendingPathComponent("nothing.json").path], by: "a")
        let reasons = outcomes.map { o -> String in
            if case .rejected(let r) = o.result { return "\((o.file as NSString).lastPathComponent): \(r.text(.en))" }
            return "\(o.file): \(o.result)"
        }
        #expect(outcomes.count == 5)
        #expect(reasons[0].hasPrefix("nothing.json: no such file or folder"))
        #expect(reasons[1].hasPrefix("broken.json: line 2, column"))
        #expect(reasons[2].hasPrefix("old.json: this file says revision 2, older than the current one"))
        #expect(reasons[3].hasPrefix("same-revision.json: conflict"))
        #expect(reasons[4].hasPrefix("unknown.json: unit 'khong-co' is not in the campaign's unit list"))
        #expect(try store.counts().finals == 1)
    }

    @Test(arguments: Engine.allCases) func revisionsAndLogAreAppendOnly(engine: Engine) throws {
        let store = try newCampaign(engine)
        defer { store.close() }
        let (folder, _) = try sampleFolder(count: 5)
        _ = try store.importFiles([folder.path], by: "a")
        for statement in [
            "UPDATE revisions SET errors = 0", "DELETE FROM revisions", "UPDATE log SET by_name = 'x'",
            "DELETE FROM log", "DELETE FROM units"
        ] {
            #expect(throws: StoreError.self, "\(statement)") { try store.unsafeExecute(statement) }
        }
        #expect(try store.counts().log > 1)
    }

    @Test(arguments: Engine.allCases) func aNewerStoreIsRefusedUnchanged(engine: Engine) throws {
        let store = try newCampaign(engine)
        let location = store.location
        try store.unsafeExecute(
            "INSERT INTO schema_version (version, applied_at, summary) VALUES (99, '2030-01-01T00:00:00Z', 'future')")
        store.close()
        let refused = #expect(throws: StoreError.self) { _ = try CampaignStore.open(location) }
        #expect(refused?.message.text(.en).contains("written by a newer version of ictreport (schema 99") == true)
        #expect(refused?.message.vi.contains("hãy cập nhật ictreport") == true)
        #expect(try CampaignStore.schemaVersion(at: location) == 99)
    }

    @Test(arguments: Engine.allCases) func anOlderStoreIsMigratedAfterACopy(engine: Engine) throws {
        let old = try newCampaign(engine, schema: 1)
        let location = old.location
        let (folder, _) = try sampleFolder(count: 6)
        let imported = try old.importFiles([folder.path], by: "a")
        old.close()
        #expect(try CampaignStore.schemaVersion(at: location) == 1)
        let (store, opening) = try CampaignStore.open(location)
        defer { store.close() }
        #expect(opening.migratedFrom == 1)
        #expect(try store.schemaVersion() == CampaignStore.schemaVersion)
        let backup = try #require(opening.backup)
        if case .sqlite(let path) = location {
            #expect(backup.hasPrefix(URL(fileURLWithPath: path).deletingPathExtension().path + ".v1-backup-"))
            #expect(try CampaignStore.schemaVersion(at: .sqlite(path: backup)) == 1)
        } else {
            // A copy of every table in a schema of its own, as the store was before the step.
            #expect(backup.hasPrefix("schema ictreport_backup_v1_"))
            let schema = String(backup.dropFirst("schema ".count))
            #expect(try store.unsafeCount("SELECT MAX(version) AS n FROM \(schema).schema_version") == 1)
            #expect(
                try store.unsafeCount("SELECT COUNT(*) AS n FROM \(schema).revisions")
                    == store.unsafeCount("SELECT COUNT(*) AS n FROM revisions"))
            #expect(
                try store.unsafeCount("SELECT COUNT(*) AS n FROM \(schema).log")
                    == store.unsafeCount("SELECT COUNT(*) AS n FROM log") - 1)  // the migration's own entry
        }
        #expect(try store.log().last?.detail?.contains("backup \(backup)") == true)
        // Everything kept, the upgrade logged, and the new step in force.
        #expect(try store.counts().finals == imported.count(where: { isNew($0.result) }))
        #expect(try store.log().last?.action == "migrate")
        #expect(throws: StoreError.self) { try store.unsafeExecute("DELETE FROM log") }
    }

    @Test(arguments: Engine.allCases) func dumpGivesEveryCurrentFileBackAndTheLog(engine: Engine) throws {
        let store = try newCampaign(engine)
        defer { store.close() }
        let (folder, sample) = try sampleFolder()
        _ = try store.importFiles([folder.path], by: "a")
        _ = try store.returnUnit(registry.units[0].id, comment: "Sửa mục 3, \"bảng 2\"", by: "Lan")
        let out = temporaryDirectory("dump")
        let summary = try store.dump(to: out)
        #expect(summary.finals == sample.finals && summary.drafts == sample.draftsOnly)
        // Byte for byte the files imported: a unit's current file is its newest.
        for status in try store.status() where status.state != .missing && status.state != .draft {
            let dumped = try Data(contentsOf: out.appendingPathComponent("\(status.unit.id).json"))
            let original = try Data(contentsOf: folder.appendingPathComponent("\(status.unit.id).json"))
            #expect(dumped == original, "\(status.unit.id)")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("log.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("id,at,by,action,unit,revision,content_hash,detail\r\n"))
        #expect(csv.contains(",Lan,return,\(registry.units[0].id),"))
        #expect(csv.contains("\"Sửa mục 3, \"\"bảng 2\"\"\""))
        #expect(csv.components(separatedBy: "\r\n").count - 2 == summary.logEntries)
        // The dump is a campaign again: imported into a new store, the same states.
        let again = try newCampaign(
            engine, units: try String(contentsOf: out.appendingPathComponent("units.yaml"), encoding: .utf8))
        defer { again.close() }
        let outcomes = try again.importFiles([out.path], by: "a")
        #expect(count(outcomes, isRejected) == 0)
        #expect(
            try again.status().map { $0.state == .draft ? "draft" : $0.state == .missing ? "missing" : "final" }
                == store.status().map { $0.state == .draft ? "draft" : $0.state == .missing ? "missing" : "final" })
    }
}
