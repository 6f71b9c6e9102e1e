import FormKit
import Foundation
import Submissions
import TestSupport
import Testing

/// The sample as a coordinator reads it: 39 units that look like 39 different units (their own
/// names, services, figures spread by kind), reproducible, and as valid as the generator says.
@Suite struct SampleProfileTests {
    static let example = SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission!

    /// Generates a sample with the bundled profiles; its summary and its latest finals by unit id.
    static func sample(count: Int? = nil, seed: UInt64) throws -> (
        dir: URL, summary: SampleGenerator.Summary, finals: [String: Submission]
    ) {
        let dir = temporaryDirectory("profiled")
        let summary = try SampleGenerator(
            form: form, base: example.answers, baseUnitName: example.unitName, seed: seed, profiles: sampleProfiles
        ).generate(units: SampleGenerator.units(registry, count: count), into: dir)
        var finals: [String: Submission] = [:]
        for url in SubmissionLoader.expand([dir.path]).files {
            let loaded = SubmissionLoader.load(url, form: form)
            guard loaded.problems.isEmpty, let s = loaded.submission, s.status == .final,
                url.lastPathComponent == "\(s.unitId).json"
            else {
                continue
            }
            finals[s.unitId] = s
        }
        return (dir, summary, finals)
    }

    static let bundled = try! sample(seed: 2018)

    func texts(_ s: Submission, _ section: String, _ table: String, _ column: String) -> [String] {
        (s.answers[section, table]?.rows ?? []).compactMap { $0[column]?.text }
    }

    func number(_ s: Submission, _ section: String, _ field: String) -> Double {
        s.answers[section, field]?.number ?? -1
    }

    @Test func theBundledProfilesFitTheBundledForm() {
        #expect(sampleProfiles.warnings.isEmpty, "\(sampleProfiles.warnings.map { $0.formatted(.en) })")
    }

    /// Portals are the unit and its own sub-units, not one Cục's office in Hồ Chí Minh City
    /// repeated under every unit; services and databases are the unit's own.
    @Test func unitsNameTheirOwnPortalsServicesAndDatabases() throws {
        let finals = Self.bundled.finals.values
        #expect(finals.count >= 30)
        var subPortals: [String: Int] = [:]
        var services: Set<String> = []
        var databases: Set<String> = []
        var addresses: Set<String> = []
        for s in finals {
            let portals = texts(s, "websites", "portals", "unit_name")
            for p in portals where !p.hasPrefix(s.unitName) { subPortals[p, default: 0] += 1 }
            services.formUnion(texts(s, "online_services", "services", "name"))
            databases.formUnion(texts(s, "internal", "databases", "name"))
            addresses.insert(try #require(s.answers["general", "address"]?.text))
            let email = try #require(s.answers["contact", "email"]?.text)
            let domain = try #require(s.answers["general", "email"]?.text?.split(separator: "@").last)
            #expect(email.hasSuffix("@" + domain), "\(s.unitId): \(email) is not at the unit's domain \(domain)")
        }
        #expect(subPortals.count >= 15, "\(subPortals)")
        // No sub-unit's portal is listed under more than a few units.
        #expect(subPortals.values.max() ?? 0 <= 4, "\(subPortals)")
        #expect(services.count >= 20, "\(services)")
        #expect(databases.count >= 20, "\(databases)")
        #expect(addresses.count >= 15, "\(addresses)")
        // The databases of the ministry's plan (seeds/002) under the units that run them.
        let shtt = try #require(Self.bundled.finals["cuc-shtt"])
        #expect(
            texts(shtt, "internal", "databases", "name").contains(
                "CSDL về đơn đăng ký xác lập quyền sở hữu công nghiệp"))
        #expect(
            texts(shtt, "online_services", "services", "name").allSatisfy {
                $0.hasPrefix("Đăng ký") || $0.hasPrefix("Cấp")
            })
    }

    /// A Vụ advises the minister: no one-stop office, no dossiers; no procedures but where the
    /// profiles give it some (Vụ ĐTG registers technology transfer contracts).
    @Test func aVuHasNoOneStopOfficeNorProcedures() {
        let vu = Self.bundled.finals.values.filter {
            $0.unitName.hasPrefix("Vụ ") || $0.unitName.hasPrefix("Thanh tra")
        }
        #expect(vu.count >= 8)
        for s in vu {
            #expect(number(s, "one_stop", "units_with_it") == 0, "\(s.unitId)")
            #expect(number(s, "one_stop", "dossiers_received") == 0, "\(s.unitId)")
            #expect(s.answers["one_stop", "deployment"] == nil, "\(s.unitId): a deployment without a one-stop office")
            if s.unitId != "vu-dtg" {
                #expect(number(s, "online_services", "procedures_total") == 0, "\(s.unitId)")
                #expect(s.answers["online_services", "services"]?.rows?.isEmpty ?? true, "\(s.unitId)")
            }
        }
    }

    /// Figures spread over each kind's range: a Cục has from a few to hundreds of procedures,
    /// and staff totals are not one example's figure times a small factor.
    @Test func figuresSpreadOverRealisticRanges() {
        let finals = Array(Self.bundled.finals.values)
        let cuc = finals.filter { $0.unitName.hasPrefix("Cục ") || $0.unitName.hasPrefix("Tổng cục ") }
        let procedures = cuc.map { number($0, "online_services", "procedures_total") }
        #expect(cuc.count >= 6)
        #expect((procedures.min() ?? 0) >= 3 && (procedures.max() ?? 0) >= 80, "\(procedures)")
        #expect((procedures.max() ?? 0) >= 5 * (procedures.min() ?? 1), "\(procedures)")
        let staff = finals.map { number($0, "general", "staff_total") }
        #expect(Set(staff).count >= finals.count - 3, "\(staff)")
        #expect((staff.max() ?? 0) >= 20 * (staff.min() ?? 1), "\(staff)")
        // The share of permanent staff differs from unit to unit (scaling kept it at 310/420).
        let shares = Set(
            finals.map {
                (100 * number($0, "general", "staff_permanent") / number($0, "general", "staff_total")).rounded()
            })
        #expect(shares.count >= 10, "\(shares)")
        // Online dossiers never outnumber all dossiers, one-stop figures follow the procedures.
        for s in finals {
            for row in s.answers["online_services", "services"]?.rows ?? [] {
                #expect((row["online_dossiers"]?.number ?? 0) <= (row["total_dossiers"]?.number ?? 0), "\(s.unitId)")
            }
        }
    }

    /// Every final reads as the generator's summary says: those it broke on purpose have
    /// their errors or explained warnings, every other final none; nothing fell back to the
    /// example renamed.
    @Test func everyFinalValidatesAsTheGeneratorClaims() throws {
        for seed: UInt64 in [2018, 5] {
            let (dir, summary, _) = try Self.sample(count: 80, seed: seed)
            let validator = Validator(form: form)
            var withErrors = 0
            var withWarnings = 0
            for url in SubmissionLoader.expand([dir.path]).files where !url.lastPathComponent.contains(".draft") {
                let s = try #require(SubmissionLoader.load(url, form: form).submission)
                let issues = validator.validate(s.answers)
                let latest = url.lastPathComponent == "\(s.unitId).json"
                if issues.contains(where: { $0.severity == .error }) {
                    #expect(latest, "\(url.lastPathComponent): an error in a superseded revision")
                    withErrors += 1
                } else if !issues.isEmpty {
                    #expect(latest, "\(url.lastPathComponent): a warning in a superseded revision")
                    withWarnings += 1
                }
                for w in issues where w.severity == .warning {
                    #expect(s.explanations[w.key] != nil, "\(url.lastPathComponent): \(w.key) unexplained")
                }
                if s.unitId != "cuc-shtt" {
                    #expect(
                        s.answers["general", "address"] != Self.example.answers["general", "address"], "\(s.unitId)")
                }
            }
            #expect(withErrors == summary.withErrors, "seed \(seed)")
            #expect(withWarnings == summary.withWarnings, "seed \(seed)")
        }
    }

    /// Made-up units (a large sample) take the kinds in turn: some without procedures, some
    /// with; and the same seed gives the same bytes.
    @Test func madeUpUnitsTakeKindsAndTheSameSeedGivesTheSameFiles() throws {
        let a = try Self.sample(count: 120, seed: 9)
        let b = try Self.sample(count: 120, seed: 9)
        let names = try FileManager.default.contentsOfDirectory(atPath: a.dir.path).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: b.dir.path).sorted()))
        for n in names {
            #expect(
                try Data(contentsOf: a.dir.appendingPathComponent(n))
                    == Data(contentsOf: b.dir.appendingPathComponent(n)),
                "\(n)")
        }
        let madeUp = a.finals.values.filter { $0.unitId.hasPrefix("don-vi-") }
        let procedures = madeUp.map { number($0, "online_services", "procedures_total") }
        #expect(procedures.contains(0) && procedures.contains { $0 >= 20 }, "\(procedures)")
    }
}

/// The profiles file's own mistakes are reported at their place; what the form does not fit
/// is a warning and left out, so that another form still gets its samples.
@Suite struct SampleProfileFileTests {
    func parse(_ text: String) throws -> SampleProfiles {
        try SampleProfiles.parse(text, file: "p.yaml", form: form)
    }

    @Test func aQuestionTheFormDoesNotHaveIsAWarningWithItsPlace() throws {
        let p = try parse(
            """
            fields:
              general.staf_total: {range: [1, 5]}
              general.address: {range: [1, 5]}
              general.email: {pool: ["{id}@{domian}"]}
            """)
        let text = p.warnings.map { $0.formatted(.en) }
        #expect(text.count == 3, "\(text)")
        #expect(
            text.contains { $0.hasPrefix("p.yaml:2:3: warning:") && $0.contains("did you mean 'general.staff_total'") })
        #expect(text.contains { $0.hasPrefix("p.yaml:3:") && $0.contains("cannot be answered with 'range'") })
        #expect(text.contains { $0.contains("'{domian}'") && $0.contains("did you mean 'domain'") })
    }

    @Test func aMalformedEntryIsAnErrorWithItsPlace() {
        let cases: [(String, String)] = [
            (
                "fields:\n  general.staff_total: {range: [1, 5], pool: [3]}\n",
                "p.yaml:2:24: error: 'general.staff_total' needs exactly one of"
            ),
            ("fields:\n  general.staff_total: {range: [9, 5]}\n", "p.yaml:2:32: error: 'range' must be [least, most]"),
            ("kinds:\n  - {id: vu}\n", "p.yaml:2:5: error: kind 'vu' needs 'names'"),
            ("fallback_kinds: [cuc]\n", "p.yaml:1:18: error: no kind 'cuc'"),
            (
                "fields:\n  general.staff_total: {share: [1, 1], of: general.staff_permanent}\n  general.staff_permanent: {share: [1, 1], of: general.staff_total}\n",
                "error: answers computed from each other in a circle"
            )
        ]
        for (text, expected) in cases {
            do {
                _ = try parse(text)
                Issue.record("no error for: \(text)")
            } catch let e as DiagnosticsError {
                let messages = e.diagnostics.map { $0.formatted(.en) }
                #expect(messages.contains { $0.contains(expected) }, "\(messages)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
