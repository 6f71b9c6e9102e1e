import TestSupport
import Testing

@testable import FormKit

@Suite struct ExpressionTests {
    let form = TestSupport.form

    func condition(_ source: String, section: String? = "general", table: String? = nil) throws -> Expression {
        var r = ExpressionResolver(sections: form.sections, parameters: form.parameterDictionary, sectionId: section)
        if let table, let section { r.table = form.field(section, table) }
        let (e, _) = r.resolve(try ExpressionParser.parse(source))
        #expect(r.problems.isEmpty, "\(r.problems.map { $0.message.text(.en) })")
        return e
    }

    @Test func arithmeticAndPrecedence() throws {
        let a = Answers([
            "general": ["staff_total": .number(10), "staff_permanent": .number(4), "staff_contract": .number(3)]
        ])
        #expect(try condition("staff_permanent + staff_contract * 2 = staff_total").evaluate(a) == .bool(true))
        #expect(try condition("(staff_permanent + staff_contract) * 2 > staff_total").evaluate(a) == .bool(true))
        #expect(try condition("staff_total / 4 = 2.5").evaluate(a) == .bool(true))
        #expect(try condition("-staff_total < 0 and not (staff_total = 3)").evaluate(a) == .bool(true))
    }

    @Test func unansweredMakesTheResultUnknown() throws {
        let a = Answers(["general": ["staff_total": .number(10)]])
        #expect(try condition("staff_permanent + staff_contract <= staff_total").evaluate(a) == .null)
        // Kleene logic: a known true decides an `or`, a known false decides an `and`.
        #expect(try condition("staff_total > 5 or staff_permanent > 100").evaluate(a) == .bool(true))
        #expect(try condition("staff_total > 50 and staff_permanent > 100").evaluate(a) == .bool(false))
        #expect(try condition("staff_total > 5 and staff_permanent > 100").evaluate(a) == .null)
    }

    @Test func functions() throws {
        let a = Answers([
            "online_services": [
                "services": .rows([["online_dossiers": .number(3)], ["online_dossiers": .number(4)], [:]])
            ],
            "one_stop": ["lookup_channels": .list(["internet", "other"])]
        ])
        #expect(try condition("count(online_services.services) = 3").evaluate(a) == .bool(true))
        #expect(try condition("sum(online_services.services.online_dossiers) = 7").evaluate(a) == .bool(true))
        #expect(try condition("sum(online_services.services[].online_dossiers) = 7").evaluate(a) == .bool(true))
        #expect(try condition("selected(one_stop.lookup_channels, 'other')").evaluate(a) == .bool(true))
        #expect(try condition("selected(one_stop.lookup_channels, 'sms')").evaluate(a) == .bool(false))
        #expect(
            try condition("empty(one_stop.lookup_other) and not empty(one_stop.lookup_channels)").evaluate(a)
                == .bool(true))
        #expect(try condition("count(websites.portals) = 0").evaluate(a) == .bool(true))
    }

    @Test func rowRulesSeeTheirRow() throws {
        let e = try condition("online_dossiers <= total_dossiers", section: "online_services", table: "services")
        #expect(
            e.evaluate(Answers(), row: ["online_dossiers": .number(5), "total_dossiers": .number(4)]) == .bool(false))
        #expect(
            e.evaluate(Answers(), row: ["online_dossiers": .number(4), "total_dossiers": .number(4)]) == .bool(true))
    }

    @Test func parametersAndDates() throws {
        let e = try condition("sign_off.report_date >= $period_start and $report_year = 2018", section: nil)
        #expect(e.evaluate(Answers(["sign_off": ["report_date": .text("2018-11-15")]])) == .bool(true))
        #expect(e.evaluate(Answers(["sign_off": ["report_date": .text("2017-12-31")]])) == .bool(false))
    }

    @Test func syntaxErrorsHaveOffsets() {
        for (source, offset) in [("a +", 3), ("(a", 2), ("a ? b", 2), ("'open", 0), ("f(a b)", 4)] {
            #expect(throws: ExpressionSyntaxError.self) { try ExpressionParser.parse(source) }
            do { _ = try ExpressionParser.parse(source) } catch let e as ExpressionSyntaxError {
                #expect(e.offset == offset, "\(source)")
            } catch {}
        }
    }
}
