import Foundation

/// A JSON value to write, with object keys kept in the order given, so files are
/// stable to diff and the content hash is reproducible.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.render() == b.render() }

    /// Pretty (two-space indent) or compact text.
    public func render(pretty: Bool = false) -> String {
        String(decoding: bytes(pretty: pretty), as: UTF8.self)
    }

    /// The UTF-8 bytes of the text: written straight into a byte buffer, which is what the
    /// content hash and the submission files need, and much faster than appending Strings.
    public func bytes(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(&out, pretty: pretty, indent: 0)
        return out
    }

    private func newline(_ out: inout [UInt8], _ pretty: Bool, _ indent: Int) {
        guard pretty else { return }
        out.append(10)
        out.append(contentsOf: repeatElement(32, count: indent * 2))
    }

    private func write(_ out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let n): out += Array((n.isFinite ? formatNumber(n) : "null").utf8)
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                out += [91, 93]
                return
            }
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(44) }
                newline(&out, pretty, indent + 1)
                item.write(&out, pretty: pretty, indent: indent + 1)
            }
            newline(&out, pretty, indent)
            out.append(93)
        case .object(let pairs):
            if pairs.isEmpty {
                out += [123, 125]
                return
            }
            out.append(123)
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out.append(44) }
                newline(&out, pretty, indent + 1)
                JSON.quote(k, into: &out)
                out.append(58)
                if pretty { out.append(32) }
                v.write(&out, pretty: pretty, indent: indent + 1)
            }
            newline(&out, pretty, indent)
            out.append(125)
        }
    }

    /// Whether any byte is a control character (below 0x20), '"' or '\\': eight bytes at a
    /// time (`ByteWord`), then the rest.
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var j = 0
        // Within the buffer (j + 8 <= count). A false alarm only sends the word to the look below.
        while j + 8 <= bytes.count {
            let word = ByteWord.load(base, j)
            if ByteWord.equal(word, 0x22) | ByteWord.equal(word, 0x5C) | ByteWord.below(word, 0x20) != 0 { break }
            j += 8
        }
        while j < bytes.count {
            let b = base[j]
            if b < 32 || b == 34 || b == 92 { return true }
            j += 1
        }
        return false
    }

    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(34)
        // Most text needs no escape: its bytes are looked at in place and copied at once.
        let plain = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !JSON.needsEscape(bytes) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain == true {
            out.append(34)
            return
        }
        for b in s.utf8 {
            switch b {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 9: out += [92, 116]
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                out += [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(34)
    }
}

extension JSON {
    /// The compact text of `JSON(answers)`, written straight from the answers: the content
    /// hash of every submission read goes through here.
    public static func compactBytes(_ answers: Answers, into out: inout [UInt8]) {
        compactObject(answers.sections, into: &out) { compactObject($0, into: &$1) { compactBytes($0, into: &$1) } }
    }

    /// `{"key":value,…}` with keys sorted. Keys are form ids (ASCII), whose String order is
    /// their byte order (and for ASCII, String's comparison is a plain memory comparison).
    private static func compactObject<V>(
        _ object: [String: V], into out: inout [UInt8], _ value: (V, inout [UInt8]) -> Void
    ) {
        out.append(123)
        // The entries' positions sorted, not copies of the entries: nothing to retain or free.
        for (i, index) in object.indices.sorted(by: { object[$0].key < object[$1].key }).enumerated() {
            if i > 0 { out.append(44) }
            let (k, v) = object[index]
            quote(k, into: &out)
            out.append(58)
            value(v, &out)
        }
        out.append(125)
    }

    /// `[item,…]`.
    private static func compactArray<T>(_ items: [T], into out: inout [UInt8], _ item: (T, inout [UInt8]) -> Void) {
        out.append(91)
        for (i, x) in items.enumerated() {
            if i > 0 { out.append(44) }
            item(x, &out)
        }
        out.append(93)
    }

    private static func compactBytes(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .text(let s): quote(s, into: &out)
        case .number(let n): out.append(contentsOf: (n.isFinite ? formatNumber(n) : "null").utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .list(let l): compactArray(l, into: &out) { quote($0, into: &$1) }
        case .rows(let rows):
            compactArray(rows, into: &out) { row, out in compactObject(row, into: &out) { compactBytes($0, into: &$1) }
            }
        }
    }

    /// Answers as the nested JSON object of the submission format, keys sorted.
    public init(_ answers: Answers) {
        self = .object(
            answers.sections.keys.sorted().map { s in
                (s, .object(answers.sections[s]!.keys.sorted().map { f in (f, JSON(answers.sections[s]![f]!)) }))
            })
    }

    public init(_ value: Value) {
        switch value {
        case .text(let s): self = .string(s)
        case .number(let n): self = .number(n)
        case .bool(let b): self = .bool(b)
        case .list(let l): self = .array(l.map { .string($0) })
        case .rows(let rows): self = .array(rows.map { row in .object(row.keys.sorted().map { ($0, JSON(row[$0]!)) }) })
        }
    }
}
