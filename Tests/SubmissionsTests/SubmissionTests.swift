import FormKit
import Foundation
import TestSupport
import Testing

@testable import Submissions

let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/submissions")

@Suite struct SubmissionLoadingTests {
    @Test func validFinalSubmission() throws {
        let loaded = SubmissionLoader.load(fixtures.appendingPathComponent("valid-final.json"), form: form)
        #expect(loaded.rejection == nil)
        #expect(loaded.problems == [])
        let s = try #require(loaded.submission)
        #expect(s.unitId == "cuc-shtt")
        #expect(s.status == .final)
        #expect(s.revision == 1)
        #expect(s.answers["general", "staff_total"] == .number(420))
        #expect(s.answers["one_stop", "lookup_channels"] == .list(["internet", "other"]))
    }

    @Test func malformedJSONNamesLineAndColumn() {
        let loaded = SubmissionLoader.load(fixtures.appendingPathComponent("malformed.json"), form: form)
        #expect(loaded.rejection?.text(.en) == "line 3, column 26: invalid JSON: expected a quoted key")
    }

    @Test func wrongFormVersionIsRejected() {
        let loaded = SubmissionLoader.load(fixtures.appendingPathComponent("other-version.json"), form: form)
        #expect(
            loaded.rejection?.text(.en)
                == "the file belongs to form 'ict_annual_report' version '2017.1', not 'ict_annual_report' version '2018.1'"
        )
    }

    @Test func unknownFieldsAndWrongTypesHaveTheirPath() {
        let loaded = SubmissionLoader.load(fixtures.appendingPathComponent("with-errors.json"), form: form)
        let problems = loaded.problems.map { "\($0.path) \($0.line):\($0.column) \($0.message.text(.en))" }
        let text = try! String(contentsOf: fixtures.appendingPathComponent("with-errors.json"), encoding: .utf8)
        let line =
            text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
                $0.contains("\"subunit_count\"")
            }! + 1
        #expect(
            problems.contains {
                $0.hasPrefix("$.answers.general.subunit_count \(line):24 ") && $0.contains("'nhiều' is not a number")
            }, "\(problems)")
        #expect(
            problems.contains {
                $0.hasPrefix("$.answers.general.bogus") && $0.contains("section 'general' has no field 'bogus'")
            })
        #expect(loaded.submission?.answers["general", "bogus"] == nil)
        #expect(loaded.submission?.answers["general", "staff_total"] == .number(400))
    }

    @Test func answersFileInYAMLWithVietnameseNumbersAndNFD() throws {
        let loaded = SubmissionLoader.load(fixtures.appendingPathComponent("answers-vietnamese.yaml"), form: form)
        #expect(loaded.problems == [])
        let s = try #require(loaded.submission)
        #expect(s.unitId == "boa")
        #expect(s.answers["general", "staff_total"] == .number(1234))
        #expect(s.answers["general", "staff_permanent"] == .number(1000))
        #expect(s.answers["internal", "electronic_submission_pct"] == .number(12.5))
        let name = try #require(s.answers["general", "agency_name"]?.text)
        #expect(
            Array(name.unicodeScalars)
                == Array("Văn phòng Công nhận Chất lượng".precomposedStringWithCanonicalMapping.unicodeScalars))
    }

    @Test func handEditedFileIsNoticed() throws {
        let dir = temporaryDirectory()
        var text = try String(contentsOf: fixtures.appendingPathComponent("valid-final.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"staff_total\": 420", with: "\"staff_total\": 421")
        let url = dir.appendingPathComponent("edited.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let loaded = SubmissionLoader.load(url, form: form)
        #expect(loaded.problems.map(\.path) == ["$.content_hash"])
    }

    @Test func saveAndLoadRoundTrip() throws {
        let dir = temporaryDirectory()
        let original = try #require(
            SubmissionLoader.load(fixtures.appendingPathComponent("valid-final.json"), form: form).submission)
        var s = original
        s.explanations["general/staff_breakdown_under_total"] = "Có 5 người đang nghỉ chế độ"
        s.answers["general", "address"] = .text("Số 1 \"Trần Duy Hưng\"\nHà Nội")
        let url = dir.appendingPathComponent("sub/x.json")
        try s.save(to: url)
        let back = SubmissionLoader.load(url, form: form)
        #expect(back.problems == [])
        #expect(back.submission?.answers == s.answers)
        #expect(back.submission?.explanations == s.explanations)
        #expect(back.submission?.contentHash == s.contentHash)
        #expect(back.submission?.createdAt == s.createdAt)
        // The temporary file of the atomic write is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["x.json"])
    }

    @Test func folderExpansion() {
        let (files, missing, _) = SubmissionLoader.expand([fixtures.path, "/nonexistent/x.json"])
        #expect(
            files.map(\.lastPathComponent) == [
                "malformed.json", "other-version.json", "valid-final.json", "with-errors.json"
            ])
        #expect(missing == ["/nonexistent/x.json"])
    }
}

@Suite struct TimestampTests {
    /// The one reader of times agrees with Foundation's parser, and refuses what is not a time.
    @Test func timestampsReadAsFoundationReadsThem() throws {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: TimeZone(identifier: "UTC")!)
        for s in [
            "2018-11-07T11:20:00Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2024-12-31T12:00:01Z",
            "1969-07-20T20:17:40Z", "2100-03-01T00:00:00Z"
        ] {
            #expect(Submission.parseTimestamp(s) == (try Date(s, strategy: style)), "\(s)")
        }
        for s in [
            "2018-02-29T00:00:00Z", "2018-13-01T00:00:00Z", "2018-11-07 11:20:00Z", "2018-11-07T24:00:00Z",
            "2018-11-07T11:20:00+25:00",
            "2018-11-07T11:20:00", "2018-11-07T11:20:00.5Z", "", "x"
        ] {
            #expect(Submission.parseTimestamp(s) == nil, "\(s)")
        }
        // An offset from UTC.
        #expect(
            Submission.parseTimestamp("2018-11-07T18:20:00+07:00") == Submission.parseTimestamp("2018-11-07T11:20:00Z"))
    }
}

@Suite struct ContentHashTests {
    /// SHA-256 test vectors (FIPS 180-4 examples and the empty message), as hex.
    @Test func knownVectors() {
        #expect(ContentHash.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            ContentHash.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            ContentHash.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            ContentHash.hex([UInt8](repeating: 0x61, count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

/// A small seeded generator, so the test's messages are the same every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct UnitRegistryTests {
    @Test func bundledRegistryListsTheUnitsOfTheSeeds() {
        #expect(registry.units.count >= 37)
        #expect(Set(registry.units.map(\.id)).count == registry.units.count)
        #expect(registry.unit("cuc-shtt")?.name == "Cục Sở hữu trí tuệ")
    }

    @Test func looseMatching() {
        #expect(registry.match("so huu tri tue").map(\.id) == ["cuc-shtt", "vien-khshtt"])
        #expect(registry.match("cuc so huu tri tue").map(\.id) == ["cuc-shtt"])
        #expect(registry.match("  CỤC   SỞ HỮU TRÍ TUỆ ").map(\.id) == ["cuc-shtt"])
        #expect(registry.match("Cục Sở hữu trí tuệ".decomposedStringWithCanonicalMapping).map(\.id) == ["cuc-shtt"])
        #expect(registry.match("vkist").map(\.id) == ["vkist"])
        #expect(registry.match("thanh tra").map(\.id) == ["thanh-tra"])
        #expect(registry.match("xyz") == [])
    }

    @Test func suggestionsForATypo() {
        #expect(registry.suggestions("vien nang luong nguyen tu").first?.id == "vien-nlnt")
        #expect(registry.suggestions("cuc so huu tri teu").first?.id == "cuc-shtt")
    }

    @Test func registryErrorsHaveTheirPlace() {
        #expect(
            diagnostics {
                try UnitRegistry.parse(
                    "units:\n  - {id: a, name: A}\n  - {id: a, name: B}\n  - {id: Bad Id, name: C}\n", file: "u.yaml")
            } == [
                "u.yaml:3:10: error: duplicate unit id 'a'",
                "u.yaml:4:10: error: unit id 'Bad Id' must be lower-case ASCII letters, digits and '-' (e.g. cuc-shtt)"
            ])
    }
}

@Suite struct SubmissionSetTests {
    func loaded(_ unit: String, _ status: Submission.Status, revision: Int, file: String) -> LoadedSubmission {
        var s = Submission(form: form, unitId: unit, unitName: unit, status: status, revision: revision)
        s.updatedAt = Date(timeIntervalSince1970: Double(revision))
        return LoadedSubmission(file: file, submission: s, problems: [], rejection: nil)
    }

    @Test func latestFinalWinsPerUnit() {
        let set = SubmissionSet(
            [
                loaded("cuc-shtt", .final, revision: 1, file: "a1.json"),
                loaded("cuc-shtt", .final, revision: 2, file: "a2.json"),
                loaded("cuc-shtt", .draft, revision: 3, file: "a3.json"),
                loaded("vkist", .draft, revision: 0, file: "b.json"),
                loaded("nowhere", .final, revision: 1, file: "c.json"),
                LoadedSubmission(file: "d.json", submission: nil, problems: [], rejection: L("hỏng", "broken"))
            ], registry: registry)
        #expect(set.current["cuc-shtt"]?.file == "a2.json")
        #expect(set.superseded.map(\.file) == ["a1.json"])
        #expect(set.otherDrafts.map(\.file) == ["a3.json"])
        #expect(set.draftsOnly["vkist"]?.file == "b.json")
        #expect(set.rejected.map(\.file) == ["c.json", "d.json"])
        #expect(set.rejected[0].reason.text(.en) == "unit 'nowhere' is not in the unit list")
    }

    /// The sorting out, against the rule written the plain way (per unit: the highest final
    /// revision; of its files, one counts, byte-for-byte copies of it are copies, different
    /// ones a conflict; the newest draft where there is no final), on random sets of files in
    /// random orders: revisions that tie after a higher one, drafts of units with finals, files
    /// of units not in the list.
    @Test func theRuleHoldsWhateverTheOrderOfTheFiles() {
        var random = SystemRandomNumberGenerator()
        let units = Array(registry.units.prefix(3).map(\.id)) + ["nowhere"]
        for round in 0..<300 {
            var files: [LoadedSubmission] = []
            for n in 0..<Int.random(in: 0...12, using: &random) {
                var item = loaded(
                    units.randomElement(using: &random)!, Bool.random(using: &random) ? .final : .draft,
                    revision: Int.random(in: 0...3, using: &random), file: "f\(n).json")
                item.submission!.updatedAt = Date(timeIntervalSince1970: Double(Int.random(in: 0...2, using: &random)))
                item.fileDigest = [nil, 1, 2].randomElement(using: &random)!
                files.append(item)
            }
            files.shuffle(using: &random)
            let set = SubmissionSet(files, registry: registry)
            // The rule, unit by unit.
            var current: [String: String] = [:]
            var conflicts: [String: [String]] = [:]
            var copies: [String: String] = [:]
            var superseded: [String] = []
            var draftsOnly: [String: String] = [:]
            var otherDrafts: [String] = []
            for unit in units.dropLast() {
                let mine = files.filter { $0.submission!.unitId == unit }
                let finals = mine.filter { $0.submission!.status == .final }
                let drafts = mine.filter { $0.submission!.status == .draft }.sorted {
                    ($0.submission!.updatedAt, $0.submission!.revision, $0.file)
                        > ($1.submission!.updatedAt, $1.submission!.revision, $1.file)
                }
                if let top = finals.map({ $0.submission!.revision }).max() {
                    superseded += finals.filter { $0.submission!.revision < top }.map(\.file)
                    var distinct: [LoadedSubmission] = []
                    for f in finals.filter({ $0.submission!.revision == top }).sorted(by: { $0.file < $1.file }) {
                        if let same = distinct.first(where: { $0.fileDigest != nil && $0.fileDigest == f.fileDigest }) {
                            copies[f.file] = same.file
                        } else {
                            distinct.append(f)
                        }
                    }
                    if distinct.count == 1 {
                        current[unit] = distinct[0].file
                    } else {
                        conflicts[unit] = distinct.map(\.file)
                    }
                    otherDrafts += drafts.map(\.file)
                } else if let newest = drafts.first {
                    draftsOnly[unit] = newest.file
                    otherDrafts += drafts.dropFirst().map(\.file)
                }
            }
            #expect(set.current.mapValues(\.file) == current, "round \(round)")
            #expect(set.conflicts.mapValues { $0.map(\.file) } == conflicts, "round \(round)")
            #expect(Dictionary(uniqueKeysWithValues: set.copies.map { ($0.file.file, $0.of) }) == copies)
            #expect(set.superseded.map(\.file) == superseded.sorted(), "round \(round)")
            #expect(set.draftsOnly.mapValues(\.file) == draftsOnly, "round \(round)")
            #expect(set.otherDrafts.map(\.file) == otherDrafts.sorted(), "round \(round)")
            #expect(set.rejected.map(\.file) == files.filter { $0.submission!.unitId == "nowhere" }.map(\.file))
        }
    }
}

@Suite struct HeaderScanTests {
    @Test func headerOnlyReadsWhatTheFileIsAboutNotItsAnswers() throws {
        let url = fixtures.appendingPathComponent("valid-final.json")
        let header = SubmissionLoader.load(url, form: form, answers: false)
        let full = SubmissionLoader.load(url, form: form)
        #expect(!header.answersRead && full.answersRead)
        #expect(header.rejection == nil && header.problems.isEmpty)
        let h = try #require(header.submission)
        let f = try #require(full.submission)
        #expect((h.unitId, h.status, h.revision, h.updatedAt) == (f.unitId, f.status, f.revision, f.updatedAt))
        #expect(h.answers.sections.isEmpty && !f.answers.sections.isEmpty)
    }

    @Test func brokenAnswersAreStillASyntaxErrorWithTheirPlace() throws {
        let dir = temporaryDirectory()
        let url = dir.appendingPathComponent("x.json")
        try Data(#"{"format": "ictreport-submission", "answers": {"general": {"a": [1, 2}}, "status": "final"}"#.utf8)
            .write(to: url)
        let header = SubmissionLoader.load(url, form: form, answers: false)
        #expect(header.rejection?.text(.en) == "line 1, column 70: invalid JSON: expected ',' or ']'")
        #expect(SubmissionLoader.load(url, form: form).rejection?.text(.en) == header.rejection?.text(.en))
    }

    @Test func theHashIsTheCompactJSONOfAnswersAndExplanations() throws {
        let s = try #require(
            SubmissionLoader.load(fixtures.appendingPathComponent("valid-final.json"), form: form).submission)
        var bytes: [UInt8] = []
        JSON.compactBytes(s.answers, into: &bytes)
        #expect(bytes == JSON(s.answers).bytes())
        let tree = JSON.object([
            ("answers", JSON(s.answers)),
            ("explanations", .object(s.explanations.keys.sorted().map { ($0, .string(s.explanations[$0]!)) }))
        ])
        #expect(s.contentHash == "sha256:" + ContentHash.hex(tree.bytes()))
    }

    /// Text in the compact JSON is escaped where it must be, wherever the character falls
    /// (the check looks at eight bytes at a time): read back, it is the same text.
    @Test func compactTextIsEscapedAtEveryPosition() throws {
        for special in ["\"", "\\", "\n", "\t", "\u{01}", "\u{1F}", "\u{7F}", " ", "é", "_"] {
            for length in 0..<20 {
                for at in 0...length {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: at))
                    var bytes: [UInt8] = []
                    JSON.compactBytes(Answers(["s": ["f": .text(text)]]), into: &bytes)
                    let back = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: [String: String]]
                    #expect(back?["s"]?["f"] == text, "\(special.debugDescription) at \(at) of \(length)")
                }
            }
        }
    }

    @Test func registryFindsUnitsByIdAndChecksIds() throws {
        #expect(registry.position(registry.units[5].id) == 5)
        #expect(registry.unit("no-such-unit") == nil)
        #expect(throws: DiagnosticsError.self) {
            try UnitRegistry.parse(
                "units:\n  - {id: Bad_Id, name: A}\n  - {id: a-b, name: B}\n  - {id: a-b, name: C}\n", file: "u.yaml")
        }
        #expect(
            UnitRegistry.isValidId("cuc-shtt") && !UnitRegistry.isValidId("cuc--shtt") && !UnitRegistry.isValidId("-a")
                && !UnitRegistry.isValidId("Cuc"))
    }
}

/// Conflicts are conflicts: neither of two different finals of one revision silently wins.
@Suite struct ConflictTests {
    func loaded(_ unit: String, revision: Int, hash: String?, file: String, updated: Double = 0) -> LoadedSubmission {
        var s = Submission(form: form, unitId: unit, unitName: unit, status: .final, revision: revision)
        s.updatedAt = Date(timeIntervalSince1970: updated)
        var l = LoadedSubmission(file: file, submission: s, problems: [], rejection: nil)
        l.fileDigest = hash?.hashValue
        return l
    }

    @Test func twoDifferentFinalsOfOneRevisionAreAConflict() {
        // A forged far-future time does not win either.
        let set = SubmissionSet(
            [
                loaded("cuc-shtt", revision: 2, hash: "sha256:a", file: "a.json"),
                loaded("cuc-shtt", revision: 2, hash: "sha256:b", file: "b.json", updated: 4e9),
                loaded("cuc-shtt", revision: 1, hash: "sha256:c", file: "old.json")
            ], registry: registry)
        #expect(set.current["cuc-shtt"] == nil)
        #expect(set.conflicts["cuc-shtt"]?.map(\.file) == ["a.json", "b.json"])
        #expect(set.superseded.map(\.file) == ["old.json"])
    }

    @Test func theSameContentTwiceIsACopyNotAConflict() {
        let set = SubmissionSet(
            [
                loaded("cuc-shtt", revision: 2, hash: "sha256:a", file: "b.json"),
                loaded("cuc-shtt", revision: 2, hash: "sha256:a", file: "a.json")
            ], registry: registry)
        #expect(set.current["cuc-shtt"]?.file == "a.json")
        #expect(set.copies.map(\.file.file) == ["b.json"] && set.copies.first?.of == "a.json")
        #expect(set.conflicts.isEmpty)
    }

    @Test func oneFileGivenTwiceIsReadOnce() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("a.json")
        try Data("{}".utf8).write(to: file)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("link.json").path, withDestinationPath: file.path)
        let other = temporaryDirectory()
        let (files, _, repeated) = SubmissionLoader.expandPaths([
            dir.path, file.path, dir.path + "/", other.path, file.path
        ])
        // The folder lists a.json and link.json (another name); the file named again, and the folder again, are read once.
        #expect(files == [dir.path + "/a.json", dir.path + "/link.json"])
        #expect(repeated == [dir.path + "/", file.path, file.path])
    }

    @Test func timesInTheFutureAreFlagged() throws {
        let text = try String(contentsOf: fixtures.appendingPathComponent("valid-final.json"), encoding: .utf8)
        let future = Submission.timestamp(Date().addingTimeInterval(86_400 * 400))
        let edited = text.replacingOccurrences(
            of: #""updated_at": "[^"]*""#, with: "\"updated_at\": \"\(future)\"", options: .regularExpression)
        let loaded = SubmissionLoader.load(bytes: Array(edited.utf8), file: "f.json", form: form, yaml: false)
        #expect(
            loaded.problems.contains { $0.path == "$.updated_at" && $0.message.text(.en).contains("in the future") })
    }
}
