import Foundation
import Yams

/// Reads YAML nodes for the form and layout loaders, collecting every problem
/// with its file:line:col instead of stopping at the first.
package final class YAMLReader {
    package let file: String
    package private(set) var diagnostics: [Diagnostic] = []

    package init(file: String) { self.file = file }

    /// Parses the text; a syntax error becomes a diagnostic at its place.
    package func compose(_ text: String) -> Node? {
        do {
            // No implicit tags: the loaders read every scalar as text and decide its type
            // themselves, and resolving tags runs regular expressions on every key (Yams hashes
            // keys to find duplicates): a unit list of thousands took a fifth of a second.
            guard let node = try Yams.compose(yaml: text, .basic) else { return nil }
            // Aliases (`*name`) are expanded by sharing: a few lines can stand for billions of
            // values. Every reader walks the whole tree, so it is counted first, within a limit.
            // (No '*' in the text, no alias: nothing to count.)
            var budget = InputLimits.values
            if text.utf8.contains(UInt8(ascii: "*")), let place = YAMLReader.exceeds(node, &budget) {
                error(
                    at: SourceLocation(file: file, line: place.mark?.line ?? 1, column: place.mark?.column ?? 1),
                    L(
                        "tệp có quá \(InputLimits.values) giá trị khi khai triển các bí danh YAML ('*tên'); hãy viết các giá trị ra thay vì dùng bí danh lồng nhau",
                        "the file holds more than \(InputLimits.values) values once its YAML aliases ('*name') are expanded; write the values out instead of nesting aliases"
                    ))
                return nil
            }
            return node
        } catch let e as YamlError {
            switch e {
            case .parser(_, let problem, let mark, _) where problem.hasPrefix("Maximum nesting level"):
                error(
                    at: SourceLocation(file: file, line: mark.line, column: mark.column),
                    L("các danh sách/bảng khoá lồng nhau quá sâu", "lists and mappings nest too deep"))
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                error(
                    at: SourceLocation(file: file, line: mark.line, column: mark.column),
                    L("cú pháp YAML: \(problem)", "YAML syntax: \(problem)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
                error(
                    at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                    L("khoá \(keys) bị lặp lại trong cùng một bảng khoá", "duplicate key \(keys) in the same mapping"))
            case .reader(let problem, _, _, _):
                error(
                    at: SourceLocation(file: file, line: 1, column: 1),
                    L(
                        "không đọc được tệp (mã hoá phải là UTF-8): \(problem)",
                        "cannot read the file (it must be UTF-8): \(problem)"))
            default:
                error(at: SourceLocation(file: file, line: 1, column: 1), L("cú pháp YAML: \(e)", "YAML syntax: \(e)"))
            }
        } catch {
            self.error(
                at: SourceLocation(file: file, line: 1, column: 1), L("cú pháp YAML: \(error)", "YAML syntax: \(error)")
            )
        }
        return nil
    }

    /// The node where counting the tree's values passes `budget`; nil when it stays within.
    static func exceeds(_ node: Node, _ budget: inout Int) -> Node? {
        budget -= 1
        if budget < 0 { return node }
        switch node {
        case .scalar, .alias: return nil
        case .sequence(let items):
            for item in items { if let place = exceeds(item, &budget) { return place } }
        case .mapping(let pairs):
            for (k, v) in pairs {
                if let place = exceeds(k, &budget) ?? exceeds(v, &budget) { return place }
            }
        }
        return nil
    }

    package func location(_ node: Node?) -> SourceLocation {
        let m = node?.mark
        return SourceLocation(file: file, line: m?.line ?? 1, column: m?.column ?? 1)
    }

    package func error(at location: SourceLocation, _ message: LocalizedText) {
        diagnostics.append(Diagnostic(.error, location, message))
    }

    package func warning(at location: SourceLocation, _ message: LocalizedText) {
        diagnostics.append(Diagnostic(.warning, location, message))
    }

    package func error(_ node: Node?, _ message: LocalizedText) { error(at: location(node), message) }
    package func warning(_ node: Node?, _ message: LocalizedText) { warning(at: location(node), message) }

    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Opens a mapping that may only have `allowed` keys; unknown and repeated keys are
    /// reported (with a did-you-mean). Returns nil, reported, when the node is not a mapping.
    package func mapping(_ node: Node?, what: LocalizedText, allowed: [String]) -> YAMLMapping? {
        guard let node else { return nil }
        guard case .mapping(let m) = node else {
            error(
                node,
                L("\(what.vi) phải là một bảng khoá: giá trị", "\(what.text(.en)) must be a mapping of key: value"))
            return nil
        }
        // Only allowed keys are kept, each once: a few, looked up in a list (a dictionary for
        // each of 10,000 units of a unit list cost more than reading them).
        var pairs: [(name: String, key: Node, value: Node)] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                error(k, L("khoá phải là một chuỗi", "a key must be a plain string"))
                continue
            }
            if pairs.contains(where: { $0.name == key }) {
                error(k, L("khoá '\(key)' bị lặp lại", "duplicate key '\(key)'"))
                continue
            }
            if !allowed.contains(key) {
                error(
                    k,
                    L(
                        "khoá không được biết '\(key)' trong \(what.vi)",
                        "unknown key '\(key)' in \(what.text(.en))") + didYouMean(key, in: allowed))
                continue
            }
            pairs.append((key, k, v))
        }
        return YAMLMapping(node: node, pairs: pairs, reader: self)
    }

    /// The items of a sequence; anything else is reported.
    package func sequence(_ node: Node?, what: LocalizedText) -> [Node] {
        guard let node else { return [] }
        guard case .sequence(let s) = node else {
            error(
                node,
                L(
                    "\(what.vi) phải là một danh sách (mỗi mục bắt đầu bằng '- ')",
                    "\(what.text(.en)) must be a list (each item starting with '- ')"))
            return []
        }
        return Array(s)
    }
}

/// One YAML mapping whose keys were checked against what is allowed.
package struct YAMLMapping {
    package let node: Node
    let pairs: [(name: String, key: Node, value: Node)]
    let reader: YAMLReader

    package func has(_ key: String) -> Bool { pairs.contains { $0.name == key } }
    package func node(_ key: String) -> Node? { pairs.first { $0.name == key }?.value }
    package func keyNode(_ key: String) -> Node? { pairs.first { $0.name == key }?.key }

    /// A text value; a missing required key is reported at the mapping.
    package func string(_ key: String, required: Bool = false, what: String? = nil) -> String? {
        guard let v = node(key) else {
            if required {
                reader.error(node, L("thiếu khoá bắt buộc '\(key)'", "missing required key '\(key)'"))
            }
            return nil
        }
        guard let s = v.scalar?.string else {
            reader.error(
                v,
                L("'\(key)' phải là một giá trị đơn (chữ hoặc số)", "'\(key)' must be a single value (text or number)"))
            return nil
        }
        return s.nfc
    }

    package func bool(_ key: String) -> Bool? {
        guard let v = node(key) else { return nil }
        switch v.scalar?.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            reader.error(v, L("'\(key)' phải là true hoặc false", "'\(key)' must be true or false"))
            return nil
        }
    }

    package func int(_ key: String) -> Int? {
        guard let v = node(key) else { return nil }
        guard let s = v.scalar?.string, let n = Int(s) else {
            reader.error(v, L("'\(key)' phải là một số nguyên", "'\(key)' must be a whole number"))
            return nil
        }
        return n
    }

    /// Vietnamese text under `key` with its English version under `key_en`.
    package func localized(_ key: String, required: Bool = false) -> LocalizedText? {
        guard let vi = string(key, required: required) else { return nil }
        return LocalizedText(vi, en: string(key + "_en"))
    }

    /// Where the value of `key` is, or the mapping itself.
    package func location(_ key: String) -> SourceLocation {
        reader.location(node(key) ?? node)
    }

    /// The column where the text of a scalar value starts (after an opening quote).
    package func textLocation(_ key: String) -> SourceLocation {
        var loc = location(key)
        if let style = node(key)?.scalar?.style, style == .singleQuoted || style == .doubleQuoted {
            loc.column += 1
        }
        return loc
    }
}
