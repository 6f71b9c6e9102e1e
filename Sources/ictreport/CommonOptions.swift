import ArgumentParser
import FormKit
import Foundation
import Submissions

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Ngôn ngữ thông báo: vi hoặc en. (Message language.)")
    var lang: Language = .vi
}

extension Language: ExpressibleByArgument {}

/// `--form FILE`, for the commands that read submissions against the form.
struct FormOption: ParsableArguments {
    @Option(help: "Tệp biểu mẫu (mặc định Forms/ict-annual-report.yaml).")
    var form: String?

    func load(_ language: Language) throws -> Form { try loadForm(form, language) }
}

/// `--units FILE`, for the commands that need the list of reporting units.
struct UnitsOption: ParsableArguments {
    @Option(help: "Danh sách đơn vị (mặc định Forms/units.yaml).")
    var units: String?

    func load(_ language: Language) throws -> UnitRegistry {
        try loadOrExit(language) { try UnitRegistry.load(contentsOf: locate(units, default: defaultUnitsPath)) }
    }
}

/// Where the bundled files are: the given path, else Forms/… in this folder or the nearest
/// folder above it (so commands work from anywhere inside the repository).
func locate(_ given: String?, default relative: String) -> URL {
    if let given { return URL(fileURLWithPath: given) }
    var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    while true {
        let candidate = dir.appendingPathComponent(relative)
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        let parent = dir.deletingLastPathComponent()
        if parent.path == dir.path { return URL(fileURLWithPath: relative) }
        dir = parent
    }
}

let defaultFormPath = "Forms/ict-annual-report.yaml"
let defaultUnitsPath = "Forms/units.yaml"

/// Loads the form or prints every diagnostic and exits 1: no command can work without it.
func loadForm(_ path: String?, _ language: Language) throws -> Form {
    let result = FormLoader.lint(contentsOf: locate(path, default: defaultFormPath))
    guard let form = result.form else {
        for d in result.diagnostics { printError(d.formatted(language)) }
        printError(
            L("Biểu mẫu có lỗi; sửa các lỗi trên rồi chạy lại.", "The form has errors; fix them and run again.").text(
                language))
        throw ExitCode(1)
    }
    return form
}

/// Prints a message on standard error, control characters from files escaped.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s.terminalSafe + "\n").utf8))
}

/// Reads a submission or answers file; a file that cannot be used ends the command (exit 1),
/// wrong values are reported with their place and left out.
func loadSubmission(_ path: String, _ form: Form, _ language: Language) throws -> Submission {
    let loaded = SubmissionLoader.load(URL(fileURLWithPath: path), form: form)
    guard let s = loaded.submission, loaded.rejection == nil else {
        printError("\(loaded.file): \(loaded.rejection?.text(language) ?? "")")
        throw ExitCode(1)
    }
    for p in loaded.problems {
        printError(
            "\(loaded.file): \(p.path) (" + (L("dòng \(p.line)", "line \(p.line)").text(language))
                + "): \(p.message.text(language))")
    }
    return s
}
