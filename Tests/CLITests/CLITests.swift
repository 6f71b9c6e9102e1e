import Foundation
import TestSupport
import Testing

/// The built `ictreport` binary, run as a user would, with its output and exit code.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Where `swift build` put the binary (beside this test bundle).
let binary: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("ictreport")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return repositoryRoot.appendingPathComponent(".build/debug/ictreport")
}()

func ictreport(
    _ args: [String], in directory: URL = repositoryRoot, input: String? = nil, environment: [String: String] = [:]
) throws -> Run {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    p.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe()
    let err = Pipe()
    let inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
    try inp.fileHandleForWriting.close()
    // Read both pipes before waiting, so a large output cannot block the child.
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(
        status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
        stderr: String(decoding: e, as: UTF8.self))
}

/// Compares with a golden file under Tests/Fixtures/golden, recording it when missing.
func expectGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let url = repositoryRoot.appendingPathComponent("Tests/Fixtures/golden/\(name)")
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    #expect(
        actual == expected, "output differs from \(name); delete the file to record it again",
        sourceLocation: sourceLocation)
}

@Suite struct FormCommandTests {
    @Test func checkBundledFormExitsZero() throws {
        let r = try ictreport(["form", "check"])
        #expect(r.status == 0)
        #expect(r.stdout == "Forms/ict-annual-report.yaml: hợp lệ (0 cảnh báo)\n")
    }

    @Test func checkFindsTheFormFromASubfolder() throws {
        let r = try ictreport(
            ["form", "check", "--lang", "en"], in: repositoryRoot.appendingPathComponent("Tests/Fixtures"))
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("Forms/ict-annual-report.yaml: valid (0 warnings)\n"))
    }

    @Test func checkBrokenFormListsEveryProblemAndExitsOne() throws {
        let r = try ictreport(["form", "check", "Tests/Fixtures/forms/broken.yaml", "--lang", "en"])
        #expect(r.status == 1)
        try expectGolden(r.stdout, "form-check-broken.en.txt")
        #expect(
            r.stdout.contains(
                "Tests/Fixtures/forms/broken.yaml:9:15: error: unknown type 'interger'; did you mean 'integer'?"))
        #expect(
            r.stdout.contains(
                "Tests/Fixtures/forms/broken.yaml:3:8: error: parameter '{year}' is used but not defined under 'parameters'"
            ))
        #expect(
            r.stdout.contains("broken.yaml:14:9: error: unknown key 'requird' in a field; did you mean 'required'?"))
        #expect(r.stdout.contains("broken.yaml:11:9: error: duplicate field id 'total'"))
        #expect(r.stdout.contains("broken.yaml:17:25: error: no field 'totl' here; did you mean 'total'?"))
        #expect(r.stdout.hasSuffix("Tests/Fixtures/forms/broken.yaml: 5 errors, 0 warnings\n"))
    }

    @Test func checkMissingFile() throws {
        let r = try ictreport(["form", "check", "nothing.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("nothing.yaml:1:1: error: không mở được tệp biểu mẫu"))
    }

    @Test func showOutline() throws {
        let r = try ictreport(["form", "show"])
        #expect(r.status == 0)
        try expectGolden(r.stdout, "form-show.vi.txt")
        let en = try ictreport(["form", "show", "--lang", "en"])
        // In English the template's "Mục" reads "Section"; its numbers stay the template's own.
        #expect(en.stdout.contains("Section 1. General information  [general]  (part 1/10)"))
        #expect(!en.stdout.contains("Mục "))
    }

    @Test func showJSONListsEveryFieldWithItsFullId() throws {
        let r = try ictreport(["form", "show", "--json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let sections = json["sections"] as! [[String: Any]]
        var ids: [String] = []
        for s in sections {
            for f in s["fields"] as! [[String: Any]] {
                ids.append(f["id"] as! String)
                for c in (f["columns"] as? [[String: Any]]) ?? [] { ids.append(c["id"] as! String) }
            }
        }
        for id in [
            "general.staff_total", "online_services.services[].online_dossiers", "one_stop.lookup_other",
            "internal.databases[].records_updated", "next_plan.tasks[].funding", "sign_off.report_date"
        ] {
            #expect(ids.contains(id), "\(id)")
        }
        #expect(ids.count == 85)
    }
}

@Suite struct ValidateCommandTests {
    @Test func validSubmissionExitsZero() throws {
        let r = try ictreport(["validate", "Examples/cuc-shtt.json"])
        #expect(r.status == 0)
        #expect(
            r.stdout.contains(
                "Examples/cuc-shtt.json — Cục Sở hữu trí tuệ (cuc-shtt), bản chính thức, lần 1\n  hợp lệ, không có lỗi")
        )
    }

    @Test func problemsAreGroupedPerFileAndExitOne() throws {
        let files = [
            "Tests/Fixtures/submissions/valid-final.json", "Tests/Fixtures/submissions/with-errors.json",
            "Tests/Fixtures/submissions/malformed.json", "Tests/Fixtures/submissions/other-version.json", "missing.json"
        ]
        let vi = try ictreport(["validate"] + files)
        #expect(vi.status == 1)
        try expectGolden(vi.stdout, "validate-mixed.vi.txt")
        let en = try ictreport(["validate"] + files + ["--lang", "en"])
        #expect(en.status == 1)
        try expectGolden(en.stdout, "validate-mixed.en.txt")
        // Places in the words of the form: the template's section heading, the question's label.
        #expect(
            en.stdout.contains(
                "  error: Section 1. General information: Permanent plus contract staff exceed the total staff"))
        #expect(
            en.stdout.contains(
                "  warning: Section 3 – 6. ICT staff: The staff by degree do not add up to the dedicated ICT staff — explanation: Một cán bộ chưa có văn bằng CNTT"
            ))
        #expect(en.stdout.contains("  error: line 3, column 26: invalid JSON: expected a quoted key"))
        #expect(en.stdout.hasSuffix("5 files: 1 without errors, 4 with errors (6 errors).\n"))
    }

    @Test func answersFileInYAML() throws {
        let r = try ictreport(["validate", "Tests/Fixtures/submissions/answers-vietnamese.yaml", "--lang", "en"])
        #expect(r.status == 1)  // a partial answers file: the required answers it lacks are errors
        #expect(r.stdout.contains("error: Section 2 › 1. Name of the person reporting: required answer missing"))
        #expect(!r.stdout.contains("Section 1"))  // staff_total 1.234 = 1.000 + 234: the staff rules hold
    }

    @Test func brokenFormStopsWithItsDiagnostics() throws {
        let r = try ictreport(["validate", "Examples/cuc-shtt.json", "--form", "Tests/Fixtures/forms/broken.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Tests/Fixtures/forms/broken.yaml:9:15: error: kiểu 'interger' không được biết"))
        #expect(r.stdout.isEmpty)
    }

    @Test func aFolderOfSubmissions() throws {
        let r = try ictreport(["validate", "Examples"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Tổng cộng 1 tệp: 1 không có lỗi, 0 có lỗi (0 lỗi)."))
    }
}

@Suite struct OutsideTheToolsFolderTests {
    /// From a folder outside the tool's, the form is not found: said so (not "an error at 1:1"),
    /// with where it looked and how to point at it; ICTREPORT_HOME points at it.
    @Test func theFormNotFoundSaysWhereItLookedAndHowToPointAtIt() throws {
        let dir = temporaryDirectory("outside")
        let r = try ictreport(["validate", "x.json"], in: dir, environment: ["ICTREPORT_HOME": ""])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "Không tìm thấy Forms/ict-annual-report.yaml: đã tìm trong \(dir.path) và các thư mục cha"))
        #expect(r.stderr.contains("--form TỆP") && r.stderr.contains("ICTREPORT_HOME"))
        #expect(!r.stderr.contains("1:1"))
        let found = try ictreport(["validate", "x.json"], in: dir, environment: ["ICTREPORT_HOME": repositoryRoot.path])
        #expect(found.stdout.contains("không có tệp hoặc thư mục này"), "\(found.stdout)\n\(found.stderr)")
    }
}
