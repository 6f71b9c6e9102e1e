import Foundation
import Testing

@testable import TextNormalization

/// Foundation's normalization: the oracle.
private func oracle(_ s: String) -> String { s.precomposedStringWithCanonicalMapping }

/// Swift's `==` on strings ignores normalization: compare the bytes.
private func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

private func hex(_ s: String) -> String {
    s.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
}

@Suite struct NFCTests {
    /// Every Unicode scalar, alone and where NFC joins: after letters that take accents ("a",
    /// "e"), after a Hangul leading consonant (vowel jamo), after a Hangul LV syllable
    /// (trailing jamo); and the canonical decomposition of every scalar, which NFC composes
    /// again (this finds every scalar that joins the one before, e.g. Indic vowel signs).
    /// Whenever the fast check says "surely NFC", Foundation's NFC must leave the text as it
    /// is — and `.nfc` is then the text itself, elsewhere Foundation's NFC.
    ///
    /// The fast check decides scalar by scalar (text is surely NFC when each scalar "stays"),
    /// which is checked on a sample of the strings below; that lets one Foundation call check
    /// a whole block: "a s e s ᄀ s 가 s" for every staying s of the block in one string (none of
    /// "a", "e", "ᄀ", "가" ever joins the scalar before), each string alone only on a mismatch.
    /// Debug builds are slow at building millions of small strings: this keeps it to seconds.
    @Test func fastCheckAgreesWithFoundation() {
        var failures: [String] = []
        let prefixes: [Unicode.Scalar] = ["a", "e", "\u{1100}", "\u{AC00}"]
        var staying = 0
        var start: UInt32 = 0
        while start <= 0x10FFFF {
            let end = min(start + 0x8000, 0x110000)
            let scalars = (start..<end).compactMap(Unicode.Scalar.init)
            start = end
            var block = String.UnicodeScalarView()
            var claimed: [Unicode.Scalar] = []
            for s in scalars {
                let alone = String(s)
                let fast = alone.isSurelyNFC
                // The byte path (UTF-8) and the scalar path are the same check.
                if fast != s.staysInNFC { failures.append("byte and scalar checks differ: \(hex(alone))") }
                // Sampled: text is surely NFC when each of its scalars is.
                if s.value % 61 == 0 {
                    for p in prefixes where (String(p) + alone).isSurelyNFC != fast {
                        failures.append("not scalar by scalar: \(hex(String(p) + alone))")
                    }
                    if (alone + "\u{0301}").isSurelyNFC {
                        failures.append("surely NFC with a combining accent: \(hex(alone))")
                    }
                }
                guard fast else { continue }
                claimed.append(s)
                block.append(s)
                for p in prefixes {
                    block.append(p)
                    block.append(s)
                }
            }
            staying += claimed.count
            let text = String(block)
            if !same(oracle(text), text) {
                for s in claimed {
                    for t in [String(s)] + prefixes.map({ String($0) + String(s) }) where !same(oracle(t), t) {
                        failures.append("surely NFC but not: \(hex(t)) → \(hex(oracle(t)))")
                    }
                }
            }
            // The decompositions, one Foundation call for the block ("\n" decomposes to itself).
            let originals = scalars.filter { $0 != "\n" }
            let joined = originals.map(String.init).joined(separator: "\n")
            let decomposed = joined.decomposedStringWithCanonicalMapping
            if !same(decomposed, joined) {
                for (s, d) in zip(originals, decomposed.split(separator: "\n", omittingEmptySubsequences: false)) {
                    let t = String(d)
                    guard !same(t, String(s)) else { continue }
                    if t.isSurelyNFC, !same(oracle(t), t) {
                        failures.append("surely NFC but not: \(hex(t)) → \(hex(oracle(t)))")
                    }
                    if !same(t.nfc, oracle(t)) { failures.append(".nfc differs from Foundation: \(hex(t))") }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(20).joined(separator: "; "))")
        // Most of the code space is unassigned, private or CJK: surely NFC, no normalization.
        #expect(staying > 1_000_000)
    }

    @Test func knownCases() {
        // Decomposed Vietnamese → precomposed.
        #expect(same("Vie\u{0302}\u{0323}t".nfc, "Việt"))
        #expect("Việt Nam – “báo cáo” ₫".isSurelyNFC)
        #expect(!"Vie\u{0302}\u{0323}t".isSurelyNFC)
        // Singletons and composition exclusions the old checks let through.
        #expect(same("\u{2000}".nfc, "\u{2002}"))
        #expect(same("\u{0958}".nfc, "\u{0915}\u{093C}"))
        #expect(same("\u{2ADC}".nfc, "\u{2ADD}\u{0338}"))
        // Hangul jamo compose.
        #expect(same("\u{1100}\u{1161}\u{11A8}".nfc, "\u{AC01}"))
        #expect(!"\u{1100}\u{1176}".isSurelyNFC)
        // A class-0 vowel sign joins the letter before.
        #expect(same("\u{0B47}\u{0B3E}".nfc, "\u{0B4B}"))
    }
}
