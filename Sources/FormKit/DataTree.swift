import Foundation
import Yams

/// A parsed JSON or YAML document, each node with the line and column it came from,
/// so that a wrong value in an answers or submission file can be pointed at.
package struct DataTree: Sendable {
    /// Not `indirect`: the arrays hold the children, so a node needs no box of its own.
    package enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        /// A YAML plain scalar is kept as text: the field it belongs to decides what it means
        /// (so `1.234` in an integer field is a thousand and more, as people write it).
        case string(String)
        case array([DataTree])
        case object([(key: String, value: DataTree)])
    }

    package var kind: Kind
    package var line: Int
    package var column: Int

    package init(kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    package subscript(key: String) -> DataTree? {
        if case .object(let pairs) = kind { return pairs.first { $0.key == key }?.value }
        return nil
    }

    package var string: String? { if case .string(let s) = kind { return s } else { return nil } }
    package var number: Double? {
        switch kind {
        case .number(let n): return n
        case .string(let s): return Double(s)
        default: return nil
        }
    }
    package var isNull: Bool { if case .null = kind { return true } else { return false } }

    /// What kind of value this is, for messages.
    package var kindName: LocalizedText {
        switch kind {
        case .null: return L("rỗng", "null")
        case .bool: return L("đúng/sai", "true/false")
        case .number: return L("số", "number")
        case .string: return L("chuỗi", "text")
        case .array: return L("danh sách", "list")
        case .object: return L("bảng khoá", "object")
        }
    }
}

/// A syntax error in a data file, at a line and column.
package struct DataSyntaxError: Error, Sendable {
    package var line: Int
    package var column: Int
    package var message: LocalizedText
}

extension DataTree {
    /// Parses a JSON or YAML document (YAML when `yaml`). Every reader of data files comes
    /// here: the same grammar, the same limits (`InputLimits`) and the same rules for
    /// numbers, text and repeated keys, whatever the file is read for.
    package static func parse(_ data: Data, yaml: Bool) throws(DataSyntaxError) -> DataTree {
        try parse([UInt8](data), yaml: yaml)
    }

    package static func parse(_ bytes: [UInt8], yaml: Bool) throws(DataSyntaxError) -> DataTree {
        if yaml {
            let text: String
            do {
                text = try InputFile.text(of: bytes)
            } catch {
                if case .invalidUTF8(let line, let column) = error {
                    throw DataSyntaxError(
                        line: line, column: column,
                        message: L(
                            "có byte không phải văn bản UTF-8; hãy lưu lại tệp theo mã UTF-8",
                            "bytes that are not UTF-8 text; save the file as UTF-8"))
                }
                throw DataSyntaxError(line: 1, column: 1, message: error.message)
            }
            return try parseYAML(text)
        }
        return try parseJSON(bytes)
    }

    /// Parses a JSON document. Values under the top-level keys in `skipped` are read and
    /// checked exactly as the others, but left out of the tree: what a file is about, without
    /// its bulk. A file this accepts, a full read accepts too.
    package static func parseJSON(_ bytes: [UInt8], skippingTopLevel skipped: Set<String> = []) throws(DataSyntaxError)
        -> DataTree
    {
        try checkEncoding(bytes)
        do {
            return try bytes.withUnsafeBufferPointer { bytes in
                var parser = JSONTreeParser(bytes: bytes)
                parser.skippedTopLevel = skipped
                return try parser.parseDocument()
            }
        } catch let e as DataSyntaxError {
            throw e
        } catch {
            throw DataSyntaxError(line: 1, column: 1, message: L("không đọc được tệp", "cannot read the file"))
        }
    }

    /// UTF-16 and UTF-32 files are told apart from broken ones: the fix is to save as UTF-8.
    static func checkEncoding(_ bytes: [UInt8]) throws(DataSyntaxError) {
        if let encoding = InputFile.foreignEncoding(bytes) {
            throw DataSyntaxError(line: 1, column: 1, message: InputFileError.notUTF8(encoding: encoding).message)
        }
    }

    static func parseYAML(_ text: String) throws(DataSyntaxError) -> DataTree {
        let reader = YAMLReader(file: "")
        guard let node = reader.compose(text) else {
            if let d = reader.diagnostics.first {
                throw DataSyntaxError(line: d.location.line, column: d.location.column, message: d.message)
            }
            return DataTree(kind: .object([]), line: 1, column: 1)
        }
        return try fromYAML(node, depth: 1)
    }

    /// The tree of a composed YAML document (aliases expanded and counted by
    /// `YAMLReader.compose`, so their expansion is bounded).
    static func fromYAML(_ node: Node, depth: Int) throws(DataSyntaxError) -> DataTree {
        let line = node.mark?.line ?? 1
        let column = node.mark?.column ?? 1
        guard depth <= InputLimits.depth else { throw DataSyntaxError.tooDeep(line: line, column: column) }
        switch node {
        case .scalar(let s):
            if s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) {
                return DataTree(kind: .null, line: line, column: column)
            }
            if let problem = TextRules.problem(s.string) {
                throw DataSyntaxError(line: line, column: column, message: problem)
            }
            return DataTree(kind: .string(s.string), line: line, column: column)
        case .sequence(let seq):
            var items: [DataTree] = []
            items.reserveCapacity(seq.count)
            for item in seq { items.append(try fromYAML(item, depth: depth + 1)) }
            return DataTree(kind: .array(items), line: line, column: column)
        case .mapping(let m):
            var pairs: [(key: String, value: DataTree)] = []
            for (k, v) in m {
                guard let key = k.scalar?.string else {
                    throw DataSyntaxError(
                        line: k.mark?.line ?? line, column: k.mark?.column ?? column,
                        message: L("khoá phải là một chuỗi", "a key must be a plain string"))
                }
                pairs.append((key, try fromYAML(v, depth: depth + 1)))
            }
            return DataTree(kind: .object(pairs), line: line, column: column)
        case .alias:
            return DataTree(kind: .null, line: line, column: column)
        }
    }
}

extension DataSyntaxError {
    static func tooDeep(line: Int, column: Int) -> DataSyntaxError {
        DataSyntaxError(
            line: line, column: column,
            message: L(
                "các danh sách/bảng khoá lồng nhau quá \(InputLimits.depth) tầng",
                "lists and objects nest deeper than \(InputLimits.depth) levels"))
    }

    static func tooManyValues(line: Int, column: Int) -> DataSyntaxError {
        DataSyntaxError(
            line: line, column: column,
            message: L(
                "tệp có quá \(InputLimits.values) giá trị", "the file holds more than \(InputLimits.values) values"))
    }
}

/// What text read from a file may hold: no control characters but tab and line breaks
/// (they would reach terminals and workbooks), and no lone surrogates (not Unicode).
package enum TextRules {
    /// Why `text` cannot be stored; nil when it can.
    package static func problem(_ text: String) -> LocalizedText? {
        for u in text.unicodeScalars where isControl(u.value) {
            return controlMessage(u.value)
        }
        return nil
    }

    /// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
    @inline(__always) static func isControl(_ v: UInt32) -> Bool {
        (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v)
    }

    static func controlMessage(_ v: UInt32) -> LocalizedText {
        let code =
            "U+"
            + String(String(v, radix: 16, uppercase: true).reversed()).padding(toLength: 4, withPad: "0", startingAt: 0)
            .reversed()
        return L(
            "văn bản chứa ký tự điều khiển \(code); hãy xoá ký tự đó",
            "the text holds the control character \(code); remove it")
    }
}

/// The rule for every number a file holds: it must be kept exactly, so at most 15 significant
/// digits (what a Double and Excel keep) and a size between 1e-300 and 1e300 (or zero).
package enum NumberRules {
    package static let significantDigits = 15

    /// Significant digits of a decimal mantissa (`digits` holds its digits in order; other
    /// characters are ignored): leading and trailing zeros do not count.
    package static func significantDigitCount<C: Collection>(_ digits: C) -> Int where C.Element == UInt8 {
        var first: Int?
        var last = 0
        var k = 0
        for d in digits where d >= 0x30 && d <= 0x39 {
            if d != 0x30 {
                if first == nil { first = k }
                last = k
            }
            k += 1
        }
        guard let first else { return 0 }
        return last - first + 1
    }

    /// Why `value`, written with `significant` digits, cannot be kept exactly; nil when it can.
    package static func problem(_ value: Double, significant: Int, written: String) -> LocalizedText? {
        if significant > significantDigits || !value.isFinite || (value == 0) != (significant == 0)
            || (value != 0 && abs(value) < 1e-300) || abs(value) > 1e300
        {
            return L(
                "số '\(written)' không giữ được chính xác (tối đa \(significantDigits) chữ số có nghĩa, độ lớn từ 1e-300 đến 1e300)",
                "the number '\(written)' cannot be kept exactly (at most \(significantDigits) significant digits, size between 1e-300 and 1e300)"
            )
        }
        return nil
    }
}

/// The one JSON parser: strict RFC 8259 grammar, keeping key order and positions, within
/// `InputLimits`. It reads through a buffer; every read is guarded by `i < bytes.count`.
struct JSONTreeParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var line = 1
    var lineStart = 0
    /// Keys of the top-level object whose values are checked but not kept.
    var skippedTopLevel: Set<String> = []
    var depth = 0
    var values = 0
    /// The keys of the objects being read, innermost last, with their lines (`parseObject`).
    var keys: [Key] = []

    /// A key as read: where its bytes are when they are plain ASCII (no escape), otherwise its
    /// text. Two plain keys are compared by their bytes, as text would compare them; any other
    /// pair as text (canonical equivalence: "\u212A" is the same key as "K").
    struct Key {
        var start: Int
        var count: Int
        /// Nil for a plain ASCII key, told by its bytes.
        var text: String?
        var line: Int
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            i = 3
            lineStart = 3
        }  // byte-order mark
    }

    var column: Int { i - lineStart + 1 }

    func fail(_ vi: String, _ en: String) -> DataSyntaxError {
        DataSyntaxError(line: line, column: column, message: L("JSON không hợp lệ: \(vi)", "invalid JSON: \(en)"))
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A:
                i += 1
                line += 1
                lineStart = i
            default: return
            }
        }
    }

    mutating func parseDocument() throws -> DataTree {
        skipSpace()
        let v = try parseValue(keep: true)
        skipSpace()
        if i < bytes.count { throw fail("còn ký tự thừa sau giá trị", "unexpected text after the value") }
        return v
    }

    /// One value; with `keep` false it is read and checked all the same, but not built.
    mutating func parseValue(keep: Bool) throws -> DataTree {
        skipSpace()
        guard i < bytes.count else { throw fail("tệp kết thúc giữa chừng", "unexpected end of file") }
        let (l, c) = (line, column)
        values += 1
        guard values <= InputLimits.values else { throw DataSyntaxError.tooManyValues(line: l, column: c) }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            return try parseObject(keep: keep, line: l, column: c)
        case UInt8(ascii: "["):
            i += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= InputLimits.depth else { throw DataSyntaxError.tooDeep(line: l, column: c) }
            var items: [DataTree] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
                return DataTree(kind: .array(items), line: l, column: c)
            }
            while true {
                let item = try parseValue(keep: keep)
                if keep { items.append(item) }
                skipSpace()
                guard i < bytes.count else { throw fail("thiếu dấu ']'", "missing ']'") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return DataTree(kind: .array(items), line: l, column: c)
                }
                throw fail("cần ',' hoặc ']'", "expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            let s = try parseString(keep: keep)
            return DataTree(kind: keep ? .string(s) : .null, line: l, column: c)
        case UInt8(ascii: "t"):
            try literal("true")
            return DataTree(kind: .bool(true), line: l, column: c)
        case UInt8(ascii: "f"):
            try literal("false")
            return DataTree(kind: .bool(false), line: l, column: c)
        case UInt8(ascii: "n"):
            try literal("null")
            return DataTree(kind: .null, line: l, column: c)
        default:
            return DataTree(kind: .number(try parseNumber()), line: l, column: c)
        }
    }

    /// `{ "key": value, … }`; a key given twice is an error (in every object of every file).
    mutating func parseObject(keep: Bool, line l: Int, column c: Int) throws -> DataTree {
        i += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= InputLimits.depth else { throw DataSyntaxError.tooDeep(line: l, column: c) }
        var pairs: [(key: String, value: DataTree)] = []
        // Where each key was, to name a repeated one: this object's keys are at the end of
        // the parser's `keys` (one array for the whole file, so an object allocates none),
        // and a large object also puts them in a set.
        let base = keys.count
        defer { keys.removeLast(keys.count - base) }
        var keySet: [String: Int] = [:]
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return DataTree(kind: .object(pairs), line: l, column: c)
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                throw fail("cần tên khoá trong dấu nháy kép", "expected a quoted key")
            }
            let (keyLine, keyColumn) = (line, column)
            let key = try parseKey(line: keyLine)
            // The text of a plain key, made only when it is needed: for a value kept, a large
            // object's set, a top-level key that may be skipped, a message. The scan of a
            // file's answers makes none (a merge of 1,000 units: 62 M fewer instructions).
            let needsText = keep || keys.count - base >= 16 || (depth == 1 && !skippedTopLevel.isEmpty)
            let keyText = key.text ?? (needsText ? plainText(key) : "")
            let earlier: Int? =
                keySet.isEmpty ? keys[base...].first { sameKey($0, key) }?.line : keySet[keyText]
            if let earlier {
                let shown = key.text ?? plainText(key)
                throw DataSyntaxError(
                    line: keyLine, column: keyColumn,
                    message: L(
                        "khoá '\(shown)' bị lặp lại (đã có ở dòng \(earlier)); mỗi khoá chỉ được ghi một lần",
                        "the key '\(shown)' is repeated (first at line \(earlier)); give each key once"))
            }
            if keys.count - base < 16 {
                keys.append(key)
            } else {
                if keySet.isEmpty { for k in keys[base...] { keySet[k.text ?? plainText(k)] = k.line } }
                keySet[keyText] = keyLine
            }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                throw fail("cần dấu ':' sau khoá", "expected ':' after the key")
            }
            i += 1
            let keepValue = keep && !(depth == 1 && skippedTopLevel.contains(keyText))
            let value = try parseValue(keep: keepValue)
            if keepValue { pairs.append((keyText, value)) }
            skipSpace()
            guard i < bytes.count else { throw fail("thiếu dấu '}'", "missing '}'") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                return DataTree(kind: .object(pairs), line: l, column: c)
            }
            throw fail("cần ',' hoặc '}'", "expected ',' or '}'")
        }
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, kept exactly (`NumberRules`); -0 is 0.
    mutating func parseNumber() throws -> Double {
        let start = i
        func digits() -> Int {
            let from = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - from
        }
        func wrong() -> DataSyntaxError {
            i = start
            return fail(
                "số viết sai (JSON không nhận số 0 ở đầu, dấu '+', hay dấu '.' ở đầu hoặc cuối), hoặc giá trị không đọc được",
                "a number written wrongly (JSON takes no leading zeros, '+', or a leading or trailing '.'), or an unexpected character"
            )
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let whole = digits()
        guard whole > 0, !(whole > 1 && bytes[intStart] == 0x30) else { throw wrong() }
        var mantissaEnd = i
        var plain = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw wrong() }
            mantissaEnd = i
            plain = false
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw wrong() }
            plain = false
        }
        if i < bytes.count,
            bytes[i] >= 0x80 || (bytes[i] | 0x20 >= 0x61 && bytes[i] | 0x20 <= 0x7A) || bytes[i] == UInt8(ascii: ".")
        {
            throw wrong()
        }
        let negative = bytes[start] == UInt8(ascii: "-")
        // Whole numbers of up to 15 digits are exact as Doubles: no text to make for them.
        if plain, whole <= NumberRules.significantDigits {
            var n = 0.0
            for k in intStart..<i { n = n * 10 + Double(bytes[k] - 0x30) }
            return negative && n != 0 ? -n : n
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        let n = Double(text) ?? .nan
        if let problem = NumberRules.problem(
            n, significant: NumberRules.significantDigitCount(bytes[intStart..<mantissaEnd]), written: text)
        {
            let (l, c) = (line, start - lineStart + 1)
            throw DataSyntaxError(line: l, column: c, message: problem)
        }
        return n == 0 ? 0 : n
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, n) == 0 else {
            throw fail("giá trị không đọc được", "unexpected character")
        }
        i += n
    }

    /// An object's key: a plain ASCII key (printable, no escape: nearly every key) is only
    /// located; any other is read as a string is, by `parseString`, with the same checks.
    mutating func parseKey(line: Int) throws -> Key {
        let start = i + 1
        var j = start
        while j < bytes.count, bytes[j] >= 0x20, bytes[j] < 0x7F, bytes[j] != UInt8(ascii: "\""),
            bytes[j] != UInt8(ascii: "\\")
        {
            j += 1
        }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            i = j + 1
            return Key(start: start, count: j - start, text: nil, line: line)
        }
        return Key(start: start, count: 0, text: try parseString(), line: line)
    }

    /// The text of a plain key (ASCII, so valid).
    func plainText(_ key: Key) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[key.start..<key.start + key.count]), as: UTF8.self)
    }

    func sameKey(_ a: Key, _ b: Key) -> Bool {
        if a.text == nil, b.text == nil {
            // Both spans lie within the buffer being read (`parseKey` found their ends).
            return a.count == b.count
                && (a.count == 0 || memcmp(bytes.baseAddress! + a.start, bytes.baseAddress! + b.start, a.count) == 0)
        }
        return (a.text ?? plainText(a)) == (b.text ?? plainText(b))
    }

    /// A string, its escapes decoded; it must be valid UTF-8 and hold no control characters
    /// but tab and line breaks (`TextRules`).
    mutating func parseString(keep: Bool = true) throws -> String {
        i += 1
        // Most strings have no escapes and no control characters: take their bytes as they are.
        var j = i
        var clean = true
        let n = bytes.count
        while j < n {
            // Eight bytes at a time up to the first that needs a look (see `needsLook`).
            while j + 8 <= n {
                // Within the buffer (j + 8 <= count). Byte by byte, this loop was the reader's
                // largest single cost (151 M of a 1,000-unit merge's 3,662 M instructions).
                let flagged = JSONTreeParser.needsLook(ByteWord.load(bytes.baseAddress!, j))
                if flagged == 0 {
                    j += 8
                } else {
                    j += flagged.trailingZeroBitCount >> 3
                    break
                }
            }
            guard j < n else { break }
            let b = bytes[j]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            // DEL and the C1 controls (C2 80–C2 9F) are looked at by the slow loop.
            if b == 0x7F || (b == 0xC2 && j + 1 < n && bytes[j + 1] < 0xA0) {
                clean = false
                break
            }
            j += 1
        }
        if clean, j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            let utf8 = UnsafeBufferPointer(rebasing: bytes[i..<j])
            // Checked the same either way; made into a String only when it is kept.
            guard keep ? true : JSONTreeParser.isValidUTF8(utf8), let s = keep ? JSONTreeParser.text(utf8) : "" else {
                throw invalidUTF8(from: i, to: j)
            }
            i = j + 1
            return s
        }
        var out: [UInt8] = Array(bytes[i..<min(j, bytes.count)])
        i = j
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                guard let s = out.withUnsafeBufferPointer(JSONTreeParser.text) else {
                    throw invalidUTF8(from: i - 1, to: i - 1)
                }
                if let problem = TextRules.problem(s) {
                    throw DataSyntaxError(line: line, column: column, message: problem)
                }
                return s
            }
            if b < 0x20 {
                if b == 0x0A { throw fail("chuỗi xuống dòng mà chưa đóng dấu nháy", "unterminated string") }
                throw fail(
                    "ký tự điều khiển trong chuỗi (hãy viết \\n, \\t hoặc xoá nó)",
                    "a control character inside a string (write \\n, \\t or remove it)")
            }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xDC00..<0xE000).contains(code) { throw loneSurrogate() }
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                        else { throw loneSurrogate() }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw loneSurrogate() }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    // Not a surrogate now, and at most 0x10FFFF: always a scalar.
                    out.append(contentsOf: String(Character(Unicode.Scalar(code)!)).utf8)
                default:
                    i -= 2
                    throw fail(
                        "mã thoát '\\\(Character(Unicode.Scalar(e)))' không hợp lệ",
                        "invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
                continue
            }
            out.append(b)
            i += 1
        }
        throw fail("chuỗi chưa đóng dấu nháy", "unterminated string")
    }

    /// The bytes of `word` (`ByteWord`) that may end the plain run of a string: '"', '\\', a
    /// control (below 0x20), DEL, or 0xC2 (which may begin a C1 control).
    @inline(__always) static func needsLook(_ word: UInt64) -> UInt64 {
        ByteWord.equal(word, 0x22) | ByteWord.equal(word, 0x5C) | ByteWord.equal(word, 0x7F)
            | ByteWord.equal(word, 0xC2) | ByteWord.below(word, 0x20)
    }

    func loneSurrogate() -> DataSyntaxError {
        fail("mã \\u là nửa ký tự (surrogate đứng một mình)", "a \\u escape is half a character (a lone surrogate)")
    }

    /// The error for bytes from..<to that are not UTF-8, at the first bad byte.
    mutating func invalidUTF8(from: Int, to: Int) -> DataSyntaxError {
        var bad = from
        var decoder = UTF8()
        var iterator = bytes[from..<max(to, from)].makeIterator()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let u): bad += UTF8.width(u)
            case .emptyInput, .error: break loop
            }
        }
        i = bad
        return fail(
            "chuỗi có byte không phải UTF-8 (hãy lưu tệp theo mã UTF-8)",
            "text with bytes that are not UTF-8 (save the file as UTF-8)")
    }

    /// Whether the bytes are valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF),
    /// as `text` would find them, without making a String.
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            func continuation(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
            switch c {
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard continuation(1), continuation(2) else { return false }
                let c1 = b[i + 1]
                if c == 0xE0 && c1 < 0xA0 { return false }  // overlong
                if c == 0xED && c1 >= 0xA0 { return false }  // a surrogate
                i += 3
            case 0xF0...0xF4:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                let c1 = b[i + 1]
                if c == 0xF0 && c1 < 0x90 { return false }  // overlong
                if c == 0xF4 && c1 >= 0x90 { return false }  // past U+10FFFF
                i += 4
            default:
                return false
            }
        }
        return true
    }

    /// The text of UTF-8 bytes; nil when they are not valid UTF-8. (The generic
    /// `String(validating:)` looks up type metadata on every call: it showed when reading
    /// thousands of files.)
    static func text(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        let s = String(decoding: utf8, as: UTF8.self)
        // Decoding replaces what is not valid, so the same bytes back mean all were valid.
        var copy = s
        let same = copy.withUTF8 {
            $0.count == utf8.count && ($0.isEmpty || memcmp($0.baseAddress!, utf8.baseAddress!, $0.count) == 0)
        }
        return same ? s : nil
    }

    mutating func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            guard i + k < bytes.count, let d = hexDigit(bytes[i + k]) else {
                throw fail(
                    "mã \\u không hợp lệ (cần 4 chữ số hệ 16)", "invalid \\u escape (4 hexadecimal digits needed)")
            }
            v = v << 4 | d
        }
        i += 4
        return v
    }

    func hexDigit(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }
}
