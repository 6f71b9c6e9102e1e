import Foundation
import Submissions
import TestSupport
import Testing

/// A folder with the sample submissions of the bundled units (`ictreport sample`).
func sampleSubmissions(_ folder: URL, count: Int? = nil, seed: Int = 2018) throws -> URL {
    let out = folder.appendingPathComponent("submissions")
    let r = try ictreport(
        ["sample", "--seed", String(seed), "-o", out.path] + (count.map { ["--count", String($0)] } ?? []))
    #expect(r.status == 0, "\(r.stderr)")
    return out
}

/// `campaign status --json` as objects.
func statusJSON(_ db: String) throws -> [[String: Any]] {
    let r = try ictreport(["campaign", "status", "--json", "--db", db])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    return json["units"] as! [[String: Any]]
}

@Suite struct CampaignCommandTests {
    @Test(arguments: StoreEngine.allCases) func theWholeCommandSet(engine: StoreEngine) throws {
        let dir = temporaryDirectory("campaign")
        let db = try engine.newStore(in: dir)
        let submissions = try sampleSubmissions(dir)
        let initialized = try ictreport(["campaign", "init", "--db", db, "--name", "Báo cáo CNTT 2018", "--by", "Lan"])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout.hasPrefix("Đã tạo đợt báo cáo 'Báo cáo CNTT 2018' trong "))
        #expect(initialized.stdout.hasSuffix("biểu mẫu ict_annual_report phiên bản 2018.1, 39 đơn vị.\n"))
        let second = try ictreport(["campaign", "init", "--db", db, "--lang", "en"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already holds the campaign 'Báo cáo CNTT 2018'"))

        let imported = try ictreport(["campaign", "import", submissions.path, "--db", db, "--by", "Lan"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let lines = imported.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasSuffix("/cuc-shtt.json: lần nộp mới 1") || $0.hasSuffix("/cuc-shtt.json: lần nộp mới 2")
            })
        let files = try FileManager.default.contentsOfDirectory(atPath: submissions.path).filter {
            $0.hasSuffix(".json")
        }
        let drafts = files.count { $0.hasSuffix(".draft.json") }
        #expect(
            lines.last
                == "Tổng cộng \(files.count) tệp: \(files.count - drafts) lần nộp mới, 0 không đổi, \(drafts) bản nháp, 0 bị từ chối."
        )
        let again = try ictreport(["campaign", "import", submissions.path, "--db", db, "--lang", "en"])
        #expect(again.status == 0)
        #expect(again.stdout.split(separator: "\n").dropLast().allSatisfy { $0.hasSuffix(": unchanged") })

        let status = try ictreport(["campaign", "status", "--db", db])
        #expect(status.status == 0)
        let statusLines = status.stdout.split(separator: "\n").map(String.init)
        #expect(
            statusLines[0].hasPrefix("Đợt báo cáo: Báo cáo CNTT 2018 — biểu mẫu ict_annual_report phiên bản 2018.1"))
        #expect(statusLines[1].hasPrefix("ĐƠN VỊ"))
        let unitsInOrder = registry.units.map(\.id)
        #expect(statusLines[2..<(2 + unitsInOrder.count)].map { String($0.prefix { $0 != " " }) } == unitsInOrder)
        #expect(statusLines.last?.hasPrefix("Tổng: 39 đơn vị — chưa nộp ") == true)

        // Send back a unit without errors, receive its next revision, accept it.
        let units = try statusJSON(db)
        let clean = try #require(units.first { $0["state"] as? String == "submitted" && $0["errors"] as? Int == 0 })
        let id = clean["id"] as! String
        let returned = try ictreport(
            ["campaign", "return", id, "--comment", "Mục 4: thiếu số thủ tục", "--by", "Hùng", "--db", db])
        #expect(returned.status == 0, "\(returned.stderr)")
        #expect(returned.stdout.contains("lần nộp tiếp theo sẽ ở trạng thái 'nộp lại'"))
        let returnedStatus = try ictreport(["campaign", "status", "--db", db])
        #expect(returnedStatus.stdout.contains("— lý do trả lại: Mục 4: thiếu số thủ tục"))
        let revised = dir.appendingPathComponent("revised")
        try FileManager.default.createDirectory(at: revised, withIntermediateDirectories: true)
        let original = try String(contentsOf: submissions.appendingPathComponent("\(id).json"), encoding: .utf8)
        let revision = clean["revision"] as! Int
        try original.replacingOccurrences(of: "\"revision\": \(revision),", with: "\"revision\": \(revision + 1),")
            .write(to: revised.appendingPathComponent("\(id).json"), atomically: true, encoding: .utf8)
        let resubmitted = try ictreport(["campaign", "import", revised.path, "--db", db, "--lang", "en"])
        #expect(resubmitted.stdout.hasPrefix("\(revised.path)/\(id).json: new revision \(revision + 1)\n"))
        #expect(try statusJSON(db).first { $0["id"] as? String == id }?["state"] as? String == "resubmitted")
        let accepted = try ictreport(["campaign", "accept", id, "--db", db, "--by", "Hùng"])
        #expect(accepted.status == 0)
        #expect(accepted.stdout.hasPrefix("Đã duyệt "))

        // A unit with errors is accepted only with --force, and the log says so.
        let broken = try #require(units.first { ($0["errors"] as? Int ?? 0) > 0 })
        let brokenId = broken["id"] as! String
        let refused = try ictreport(["campaign", "accept", brokenId, "--db", db, "--lang", "en"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("add --force to accept it anyway"))
        let forced = try ictreport(["campaign", "accept", brokenId, "--force", "--db", db])
        #expect(forced.status == 0)
        #expect(forced.stdout.contains("dù còn \(broken["errors"] as! Int) lỗi"))

        let log = try ictreport(["campaign", "log", id, "--db", db, "--lang", "en"])
        let logLines = log.stdout.split(separator: "\n").map(String.init)
        #expect(logLines.count == revision + 3)
        #expect(logLines[logLines.count - 3].contains("  Hùng  returned  \(id)  revision \(revision)  sha256:"))
        #expect(logLines[logLines.count - 3].hasSuffix("Mục 4: thiếu số thủ tục"))
        #expect(logLines[logLines.count - 2].contains("  revision received  \(id)  revision \(revision + 1)"))
        #expect(logLines[logLines.count - 1].contains("  Hùng  accepted  \(id)  revision \(revision + 1)"))
        let whole = try ictreport(["campaign", "log", "--db", db])
        #expect(whole.stdout.split(separator: "\n").first?.contains("  Lan  tạo đợt  ") == true)
        #expect(whole.stdout.contains("  duyệt dù còn lỗi  \(brokenId)  "))

        let dump = dir.appendingPathComponent("dump")
        let dumped = try ictreport(["campaign", "dump", "-o", dump.path, "--db", db])
        #expect(dumped.status == 0, "\(dumped.stderr)")
        #expect(FileManager.default.fileExists(atPath: dump.appendingPathComponent("\(id).json").path))
        #expect(FileManager.default.fileExists(atPath: dump.appendingPathComponent("ict-annual-report.yaml").path))
        let csv = try String(contentsOf: dump.appendingPathComponent("log.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == whole.stdout.split(separator: "\n").count + 1)
    }

    @Test(arguments: StoreEngine.allCases) func mergeFromTheStoreIsTheMergeOfItsFiles(engine: StoreEngine) throws {
        let dir = temporaryDirectory("merge-db")
        let db = try engine.newStore(in: dir)
        let submissions = try sampleSubmissions(dir)
        #expect(try ictreport(["campaign", "init", "--db", db]).status == 0)
        #expect(try ictreport(["campaign", "import", submissions.path, "--db", db]).status == 0)
        let units = try statusJSON(db)
        let sentBack = try #require(units.first { $0["state"] as? String == "submitted" })["id"] as! String
        let accepted = try #require(units.last { $0["state"] as? String == "submitted" })["id"] as! String
        #expect(
            try ictreport(["campaign", "return", sentBack, "--comment", "Bảng 3: thiếu số liệu năm 2018", "--db", db])
                .status == 0)
        #expect(try ictreport(["campaign", "accept", accepted, "--force", "--db", db]).status == 0)
        // The store's current files, merged as files, against the store merged.
        let dump = dir.appendingPathComponent("dump")
        #expect(try ictreport(["campaign", "dump", "-o", dump.path, "--db", db]).status == 0)
        let fromFiles = dir.appendingPathComponent("files.xlsx")
        let fromStore = dir.appendingPathComponent("store.xlsx")
        let filesRun = try ictreport(
            [
                "merge", dump.path, "--units", dump.appendingPathComponent("units.yaml").path, "--form",
                dump.appendingPathComponent("ict-annual-report.yaml").path, "-o", fromFiles.path
            ], in: dump, environment: ["ICTREPORT_HOME": repositoryRoot.path])
        #expect(filesRun.status == 0, "\(filesRun.stderr)")
        let storeRun = try ictreport(
            ["merge", "--db", db, "-o", fromStore.path], in: dump, environment: ["ICTREPORT_HOME": repositoryRoot.path])
        #expect(storeRun.status == 0, "\(storeRun.stderr)")
        #expect(storeRun.stdout.replacingOccurrences(of: "store.xlsx", with: "files.xlsx") == filesRun.stdout)
        let files = try WorkbookReader(url: fromFiles)
        let store = try WorkbookReader(url: fromStore)
        #expect(store.sheetNames == files.sheetNames)
        // The time of the merge (to the minute) may differ; nothing else does.
        func same(_ text: String) -> String {
            text.replacingOccurrences(
                of: #"\d\d/\d\d/\d{4} \d\d:\d\d"#, with: "(time)", options: .regularExpression)
        }
        var added: [String: [String]] = [:]
        for (a, b) in zip(files.sheets, store.sheets) {
            for (ref, cell) in a.cells {
                #expect(
                    same(b[ref]?.value ?? "∅") == same(cell.value) && b[ref]?.formula == cell.formula,
                    "\(a.name)!\(ref)")
            }
            added[b.name] = b.cells.keys.filter { a[$0] == nil }.sorted().compactMap { b[$0]?.value }
        }
        // What the store adds: the review state and the comment, in the summary and the
        // completeness sheets.
        let summary = try #require(store.sheets.first { $0.cells.values.contains { $0.value == "Duyệt" } })
        #expect(added[summary.name]?.contains("Ý kiến của người tổng hợp") == true)
        #expect(added[summary.name]?.contains("Trả lại") == true)
        #expect(added[summary.name]?.contains("Đã duyệt") == true)
        #expect(added[summary.name]?.contains("Bảng 3: thiếu số liệu năm 2018") == true)
        let completeness = try #require(
            store.sheets.first {
                $0.name != summary.name && $0.cells.values.contains { $0.value == "Bảng 3: thiếu số liệu năm 2018" }
            })
        #expect(added[completeness.name]?.contains("Trả lại") == true)
        let others = added.filter { $0.key != summary.name && $0.key != completeness.name && !$0.value.isEmpty }
        #expect(others.isEmpty, "\(others)")
    }

    @Test(arguments: StoreEngine.allCases) func exportFromTheStoreIsTheExportOfTheFile(engine: StoreEngine) throws {
        let dir = temporaryDirectory("export-db")
        let db = try engine.newStore(in: dir)
        let submissions = try sampleSubmissions(dir)
        #expect(try ictreport(["campaign", "init", "--db", db]).status == 0)
        #expect(try ictreport(["campaign", "import", submissions.path, "--db", db]).status == 0)
        let fromFile = dir.appendingPathComponent("file.xlsx")
        let fromStore = dir.appendingPathComponent("store.xlsx")
        let unit = try #require(try statusJSON(db).first { $0["state"] as? String == "submitted" })["id"] as! String
        let fileRun = try ictreport([
            "export", submissions.appendingPathComponent("\(unit).json").path, "-o", fromFile.path
        ])
        #expect(fileRun.status == 0, "\(fileRun.stderr)")
        let storeRun = try ictreport(["export", "--db", db, "--unit", unit, "-o", fromStore.path, "--lang", "en"])
        #expect(storeRun.status == 0, "\(storeRun.stderr)")
        #expect(storeRun.stdout.hasPrefix("Exported the report of "))
        let a = try WorkbookReader(url: fromFile)
        let b = try WorkbookReader(url: fromStore)
        #expect(a.sheetNames == b.sheetNames)
        for (x, y) in zip(a.sheets, b.sheets) { #expect(x.cells == y.cells, "\(x.name)") }
        let missing = try #require(try statusJSON(db).first { $0["state"] as? String == "missing" })["id"] as! String
        let none = try ictreport(["export", "--db", db, "--unit", missing, "-o", fromStore.path, "--lang", "en"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("has no submission in the store"))
    }

    @Test func theStoreComesFromTheEnvironmentOrTheCurrentFolder() throws {
        let dir = temporaryDirectory("default-store")
        let missing = try ictreport(["campaign", "status"], in: dir)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("không có kho đợt báo cáo campaign.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("campaign.sqlite").path))
        let made = try ictreport(
            [
                "campaign", "init", "--form",
                repositoryFile(
                    "Forms/ict-annual-report.yaml"
                ).path, "--units", repositoryFile("Forms/units.yaml").path
            ], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("campaign.sqlite").path))
        let other = dir.appendingPathComponent("other.sqlite").path
        let viaEnvironment = try ictreport(["campaign", "init", "--lang", "en"], environment: ["ICTREPORT_DB": other])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(viaEnvironment.stdout.contains("in \(other)"))
        let status = try ictreport(["campaign", "status", "--lang", "en"], environment: ["ICTREPORT_DB": other])
        #expect(status.stdout.hasSuffix("Total: 39 units — missing 39\n"))
    }

    @Test(arguments: StoreEngine.allCases) func twoImportsAtOnceBothLand(engine: StoreEngine) throws {
        let dir = temporaryDirectory("concurrent")
        let db = try engine.newStore(in: dir)
        let submissions = try sampleSubmissions(dir, count: 300, seed: 11)
        let units = dir.appendingPathComponent("submissions/units.yaml").path
        #expect(try ictreport(["campaign", "init", "--db", db, "--units", units]).status == 0)
        // Two halves of the units and, in both, the same third of them: every file lands once.
        // (A unit's files stay together: its older revision is taken before its newer one.)
        let files = try FileManager.default.contentsOfDirectory(atPath: submissions.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        let unitIds = Array(Set(files.map { String($0.prefix { $0 != "." }) })).sorted()
        let halves = [dir.appendingPathComponent("a"), dir.appendingPathComponent("b")]
        for (k, half) in halves.enumerated() {
            try FileManager.default.createDirectory(at: half, withIntermediateDirectories: true)
            for (i, unit) in unitIds.enumerated() where i % 2 == k || i % 3 == 0 {
                for f in files where f.prefix(while: { $0 != "." }) == unit {
                    try FileManager.default.copyItem(
                        at: submissions.appendingPathComponent(f), to: half.appendingPathComponent(f))
                }
            }
        }
        let runs = halves.map { half in
            Background { try! ictreport(["campaign", "import", half.path, "--db", db, "--lang", "en"]) }
        }
        let results = runs.map(\.value)
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        let alone = try ictreport(["campaign", "import", submissions.path, "--db", db, "--lang", "en"])
        #expect(alone.status == 0)
        #expect(
            alone.stdout.hasSuffix(
                "\(files.count) files: 0 new revisions, \(files.count) unchanged, 0 drafts, 0 rejected.\n"))
        #expect(alone.stdout.split(separator: "\n").dropLast().allSatisfy { $0.hasSuffix(": unchanged") })
        let counted = results.map { r -> Int in
            r.stdout.split(separator: "\n").dropLast().count { !$0.hasSuffix(": unchanged") }
        }
        #expect(counted.reduce(0, +) == files.count)
    }

    @Test(arguments: StoreEngine.allCases) func killedDuringAnImportTheStoreStaysWhole(engine: StoreEngine) throws {
        let dir = temporaryDirectory("kill")
        let db = try engine.newStore(in: dir)
        let submissions = try sampleSubmissions(dir, count: 400, seed: 5)
        let units = dir.appendingPathComponent("submissions/units.yaml").path
        #expect(try ictreport(["campaign", "init", "--db", db, "--units", units]).status == 0)
        let p = Process()
        p.executableURL = binary
        p.arguments = ["campaign", "import", submissions.path, "--db", db]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Killed once some files have landed, well before all of them.
        let deadline = Date().addingTimeInterval(60)
        var landed = 0
        while Date() < deadline {
            let log = try ictreport(["campaign", "log", "--db", db]).stdout
            landed = log.split(separator: "\n").count - 1
            if landed >= 20 { break }
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(landed >= 20)
        // Whatever landed is whole: every unit's revision has its file and its log entry.
        let afterKill = try statusJSON(db)
        let log = try ictreport(["campaign", "log", "--db", db, "--lang", "en"]).stdout
        let received = log.split(separator: "\n").filter { $0.contains("  revision received  ") }
        #expect(received.count == afterKill.reduce(0) { $0 + ($1["revision"] as! Int) })
        #expect(received.count < 400)
        // The same import again completes it: nothing lost, nothing twice.
        let resumed = try ictreport(["campaign", "import", submissions.path, "--db", db, "--lang", "en"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let finalState = try statusJSON(db)
        let dump = dir.appendingPathComponent("dump")
        #expect(try ictreport(["campaign", "dump", "-o", dump.path, "--db", db]).status == 0)
        for unit in finalState where unit["state"] as? String != "missing" {
            let id = unit["id"] as! String
            let name = unit["state"] as? String == "draft" ? "\(id).draft.json" : "\(id).json"
            #expect(
                try Data(contentsOf: dump.appendingPathComponent(name))
                    == Data(contentsOf: submissions.appendingPathComponent(name)), "\(id)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: submissions.path)
        let finals = files.count { $0.hasSuffix(".json") && !$0.hasSuffix(".draft.json") }
        let drafts = files.count { $0.hasSuffix(".draft.json") }
        #expect(finalState.reduce(0) { $0 + ($1["revision"] as! Int) } == finals)
        #expect(finalState.count { $0["state"] as? String == "draft" } == drafts)
    }
}
