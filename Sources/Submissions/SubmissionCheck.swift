import FormKit
import Foundation

/// One file read and validated: what `validate` prints and what a merge records.
public struct SubmissionCheck: Sendable {
    public var loaded: LoadedSubmission
    public var issues: [ValidationIssue]
    /// The answers that count: those to questions not asked (skip logic) removed.
    public var relevantAnswers: Answers?

    public init(_ loaded: LoadedSubmission, validator: Validator) {
        self.loaded = loaded
        // A value already reported as unreadable is not reported again as missing.
        let unreadable = Set(loaded.problems.map(\.path))
        let assessed = loaded.submission.map { validator.assess($0.answers) }
        relevantAnswers = assessed?.relevant
        self.issues = (assessed?.issues ?? []).filter { issue in
            guard issue.rule == "required", issue.row == nil, let field = issue.field else { return true }
            return !unreadable.contains("$.answers.\(issue.section).\(field)")
                && !unreadable.contains("$.\(issue.section).\(field)")
        }
    }

    /// The same check without the answers (the file, unit, status, problems and
    /// explanations stay): what a merge keeps once a unit is written.
    public var withoutAnswers: SubmissionCheck {
        var kept = self
        kept.relevantAnswers = nil
        kept.loaded.submission?.answers = Answers()
        return kept
    }

    public static func run(_ url: URL, validator: Validator) -> SubmissionCheck {
        SubmissionCheck(SubmissionLoader.load(url, form: validator.form), validator: validator)
    }

    public var errorCount: Int {
        (loaded.rejection == nil ? 0 : 1) + loaded.problems.count + issues.count { $0.severity == .error }
    }

    public var warningCount: Int { issues.count { $0.severity == .warning } }

    /// The file's report: a heading line, then one line a problem, errors first.
    /// Made safe for a terminal: names and values from the file are shown with their control
    /// characters escaped.
    /// Issues are placed in the words of the form ("Mục 1 › 3. Địa chỉ", `ValidationIssue.place`).
    public func render(_ language: Language, form: Form) -> String {
        renderText(language, form: form).terminalSafe
    }

    func renderText(_ language: Language, form: Form) -> String {
        var out = loaded.file
        if let s = loaded.submission {
            var about: [String] = []
            if !s.unitId.isEmpty { about.append(s.unitName.isEmpty ? s.unitId : "\(s.unitName) (\(s.unitId))") }
            about.append(
                s.status == .final
                    ? (L("bản chính thức", "final").text(language)) : (L("bản nháp", "draft").text(language)))
            if s.revision > 0 { about.append((L("lần ", "revision ").text(language)) + "\(s.revision)") }
            out += " — " + about.joined(separator: ", ")
        }
        out += "\n"
        if let reason = loaded.rejection {
            return out + "  \(Severity.error.label(language)): \(reason.text(language))\n"
        }
        for p in loaded.problems {
            out +=
                "  \(Severity.error.label(language)): \(p.path) ("
                + (L("dòng \(p.line), cột \(p.column)", "line \(p.line), column \(p.column)").text(language))
                + "): \(p.message.text(language))\n"
        }
        for issue in issues.sorted(by: { $0.severity < $1.severity }) {
            out +=
                "  \(issue.severity.label(language)): \(issue.place(in: form, language)): \(issue.message.text(language))"
            if issue.severity == .warning, let why = loaded.submission?.explanations[issue.key] {
                out += L(" — giải trình: \(why)", " — explanation: \(why)").text(language)
            }
            out += "\n"
        }
        if errorCount == 0 && warningCount == 0 {
            out += L("  hợp lệ, không có lỗi\n", "  valid, no problems\n").text(language)
        }
        return out
    }
}
