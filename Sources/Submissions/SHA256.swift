import CSHA256

/// SHA-256 (FIPS 180-4), for the content hash of a submission. Small enough to own:
/// it saves a cryptography package and its build time for one checksum. The blocks go
/// through the processor's SHA extensions where it has them (CSHA256).
public enum SHA256 {
    /// Whether the blocks are compressed with the processor's SHA extensions (see CSHA256):
    /// a merge hashes every submission it reads.
    static let hardware = csha256_hardware() == 1

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest(Array(bytes)) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func digest(_ message: [UInt8]) -> [UInt8] { digest(message, hardware: hardware) }

    static func digest(_ message: [UInt8], hardware: Bool) -> [UInt8] {
        var state: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        // The whole blocks straight from the message, then its padded tail (one or two blocks).
        let whole = message.count / 64
        message.withUnsafeBufferPointer { compress(&state, $0.baseAddress, blocks: whole, hardware: hardware) }
        var tail = Array(message[(whole * 64)...])
        tail.append(0x80)
        tail.append(contentsOf: repeatElement(0, count: (56 - tail.count % 64 + 64) % 64))
        let bitLength = UInt64(message.count) * 8
        for i in (0..<8).reversed() { tail.append(UInt8((bitLength >> (UInt64(i) * 8)) & 0xff)) }
        tail.withUnsafeBufferPointer { compress(&state, $0.baseAddress, blocks: tail.count / 64, hardware: hardware) }
        return state.flatMap { v in (0..<4).reversed().map { UInt8((v >> (UInt32($0) * 8)) & 0xff) } }
    }

    private static func compress(_ state: inout [UInt32], _ data: UnsafePointer<UInt8>?, blocks: Int, hardware: Bool) {
        guard blocks > 0, let data else { return }
        if hardware {
            state.withUnsafeMutableBufferPointer { csha256_blocks($0.baseAddress, data, blocks) }
            return
        }
        var h = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
        var w = [UInt32](repeating: 0, count: 64)
        let k = UnsafeBufferPointer(start: csha256_constants(), count: 64)
        // Bounds are known here (whole 64-byte blocks, 64 words): no checks in the loop.
        w.withUnsafeMutableBufferPointer { w in
            for block in 0..<blocks {
                let bytes = data + block * 64
                for i in 0..<16 {
                    let j = i * 4
                    w[i] = UInt32(bytes[j]) << 24 | UInt32(bytes[j + 1]) << 16 | UInt32(bytes[j + 2]) << 8 | UInt32(bytes[j + 3])
                }
                for i in 16..<64 {
                    let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                    let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                    w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                }
                var (a, b, c, d, e, f, g, hh) = h
                for i in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
                h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
            }
        }
        state = [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7]
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
