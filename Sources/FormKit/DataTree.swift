import Foundation
import Yams

/// A parsed JSON or YAML document, each node with the line and column it came from,
/// so that a wrong value in an answers or submission file can be pointed at.
public struct DataTree: Sendable {
    public indirect enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        /// A YAML plain scalar is kept as text: the field it belongs to decides what it means
        /// (so `1.234` in an integer field is a thousand and more, as people write it).
        case string(String)
        case array([DataTree])
        case object([(key: String, value: DataTree)])
    }

    public var kind: Kind
    public var line: Int
    public var column: Int

    public init(kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    public subscript(key: String) -> DataTree? {
        if case .object(let pairs) = kind { return pairs.first { $0.key == key }?.value }
        return nil
    }

    public var string: String? { if case .string(let s) = kind { return s } else { return nil } }
    public var number: Double? {
        switch kind {
        case .number(let n): return n
        case .string(let s): return Double(s)
        default: return nil
        }
    }
    public var isNull: Bool { if case .null = kind { return true } else { return false } }

    /// What kind of value this is, for messages.
    public var kindName: LocalizedText {
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
public struct DataSyntaxError: Error, Sendable {
    public var line: Int
    public var column: Int
    public var message: LocalizedText
}

extension DataTree {
    /// Parses a JSON or YAML document (YAML when the name ends in .yaml or .yml).
    public static func parse(_ data: Data, yaml: Bool) throws -> DataTree {
        if yaml {
            guard let text = String(data: data, encoding: .utf8) else {
                throw DataSyntaxError(line: 1, column: 1, message: L("tệp không phải văn bản UTF-8", "the file is not UTF-8 text"))
            }
            return try parseYAML(text)
        }
        return try [UInt8](data).withUnsafeBufferPointer { bytes in
            var parser = JSONTreeParser(bytes: bytes)
            return try parser.parseDocument()
        }
    }

    /// Parses a JSON document whose top-level values under `skipped` keys are only checked
    /// for syntax and left out of the tree: reading what a file is about without its bulk.
    public static func parseJSON(_ bytes: [UInt8], skippingTopLevel skipped: Set<String> = []) throws -> DataTree {
        try bytes.withUnsafeBufferPointer { bytes in
            var parser = JSONTreeParser(bytes: bytes)
            parser.skippedTopLevel = skipped
            return try parser.parseDocument()
        }
    }

    /// Parses a submission document, its top-level `answers` read by `reader` straight
    /// into `answers` when they are plain (the tree then has no `answers`); otherwise they
    /// are in the tree as usual. `answersBytes` is where they lie in `bytes` either way.
    public static func parseJSON(_ bytes: [UInt8], answers reader: AnswersReader) throws -> (tree: DataTree, answers: Answers?, answersBytes: Range<Int>?) {
        try bytes.withUnsafeBufferPointer { bytes in
            var parser = JSONTreeParser(bytes: bytes)
            parser.answersReader = reader
            let tree = try parser.parseDocument()
            return (tree, parser.fastAnswers, parser.answersRange)
        }
    }

    static func parseYAML(_ text: String) throws -> DataTree {
        let reader = YAMLReader(file: "")
        guard let node = reader.compose(text) else {
            if let d = reader.diagnostics.first {
                throw DataSyntaxError(line: d.location.line, column: d.location.column, message: d.message)
            }
            return DataTree(kind: .object([]), line: 1, column: 1)
        }
        return fromYAML(node)
    }

    static func fromYAML(_ node: Node) -> DataTree {
        let line = node.mark?.line ?? 1, column = node.mark?.column ?? 1
        switch node {
        case .scalar(let s):
            if s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) {
                return DataTree(kind: .null, line: line, column: column)
            }
            return DataTree(kind: .string(s.string), line: line, column: column)
        case .sequence(let seq):
            return DataTree(kind: .array(seq.map(fromYAML)), line: line, column: column)
        case .mapping(let m):
            return DataTree(kind: .object(m.map { (key: $0.key.string ?? "", value: fromYAML($0.value)) }), line: line, column: column)
        case .alias:
            return DataTree(kind: .null, line: line, column: column)
        }
    }
}

/// A small, fast JSON parser over bytes that keeps key order and positions. It reads
/// through a buffer, which in release builds spares a bounds check on every byte: every
/// read is guarded by `i < bytes.count` (malformed input must not stop the tool either).
struct JSONTreeParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var line = 1
    var lineStart = 0
    /// Keys of the top-level object whose values are checked but not kept.
    var skippedTopLevel: Set<String> = []
    var depth = 0
    /// Reads a top-level `answers` straight into `fastAnswers` when it is plain.
    var answersReader: AnswersReader?
    var fastAnswers: Answers?
    /// Where the top-level `answers` value lies in `bytes`.
    var answersRange: Range<Int>?

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3; lineStart = 3 }  // byte-order mark
    }

    var column: Int { i - lineStart + 1 }

    func fail(_ vi: String, _ en: String) -> DataSyntaxError {
        DataSyntaxError(line: line, column: column, message: L("JSON không hợp lệ: \(vi)", "invalid JSON: \(en)"))
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1; lineStart = i
            default: return
            }
        }
    }

    mutating func parseDocument() throws -> DataTree {
        skipSpace()
        let v = try parseValue()
        skipSpace()
        if i < bytes.count { throw fail("còn ký tự thừa sau giá trị", "unexpected text after the value") }
        return v
    }

    mutating func parseValue() throws -> DataTree {
        skipSpace()
        guard i < bytes.count else { throw fail("tệp kết thúc giữa chừng", "unexpected end of file") }
        let (l, c) = (line, column)
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            depth += 1
            defer { depth -= 1 }
            var pairs: [(key: String, value: DataTree)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return DataTree(kind: .object(pairs), line: l, column: c) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("cần tên khoá trong dấu nháy kép", "expected a quoted key") }
                let key = try parseString()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("cần dấu ':' sau khoá", "expected ':' after the key") }
                i += 1
                if depth == 1, skippedTopLevel.contains(key) {
                    try skipValue()
                } else if depth == 1, key == "answers", let reader = answersReader {
                    try readAnswers(reader, into: &pairs)
                } else {
                    pairs.append((key, try parseValue()))
                }
                skipSpace()
                guard i < bytes.count else { throw fail("thiếu dấu '}'", "missing '}'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return DataTree(kind: .object(pairs), line: l, column: c) }
                throw fail("cần ',' hoặc '}'", "expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [DataTree] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return DataTree(kind: .array(items), line: l, column: c) }
            while true {
                items.append(try parseValue())
                skipSpace()
                guard i < bytes.count else { throw fail("thiếu dấu ']'", "missing ']'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return DataTree(kind: .array(items), line: l, column: c) }
                throw fail("cần ',' hoặc ']'", "expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return DataTree(kind: .string(try parseString()), line: l, column: c)
        case UInt8(ascii: "t"): try literal("true"); return DataTree(kind: .bool(true), line: l, column: c)
        case UInt8(ascii: "f"): try literal("false"); return DataTree(kind: .bool(false), line: l, column: c)
        case UInt8(ascii: "n"): try literal("null"); return DataTree(kind: .null, line: l, column: c)
        default:
            return DataTree(kind: .number(try parseNumber()), line: l, column: c)
        }
    }

    mutating func parseNumber() throws -> Double {
        let start = i
        var whole = 0.0
        var plain = true
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                whole = whole * 10 + Double(b - 0x30)
            } else if b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                plain = false
            } else {
                break
            }
            i += 1
        }
        // Whole numbers of up to 15 digits are exact as Doubles: no text to make for them.
        if plain, i > start, i - start <= 15 { return whole }
        guard i > start, let n = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else {
            i = start
            throw fail("giá trị không đọc được", "unexpected character")
        }
        return n
    }

    /// The top-level answers: read straight into `fastAnswers` when plain, otherwise (or
    /// without a reader) parsed into the tree for `AnswersDecoder`.
    mutating func readAnswers(_ reader: AnswersReader, into pairs: inout [(key: String, value: DataTree)]) throws {
        skipSpace()
        let start = (i, line, lineStart)
        if let answers = readAnswers(reader) {
            fastAnswers = answers
            answersRange = start.0..<i
        } else {
            (i, line, lineStart) = start
            fastAnswers = nil
            pairs.append(("answers", try parseValue()))
            answersRange = start.0..<i
        }
    }

    /// Checks one value's syntax without building it.
    mutating func skipValue() throws {
        skipSpace()
        guard i < bytes.count else { throw fail("tệp kết thúc giữa chừng", "unexpected end of file") }
        switch bytes[i] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == close { i += 1; return }
            while true {
                skipSpace()
                if isObject {
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("cần tên khoá trong dấu nháy kép", "expected a quoted key") }
                    try skipString()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("cần dấu ':' sau khoá", "expected ':' after the key") }
                    i += 1
                }
                try skipValue()
                skipSpace()
                guard i < bytes.count else { throw isObject ? fail("thiếu dấu '}'", "missing '}'") : fail("thiếu dấu ']'", "missing ']'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == close { i += 1; return }
                throw isObject ? fail("cần ',' hoặc '}'", "expected ',' or '}'") : fail("cần ',' hoặc ']'", "expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            try skipString()
        default:
            _ = try parseValue()
        }
    }

    mutating func skipString() throws {
        var j = i + 1
        while j < bytes.count {
            let c = bytes[j]
            if c == UInt8(ascii: "\"") { i = j + 1; return }
            if c == UInt8(ascii: "\\") { j += 2 } else if c == 0x0A { break } else { j += 1 }
        }
        i = j
        throw i < bytes.count ? fail("chuỗi xuống dòng mà chưa đóng dấu nháy", "unterminated string") : fail("chuỗi chưa đóng dấu nháy", "unterminated string")
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("giá trị không đọc được", "unexpected character") }
        i += w.count
    }

    mutating func parseString() throws -> String {
        i += 1
        // Most strings have no escapes: take their bytes as they are.
        var j = i
        while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\"), bytes[j] != 0x0A { j += 1 }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            guard let s = JSONTreeParser.text(UnsafeBufferPointer(rebasing: bytes[i..<j])) else {
                throw fail("chuỗi không phải UTF-8 hợp lệ", "text is not valid UTF-8")
            }
            i = j + 1
            return s
        }
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                guard let s = out.withUnsafeBufferPointer(JSONTreeParser.text) else { throw fail("chuỗi không phải UTF-8 hợp lệ", "text is not valid UTF-8") }
                return s
            }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out += Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(e)
                }
                continue
            }
            if b == 0x0A { throw fail("chuỗi xuống dòng mà chưa đóng dấu nháy", "unterminated string") }
            out.append(b)
            i += 1
        }
        throw fail("chuỗi chưa đóng dấu nháy", "unterminated string")
    }

    /// The text of UTF-8 bytes; nil when they are not valid UTF-8. (The generic
    /// `String(validating:)` looks up type metadata on every call: it showed when reading
    /// thousands of files.)
    static func text(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        let s = String(decoding: utf8, as: UTF8.self)
        // Decoding replaces what is not valid, so the same bytes back mean all were valid.
        var copy = s
        let same = copy.withUTF8 { $0.count == utf8.count && ($0.isEmpty || memcmp($0.baseAddress!, utf8.baseAddress!, $0.count) == 0) }
        return same ? s : nil
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
            throw fail("mã \\u không hợp lệ", "invalid \\u escape")
        }
        i += 4
        return v
    }
}
