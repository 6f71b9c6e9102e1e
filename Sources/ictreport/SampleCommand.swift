import ArgumentParser
import FormKit
import Foundation
import Submissions

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Tạo bộ bài nộp mẫu, lặp lại được theo seed. (Generate reproducible sample submissions.)")

    @OptionGroup var unitList: UnitsOption
    @Option(
        help: "Số đơn vị; lớn hơn danh sách thì thêm đơn vị giả định. (Units; more than the list adds synthetic ones.)")
    var count: Int?
    @Option(help: "Hạt giống ngẫu nhiên: cùng seed, cùng dữ liệu.")
    var seed: UInt64 = 2018
    @Option(name: .shortAndLong, help: "Thư mục ghi các bài nộp.")
    var output: String
    @Option(help: "Bài nộp mẫu đầy đủ làm gốc (mặc định Examples/cuc-shtt.json).")
    var base: String?
    @Option(
        help:
            "Hồ sơ theo loại đơn vị: tên, số liệu, bảng của từng loại (mặc định Examples/sample-profiles.yaml). (Unit kind profiles.)"
    )
    var profiles: String?
    @Option(
        help:
            "Thư mục bài nộp năm trước: cùng các đơn vị trả lời năm nay từ báo cáo năm trước (số liệu thay đổi vừa phải, kế hoạch năm trước được thực hiện một phần). (Last year's submissions: make the second year.)"
    )
    var previous: String?
    @OptionGroup var formFile: FormOption
    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.lang
        let form = try formFile.load(lang)
        let registry = try unitList.load(lang)
        let baseURL = try locate(base, default: "Examples/cuc-shtt.json", option: "--base", lang)
        var loaded = SubmissionLoader.load(baseURL, form: form, anyVersion: previous != nil)
        // The second year (--previous): an example of last year's form, its dates moved on a year.
        if let base = loaded.submission, base.formVersion != form.version {
            loaded.submission?.answers = SampleGenerator.movedOn(base.answers, form: form)
        }
        guard let example = loaded.submission, loaded.rejection == nil, loaded.problems.isEmpty,
            !Validator(form: form).validate(example.answers).contains(where: { $0.severity == .error })
        else {
            printError(
                L(
                    "\(loaded.file): bài nộp gốc phải đầy đủ và hợp lệ (xem: ictreport validate \(loaded.file))",
                    "\(loaded.file): the base submission must be complete and valid (see: ictreport validate \(loaded.file))"
                ).text(lang))
            throw ExitCode(1)
        }
        if let count, count < 1 || count > SampleGenerator.maxCount {
            throw ValidationError(
                L(
                    "--count phải từ 1 đến \(SampleGenerator.maxCount)",
                    "--count must be from 1 to \(SampleGenerator.maxCount)"
                ).text(lang))
        }
        let profilesURL = try locate(
            profiles, default: "Examples/sample-profiles.yaml", option: "--profiles", lang)
        let kinds = try loadOrExit(lang) { try SampleProfiles.load(contentsOf: profilesURL, form: form) }
        for w in kinds.warnings { printError(w.formatted(lang)) }
        var generator = SampleGenerator(
            form: form, base: example.answers, baseUnitName: example.unitName, seed: seed, profiles: kinds)
        if let previous {
            generator.previous = try lastYearAnswers([previous], form: form, registry: registry, lang)
        }
        let dir = URL(fileURLWithPath: output)
        let s = try generator.generate(units: SampleGenerator.units(registry, count: count), into: dir)
        if lang == .vi {
            print(
                "Đã tạo \(s.files) tệp cho \(s.units) đơn vị trong \(output)/ (seed \(seed)): \(s.finals) bản chính thức "
                    + "(\(s.withWarnings) có cảnh báo, \(s.withErrors) có lỗi), \(s.superseded) bản cũ bị thay thế, "
                    + "\(s.draftsOnly) chỉ có bản nháp, \(s.missing) chưa nộp. Danh sách đơn vị: \(output)/units.yaml")
        } else {
            print(
                "Wrote \(s.files) files for \(s.units) units in \(output)/ (seed \(seed)): \(s.finals) finals "
                    + "(\(s.withWarnings) with warnings, \(s.withErrors) with errors), \(s.superseded) superseded, "
                    + "\(s.draftsOnly) drafts only, \(s.missing) missing. Units: \(output)/units.yaml")
        }
    }
}
