import FormKit
import Foundation
import Submissions
import TestSupport
import Testing

/// The values the sample generator makes, type by type, as the submission files hold them.
@Suite struct SampleValueTests {
    /// Samples of the bundled form from the example, read back.
    func samples(count: Int, seed: UInt64) throws -> [(file: URL, submission: Submission)] {
        let dir = temporaryDirectory("samples")
        let base = try #require(SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission)
        _ = try SampleGenerator(form: form, base: base.answers, baseUnitName: base.unitName, seed: seed)
            .generate(units: SampleGenerator.units(registry, count: count), into: dir)
        return try SubmissionLoader.expand([dir.path]).files.map { url in
            let loaded = SubmissionLoader.load(url, form: form)
            #expect(loaded.problems.isEmpty, "\(url.lastPathComponent): \(loaded.problems)")
            return (url, try #require(loaded.submission))
        }
    }

    /// A year is the example's or another within the column's bounds (1990–plan year), a
    /// whole number written as one ("year": 2014), never scaled like a count.
    @Test func aSampleYearIsAFourDigitYearWithinTheBounds() throws {
        let column = try #require(form.field("internal", "databases")?.column("year"))
        #expect(column.type == .year)
        var years: Set<Double> = []
        for (file, s) in try samples(count: 40, seed: 11) {
            for row in s.answers["internal", "databases"]?.rows ?? [] {
                guard let v = row["year"] else { continue }
                let y = try #require(v.number, "\(file.lastPathComponent): \(v)")
                #expect(y.rounded() == y && (1990...2019).contains(y), "\(file.lastPathComponent): \(y)")
                #expect(form.display(v, of: column, .vi) == String(Int(y)))
                years.insert(y)
            }
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains("\"year\": \""), "\(file.lastPathComponent) writes a year as a string")
        }
        // Varied, not only the example's 2010.
        #expect(years.count > 1)
        #expect(years.contains(2010))
    }
}
