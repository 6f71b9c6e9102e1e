import Foundation
import TestSupport
import Testing
import XLSX

@Suite struct WorkbookCommandTests {
    /// A file edited by hand after it was saved is not exported as if the unit had finalized
    /// it: refused, or with --force exported with a mark on the printout.
    @Test func aHandEditedFileIsRefusedOrMarked() throws {
        let dir = temporaryDirectory("cli")
        var text = try String(contentsOf: repositoryFile("Examples/cuc-shtt.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"staff_total\": 420", with: "\"staff_total\": 421")
        let edited = dir.appendingPathComponent("edited.json")
        try text.write(to: edited, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("report.xlsx")
        let refused = try ictreport(["export", edited.path, "-o", out.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("đã bị sửa bằng tay sau khi lưu"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let forced = try ictreport(["export", edited.path, "-o", out.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let sheet = try #require(try WorkbookReader(url: out).sheets.first)
        #expect(sheet["A1"]?.value.hasPrefix("LƯU Ý: tệp này đã bị sửa bằng tay") == true)
        // An untouched file is exported unmarked.
        let clean = try ictreport(["export", "Examples/cuc-shtt.json", "-o", out.path])
        #expect(clean.status == 0)
        let report = try #require(try WorkbookReader(url: out).sheets.first)
        #expect(report["A1"]?.value.hasPrefix("LƯU Ý") == false)
        // Numbers are numeric cells, as in the tables: the staff total is 420, not the text "420".
        let staffRow = try #require(
            (1...report.lastRow).first {
                report["B\($0)"]?.value.hasPrefix("Tổng số cán bộ, công chức, viên chức của toàn đơn vị") == true
            })
        #expect(report["C\(staffRow)"]?.number == 420)
        #expect(report["C\(staffRow)"]?.isText == false)
        // Printed at a fixed scale with the pages broken where the layout measured them (fitting
        // to a width would make Excel ignore the breaks); no warnings, no sheet for them.
        #expect(report.printScale != nil && !report.fitsToPage)
        #expect(!report.pageStarts.isEmpty)
        #expect(try WorkbookReader(url: out).sheetNames == ["Báo cáo"])
    }

    @Test func sampleThenMergeThenExport() throws {
        let dir = temporaryDirectory("cli")
        let sample = try ictreport([
            "sample", "--seed", "5", "--count", "50", "-o", dir.appendingPathComponent("in").path, "--lang", "en"
        ])
        #expect(sample.status == 0)
        #expect(sample.stdout.contains("for 50 units"))
        let out = dir.appendingPathComponent("x.xlsx").path
        let merge = try ictreport([
            "merge", dir.appendingPathComponent("in").path, "-o", out, "--units",
            dir.appendingPathComponent("in/units.yaml").path
        ])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("Đơn vị phải báo cáo           50"))
        let wb = try WorkbookReader(url: URL(fileURLWithPath: out))
        #expect(wb["Tổng hợp"]?["B55"]?.value == "Đơn vị mẫu số 50")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("in").path)
        let one = try #require(files.sorted().first { $0.hasSuffix(".json") && !$0.contains(".draft") })
        let export = try ictreport([
            "export", dir.appendingPathComponent("in/\(one)").path, "-o", dir.appendingPathComponent("u.xlsx").path
        ])
        #expect(export.status == 0, "\(export.stderr)")
        // The report, and the warnings with their explanations after it when the unit has some.
        let names = try WorkbookReader(url: dir.appendingPathComponent("u.xlsx")).sheetNames
        #expect(names == ["Báo cáo"] || names == ["Báo cáo", "Giải trình cảnh báo"], "\(names)")
    }

    @Test func mergeExitCodes() throws {
        let dir = temporaryDirectory("cli")
        let out = dir.appendingPathComponent("x.xlsx").path
        // All merged: 0.
        let ok = try ictreport(["merge", "Examples", "-o", out])
        #expect(ok.status == 0)
        // A rejected file (another form version, malformed JSON): 2, and the rest still merged.
        let some = try ictreport([
            "merge", "Examples", "Tests/Fixtures/submissions/other-version.json",
            "Tests/Fixtures/submissions/malformed.json", "-o", out, "--lang", "en"
        ])
        #expect(some.status == 2)
        #expect(some.stdout.contains("Final submissions merged      1"))
        #expect(
            some.stdout.contains(
                "Rejected Tests/Fixtures/submissions/malformed.json: line 3, column 26: invalid JSON: expected a quoted key"
            ))
        // --strict with a submission that has errors: 1.
        let strict = try ictreport(["merge", "Tests/Fixtures/submissions/with-errors.json", "-o", out, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("Có lỗi: Vụ Pháp chế (3)"))
        let lax = try ictreport(["merge", "Tests/Fixtures/submissions/with-errors.json", "-o", out])
        #expect(lax.status == 0)
    }

    @Test func mergeIntoAnImpossiblePlaceSaysSoAndExitsOne() throws {
        let dir = temporaryDirectory("cli")
        try Data("a file, not a folder".utf8).write(to: dir.appendingPathComponent("blocker"))
        let r = try ictreport(["merge", "Examples", "-o", dir.appendingPathComponent("blocker/x.xlsx").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Không tạo được bảng tính"))
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func badLayoutIsReportedWithItsPlace() throws {
        let dir = temporaryDirectory("cli")
        let layout = dir.appendingPathComponent("l.yaml")
        try "title: T\nsheets:\n  - {kind: section, section: genral}\n".write(
            to: layout, atomically: true, encoding: .utf8)
        let r = try ictreport([
            "merge", "Examples", "-o", dir.appendingPathComponent("x.xlsx").path, "--layout", layout.path, "--lang",
            "en"
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("l.yaml:3:30: error: unknown section 'genral'; did you mean 'general'?"))
    }
}
