import Crypto
import FormKit
import Foundation
import SQLKit
import Submissions
import _CryptoExtras

/// A secret made of `bytes` random bytes (system generator), written base64url without padding:
/// what goes into a link or a cookie.
package func randomToken(bytes: Int = 32) -> String {
    var generator = SystemRandomNumberGenerator()
    let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return base64url(raw)
}

package func base64url(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}

/// The SHA-256 of a token, hex: what the store keeps of a link or a session.
func tokenHash(_ token: String) -> String {
    SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
}

/// Passwords: scrypt (swift-crypto's _CryptoExtras), N = 2^15, r = 8, p = 3 (32 MiB, one of
/// OWASP's recommended settings), a 16-byte salt; kept as `scrypt$N$r$p$salt$hash`.
package enum PasswordHash {
    static let n = 1 << 15
    static let r = 8
    static let p = 3

    package static func make(_ password: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let key = derive(password, salt: salt, n: n, r: r, p: p)
        return "scrypt$\(n)$\(r)$\(p)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    package static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]),
            let p = Int(parts[3]), let salt = Data(base64Encoded: parts[4]),
            let expected = Data(base64Encoded: parts[5])
        else { return false }
        let key = derive(password, salt: [UInt8](salt), n: n, r: r, p: p)
        // Constant time: every byte compared.
        guard key.count == expected.count else { return false }
        return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ password: String, salt: [UInt8], n: Int, r: Int, p: Int) -> [UInt8] {
        let key = try? KDF.Scrypt.deriveKey(
            from: Array(password.nfc.utf8), salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p)
        return key?.withUnsafeBytes { [UInt8]($0) } ?? []
    }
}

/// A coordinator's session: who, and the token every form post must carry.
public struct CoordinatorSession: Sendable, Equatable {
    public var coordinator: String
    public var csrfToken: String
    /// Seconds since 1970 when it ends.
    public var expires: Int
}

/// What a login attempt came to.
public enum LoginResult: Sendable, Equatable {
    /// The session and the cookie's token (given once, only its hash is kept).
    case success(session: CoordinatorSession, token: String)
    case wrongPassword
    /// Too many wrong passwords for this name: try again after so many seconds.
    case throttled(retryAfter: Int)
}

extension CampaignStore {
    // MARK: - Unit links

    /// Issues a new link token for a unit (replacing its old one: the old link stops working).
    /// The token is returned once; the store keeps only its hash.
    public func issueToken(unit unitId: String, now: Date = Date()) throws(StoreError) -> String {
        let token = randomToken()
        let at = Self.timestamp(now)
        try db.transaction { () throws(StoreError) in
            _ = try lockedUnit(unitId)
            try db.run("DELETE FROM unit_tokens WHERE unit_id = \(bind: unitId)")
            try db.run(
                "INSERT INTO unit_tokens (unit_id, token_hash, created_at) VALUES (\(bind: unitId), \(bind: tokenHash(token)), \(bind: at))"
            )
        }
        return token
    }

    /// Whether a unit has a link already (its token cannot be shown again: only its hash is kept).
    public func hasToken(unit unitId: String) throws(StoreError) -> Bool {
        try db.first("SELECT unit_id FROM unit_tokens WHERE unit_id = \(bind: unitId)") != nil
    }

    /// The unit a link token opens; nil for a wrong or rotated token.
    public func unit(forToken token: String) throws(StoreError) -> ReportingUnit? {
        guard !token.isEmpty, token.count <= 200 else { return nil }
        guard
            let row = try db.first(
                "SELECT unit_id FROM unit_tokens WHERE token_hash = \(bind: tokenHash(token))")
        else { return nil }
        let id = try row.string("unit_id")
        return try campaign().registry.unit(id)
    }

    // MARK: - Coordinators

    /// Adds a coordinator with a new random password, returned once (the store keeps its scrypt
    /// hash). An existing name gets a new password.
    public func addCoordinator(_ name: String, by: String, now: Date = Date()) throws(StoreError) -> String {
        let clean = Self.clean(name).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.isEmpty, clean.count <= 100, !clean.contains("\n") else {
            throw StoreError(
                L(
                    "tên cán bộ tổng hợp phải có từ 1 đến 100 ký tự",
                    "a coordinator's name must have 1 to 100 characters"))
        }
        let password = randomToken(bytes: 12)
        let hash = PasswordHash.make(password)
        let at = Self.timestamp(now)
        try db.transaction { () throws(StoreError) in
            if try db.first("SELECT name FROM coordinators WHERE name = \(bind: clean)") != nil {
                try db.run("UPDATE coordinators SET password_hash = \(bind: hash) WHERE name = \(bind: clean)")
                try db.run("DELETE FROM sessions WHERE coordinator = \(bind: clean)")
            } else {
                try db.run(
                    "INSERT INTO coordinators (name, password_hash, created_at) VALUES (\(bind: clean), \(bind: hash), \(bind: at))"
                )
            }
            try appendLog(at: at, by: by, action: "coordinator", unit: nil, revision: nil, hash: nil, detail: clean)
        }
        return password
    }

    /// Checks a name and password. Wrong passwords are counted per name (in the store, so every
    /// serve process agrees): from the third, each further try must wait 2^(n-3) seconds (at most
    /// five minutes), whether the name exists or not.
    public func login(name: String, password: String, sessionSeconds: Int = 8 * 3600, now: Date = Date())
        throws(StoreError) -> LoginResult
    {
        let key = name.matchKey
        let seconds = Int(now.timeIntervalSince1970)
        if let row = try db.first("SELECT not_before FROM login_throttle WHERE name_key = \(bind: key)") {
            let notBefore = try row.int("not_before")
            if notBefore > seconds { return .throttled(retryAfter: notBefore - seconds) }
        }
        let stored = try db.first(
            "SELECT name, password_hash FROM coordinators WHERE name = \(bind: Self.clean(name).trimmingCharacters(in: .whitespacesAndNewlines))"
        )
        // A name that does not exist costs the same hash: the answer's time does not tell.
        let hash = try stored?.string("password_hash") ?? PasswordHash.make("")
        let right = stored != nil && PasswordHash.verify(password, against: hash)
        return try db.transaction { () throws(StoreError) -> LoginResult in
            guard right, let stored else {
                let failures =
                    (try db.first("SELECT failures FROM login_throttle WHERE name_key = \(bind: key)")?.int("failures")
                        ?? 0) + 1
                let wait = failures < 3 ? 0 : min(300, 1 << min(failures - 3, 9))
                try db.run("DELETE FROM login_throttle WHERE name_key = \(bind: key)")
                try db.run(
                    "INSERT INTO login_throttle (name_key, failures, not_before) VALUES (\(bind: key), \(bind: failures), \(bind: seconds + wait))"
                )
                return .wrongPassword
            }
            try db.run("DELETE FROM login_throttle WHERE name_key = \(bind: key)")
            try db.run("DELETE FROM sessions WHERE expires < \(bind: seconds)")
            let token = randomToken()
            let session = CoordinatorSession(
                coordinator: try stored.string("name"), csrfToken: randomToken(bytes: 24),
                expires: seconds + sessionSeconds)
            try db.run(
                """
                INSERT INTO sessions (token_hash, coordinator, csrf, created_at, expires)
                VALUES (\(bind: tokenHash(token)), \(bind: session.coordinator), \(bind: session.csrfToken), \(bind: Self.timestamp(now)), \(bind: session.expires))
                """)
            return .success(session: session, token: token)
        }
    }

    /// The session a cookie's token belongs to; nil when unknown or ended.
    public func session(token: String, now: Date = Date()) throws(StoreError) -> CoordinatorSession? {
        guard !token.isEmpty, token.count <= 200,
            let row = try db.first(
                "SELECT coordinator, csrf, expires FROM sessions WHERE token_hash = \(bind: tokenHash(token))")
        else { return nil }
        let expires = try row.int("expires")
        guard expires > Int(now.timeIntervalSince1970) else { return nil }
        return CoordinatorSession(
            coordinator: try row.string("coordinator"), csrfToken: try row.string("csrf"), expires: expires)
    }

    /// Ends a session.
    public func logout(token: String) throws(StoreError) {
        try db.run("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash(token))")
    }
}
