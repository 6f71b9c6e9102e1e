import FormKit

/// A piece of HTML that is safe to put into a page as it is. The pages are built only from
/// these: a string literal is markup written here, and every `String` interpolated into one
/// goes through `escapeHTML` — so user text (answers, unit names, comments) can only ever
/// show as text. `HTML(raw:)` is for markup already built, never for user text.
package struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    package private(set) var text: String

    package init(raw text: String) { self.text = text }
    package init(stringLiteral value: String) { text = value }
    package init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    package var description: String { text }

    package static func + (a: HTML, b: HTML) -> HTML { HTML(raw: a.text + b.text) }
    package static func += (a: inout HTML, b: HTML) { a.text += b.text }

    /// The pieces one after the other.
    package static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(raw: parts.map(\.text).joined(separator: separator.text))
    }

    package struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        package init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }
        package mutating func appendLiteral(_ literal: String) { text += literal }
        /// Text: escaped, always.
        package mutating func appendInterpolation(_ value: String) { text += escapeHTML(value) }
        package mutating func appendInterpolation(_ value: Int) { text += String(value) }
        /// Markup already built from `HTML` pieces.
        package mutating func appendInterpolation(_ value: HTML) { text += value.text }
        package mutating func appendInterpolation(_ values: [HTML]) { for v in values { text += v.text } }
        /// Text in the page's language.
        package mutating func appendInterpolation(_ value: LocalizedText, _ language: Language) {
            text += escapeHTML(value.text(language))
        }
    }
}

/// The one escape of text for HTML, in element content and in quoted attribute values alike:
/// `& < > " '` become character references, and a control character other than tab, line
/// feed and carriage return (never in stored text, but a URL can carry one) becomes U+FFFD.
package func escapeHTML(_ s: String) -> String {
    // Most text needs nothing: return it without a copy.
    guard s.unicodeScalars.contains(where: needsEscape) else { return s }
    var out = ""
    out.unicodeScalars.reserveCapacity(s.unicodeScalars.count + 16)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case _ where isControl(u): out.unicodeScalars.append("\u{FFFD}")
        default: out.unicodeScalars.append(u)
        }
    }
    return out
}

private func needsEscape(_ u: Unicode.Scalar) -> Bool {
    u == "&" || u == "<" || u == ">" || u == "\"" || u == "'" || isControl(u)
}

private func isControl(_ u: Unicode.Scalar) -> Bool {
    (u.value < 0x20 && u != "\t" && u != "\n" && u != "\r") || u.value == 0x7F || (0x80...0x9F).contains(u.value)
}

/// A path segment or query value put into a URL (then into an attribute, escaped again as text):
/// everything but unreserved characters percent-encoded.
package func urlComponent(_ s: String) -> String {
    var allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".unicodeScalars)
    allowed.reserveCapacity(70)
    var out = ""
    for byte in s.utf8 {
        let u = Unicode.Scalar(byte)
        if byte < 0x80, allowed.contains(u) {
            out.unicodeScalars.append(u)
        } else {
            out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
        }
    }
    return out
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}
