import Foundation

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
    /// Unicode NFC: how every text is stored.
    public var nfc: String { isSurelyNFC ? self : precomposedStringWithCanonicalMapping }

    /// True when no scalar could change under NFC: no combining mark, no Hangul jamo, no
    /// scalar with a singleton decomposition. Most text passes this scan and skips the
    /// (costly) normalization.
    public var isSurelyNFC: Bool {
        // Vietnamese letters (U+1E00–U+1EFF) are precomposed already: no lookup for them.
        // Nor for general punctuation, currency, arrows and shapes (dashes, quotes, ☒) bar a few singletons.
        for u in unicodeScalars where u.value >= 0x300 && !(0x1E00...0x1EFF).contains(u.value)
            && !(0x2002...0x20CF).contains(u.value) && !(0x2190...0x2328).contains(u.value) && !(0x232B...0x2BFF).contains(u.value) {
            if u.properties.canonicalCombiningClass != .notReordered { return false }
            switch u.value {
            case 0x0340...0x0345, 0x0374, 0x037E, 0x0387, 0x1100...0x11FF, 0x1F71...0x1FFD, 0x2000...0x2001,
                 0x2126, 0x212A...0x212B, 0x2329...0x232A, 0xF900...0xFAFF, 0x2F800...0x2FA1D:
                return false
            default:
                // Combining marks with class 0 (some Indic vowel signs) compose too.
                if u.properties.generalCategory == .spacingMark || u.properties.generalCategory == .nonspacingMark { return false }
            }
        }
        return true
    }

    /// The key under which two names are "the same" for a person:
    /// NFC, case folded, diacritics removed (đ → d), runs of white space collapsed.
    public var matchKey: String {
        let folded = nfc.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "đ", with: "d")
            .replacingOccurrences(of: "Đ", with: "d")
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Text as stored: NFC, with surrounding white space removed.
    public var cleanedInput: String {
        let n = nfc
        // Most input has nothing to trim: skip the copy then.
        if let f = n.unicodeScalars.first, let l = n.unicodeScalars.last, !f.isSpace, !l.isSpace { return n }
        return n.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Unicode.Scalar {
    /// Unicode white space (`properties.isWhitespace`), with ASCII decided without the
    /// property lookup: every answer is checked for it.
    @inline(__always) public var isSpace: Bool {
        value < 0x80 ? value == 0x20 || (0x09...0x0D).contains(value) : properties.isWhitespace
    }
}
