import TestSupport
import Testing

@testable import FormKit

/// The scan's UTF-8 check (no String made) agrees with the full read's on every kind of byte sequence.
@Suite struct UTF8CheckTests {
    @Test func theScansCheckAgreesWithTheStandardLibrary() {
        var state: UInt64 = 11
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let interesting: [UInt8] = [
            0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x90, 0xA0,
            0x9F
        ]
        for length in 0..<6 {
            for _ in 0..<4000 {
                let bytes = (0..<length).map { _ in interesting[Int(next() % UInt64(interesting.count))] }
                let expected = String(validating: bytes, as: UTF8.self) != nil
                #expect(bytes.withUnsafeBufferPointer(JSONTreeParser.isValidUTF8) == expected, "\(bytes)")
            }
        }
    }
}
