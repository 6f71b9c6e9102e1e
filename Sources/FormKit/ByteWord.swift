/// Eight bytes of text looked at at once (SWAR), for the JSON reader and writer: each test
/// sets the high bit (0x80) of the bytes it finds. The lowest set bit marks the first such
/// byte exactly; bits above it may be false alarms (a borrow), which a byte-wise look settles.
enum ByteWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes from `base + offset`, the first in the low byte. The caller makes sure
    /// all eight lie within its buffer.
    @inline(__always) static func load(_ base: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
    }

    /// The bytes equal to `byte`: a byte is zero where (x - 1) borrows into its high bit.
    @inline(__always) static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// The bytes below `byte` (which is at most 0x80).
    @inline(__always) static func below(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        (word &- ones &* UInt64(byte)) & ~word & highs
    }
}
