import Foundation

/// Why a typed answer was not accepted: what is wrong, with an example of what is right.
/// An ambiguous number carries its possible readings so a prompt can offer them.
public struct InputProblem: Error, Sendable, Equatable {
    public var message: LocalizedText
    public var candidates: [Value]

    public init(_ message: LocalizedText, candidates: [Value] = []) {
        self.message = message
        self.candidates = candidates
    }
}

/// Turns what a person typed into a typed value, following Vietnamese habits where they
/// are unambiguous: `1.234` is a thousand and more, `12,5` a decimal, dates are dd/mm/yyyy.
public enum ValueParser {
    /// One option of a list of choices, read as a single choice's answer is (an item of a
    /// multiple choice); nil for blank input.
    public static func parseOneChoice(_ input: String, in choices: [Choice]) -> Result<Value, InputProblem>? {
        let text = input.cleanedInput
        if text.isEmpty { return nil }
        return parseChoice(text, in: choices).map { .text($0) }
    }

    /// nil for blank input; otherwise the value, or why it cannot be accepted.
    public static func parse(_ input: String, for field: Field) -> Result<Value, InputProblem>? {
        let result = parseTyped(input, for: field)
        if case .success(let v)? = result, let problem = check(v, for: field) {
            return .failure(InputProblem(problem))
        }
        return result
    }

    /// Reads the value's type only; bounds are left to `check` (and so to the Validator).
    /// An ambiguous number still prefers the readings the field can hold.
    public static func parseTyped(_ input: String, for field: Field) -> Result<Value, InputProblem>? {
        let text = input.cleanedInput
        if text.isEmpty { return nil }
        let result: Result<Value, InputProblem>
        switch field.type {
        case .text, .long_text:
            result = .success(.text(text))
        case .integer, .decimal, .percent:
            result = parseNumber(text, for: field)
        case .year:
            if let y = parseYear(text) {
                result = .success(.number(Double(y)))
            } else {
                result = .failure(
                    InputProblem(
                        L(
                            "'\(text)' không phải năm: năm phải là số có 4 chữ số, không có dấu chấm hay dấu cách, ví dụ \(example(field, .vi))",
                            "'\(text)' is not a year: type its 4 digits, without dots or spaces, e.g. \(example(field, .en))"
                        )))
            }
        case .email:
            result =
                isEmail(text)
                ? .success(.text(text))
                : .failure(
                    InputProblem(
                        L(
                            "'\(text)' không phải địa chỉ thư điện tử. Ví dụ: \(example(field, .vi))",
                            "'\(text)' is not an email address. Example: \(example(field, .en))")))
        case .phone:
            result =
                isPhone(text)
                ? .success(.text(text))
                : .failure(
                    InputProblem(
                        L(
                            "'\(text)' không phải số điện thoại (8–15 chữ số, có thể có dấu cách, +, -, dấu chấm). Ví dụ: \(example(field, .vi))",
                            "'\(text)' is not a phone number (8–15 digits, spaces, +, - and dots allowed). Example: \(example(field, .en))"
                        )))
        case .url:
            result =
                isURL(text)
                ? .success(.text(text))
                : .failure(
                    InputProblem(
                        L(
                            "'\(text)' không phải địa chỉ web. Ví dụ: \(example(field, .vi))",
                            "'\(text)' is not a web address. Example: \(example(field, .en))")))
        case .date:
            if let iso = parseDate(text) {
                result = .success(.text(iso))
            } else {
                result = .failure(
                    InputProblem(
                        L(
                            "'\(text)' không phải ngày hợp lệ. Gõ theo dạng ngày/tháng/năm, ví dụ: \(example(field, .vi))",
                            "'\(text)' is not a valid date. Type day/month/year, for example: \(example(field, .en))")))
            }
        case .boolean:
            if let b = YesNo.parse(text) {
                result = .success(.bool(b))
            } else {
                result = .failure(InputProblem(L("Hãy trả lời c (có) hoặc k (không)", "Answer y (yes) or n (no)")))
            }
        case .choice:
            result = parseChoice(text, in: field.choices).map { .text($0) }
        case .multi_choice:
            result = parseChoices(text, in: field.choices).map { .list($0) }
        case .table:
            result = .failure(InputProblem(L("Bảng được nhập từng dòng", "A table is entered row by row")))
        }
        return result
    }

    /// Checks a value already typed (from a file or a prompt) against the field's type and
    /// bounds. nil when the value is acceptable.
    public static func check(_ value: Value, for field: Field) -> LocalizedText? {
        check(value, ValueRules(field))
    }

    static func check(_ value: Value, _ rules: ValueRules) -> LocalizedText? {
        // Made only for a value of the wrong kind: built up front it cost a merge a thirtieth of
        // all its work (two texts for every answer checked).
        var expected: LocalizedText { L("cần \(rules.type.label(.vi))", "expected \(rules.type.label(.en))") }
        switch rules.type {
        case .integer:
            guard case .number(let n) = value else { return expected }
            if n.rounded() != n {
                return L(
                    "phải là số nguyên, không phải \(formatNumber(n))", "must be a whole number, not \(formatNumber(n))"
                )
            }
            return checkBounds(n, rules)
        case .decimal, .percent:
            guard case .number(let n) = value else { return expected }
            return checkBounds(n, rules)
        case .year:
            // Shown as written, never grouped: 2019, not 2.019.
            guard case .number(let n) = value else { return expected }
            guard n.rounded() == n, (1000...9999).contains(n) else {
                return L(
                    "năm phải là số có 4 chữ số, ví dụ 2019, không phải \(formatNumber(n))",
                    "a year must be 4 digits, e.g. 2019, not \(formatNumber(n))")
            }
            if let lo = rules.min, n < lo {
                return L(
                    "năm \(formatNumber(n)) trước năm \(formatNumber(lo))",
                    "year \(formatNumber(n)) is before \(formatNumber(lo))")
            }
            if let hi = rules.max, n > hi {
                return L(
                    "năm \(formatNumber(n)) sau năm \(formatNumber(hi))",
                    "year \(formatNumber(n)) is after \(formatNumber(hi))")
            }
            return nil
        case .date:
            guard case .text(let s) = value else { return expected }
            guard parseDate(s) == s else {
                return L(
                    "ngày '\(s)' không hợp lệ (cần dạng yyyy-mm-dd trong tệp)",
                    "'\(s)' is not a valid date (files use yyyy-mm-dd)")
            }
            if let lo = rules.minDate, s < lo {
                return L(
                    "ngày \(displayDate(s)) sớm hơn \(displayDate(lo))",
                    "\(displayDate(s)) is before \(displayDate(lo))")
            }
            if let hi = rules.maxDate, s > hi {
                return L(
                    "ngày \(displayDate(s)) muộn hơn \(displayDate(hi))",
                    "\(displayDate(s)) is after \(displayDate(hi))")
            }
            return nil
        case .text, .long_text:
            guard case .text = value else { return expected }
            return nil
        case .email:
            guard case .text(let s) = value else { return expected }
            return isEmail(s) ? nil : L("'\(s)' không phải địa chỉ thư điện tử", "'\(s)' is not an email address")
        case .phone:
            guard case .text(let s) = value else { return expected }
            return isPhone(s) ? nil : L("'\(s)' không phải số điện thoại", "'\(s)' is not a phone number")
        case .url:
            guard case .text(let s) = value else { return expected }
            return isURL(s) ? nil : L("'\(s)' không phải địa chỉ web", "'\(s)' is not a web address")
        case .boolean:
            guard case .bool = value else { return expected }
            return nil
        case .choice:
            guard case .text(let s) = value else { return expected }
            return rules.hasChoice(s) ? nil : unknownChoice(s, rules)
        case .multi_choice:
            guard case .list(let l) = value else { return expected }
            if let bad = l.first(where: { !rules.hasChoice($0) }) { return unknownChoice(bad, rules) }
            if Set(l).count != l.count { return L("một lựa chọn bị chọn hai lần", "an option is chosen twice") }
            return nil
        case .table:
            guard case .rows = value else { return expected }
            return nil
        }
    }

    /// A number's bounds in force (a percentage's 0–100 included).
    private static func checkBounds(_ n: Double, _ rules: ValueRules) -> LocalizedText? {
        if let lo = rules.min, n < lo {
            return L(
                "\(vnNumber(n)) nhỏ hơn mức tối thiểu \(vnNumber(lo))",
                "\(formatNumber(n)) is below the minimum \(formatNumber(lo))")
        }
        if let hi = rules.max, n > hi {
            return L(
                "\(vnNumber(n)) lớn hơn mức tối đa \(vnNumber(hi))",
                "\(formatNumber(n)) is above the maximum \(formatNumber(hi))")
        }
        return nil
    }

    static func unknownChoice(_ s: String, _ rules: ValueRules) -> LocalizedText {
        let ids = rules.choices.map(\.id).joined(separator: ", ")
        return L("'\(s)' không có trong các lựa chọn (\(ids))", "'\(s)' is not one of the options (\(ids))")
    }

    /// An example of a right answer, shown with every problem.
    public static func example(_ field: Field, _ language: Language) -> String {
        switch field.type {
        case .integer: return L("1234 hoặc 1.234", "1234").text(language)
        case .decimal: return L("12,5", "12.5").text(language)
        case .percent: return L("85 hoặc 85,5", "85 or 85.5").text(language)
        case .year:
            // 2019, unless the bounds leave it out.
            let rules = ValueRules(field)
            return formatNumber(Swift.min(Swift.max(2019, rules.min ?? 2019), rules.max ?? 2019))
        case .email: return "vanthu@most.gov.vn"
        case .phone: return "024 3943 9999"
        case .url: return "https://www.most.gov.vn"
        case .date: return displayDate(field.maxDate ?? field.minDate ?? "2018-10-31")
        case .boolean: return L("c hoặc k", "y or n").text(language)
        case .choice, .multi_choice: return L("1", "1").text(language)
        case .text, .long_text, .table: return ""
        }
    }

    // MARK: Numbers

    /// The readings of a typed number. Several readings means the input is ambiguous.
    public static func numberReadings(_ raw: String) -> [Double]? {
        var s = raw.replacingOccurrences(of: "\u{00A0}", with: " ").trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("%") {
            s.removeLast()
            s = s.trimmingCharacters(in: .whitespaces)
        }
        var sign = 1.0
        if s.hasPrefix("-") || s.hasPrefix("−") {
            sign = -1
            s.removeFirst()
        } else if s.hasPrefix("+") {
            s.removeFirst()
        }
        // Spaces between digit groups: "1 234 567".
        let groups = s.split(separator: " ")
        if groups.count > 1 {
            guard groups.dropFirst().allSatisfy({ $0.count == 3 && $0.allSatisfy(\.isASCIIDigit) }),
                groups[0].count <= 3, groups[0].allSatisfy(\.isASCIIDigit)
            else { return nil }
            s = groups.joined()
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "," }),
            s.first!.isASCIIDigit || s.first == "," || s.first == "."
        else { return nil }
        let dots = s.filter { $0 == "." }.count
        let commas = s.filter { $0 == "," }.count
        func grouped(_ t: Substring, by sep: Character) -> Double? {
            let parts = t.split(separator: sep, omittingEmptySubsequences: false)
            guard parts.count > 1, (1...3).contains(parts[0].count), parts[0].first != "0",
                parts.dropFirst().allSatisfy({ $0.count == 3 }),
                parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
            else { return nil }
            return Double(parts.joined())
        }
        func plain(_ t: Substring, decimal sep: Character) -> Double? {
            Double(t.replacingOccurrences(of: String(sep), with: "."))
        }
        var readings: [Double] = []
        switch (dots, commas) {
        case (0, 0):
            readings = Double(s).map { [$0] } ?? []
        case (_, 0) where dots > 1, (0, _) where commas > 1:
            readings = grouped(Substring(s), by: dots > 1 ? "." : ",").map { [$0] } ?? []
        case (1, 0), (0, 1):
            let sep: Character = dots == 1 ? "." : ","
            if let thousands = grouped(Substring(s), by: sep) { readings.append(thousands) }
            if let decimal = plain(Substring(s), decimal: sep), !readings.contains(decimal) { readings.append(decimal) }
        default:
            // Both separators: the last one is the decimal mark, the other groups thousands.
            let lastDot = s.lastIndex(of: ".")!
            let lastComma = s.lastIndex(of: ",")!
            let (decSep, groupSep): (Character, Character) = lastDot > lastComma ? (".", ",") : (",", ".")
            let parts = s.split(separator: decSep, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[1].allSatisfy(\.isASCIIDigit), !parts[1].isEmpty else { return nil }
            let whole = parts[0].contains(groupSep) ? grouped(parts[0], by: groupSep) : Double(parts[0])
            if let whole, let frac = Double("0." + parts[1]) { readings = [whole + frac] }
        }
        return readings.isEmpty ? nil : readings.map { $0 * sign }
    }

    static func parseNumber(_ text: String, for field: Field) -> Result<Value, InputProblem> {
        guard let all = numberReadings(text) else {
            // "không", "none": the answer is a number, and nothing is 0.
            let none = ["khong", "ko", "k", "khong co", "none", "no", "chua co"].contains(text.matchKey)
            return .failure(
                InputProblem(
                    none
                        ? L(
                            "Câu này cần một số: nếu không có, hãy gõ 0.",
                            "This question takes a number: if there is none, type 0.")
                        : L(
                            "'\(text)' không phải là số. Ví dụ: \(example(field, .vi))",
                            "'\(text)' is not a number. Example: \(example(field, .en))")))
        }
        // The same rule as for numbers in files: kept exactly, or asked again.
        if let problem = NumberRules.problem(
            all[0], significant: NumberRules.significantDigitCount(text.utf8), written: text)
        {
            return .failure(InputProblem(problem))
        }
        // Keep the readings the field can hold: a whole number for an integer, within bounds.
        let fitting = all.filter { check(.number($0), for: field) == nil }
        if fitting.count == 1 { return .success(.number(fitting[0])) }
        // In a whole-number field a dot can only group thousands: 1.000 is a thousand.
        if fitting.count > 1, field.type == .integer, !text.contains(",") { return .success(.number(fitting[0])) }
        if fitting.count > 1 {
            let shown = fitting.map { vnNumber($0) }.joined(separator: " hoặc ")
            let shownEn = fitting.map { formatNumber($0) }.joined(separator: " or ")
            return .failure(
                InputProblem(
                    L(
                        "'\(text)' chưa rõ: có thể là \(shown). Gõ số không có dấu phân cách hàng nghìn (ví dụ 1234), hoặc phần thập phân có số chữ số khác 3 (ví dụ 1,2340)",
                        "'\(text)' is ambiguous: it could be \(shownEn). Type it without thousands separators (e.g. 1234), or with a decimal part of other than 3 digits (e.g. 1.2340)"
                    ),
                    candidates: fitting.map { .number($0) }))
        }
        // No reading fits: keep the most likely one and let `check` say what is wrong with it.
        if all.count > 1, field.type == .integer, let whole = all.first(where: { $0.rounded() == $0 }) {
            return .success(.number(whole))
        }
        return .success(.number(all[0]))
    }

    /// A number written the Vietnamese way: 1.234,5
    public static func vnNumber(_ n: Double) -> String {
        let whole = formatNumber(n.rounded(.towardZero))
        var digits = Array(whole.hasPrefix("-") ? String(whole.dropFirst()) : whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "." + String(digits.suffix(3)) + grouped
            digits.removeLast(3)
        }
        grouped = (n < 0 ? "-" : "") + String(digits) + grouped
        let frac = abs(n - n.rounded(.towardZero))
        if frac > 0 {
            let f = String(format: "%.6g", frac)
            if let dot = f.firstIndex(of: ".") { grouped += "," + f[f.index(after: dot)...] }
        }
        return grouped
    }

    // MARK: Other types

    // Hand-written checks rather than regular expressions: they run for every answer of
    // every submission a merge reads.

    /// One '@' after a non-empty name, then two or more non-empty dot-separated labels; no
    /// white space anywhere. One pass over the scalars.
    static func isEmail(_ s: String) -> Bool {
        var ats = 0
        var name = 0
        var labels = 0
        var label = 0
        for u in s.unicodeScalars {
            if u.isSpace { return false }
            if u == "@" {
                ats += 1
                if ats > 1 || name == 0 { return false }
            } else if ats == 0 {
                name += 1
            } else if u == "." {
                if label == 0 { return false }
                labels += 1
                label = 0
            } else {
                label += 1
            }
        }
        return ats == 1 && labels >= 1 && label > 0
    }

    /// A year as people write it: exactly four ASCII digits ("2019"). "2.019" or "2019.0"
    /// are refused rather than guessed at.
    public static func parseYear(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.utf8.count == 4, t.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(t)
    }

    static func isPhone(_ s: String) -> Bool {
        var digits = 0
        for (i, c) in s.unicodeScalars.enumerated() {
            switch c {
            case "0"..."9": digits += 1
            case " ", "(", ")", ".", "-": break
            case "+" where i == 0: break
            default: return false
            }
        }
        return (8...15).contains(digits)
    }

    static func isURL(_ s: String) -> Bool {
        // Optional http(s)://, then a host of two or more dot-separated labels, an optional
        // :port, an optional /path; no white space anywhere. Scanned byte by byte.
        var bytes = Substring(s).utf8[...]
        for scheme in ["https://", "http://"] {
            let p = Array(scheme.utf8)
            if bytes.count >= p.count, zip(bytes.prefix(p.count), p).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
                bytes = bytes.dropFirst(p.count)
                break
            }
        }
        var labels = 0
        var labelLength = 0
        var inPort = false
        var portDigits = 0
        for b in bytes {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { return false }
            if b == UInt8(ascii: "/") { break }
            if inPort {
                guard (0x30...0x39).contains(b) else { return false }
                portDigits += 1
            } else if b == UInt8(ascii: ":") {
                inPort = true
            } else if b == UInt8(ascii: ".") {
                guard labelLength > 0 else { return false }
                labels += 1
                labelLength = 0
            } else {
                labelLength += 1
            }
        }
        if inPort && portDigits == 0 { return false }
        return labelLength > 0 && labels >= 1
    }

    /// dd/mm/yyyy, d-m-yyyy, dd.mm.yyyy or yyyy-mm-dd → yyyy-mm-dd, when it is a real date.
    public static func parseDate(_ s: String) -> String? {
        // Three groups of ASCII digits between '/', '-' or '.' (runs of them count as one),
        // read byte by byte: every date of every file read goes through here.
        var values = [0, 0, 0]
        var lengths = [0, 0, 0]
        var count = 0
        for b in s.utf8 {
            if b >= 0x30 && b <= 0x39 {
                if count == 0 || lengths[count - 1] < 0 {
                    guard count < 3 else { return nil }
                    count += 1
                    lengths[count - 1] = 0
                }
                // Nine digits is already no day, month or year: stop before they overflow.
                guard lengths[count - 1] < 9 else { return nil }
                values[count - 1] = values[count - 1] * 10 + Int(b - 0x30)
                lengths[count - 1] += 1
            } else if b == UInt8(ascii: "/") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") {
                if count > 0 && lengths[count - 1] > 0 { lengths[count - 1] = -lengths[count - 1] }
            } else {
                return nil
            }
        }
        guard count == 3 else { return nil }
        let length = lengths.map(abs)
        let (d, m, y): (Int, Int, Int)
        if length[0] == 4 {
            (y, m, d) = (values[0], values[1], values[2])
        } else if length[2] == 4 {
            (d, m, y) = (values[0], values[1], values[2])
        } else {
            return nil
        }
        guard (1...12).contains(m), (1900...2200).contains(y) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard (1...days).contains(d) else { return nil }
        let iso: [UInt8] = [
            UInt8(0x30 + y / 1000), UInt8(0x30 + y / 100 % 10), UInt8(0x30 + y / 10 % 10), UInt8(0x30 + y % 10), 0x2D,
            UInt8(0x30 + m / 10), UInt8(0x30 + m % 10), 0x2D, UInt8(0x30 + d / 10), UInt8(0x30 + d % 10)
        ]
        // Already in that form (every date in a file): the same text back, nothing new made.
        if s.utf8.elementsEqual(iso) { return s }
        return String(decoding: iso, as: UTF8.self)
    }

    /// yyyy-mm-dd → dd/mm/yyyy, as the form prints dates.
    public static func displayDate(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        guard p.count == 3 else { return iso }
        return "\(p[2])/\(p[1])/\(p[0])"
    }

    /// A number from the list, an id, or text matching one label (ignoring case and accents).
    static func parseChoice(_ s: String, in choices: [Choice]) -> Result<String, InputProblem> {
        if let n = Int(s), (1...choices.count).contains(n) { return .success(choices[n - 1].id) }
        if let c = choices.first(where: { $0.id == s }) { return .success(c.id) }
        let key = s.matchKey
        let exact = choices.filter { $0.label.vi.matchKey == key || ($0.label.en?.matchKey == key) }
        if exact.count == 1 { return .success(exact[0].id) }
        let partial = choices.filter {
            $0.label.vi.matchKey.contains(key) || ($0.label.en?.matchKey.contains(key) ?? false)
        }
        if partial.count == 1 { return .success(partial[0].id) }
        let range = "1–\(choices.count)"
        if partial.count > 1 {
            return .failure(
                InputProblem(
                    L(
                        "'\(s)' khớp với nhiều lựa chọn; hãy gõ số thứ tự (\(range))",
                        "'\(s)' matches several options; type its number (\(range))")))
        }
        return .failure(
            InputProblem(
                L(
                    "'\(s)' không có trong danh sách; hãy gõ số thứ tự (\(range))",
                    "'\(s)' is not in the list; type its number (\(range))")))
    }

    /// Numbers or ids separated by commas, semicolons or spaces: "1, 3" or "1 3".
    static func parseChoices(_ s: String, in choices: [Choice]) -> Result<[String], InputProblem> {
        let tokens = s.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map(String.init)
        var ids: [String] = []
        for t in tokens {
            guard case .success(let id) = parseChoice(t, in: choices) else {
                // Maybe the whole input is one label with spaces in it.
                if case .success(let id) = parseChoice(s, in: choices) { return .success([id]) }
                return .failure(
                    InputProblem(
                        L(
                            "'\(t)' không có trong danh sách; gõ các số thứ tự cách nhau bởi dấu phẩy, ví dụ: 1, 3",
                            "'\(t)' is not in the list; type the numbers separated by commas, e.g. 1, 3")))
            }
            if !ids.contains(id) { ids.append(id) }
        }
        return .success(ids)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// What checking a value needs of its field: small, so that checking thousands of
/// submissions copies this rather than whole Fields (see `FieldRef`).
struct ValueRules: Sendable {
    let type: FieldType
    /// Bounds in force: a percentage is 0–100 unless narrowed.
    let min: Double?
    let max: Double?
    let minDate: String?
    let maxDate: String?
    let choices: [Choice]

    init(_ field: Field) {
        type = field.type
        switch field.type {
        case .percent:
            min = Swift.max(field.min ?? 0, 0)
            max = Swift.min(field.max ?? 100, 100)
        case .year:
            min = field.min ?? ValueRules.firstYear
            max = field.max ?? ValueRules.lastYear
        case .integer, .decimal, .text, .long_text, .email, .phone, .url, .date, .boolean, .choice, .multi_choice,
            .table:
            min = field.min
            max = field.max
        }
        minDate = field.minDate
        maxDate = field.maxDate
        choices = field.choices
    }

    /// A year's bounds unless the form gives its own.
    static let firstYear = 1900.0, lastYear = 2100.0

    func hasChoice(_ id: String) -> Bool { choices.contains { $0.id == id } }
}
