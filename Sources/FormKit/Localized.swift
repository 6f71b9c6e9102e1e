import Foundation
// `String.nfc`, for FormKit and everything that imports it.
@_exported import TextNormalization

/// The language of everything a person reads: prompts, messages, labels.
public enum Language: String, Sendable, CaseIterable, Codable {
    case vi, en
}

/// Text in Vietnamese with an optional English version.
/// Vietnamese is the official language of the form; English falls back to it.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var vi: String
    public var en: String?

    public init(_ vi: String, en: String? = nil) {
        self.vi = vi
        self.en = en
    }

    public func text(_ language: Language) -> String {
        language == .en ? (en ?? vi) : vi
    }

    /// Both versions passed through `transform`.
    public func map(_ transform: (String) -> String) -> LocalizedText {
        LocalizedText(transform(vi), en: en.map(transform))
    }
}

/// A message the tool itself says, always written in both languages.
public func L(_ vi: String, _ en: String) -> LocalizedText {
    LocalizedText(vi, en: en)
}

extension String {
    /// The key under which two names are "the same" for a person:
    /// NFC, case folded, diacritics removed (đ → d), runs of white space collapsed.
    package var matchKey: String {
        let folded = nfc.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "đ", with: "d")
            .replacingOccurrences(of: "Đ", with: "d")
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Text as stored: NFC, with surrounding white space removed.
    package var cleanedInput: String {
        let n = nfc
        // Most input has nothing to trim: skip the copy then.
        if let f = n.unicodeScalars.first, let l = n.unicodeScalars.last, !f.isSpace, !l.isSpace { return n }
        return n.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Unicode.Scalar {
    /// Unicode white space (`properties.isWhitespace`), with ASCII decided without the
    /// property lookup: every answer is checked for it.
    @inline(__always) package var isSpace: Bool {
        value < 0x80 ? value == 0x20 || (0x09...0x0D).contains(value) : properties.isWhitespace
    }
}
