import Consolidation
import FormKit
import Foundation
import Submissions

/// One function per fuzz target: each takes arbitrary bytes and runs a reader on them through
/// its public API. None of them traps on its own: a trap, overflow or stack overflow seen while
/// one runs is a bug in the reader. `ictreport-fuzz` calls these from libFuzzer (see `make fuzz`),
/// and FuzzTargetsTests replays the seed corpus and the regression fixtures through them.
public enum FuzzTargets {
    /// The targets by name, as `ICTREPORT_FUZZ_TARGET` and the corpus folders name them.
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("submission", submission),
        ("answers-json", answersJSON),
        ("answers-yaml", answersYAML),
        ("value", value),
        ("expression", expression),
        ("form", form),
        ("units", units),
        ("layout", layout),
        ("profiles", profiles)
    ]

    public static var names: [String] { all.map(\.name) }

    public static func target(_ name: String) -> (@Sendable ([UInt8]) -> Void)? {
        all.first { $0.name == name }?.run
    }

    // MARK: the targets

    /// A submission file (JSON) read as `validate` and `merge` read it, then validated; also the
    /// header-only read (`answers: false`) a merge makes first.
    public static func submission(_ bytes: [UInt8]) {
        let ctx = Context.shared
        let loaded = SubmissionLoader.load(bytes: bytes, file: "fuzz.json", form: ctx.form, yaml: false)
        let check = SubmissionCheck(loaded, validator: ctx.validator)
        _ = check.render(.en, form: ctx.form)
        _ = check.withoutAnswers
        let header = SubmissionLoader.load(bytes: bytes, file: "fuzz.json", form: ctx.form, yaml: false, answers: false)
        _ = SubmissionCheck(header, validator: ctx.validator).errorCount
        // A file is judged once: what the merge's scan accepts, the full read accepts, for the same unit.
        if (header.rejection == nil) != (loaded.rejection == nil)
            || header.submission?.unitId != loaded.submission?.unitId
        {
            fatalError(
                "the scan and the full read disagree: \(header.rejection?.text(.en) ?? "accepted") / \(loaded.rejection?.text(.en) ?? "accepted")"
            )
        }
    }

    /// An answers file in JSON: the data tree, then the answers decoded against the form.
    public static func answersJSON(_ bytes: [UInt8]) {
        let ctx = Context.shared
        if let tree = try? DataTree.parse(Data(bytes), yaml: false) {
            let (answers, _) = AnswersDecoder.decode(tree, form: ctx.form)
            _ = ctx.validator.assess(answers)
        }
    }

    /// An answers file in YAML: the same, and the whole file as `collect --answers` and
    /// `validate` read a .yaml file.
    public static func answersYAML(_ bytes: [UInt8]) {
        let ctx = Context.shared
        if let tree = try? DataTree.parse(Data(bytes), yaml: true) {
            let (answers, _) = AnswersDecoder.decode(tree, form: ctx.form)
            _ = ctx.validator.assess(answers)
        }
        let loaded = SubmissionLoader.load(bytes: bytes, file: "fuzz.yaml", form: ctx.form, yaml: true)
        _ = SubmissionCheck(loaded, validator: ctx.validator).render(.en, form: ctx.form)
    }

    /// A typed answer: the first byte picks a field of the form (table columns included), the
    /// rest is the text typed for it.
    public static func value(_ bytes: [UInt8]) {
        let ctx = Context.shared
        guard let first = bytes.first else { return }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let field = ctx.fields[Int(first) % ctx.fields.count]
        if case .success(let v)? = ValueParser.parse(text, for: field) {
            _ = ValueParser.check(v, for: field)
            _ = ctx.form.display(v, of: field, .vi)
            _ = ctx.form.display(v, of: field, .en)
        }
        _ = ValueParser.numberReadings(text)
        if let iso = ValueParser.parseDate(text) { _ = ValueParser.displayDate(iso) }
    }

    /// An expression compiled against the form (parser and resolver), then evaluated on no
    /// answers and on the example submission's; the same text also as a section rule, a table
    /// row rule and a `relevant` condition of a small form, where names are section-local.
    public static func expression(_ bytes: [UInt8]) {
        let ctx = Context.shared
        let text = String(decoding: bytes, as: UTF8.self)
        if let compiled = try? ctx.form.compile(text) {
            _ = compiled.expression.evaluate(Answers())
            _ = compiled.expression.holds(ctx.example)
            _ = compiled.expression.evaluate(ctx.example)
        }
        guard let form = FormLoader.lint(expressionForm(text), file: "fuzz.yaml").form else { return }
        let answers = Answers([
            "s": [
                "n": .number(3), "c": .text("a"), "m": .list(["a"]), "d": .text("2024-05-01"),
                "t": .rows([["x": .number(50), "y": .text("y")], [:]])
            ]
        ])
        _ = Validator(form: form).assess(answers)
    }

    /// A small form with `expression` as a section rule, a table row rule and a `relevant`
    /// condition (section `s`: n integer, c choice a|b, m multi_choice, d date, t table of x
    /// percent and y text, r text).
    public static func expressionForm(_ expression: String) -> String {
        // A literal block scalar, indented deeper than every key, keeps the text as it is.
        let block = expression.split(separator: "\n", omittingEmptySubsequences: false).map { "                " + $0 }
            .joined(separator: "\n")
        return """
            id: fuzz
            version: "1"
            title: Fuzz {year}
            parameters:
              year: 2024
            sections:
              - id: s
                title: S
                fields:
                  - id: n
                    type: integer
                    label: N
                  - id: c
                    type: choice
                    label: C
                    choices:
                      - {id: a, label: A}
                      - {id: b, label: B}
                  - id: m
                    type: multi_choice
                    label: M
                    choices:
                      - {id: a, label: A}
                  - id: d
                    type: date
                    label: D
                  - id: t
                    type: table
                    label: T
                    columns:
                      - {id: x, type: percent, label: X}
                      - {id: y, type: text, label: Y}
                    rules:
                      - id: row
                        assert: |-
            \(block)
                        message: row
                  - id: r
                    type: text
                    label: R
                    relevant: |-
            \(block)
                rules:
                  - id: section
                    assert: |-
            \(block)
                    message: section
            """
    }

    /// A form file: the loader and linter; a form that loads is also used to validate no answers.
    public static func form(_ bytes: [UInt8]) {
        let result = FormLoader.lint(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        for d in result.diagnostics { _ = d.formatted(.en) }
        if let form = result.form {
            let validator = Validator(form: form)
            _ = validator.assess(Answers())
        }
    }

    /// A unit list (Forms/units.yaml).
    public static func units(_ bytes: [UInt8]) {
        guard let registry = try? UnitRegistry.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml") else {
            return
        }
        _ = registry.match("cuc")
        _ = registry.suggestions("vu phap che")
    }

    /// A workbook layout (Templates/*.yaml) checked against the form.
    public static func layout(_ bytes: [UInt8]) {
        _ = try? WorkbookLayout.parse(
            String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml", form: Context.shared.form)
    }

    /// A sample profiles file (Examples/sample-profiles.yaml) checked against the form; one that
    /// loads then makes the answers of a Cục, a Vụ and a made-up unit from the example.
    public static func profiles(_ bytes: [UInt8]) {
        let ctx = Context.shared
        guard
            let profiles = try? SampleProfiles.parse(
                String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml", form: ctx.form)
        else { return }
        for w in profiles.warnings { _ = w.formatted(.en) }
        let generator = SampleGenerator(
            form: ctx.form, base: ctx.example, baseUnitName: "Cục Sở hữu trí tuệ", seed: 1, profiles: profiles)
        let units = [
            ReportingUnit(id: "cuc-shtt", name: "Cục Sở hữu trí tuệ", shortName: "Cục SHTT"),
            ReportingUnit(id: "vu-phap-che", name: "Vụ Pháp chế", shortName: "Vụ Pháp chế"),
            ReportingUnit(id: "don-vi-00040", name: "Đơn vị mẫu số 40", shortName: "ĐV 40")
        ]
        for (i, unit) in units.enumerated() { _ = generator.answers(for: unit, index: i) }
    }

    // MARK: the real form, loaded once

    /// Where the repository is: `ICTREPORT_ROOT`, else the first of the current directory,
    /// the executable's directory and this source file's checkout (and their parents) that
    /// holds Forms/ict-annual-report.yaml.
    public static func repositoryRoot() -> URL? {
        let fm = FileManager.default
        if let root = ProcessInfo.processInfo.environment["ICTREPORT_ROOT"] { return URL(fileURLWithPath: root) }
        var starts = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        if let exe = Bundle.main.executableURL { starts.append(exe.deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent())
        for start in starts {
            var dir = start.standardizedFileURL
            while true {
                if fm.fileExists(atPath: dir.appendingPathComponent("Forms/ict-annual-report.yaml").path) { return dir }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }

    final class Context: Sendable {
        let form: Form
        let validator: Validator
        /// Every field and table column, in form order.
        let fields: [Field]
        /// The answers of Examples/cuc-shtt.json (empty when it is not there).
        let example: Answers

        static let shared = Context()

        private init() {
            let env = ProcessInfo.processInfo.environment
            let root = repositoryRoot()
            let formURL =
                env["ICTREPORT_FORM"].map { URL(fileURLWithPath: $0) }
                ?? root?.appendingPathComponent("Forms/ict-annual-report.yaml")
            guard let formURL else {
                fatalError(
                    "FuzzTargets: cannot find Forms/ict-annual-report.yaml; run from the repository or set ICTREPORT_FORM"
                )
            }
            do { form = try FormLoader.load(contentsOf: formURL) } catch {
                fatalError("FuzzTargets: the form \(formURL.path) does not load: \(error)")
            }
            validator = Validator(form: form)
            fields = form.sections.flatMap { s in s.fields.flatMap { [$0] + $0.columns } }
            if let root {
                let loaded = SubmissionLoader.load(
                    path: root.appendingPathComponent("Examples/cuc-shtt.json").path, form: form)
                example = loaded.submission?.answers ?? Answers()
            } else {
                example = Answers()
            }
        }
    }
}
