import FormKit
import Foundation
import Testing

/// Skip logic that hangs on skip logic: `relevantAnswers` follows the chain to its end.
@Suite struct RelevanceTests {
    /// `q1` is asked when `q2` is answered, …, `q<n>` when `gate` is true; `gate` comes last,
    /// so each pass over the form in order can only settle one more link.
    func chainForm(_ n: Int) throws -> Form {
        var yaml = """
            id: chain
            version: "1"
            title: Chuỗi
            sections:
              - id: s
                title: Mục
                fields:

            """
        for i in 1...n {
            let condition = i == n ? "gate = true" : "not empty(q\(i + 1))"
            yaml += "      - {id: q\(i), type: integer, label: Câu \(i), relevant: \"\(condition)\"}\n"
        }
        yaml += "      - {id: gate, type: boolean, label: Cổng}\n"
        let r = FormLoader.lint(yaml, file: "chain.yaml")
        #expect(r.diagnostics.allSatisfy { $0.severity == .warning }, "\(r.diagnostics.map { $0.message.text(.en) })")
        return try #require(r.form)
    }

    func answers(_ n: Int, gate: Bool) -> Answers {
        var a = Answers()
        for i in 1...n { a["s", "q\(i)"] = .number(Double(i)) }
        a["s", "gate"] = .bool(gate)
        return a
    }

    @Test(arguments: [1, 8, 9, 12, 30])
    func aClosedGateClearsTheWholeChain(length: Int) throws {
        let validator = Validator(form: try chainForm(length))
        let relevant = validator.relevantAnswers(answers(length, gate: false))
        #expect(relevant == Answers(["s": ["gate": .bool(false)]]))
    }

    @Test func anOpenGateKeepsEveryAnswer() throws {
        let validator = Validator(form: try chainForm(12))
        let all = answers(12, gate: true)
        #expect(validator.relevantAnswers(all) == all)
        #expect(validator.assess(all).relevant == all)
    }
}
