import Foundation

/// A place in a file a person can open: 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    case error, warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }

    public func label(_ language: Language) -> String {
        switch (self, language) {
        case (.error, .vi): return "lỗi"
        case (.warning, .vi): return "cảnh báo"
        case (.error, .en): return "error"
        case (.warning, .en): return "warning"
        }
    }
}

/// A problem found in a form, layout or input file, at a place in it.
public struct Diagnostic: Sendable, Hashable, Error {
    public var severity: Severity
    public var location: SourceLocation
    public var message: LocalizedText

    public init(_ severity: Severity, _ location: SourceLocation, _ message: LocalizedText) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `file:line:col: error: message` — the compiler convention editors understand;
    /// the severity word stays English so tools can read it in either language.
    public func formatted(_ language: Language) -> String {
        "\(location): \(severity.rawValue): \(message.text(language))"
    }
}

/// Thrown when a file has errors; carries every diagnostic found, not only the first.
public struct DiagnosticsError: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}

/// "; có phải 'x'?" / "; did you mean 'x'?" for the candidate closest to a misspelt `name`,
/// or nothing: what every "no such …" message ends with. `quote` writes the name as the file
/// would (`{x}` for a parameter, `$x` in an expression).
package func didYouMean(_ name: String, in candidates: [String], quote: (String) -> String = { "'\($0)'" })
    -> LocalizedText
{
    guard let hint = closestName(to: name, in: candidates) else { return L("", "") }
    return L("; có phải \(quote(hint))?", "; did you mean \(quote(hint))?")
}

extension LocalizedText {
    /// Both versions followed by the other's.
    public static func + (a: LocalizedText, b: LocalizedText) -> LocalizedText {
        LocalizedText(a.vi + b.vi, en: (a.en ?? a.vi) + (b.en ?? b.vi))
    }
}

/// The closest candidate to a misspelt name, for "did you mean …?".
package func closestName(to name: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(name.lowercased(), c.lowercased())
        if d <= max(2, name.count / 3), best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}

/// Levenshtein distance, in characters.
package func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
