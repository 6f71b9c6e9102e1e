import FormKit
import Foundation
import TestSupport
import Testing

@testable import Submissions

/// The one JSON reader against an independent oracle (Foundation's JSONSerialization), and
/// every decision the readers make on purpose (docs/form-language.md, "Reading files").
@Suite struct JSONReaderTests {
    /// The tree and the oracle's value hold the same data.
    func same(_ tree: DataTree, _ any: Any) -> Bool {
        switch tree.kind {
        case .null: return any is NSNull
        case .bool(let b): return (any as? Bool) == b
        case .number(let n): return (any as? NSNumber).map { $0.doubleValue == n } ?? false
        case .string(let s): return (any as? String) == s
        case .array(let items):
            guard let other = any as? [Any], other.count == items.count else { return false }
            return zip(items, other).allSatisfy { same($0, $1) }
        case .object(let pairs):
            guard let other = any as? [String: Any], other.count == pairs.count else { return false }
            return pairs.allSatisfy { p in other[p.key].map { same(p.value, $0) } ?? false }
        }
    }

    func oracle(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// Whatever the reader accepts, the oracle accepts too, with the same values; and the
    /// scan (answers skipped) accepts exactly what the full read accepts.
    func check(_ bytes: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        let full = try? DataTree.parseJSON(bytes)
        let scanned = try? DataTree.parseJSON(bytes, skippingTopLevel: ["answers"])
        #expect(
            (full == nil) == (scanned == nil),
            "scan and read disagree on \(String(decoding: bytes, as: UTF8.self).prefix(200))",
            sourceLocation: sourceLocation)
        guard let full else { return false }
        let other = oracle(bytes)
        #expect(
            other.map { same(full, $0) } ?? false,
            "oracle disagrees on \(String(decoding: bytes, as: UTF8.self).prefix(200))", sourceLocation: sourceLocation)
        return true
    }

    @Test func realFilesReadAsTheOracleReadsThem() throws {
        let dir = temporaryDirectory()
        let base = try #require(
            SubmissionLoader.load(repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"), form: form)
                .submission)
        _ = try SampleGenerator(form: form, base: base.answers, baseUnitName: base.unitName, seed: 7)
            .generate(units: SampleGenerator.units(registry, count: 20), into: dir)
        let files = SubmissionLoader.expand([dir.path]).files + [fixtures.appendingPathComponent("valid-final.json")]
        for url in files { #expect(check(try [UInt8](Data(contentsOf: url)))) }
    }

    /// Seeded random damage to a real file: every result is a tree the oracle agrees with or
    /// a refusal with a place inside the file — never a crash.
    @Test func damagedFilesAreReadAsTheOracleReadsThemOrRefusedWithAPlace() throws {
        let bytes = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent("valid-final.json")))
        var generator = SplitMix(seed: 5)
        var damaged: [[UInt8]] = stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[..<$0]) }
        let alphabet: [UInt8] = [
            0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x0A, 0xFF, 0x30, 0x2D, 0x2E, 0x65, 0x75, 0x44, 0x00, 0x7F
        ]
        for _ in 0..<600 {
            var b = bytes
            for _ in 0..<3 {
                b[Int(generator.next() % UInt64(b.count))] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            damaged.append(b)
        }
        var read = 0
        var refused = 0
        for b in damaged {
            if check(b) {
                read += 1
            } else {
                do { _ = try DataTree.parseJSON(b) } catch {
                    #expect(error.line >= 1 && error.line <= 200 && error.column >= 1)
                }
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0)
    }

    func refusal(_ text: String) -> String? {
        do {
            _ = try DataTree.parseJSON(Array(text.utf8))
            return nil
        } catch { return "\(error.line):\(error.column) \(error.message.text(.en))" }
    }

    @Test func escapesAndSurrogates() throws {
        #expect(
            try DataTree.parseJSON(Array(#"{"a": "Hà Nội \u1EA1 \ud83d\ude00 \/ \"q\""}"#.utf8))["a"]?.string
                == "Hà Nội ạ 😀 / \"q\"")
        for bad in [#"["\uD800\u0041"]"#, #"["\uD800\uD800"]"#, #"["\uDC00"]"#, #"["\uD800"]"#, #"["x\uD83D"]"#] {
            #expect(refusal(bad)?.contains("lone surrogate") == true, "\(bad)")
        }
        #expect(refusal(#"["\uZZZZ"]"#)?.contains("invalid \\u escape") == true)
        #expect(refusal(#"["\q"]"#)?.contains("invalid escape") == true)
        // Control characters: raw ones are not JSON; escaped ones would reach screens and sheets.
        #expect(refusal("[\"a\u{01}b\"]")?.contains("control character") == true)
        #expect(refusal(#"["a\u001bb"]"#)?.contains("U+001B") == true)
        #expect(refusal(#"["a\u0085"]"#)?.contains("U+0085") == true)
        #expect(try DataTree.parseJSON(Array(#"["a\tb\nc"]"#.utf8)).kind.debugText == "[a\tb\nc]")
    }

    /// Strings are looked through eight bytes at a time: whatever ends a plain run (a quote, an
    /// escape, a control, DEL, a C1 control) is found at every place in a word and after any
    /// letters, and what may stay (a no-break space, Vietnamese letters) is kept as it is.
    @Test func everyByteThatEndsAPlainRunIsFoundWhereverItStands() throws {
        let cases: [(inner: String, refused: String?)] = [
            (#"\""#, nil), (#"\\"#, nil), (#"\n"#, nil), (#"\u00e0"#, nil), ("\u{A0}", nil), ("ạ", nil),
            ("\u{7F}", "U+007F"), ("\u{85}", "U+0085"), ("\u{01}", "control character"), ("\n", "unterminated string")
        ]
        for lead in ["", "Hà Nội "] {
            for position in 0..<20 {
                for (inner, refused) in cases {
                    let text = "[\"" + lead + String(repeating: "x", count: position) + inner + "0123456789abcdefgh\"]"
                    if let refused {
                        #expect(refusal(text)?.contains(refused) == true, "\(text.debugDescription)")
                    } else {
                        #expect(check(Array(text.utf8)), "\(text.debugDescription)")
                    }
                }
            }
        }
    }

    @Test func numbersAreKeptExactlyOrRefused() throws {
        func number(_ text: String) -> Double? {
            (try? DataTree.parseJSON(Array("[\(text)]".utf8))).flatMap {
                if case .array(let a) = $0.kind { return a.first?.number } else { return nil }
            }
        }
        #expect(
            number("420") == 420 && number("-4.5e2") == -450 && number("0.25") == 0.25
                && number("123456789012345") == 123_456_789_012_345)
        #expect(number("-0").map { $0 == 0 && $0.sign == .plus } == true)
        #expect(number("1e300") == 1e300 && number("1000000000000000000000") == 1e21)
        // Syntax JSON does not have.
        for bad in ["01", "+1", ".5", "5.", "1e", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1.2.3"] {
            #expect(refusal("[\(bad)]")?.contains("written wrongly") == true, "\(bad)")
        }
        // Values that cannot be kept exactly.
        for bad in [
            "1e309", "-1e400", "1e-400", "123456789012345678901234567890", "1234567890123456", "0.1234567890123456789"
        ] {
            #expect(refusal("[\(bad)]")?.contains("cannot be kept exactly") == true, "\(bad)")
        }
    }

    @Test func repeatedKeysAreRefusedEverywhere() {
        #expect(
            refusal("{\"a\": 1,\n \"a\": 2}") == "2:2 the key 'a' is repeated (first at line 1); give each key once")
        // In a big object (past the list of the first keys) and deep inside answers.
        let big = "{" + (0..<40).map { "\"k\($0)\": 1" }.joined(separator: ", ") + ", \"k3\": 2}"
        #expect(refusal(big)?.contains("'k3' is repeated") == true)
        #expect(refusal(#"{"answers": {"general": {"x": 1, "x": 2}}}"#)?.contains("repeated") == true)
        #expect(
            (try? DataTree.parseJSON(
                Array(#"{"answers": {"general": {"x": 1, "x": 2}}}"#.utf8), skippingTopLevel: ["answers"])) == nil)
    }

    /// Keys are compared as text, whether they are written plainly, escaped or in another
    /// canonically equivalent form; in the full read and in the scan alike.
    @Test func repeatedKeysAreTheSameTextHoweverWritten() {
        for (first, second) in [
            (#""a""#, #""\u0061""#), (#""K""#, #""\u212A""#), (#""K""#, "\"\u{212A}\""),
            (#""é""#, "\"e\u{0301}\""), (#""a\"b""#, #""a\u0022b""#), (#""""#, #""""#)
        ] {
            let object = "{\(first): 1, \(second): 2}"
            #expect(refusal(object)?.contains("is repeated") == true, "\(object)")
            let nested = "{\"answers\": \(object)}"
            #expect(
                (try? DataTree.parseJSON(Array(nested.utf8), skippingTopLevel: ["answers"])) == nil, "\(nested)")
        }
        // Different keys stay different: a prefix, another case, a longer key.
        for object in [#"{"a": 1, "ab": 2}"#, #"{"a": 1, "A": 2}"#, #"{"ab": 1, "a": 2, "": 3}"#] {
            #expect(refusal(object) == nil, "\(object)")
            #expect(check(Array(object.utf8)))
        }
        // A skipped top-level key is told by its text, however it is written.
        let tree = try? DataTree.parseJSON(
            Array(#"{"\u0061nswers": {"x": 1}, "b": 2}"#.utf8), skippingTopLevel: ["answers"])
        #expect(tree?["answers"] == nil && tree?["b"]?.number == 2)
    }

    @Test func depthAndSizeLimits() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(refusal(deep)?.contains("deeper than \(InputLimits.depth) levels") == true)
        let deepObject = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(refusal(deepObject)?.contains("deeper than") == true)
        // Under an unknown key and inside skipped answers alike.
        #expect(
            (try? DataTree.parseJSON(Array(("{\"answers\": " + deep + "}").utf8), skippingTopLevel: ["answers"])) == nil
        )
        let ok = String(repeating: "[", count: InputLimits.depth) + String(repeating: "]", count: InputLimits.depth)
        #expect(refusal(ok) == nil)
        let many = "[" + Array(repeating: "0", count: InputLimits.values + 1).joined(separator: ",") + "]"
        #expect(refusal(many)?.contains("more than \(InputLimits.values) values") == true)
    }

    @Test func encodings() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"a": "b"}"#.utf8)
        #expect(try DataTree.parseJSON(bom)["a"]?.string == "b")
        let utf16 = [UInt8]("{\"a\": \"b\"}".data(using: .utf16LittleEndian)!)
        for bytes in [[0xFF, 0xFE] + utf16, utf16] {
            for yaml in [false, true] {
                do {
                    _ = try DataTree.parse(bytes, yaml: yaml)
                    Issue.record("UTF-16 read")
                } catch {
                    #expect(error.message.text(.en) == "the file is saved as UTF-16; save it as UTF-8")
                }
            }
        }
    }

    @Test func invalidUTF8IsRefusedWithItsPlace() throws {
        let dir = temporaryDirectory()
        // A lone continuation byte, an encoded surrogate, an overlong '/', a cut sequence; plain and after an escape.
        let bads: [[UInt8]] = [[0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE1, 0xBA]]
        for (n, bad) in bads.enumerated() {
            for escaped in [false, true] {
                let url = dir.appendingPathComponent("bad-\(n)-\(escaped).json")
                let text: [UInt8] =
                    Array(#"{"format": "ictreport-submission", "unit": {"id": "a"#.utf8)
                    + (escaped ? Array(#"\n"#.utf8) : []) + bad + Array(#""}}"#.utf8)
                try Data(text).write(to: url)
                let rejection = SubmissionLoader.load(url, form: form).rejection?.text(.en)
                #expect(
                    rejection?.hasPrefix("line 1, column ") == true && rejection?.contains("not UTF-8") == true,
                    "\(bad) \(escaped)")
            }
        }
    }
}

extension DataTree.Kind {
    /// Compact text of a tree, for expectations.
    var debugText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let n): return formatNumber(n)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(\.kind.debugText).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { "\($0.key):\($0.value.kind.debugText)" }.joined(separator: ",") + "}"
        }
    }
}

/// Submission files whose values are out of range, broken or hostile: each a problem or a
/// rejection naming the place, never a crash; the scan and the full read agree.
@Suite struct SubmissionHeaderTests {
    let original = try! String(contentsOf: fixtures.appendingPathComponent("valid-final.json"), encoding: .utf8)

    func load(_ from: String, _ to: String) -> (full: LoadedSubmission, scan: LoadedSubmission) {
        #expect(original.contains(from), "\(from)")
        let bytes = Array(original.replacingOccurrences(of: from, with: to).utf8)
        return (
            SubmissionLoader.load(bytes: bytes, file: "x.json", form: form, yaml: false),
            SubmissionLoader.load(bytes: bytes, file: "x.json", form: form, yaml: false, answers: false)
        )
    }

    @Test func revisionsAndFormatVersions() throws {
        for bad in ["1e20", "-1", "1.5", "\"3\"", "null", "true"] {
            let (full, scan) = load("\"revision\": 1", "\"revision\": \(bad)")
            #expect(full.rejection == nil && full.problems.contains { $0.path == "$.revision" }, "\(bad)")
            #expect(scan.problems.contains { $0.path == "$.revision" })
        }
        for bad in ["1e309", "-1e400"] {
            #expect(
                load("\"revision\": 1", "\"revision\": \(bad)").full.rejection?.text(.en).contains(
                    "cannot be kept exactly") == true)
        }
        for bad in ["1e20", "\"NaN\"", "0", "1.5"] {
            let (full, scan) = load("\"format_version\": 1", "\"format_version\": \(bad)")
            #expect(full.rejection != nil && scan.rejection != nil, "\(bad)")
        }
        #expect(
            load("\"format_version\": 1", "\"format_version\": 2").full.rejection?.text(.en).contains("newer version")
                == true)
    }

    @Test func invalidTimesAreProblems() throws {
        let (full, _) = load("\"updated_at\": \"", "\"updated_at\": \"2018-02-30T00:00:00Z\", \"x_updated_at\": \"")
        #expect(
            full.problems.contains { $0.path == "$.updated_at" && $0.message.text(.en).contains("not a valid time") })
    }

    @Test func tablesOverTheRowLimitAreCutWithAProblem() throws {
        let row = #"{"name": "Cổng", "address": "https://a.vn"}"#
        let rows = Array(repeating: row, count: InputLimits.tableRows + 5).joined(separator: ",")
        let answers = "{\"answers\": {\"websites\": {\"portals\": [\(rows)]}}}"
        let loaded = SubmissionLoader.load(bytes: Array(answers.utf8), file: "a.json", form: form, yaml: false)
        #expect(
            loaded.problems.contains {
                $0.message.text(.en).contains("only the first \(InputLimits.tableRows) are read")
            })
    }
}

/// Files that are not regular, too large, or vanish: a message naming the file, never a hang.
@Suite struct InputFileTests {
    @Test func specialFilesAreRefusedWithoutBeingOpenedForReading() throws {
        let dir = temporaryDirectory()
        let fifo = dir.appendingPathComponent("x.json").path
        #expect(mkfifo(fifo, 0o644) == 0)
        // A FIFO nobody writes to: read, it would hang.
        let loaded = SubmissionLoader.load(path: fifo, form: form)
        #expect(loaded.rejection?.text(.en) == "not a regular file (fifo); not read")
        #expect(
            SubmissionLoader.load(path: "/dev/null", form: form).rejection?.text(.en)
                == "not a regular file (device); not read")
        #expect(
            SubmissionLoader.load(path: dir.path, form: form).rejection?.text(.en)
                == "not a regular file (folder); not read")
        #expect(
            SubmissionLoader.load(path: dir.appendingPathComponent("none.json").path, form: form).rejection?.text(.en)
                == "no such file; check the path")
        #expect(throws: DiagnosticsError.self) { try UnitRegistry.load(contentsOf: URL(fileURLWithPath: fifo)) }
        #expect(
            FormLoader.lint(contentsOf: URL(fileURLWithPath: fifo)).diagnostics.first?.message.text(.en).contains(
                "not a regular file") == true)
    }

    @Test func tooLargeFilesAreRefused() throws {
        let dir = temporaryDirectory()
        let url = dir.appendingPathComponent("big.json")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(InputLimits.fileBytes + 1))
        try handle.close()
        #expect(SubmissionLoader.load(url, form: form).rejection?.text(.en).contains("too large") == true)
    }
}

/// YAML: one route (Yams, through `YAMLReader`), with the same limits.
@Suite struct YAMLLimitTests {
    @Test func aliasBombsAreRefusedQuickly() throws {
        var text = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        var previous = "a"
        for k in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(k): &\(k) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ",") + "]\n"
            previous = k
        }
        for parse in [
            { try DataTree.parse(Array(text.utf8), yaml: true) as Any },
            { try UnitRegistry.parse(text, file: "u.yaml") as Any },
            { try FormLoader.load(text) as Any }
        ] {
            do {
                _ = try parse()
                Issue.record("read")
            } catch let e as DataSyntaxError {
                #expect(e.message.text(.en).contains("YAML aliases"))
            } catch let e as DiagnosticsError {
                #expect(e.diagnostics.contains { $0.message.text(.en).contains("YAML aliases") })
            }
        }
    }

    @Test func deepNestingIsRefused() throws {
        for text in [
            String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000),
            String(repeating: "- ", count: 5000) + "x",
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        ] {
            do {
                _ = try DataTree.parse(Array(text.utf8), yaml: true)
                Issue.record("read")
            } catch {
                #expect(error.message.text(.en).contains("nest"), "\(error.message.text(.en))")
            }
        }
    }

    @Test func controlCharactersInYAMLTextAreRefused() throws {
        do {
            _ = try DataTree.parse(Array("a: \"x\\e[2J\"\n".utf8), yaml: true)
            Issue.record("read")
        } catch {
            #expect(error.message.text(.en).contains("U+001B"))
        }
    }

    @Test func repeatedKeysAreRefusedInYAMLToo() throws {
        do {
            _ = try DataTree.parse(Array("general:\n  a: 1\n  a: 2\n".utf8), yaml: true)
            Issue.record("read")
        } catch {
            #expect(error.message.text(.en).contains("duplicate key"))
        }
    }
}

extension FormLoader {
    static func load(_ text: String) throws -> Form {
        let r = lint(text, file: "f.yaml")
        guard let form = r.form else { throw DiagnosticsError(r.diagnostics) }
        return form
    }
}
