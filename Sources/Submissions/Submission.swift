import FormKit
import Foundation

/// One unit's report: the answers and everything needed to trust and merge them.
public struct Submission: Sendable {
    public static let format = "ictreport-submission"
    public static let formatVersion = 1
    public static let toolVersion = "0.1.0"
    /// The highest revision a file may give.
    public static let maxRevision = 1_000_000_000

    public enum Status: String, Sendable, Codable { case draft, final }

    public var formId: String
    public var formVersion: String
    public var parameters: [String: String]
    public var unitId: String
    public var unitName: String
    public var status: Status
    public var revision: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var finalizedAt: Date?
    public var toolVersion: String
    public var answers: Answers
    /// A focal point's explanation of a warning, by the issue's key (`ValidationIssue.key`).
    public var explanations: [String: String]
    /// Where the collector stopped in a draft (a field path), to resume there.
    public var resumeAt: String?

    public init(
        form: Form, unitId: String, unitName: String, status: Status = .draft, revision: Int = 0,
        answers: Answers = Answers(), explanations: [String: String] = [:], now: Date = Date()
    ) {
        self.formId = form.id
        self.formVersion = form.version
        self.parameters = form.parameterDictionary
        self.unitId = unitId
        self.unitName = unitName
        self.status = status
        self.revision = revision
        self.createdAt = now
        self.updatedAt = now
        self.finalizedAt = status == .final ? now : nil
        self.toolVersion = Submission.toolVersion
        self.answers = answers
        self.explanations = explanations
    }

    /// SHA-256 over the canonical JSON of the answers and explanations: it changes when
    /// the content changes and only then, so a hand-edited file can be noticed.
    public var contentHash: String {
        // The compact text of {"answers": …, "explanations": …}, written without a JSON tree.
        var content: [UInt8] = []
        content.reserveCapacity(8192)
        content.append(contentsOf: #"{"answers":"#.utf8)
        JSON.compactBytes(answers, into: &content)
        return Submission.contentHash(&content, explanations: explanations)
    }

    /// `content` is `{"answers":` and the compact answers; the explanations and the end follow.
    private static func contentHash(_ content: inout [UInt8], explanations: [String: String]) -> String {
        content.append(contentsOf: #","explanations":"#.utf8)
        content.append(
            contentsOf: JSON.object(explanations.keys.sorted().map { ($0, .string(explanations[$0]!)) }).bytes())
        content.append(125)
        return "sha256:" + ContentHash.hex(content)
    }

    public var json: JSON {
        var pairs: [(String, JSON)] = [
            ("format", .string(Submission.format)),
            ("format_version", .number(Double(Submission.formatVersion))),
            (
                "form",
                .object([
                    ("id", .string(formId)),
                    ("version", .string(formVersion)),
                    ("parameters", .object(parameters.keys.sorted().map { ($0, .string(parameters[$0]!)) }))
                ])
            ),
            ("unit", .object([("id", .string(unitId)), ("name", .string(unitName))])),
            ("status", .string(status.rawValue)),
            ("revision", .number(Double(revision))),
            ("created_at", .string(Submission.timestamp(createdAt))),
            ("updated_at", .string(Submission.timestamp(updatedAt))),
            ("finalized_at", finalizedAt.map { .string(Submission.timestamp($0)) } ?? .null),
            ("tool_version", .string(toolVersion)),
            ("content_hash", .string(contentHash)),
            ("answers", JSON(answers)),
            ("explanations", .object(explanations.keys.sorted().map { ($0, .string(explanations[$0]!)) }))
        ]
        if let resumeAt { pairs.append(("resume_at", .string(resumeAt))) }
        return .object(pairs)
    }

    /// Saves atomically (temporary file beside the target, then rename).
    public func save(to url: URL) throws {
        try writeAtomically(Data(json.bytes(pretty: true) + [10]), to: url)
    }

    static func timestamp(_ d: Date) -> String {
        d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: TimeZone(identifier: "UTC")!))
    }

    /// `yyyy-mm-ddThh:mm:ssZ`, the form of time the tool writes, or with an offset from UTC
    /// instead of `Z` (`+07:00`, as a person editing a file in Hanoi may write it): a real date
    /// and time; nil for anything else. The one reader of times in files.
    static func parseTimestamp(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
            let hh = number(11..<13), let mm = number(14..<16), let ss = number(17..<19),
            (1...12).contains(m), hh < 24, mm < 60, ss < 60
        else { return nil }
        var offset = 0
        if b.count == 25, b[19] == 0x2B || b[19] == 0x2D, b[22] == 0x3A, let oh = number(20..<22),
            let om = number(23..<25), oh < 24, om < 60
        {
            offset = (b[19] == 0x2B ? 1 : -1) * (oh * 3600 + om * 60)
        } else if !(b.count == 20 && b[19] == 0x5A) {
            return nil
        }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...monthDays[m - 1]).contains(d) else { return nil }
        // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hh * 3600 + mm * 60 + ss - offset))
    }
}
