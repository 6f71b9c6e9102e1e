import Foundation

/// The expression language of rules, `relevant` and `required_when`:
/// numbers, 'strings', field references, `$parameters`, + - * /, comparisons,
/// and/or/not, and the functions count, sum, selected and empty.
///
/// Evaluation is three-valued, as XLSForm constraints are: anything that reads an
/// unanswered field is unknown, and a rule only fires when its assertion is known
/// to be false. `required` is what catches blanks.
public indirect enum Expression: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// A scalar field: section id, field id.
    case field(String, String)
    /// A column of the row being checked (row rules only).
    case column(String)
    /// A whole table, for count() and empty().
    case table(String, String)
    /// One column across all rows of a table, for sum().
    case tableColumn(String, String, String)
    case not(Expression)
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(Function, [Expression])

    public enum BinaryOperator: String, Sendable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case and, or
    }

    public enum Function: String, Sendable, CaseIterable {
        case count, sum, selected, empty
    }
}

/// The result of evaluating an expression; `null` is "unknown / not answered".
public enum EvaluatedValue: Sendable, Equatable {
    case null
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([String])
    case rows([Row])
}

// MARK: - Parsing

/// An expression as written, before names are resolved against a form.
indirect enum RawExpression {
    case number(Double)
    case string(String, offset: Int)
    case bool(Bool)
    case parameter(String, offset: Int)
    case name([String], offset: Int)
    case not(RawExpression)
    case negate(RawExpression)
    case binary(Expression.BinaryOperator, RawExpression, RawExpression, offset: Int)
    case call(String, [RawExpression], offset: Int)

    var offset: Int {
        switch self {
        case .number, .bool: return 0
        case .string(_, let o), .parameter(_, let o), .name(_, let o), .binary(_, _, _, let o), .call(_, _, let o):
            return o
        case .not(let e), .negate(let e): return e.offset
        }
    }
}

/// A syntax error at a column offset (0-based, in Unicode scalars) of the expression.
struct ExpressionSyntaxError: Error {
    var offset: Int
    var message: LocalizedText
}

struct ExpressionParser {
    enum Token: Equatable {
        case number(Double)
        case string(String)
        case name(String)
        case parameter(String)
        case op(String)
        case lparen, rparen, comma, end
    }

    private var tokens: [(Token, Int)] = []
    private var position = 0

    static func parse(_ source: String) throws -> RawExpression {
        var p = ExpressionParser()
        p.tokens = try tokenize(source)
        let e = try p.parseOr()
        if p.peek != .end {
            throw ExpressionSyntaxError(
                offset: p.offset,
                message: L("thừa ký tự ở đây: '\(p.describe(p.peek))'", "unexpected '\(p.describe(p.peek))'"))
        }
        return e
    }

    static func tokenize(_ source: String) throws -> [(Token, Int)] {
        let s = Array(source.unicodeScalars)
        var i = 0
        var out: [(Token, Int)] = []
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" }
        func isNamePart(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) || c == "."
        }
        while i < s.count {
            let c = s[i]
            let start = i
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            if ("0"..."9").contains(c) {
                while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "." { i += 1 }
                let text = String(String.UnicodeScalarView(s[start..<i]))
                guard let n = Double(text) else {
                    throw ExpressionSyntaxError(
                        offset: start, message: L("số không hợp lệ '\(text)'", "invalid number '\(text)'"))
                }
                out.append((.number(n), start))
            } else if c == "'" || c == "\"" {
                i += 1
                var text = String.UnicodeScalarView()
                while i < s.count, s[i] != c {
                    text.append(s[i])
                    i += 1
                }
                guard i < s.count else {
                    throw ExpressionSyntaxError(
                        offset: start, message: L("chuỗi chưa đóng dấu nháy", "unterminated string"))
                }
                i += 1
                out.append((.string(String(text).nfc), start))
            } else if c == "$" {
                i += 1
                while i < s.count, isNamePart(s[i]), s[i] != "." { i += 1 }
                let name = String(String.UnicodeScalarView(s[(start + 1)..<i]))
                if name.isEmpty {
                    throw ExpressionSyntaxError(
                        offset: start, message: L("thiếu tên tham số sau '$'", "missing parameter name after '$'"))
                }
                out.append((.parameter(name), start))
            } else if isNameStart(c) {
                var text = String.UnicodeScalarView()
                while i < s.count {
                    if isNamePart(s[i]) {
                        text.append(s[i])
                        i += 1
                    } else if s[i] == "[", i + 1 < s.count, s[i + 1] == "]" {
                        i += 2
                    }  // `table[].column`
                    else {
                        break
                    }
                }
                out.append((.name(String(text)), start))
            } else {
                let two = i + 1 < s.count ? String(String.UnicodeScalarView([c, s[i + 1]])) : ""
                if ["==", "!=", "<=", ">=", "<>"].contains(two) {
                    out.append((.op(two == "==" ? "=" : two == "<>" ? "!=" : two), start))
                    i += 2
                } else if "+-*/=<>".unicodeScalars.contains(c) {
                    out.append((.op(String(c)), start))
                    i += 1
                } else if c == "(" {
                    out.append((.lparen, start))
                    i += 1
                } else if c == ")" {
                    out.append((.rparen, start))
                    i += 1
                } else if c == "," {
                    out.append((.comma, start))
                    i += 1
                } else {
                    throw ExpressionSyntaxError(
                        offset: start, message: L("ký tự không dùng được '\(c)'", "unexpected character '\(c)'"))
                }
            }
        }
        out.append((.end, s.count))
        return out
    }

    private var peek: Token { tokens[position].0 }
    private var offset: Int { tokens[position].1 }
    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func describe(_ t: Token) -> String {
        switch t {
        case .number(let n): return formatNumber(n)
        case .string(let s): return "'\(s)'"
        case .name(let n): return n
        case .parameter(let n): return "$" + n
        case .op(let o): return o
        case .lparen: return "("
        case .rparen: return ")"
        case .comma: return ","
        case .end: return "…"
        }
    }

    private func isKeyword(_ t: Token, _ word: String) -> Bool {
        if case .name(let n) = t { return n.lowercased() == word }
        return false
    }

    private mutating func parseOr() throws -> RawExpression {
        var left = try parseAnd()
        while isKeyword(peek, "or") {
            let o = offset
            advance()
            left = .binary(.or, left, try parseAnd(), offset: o)
        }
        return left
    }

    private mutating func parseAnd() throws -> RawExpression {
        var left = try parseNot()
        while isKeyword(peek, "and") {
            let o = offset
            advance()
            left = .binary(.and, left, try parseNot(), offset: o)
        }
        return left
    }

    private mutating func parseNot() throws -> RawExpression {
        if isKeyword(peek, "not") {
            advance()
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> RawExpression {
        let left = try parseAdditive()
        if case .op(let o) = peek, let op = Expression.BinaryOperator(rawValue: o),
            [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
        {
            let at = offset
            advance()
            return .binary(op, left, try parseAdditive(), offset: at)
        }
        return left
    }

    private mutating func parseAdditive() throws -> RawExpression {
        var left = try parseMultiplicative()
        while case .op(let o) = peek, o == "+" || o == "-" {
            let at = offset
            advance()
            left = .binary(o == "+" ? .add : .subtract, left, try parseMultiplicative(), offset: at)
        }
        return left
    }

    private mutating func parseMultiplicative() throws -> RawExpression {
        var left = try parseUnary()
        while case .op(let o) = peek, o == "*" || o == "/" {
            let at = offset
            advance()
            left = .binary(o == "*" ? .multiply : .divide, left, try parseUnary(), offset: at)
        }
        return left
    }

    private mutating func parseUnary() throws -> RawExpression {
        if peek == .op("-") {
            advance()
            return .negate(try parseUnary())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws -> RawExpression {
        let at = offset
        switch peek {
        case .number(let n):
            advance()
            return .number(n)
        case .string(let s):
            advance()
            return .string(s, offset: at)
        case .parameter(let p):
            advance()
            return .parameter(p, offset: at)
        case .lparen:
            advance()
            let e = try parseOr()
            guard peek == .rparen else {
                throw ExpressionSyntaxError(offset: offset, message: L("thiếu dấu ')'", "missing ')'"))
            }
            advance()
            return e
        case .name(let n):
            let lower = n.lowercased()
            if lower == "true" {
                advance()
                return .bool(true)
            }
            if lower == "false" {
                advance()
                return .bool(false)
            }
            if ["and", "or", "not"].contains(lower) { break }
            advance()
            if peek == .lparen {
                advance()
                var args: [RawExpression] = []
                if peek != .rparen {
                    args.append(try parseOr())
                    while peek == .comma {
                        advance()
                        args.append(try parseOr())
                    }
                }
                guard peek == .rparen else {
                    throw ExpressionSyntaxError(
                        offset: offset,
                        message: L(
                            "thiếu dấu ')' sau các đối số của \(n)()", "missing ')' after the arguments of \(n)()"))
                }
                advance()
                return .call(n, args, offset: at)
            }
            return .name(n.split(separator: ".", omittingEmptySubsequences: false).map(String.init), offset: at)
        default:
            break
        }
        if peek == .end {
            throw ExpressionSyntaxError(
                offset: at, message: L("biểu thức kết thúc đột ngột", "the expression ends too early"))
        }
        throw ExpressionSyntaxError(
            offset: at, message: L("không mong đợi '\(describe(peek))' ở đây", "unexpected '\(describe(peek))'"))
    }
}

// MARK: - Evaluation

extension Expression {
    /// Evaluates against answers; `row` is the row being checked by a row rule.
    public func evaluate(_ answers: Answers, row: Row? = nil) -> EvaluatedValue {
        switch self {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .field(let s, let f): return Self.lift(answers[s, f])
        case .column(let c): return Self.lift(row?[c])
        case .table(let s, let f): return Self.lift(answers[s, f])
        case .tableColumn(let s, let f, _): return Self.lift(answers[s, f])
        case .not(let e):
            if case .bool(let b) = e.evaluate(answers, row: row) { return .bool(!b) }
            return .null
        case .negate(let e):
            if case .number(let n) = e.evaluate(answers, row: row) { return .number(-n) }
            return .null
        case .binary(let op, let l, let r):
            return Self.apply(op, l, r, answers, row)
        case .call(let fn, let args):
            return Self.call(fn, args, answers, row)
        }
    }

    /// True only when the expression is known to be true (unknown counts as false):
    /// how `relevant` and `required_when` read.
    public func holds(_ answers: Answers, row: Row? = nil) -> Bool {
        evaluate(answers, row: row) == .bool(true)
    }

    private static func lift(_ v: Value?) -> EvaluatedValue {
        guard let v else { return .null }
        switch v {
        case .text(let s): return s.isEmpty ? .null : .string(s)
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        case .list(let l): return .list(l)
        case .rows(let r): return .rows(r)
        }
    }

    private static func apply(
        _ op: BinaryOperator, _ l: Expression, _ r: Expression,
        _ answers: Answers, _ row: Row?
    ) -> EvaluatedValue {
        if op == .and || op == .or {
            let a = l.evaluate(answers, row: row)
            let b = r.evaluate(answers, row: row)
            let decisive = op == .or
            if a == .bool(decisive) || b == .bool(decisive) { return .bool(decisive) }
            if a == .null || b == .null { return .null }
            return .bool(!decisive)
        }
        let a = l.evaluate(answers, row: row)
        let b = r.evaluate(answers, row: row)
        if a == .null || b == .null { return .null }
        switch (op, a, b) {
        case (.add, .number(let x), .number(let y)): return .number(x + y)
        case (.subtract, .number(let x), .number(let y)): return .number(x - y)
        case (.multiply, .number(let x), .number(let y)): return .number(x * y)
        case (.divide, .number(let x), .number(let y)): return y == 0 ? .null : .number(x / y)
        case (.equal, _, _): return .bool(a == b)
        case (.notEqual, _, _): return .bool(a != b)
        case (_, .number(let x), .number(let y)): return .bool(compare(op, x, y))
        case (_, .string(let x), .string(let y)): return .bool(compare(op, x, y))
        default: return .null
        }
    }

    private static func compare<T: Comparable>(_ op: BinaryOperator, _ x: T, _ y: T) -> Bool {
        switch op {
        case .less: return x < y
        case .lessOrEqual: return x <= y
        case .greater: return x > y
        case .greaterOrEqual: return x >= y
        default: return false
        }
    }

    private static func call(_ fn: Function, _ args: [Expression], _ answers: Answers, _ row: Row?) -> EvaluatedValue {
        switch fn {
        case .count:
            if case .rows(let rows) = args[0].evaluate(answers, row: row) { return .number(Double(rows.count)) }
            return .number(0)
        case .sum:
            guard case .tableColumn(_, _, let column) = args[0] else { return .null }
            guard case .rows(let rows) = args[0].evaluate(answers, row: row) else { return .number(0) }
            return .number(rows.reduce(0) { $0 + ($1[column]?.number ?? 0) })
        case .selected:
            guard case .string(let choice) = args[1].evaluate(answers, row: row) else { return .null }
            switch args[0].evaluate(answers, row: row) {
            case .list(let l): return .bool(l.contains(choice))
            case .string(let s): return .bool(s == choice)
            default: return .null
            }
        case .empty:
            switch args[0].evaluate(answers, row: row) {
            case .null: return .bool(true)
            case .list(let l): return .bool(l.isEmpty)
            case .rows(let r): return .bool(r.isEmpty)
            case .string(let s):
                // Text from answers is trimmed already: a first letter settles it, mostly.
                if let f = s.unicodeScalars.first, f.value < 0x80, !f.isSpace { return .bool(false) }
                return .bool(s.trimmingCharacters(in: .whitespaces).isEmpty)
            default: return .bool(false)
            }
        }
    }
}
