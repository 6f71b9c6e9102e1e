import Foundation
import TestSupport
import Testing
import XLSX

/// Outputs that cannot destroy inputs (through the built binary, as a coordinator types them).
@Suite struct OutputSafetyTests {
    func copyOfExamples() throws -> URL {
        let dir = temporaryDirectory("cli")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"),
            to: dir.appendingPathComponent("in/boa.json"))
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("Forms/units.yaml"), to: dir.appendingPathComponent("units.yaml"))
        // The bundled form and layouts, found in the folder the command runs in.
        for folder in ["Forms", "Templates"] {
            try FileManager.default.copyItem(
                at: repositoryRoot.appendingPathComponent(folder), to: dir.appendingPathComponent(folder))
        }
        return dir
    }

    @Test func anOutputThatIsAnInputIsRefusedBeforeAnyWork() throws {
        let dir = try copyOfExamples()
        let input = dir.appendingPathComponent("in/boa.json")
        let before = try Data(contentsOf: input)
        // The input itself, through a link or a hard link, the unit list, the layout, the form.
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("link.xlsx").path, withDestinationPath: input.path)
        try FileManager.default.linkItem(at: input, to: dir.appendingPathComponent("hard.xlsx"))
        let cases: [[String]] = [
            ["merge", "in", "-o", "in/boa.json"],
            ["merge", "in", "-o", "link.xlsx"],
            ["merge", "in", "-o", "hard.xlsx"],
            ["merge", "in", "-o", "units.yaml", "--units", "units.yaml"],
            ["merge", "in", "-o", "Templates/consolidated.yaml"],
            ["merge", "in", "-o", "Forms/ict-annual-report.yaml"],
            ["merge", "in", "-o", "Forms/units.yaml"],
            ["export", "in/boa.json", "-o", "in/boa.json"]
        ]
        for args in cases {
            let r = try ictreport(args + ["--lang", "en"], in: dir)
            #expect(r.status == 2, "\(args)")
            #expect(
                r.stderr.contains("is one of the inputs") || r.stderr.contains("must end in .xlsx"),
                "\(args): \(r.stderr)")
            #expect(!r.stdout.contains("written"), "\(args)")
        }
        #expect(try Data(contentsOf: input) == before)
        for file in ["Templates/consolidated.yaml", "Forms/ict-annual-report.yaml", "Forms/units.yaml"] {
            #expect(
                try Data(contentsOf: dir.appendingPathComponent(file))
                    == Data(contentsOf: repositoryRoot.appendingPathComponent(file)), "\(file)")
        }
    }

    @Test func foldersDevicesAndOtherExtensionsAreRefused() throws {
        let dir = try copyOfExamples()
        for (output, message) in [
            ("in", "is a folder"), ("/dev/null", "is a device"), ("tong-hop.json", "must end in .xlsx"),
            ("tong-hop", "must end in .xlsx")
        ] {
            let r = try ictreport(["merge", "in", "-o", output, "--lang", "en"], in: dir)
            #expect(r.status == 2 && r.stderr.contains(message), "\(output): \(r.stderr)")
        }
    }

    @Test func aLinkIsWrittenThroughNotReplaced() throws {
        let dir = try copyOfExamples()
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("shared"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("latest.xlsx").path, withDestinationPath: "shared/2018.xlsx")
        let r = try ictreport(["merge", "in", "-o", "latest.xlsx"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let attributes = try FileManager.default.attributesOfItem(
            atPath: dir.appendingPathComponent("latest.xlsx").path)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try WorkbookReader(url: dir.appendingPathComponent("shared/2018.xlsx")).sheetNames.count > 3)
    }

    @Test func aMisspeltFolderDoesNotReplaceAGoodWorkbook() throws {
        let dir = try copyOfExamples()
        let good = try ictreport(["merge", "in", "-o", "good.xlsx"], in: dir)
        #expect(good.status == 0)
        let before = try Data(contentsOf: dir.appendingPathComponent("good.xlsx"))
        let r = try ictreport(["merge", "inn", "-o", "good.xlsx", "--lang", "en"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("No such file or folder: inn") && r.stderr.contains("--allow-empty"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("good.xlsx")) == before)
        // An empty folder, the same.
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        #expect(try ictreport(["merge", "empty", "-o", "good.xlsx"], in: dir).status == 2)
        #expect(try Data(contentsOf: dir.appendingPathComponent("good.xlsx")) == before)
        // Asked for: written, the summary leading with what was missing.
        let forced = try ictreport(["merge", "in", "inn", "-o", "good.xlsx", "--allow-empty", "--lang", "en"], in: dir)
        #expect(forced.stdout.hasPrefix("No such file or folder: inn\nWorkbook written"), "\(forced.stdout)")
        // No workbook yet: written, with the same summary.
        let fresh = try ictreport(["merge", "inn", "-o", "new.xlsx", "--lang", "en"], in: dir)
        #expect(
            fresh.status == 2 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.xlsx").path))
    }

    @Test func temporaryFilesOfAKilledRunAreRemovedByTheNext() throws {
        let dir = try copyOfExamples()
        // What a `kill -9` during the zip leaves: a hidden temporary named after a dead process.
        let leftover = dir.appendingPathComponent(".out.xlsx.999999.tmp.xlsx")
        try Data(repeating: 7, count: 4096).write(to: leftover)
        let mine = dir.appendingPathComponent(".out.xlsx.\(ProcessInfo.processInfo.processIdentifier).tmp.xlsx")
        try Data("alive".utf8).write(to: mine)
        let r = try ictreport(["merge", "in", "-o", "out.xlsx"], in: dir)
        #expect(r.status == 0)
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        // One of a process still running is left alone.
        #expect(FileManager.default.fileExists(atPath: mine.path))
    }

    @Test func controlCharactersFromFilesAreShownEscaped() throws {
        let dir = try copyOfExamples()
        let name = dir.appendingPathComponent("in/x\u{1B}]0;PWNED\u{07}.json")
        try Data("{ not json".utf8).write(to: name)
        for args in [["validate", "in"], ["merge", "in", "-o", "o.xlsx"]] {
            let r = try ictreport(args, in: dir)
            #expect(!(r.stdout + r.stderr).unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(args)")
            #expect((r.stdout + r.stderr).contains("x\\x1B]0;PWNED\\x07.json"), "\(args)")
        }
    }
}
