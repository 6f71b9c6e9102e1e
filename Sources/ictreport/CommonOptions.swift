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
        let url = try locate(units, default: defaultUnitsPath, option: "--units", language)
        return try loadOrExit(language) { try UnitRegistry.load(contentsOf: url) }
    }
}

/// Where a bundled file (Forms/…, Templates/…, Examples/…) is: the given path; else under
/// $ICTREPORT_HOME; else in this folder or the nearest folder above it (so commands work from
/// anywhere inside the tool's folder). When none has it, the command says where it looked and
/// how to point at the file (`option`), and exits 1.
func locate(_ given: String?, default relative: String, option: String, _ language: Language) throws -> URL {
    if let given { return URL(fileURLWithPath: given) }
    let fm = FileManager.default
    if let home = ProcessInfo.processInfo.environment["ICTREPORT_HOME"], !home.isEmpty {
        let candidate = URL(fileURLWithPath: home).appendingPathComponent(relative)
        if fm.fileExists(atPath: candidate.path) { return candidate }
    }
    let start = URL(fileURLWithPath: fm.currentDirectoryPath)
    var dir = start
    while true {
        let candidate = dir.appendingPathComponent(relative)
        if fm.fileExists(atPath: candidate.path) { return candidate }
        let parent = dir.deletingLastPathComponent()
        if parent.path == dir.path { break }
        dir = parent
    }
    printError(
        L(
            "Không tìm thấy \(relative): đã tìm trong \(start.path) và các thư mục cha của nó"
                + (ProcessInfo.processInfo.environment["ICTREPORT_HOME"].map { ", và trong ICTREPORT_HOME=\($0)" } ?? "")
                + ". Hãy chạy lệnh trong thư mục của ictreport, hoặc chỉ rõ tệp: \(option) TỆP, "
                + "hoặc đặt biến môi trường ICTREPORT_HOME là thư mục chứa Forms/ và Templates/.",
            "\(relative) not found: looked in \(start.path) and the folders above it"
                + (ProcessInfo.processInfo.environment["ICTREPORT_HOME"].map { ", and in ICTREPORT_HOME=\($0)" } ?? "")
                + ". Run the command inside ictreport's folder, or name the file: \(option) FILE, "
                + "or set the environment variable ICTREPORT_HOME to the folder holding Forms/ and Templates/."
        ).text(language))
    throw ExitCode(1)
}

let defaultFormPath = "Forms/ict-annual-report.yaml"
let defaultUnitsPath = "Forms/units.yaml"

/// Loads the form or prints every diagnostic and exits 1: no command can work without it.
func loadForm(_ path: String?, _ language: Language) throws -> Form {
    try checkedForm(
        FormLoader.lint(contentsOf: try locate(path, default: defaultFormPath, option: "--form", language)), language)
}

/// The form a lint gave; when it has errors, they are printed and the command exits 1.
func checkedForm(_ result: FormLoader.Result, _ language: Language) throws -> Form {
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
    try loadSubmissionFile(path, form, language).submission!
}

/// The same, with what was read (its problems included).
func loadSubmissionFile(_ path: String, _ form: Form, _ language: Language) throws -> LoadedSubmission {
    try usable(SubmissionLoader.load(URL(fileURLWithPath: path), form: form), language)
}

/// What was read, when it can be used: its problems printed with their place; a file that
/// cannot be used ends the command (exit 1).
func usable(_ loaded: LoadedSubmission, _ language: Language) throws -> LoadedSubmission {
    guard loaded.submission != nil, loaded.rejection == nil else {
        printError("\(loaded.file): \(loaded.rejection?.text(language) ?? "")")
        throw ExitCode(1)
    }
    for p in loaded.problems {
        printError(
            "\(loaded.file): \(p.path) (" + (L("dòng \(p.line)", "line \(p.line)").text(language))
                + "): \(p.message.text(language))")
    }
    return loaded
}

/// Last year's final answers by unit (`--previous`): the files and folders read by this year's
/// form (ids stay stable across years), the latest final of each unit. Nothing named, nothing
/// read; a name that holds no submission ends the command.
func lastYearAnswers(_ paths: [String], form: Form, registry: UnitRegistry, _ language: Language) throws
    -> [String: Answers]
{
    guard !paths.isEmpty else { return [:] }
    let (files, missing, _) = SubmissionLoader.expand(paths)
    if !missing.isEmpty || files.isEmpty {
        throw ValidationError(
            L(
                "--previous: không thấy bài nộp năm trước nào trong \((missing.isEmpty ? paths : missing).joined(separator: ", "))",
                "--previous: no submissions of last year found in \((missing.isEmpty ? paths : missing).joined(separator: ", "))"
            ).text(language))
    }
    // A copy of a final (the same bytes under another name) is read once, as a merge reads it,
    // not taken for a conflict that would leave the unit out.
    let loaded = SubmissionLoader.withDigests(
        SubmissionLoader.load(files, form: form, anyVersion: true), paths: files.map(\.path))
    let set = SubmissionSet(loaded, registry: registry)
    return set.current.compactMapValues { $0.submission?.answers }
}
