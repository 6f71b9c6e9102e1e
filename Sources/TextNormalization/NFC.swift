import Foundation

// Unicode NFC for every text the tool stores, in one place (forms, submissions, workbooks).
// Normalizing is costly; most text is NFC already and is told so from its bytes.

extension String {
    /// Unicode NFC: how every text is stored.
    public var nfc: String { isSurelyNFC ? self : precomposedStringWithCanonicalMapping }

    /// True when NFC surely leaves this text as it is: every scalar is a starter (canonical
    /// combining class 0) that NFC neither replaces nor joins to the scalar before it
    /// (NFC_Quick_Check=Yes). False means "maybe not". Plain ASCII and Vietnamese text
    /// (U+0000–U+02FF, U+1E00–U+1EFF, punctuation) is decided from its UTF-8 bytes alone.
    public var isSurelyNFC: Bool {
        if let answer = utf8.withContiguousStorageIfAvailable(TextNormalization.isSurelyNFC(utf8:)) { return answer }
        return unicodeScalars.allSatisfy(\.staysInNFC)
    }
}

enum TextNormalization {
    /// `String.isSurelyNFC` over (valid) UTF-8.
    static func isSurelyNFC(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            // U+0000–U+02FF (lead bytes below 0xCC, and the continuation bytes of these).
            if b < 0xCC {
                i += 1
                continue
            }
            // Vietnamese letters with their marks (U+1E00–U+1EFF: E1 B8 80 – E1 BB BF), a third of
            // the letters of a Vietnamese text, told without decoding them.
            if b == 0xE1, i + 2 < n, bytes[i + 1] & 0xFC == 0xB8 {
                i += 3
                continue
            }
            let length = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            guard i + length <= n else { return false }
            var value = UInt32(b & (0xFF >> (length + 1)))
            for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
            guard let scalar = Unicode.Scalar(value), scalar.staysInNFC else { return false }
            i += length
        }
        return true
    }
}

extension Unicode.Scalar {
    /// A starter NFC keeps as it is and never joins to the scalar before: canonical
    /// combining class 0, NFC_Quick_Check=Yes.
    var staysInNFC: Bool {
        let v = value
        // No property lookup for the common: below the combining marks, Vietnamese letters
        // (Latin Extended Additional), punctuation, super- and subscripts, currency (₫, €).
        if v < 0x300 || (0x1E00...0x1EFF).contains(v) || (0x2002...0x20CF).contains(v) { return true }
        let p = properties
        // Combining marks; scalars NFC replaces (singletons such as U+2000 or the CJK
        // compatibility ideographs, composition exclusions such as U+0958).
        if p.canonicalCombiningClass != .notReordered || p.isFullCompositionExclusion { return false }
        // Class-0 marks, some of which join the letter before (U+09BE, U+0B3E, U+102E…).
        if p.generalCategory == .spacingMark || p.generalCategory == .nonspacingMark { return false }
        // Hangul vowel and trailing consonant jamo join the syllable before. U+1176 does not
        // (Unicode), yet Foundation on Linux joins it to a leading consonant (U+1100 U+1176 →
        // U+AE4C): it is left to Foundation, so that `.nfc` always gives what Foundation gives.
        if (0x1161...0x1176).contains(v) || (0x11A8...0x11C2).contains(v) { return false }
        return true
    }
}
