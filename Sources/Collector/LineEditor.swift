import Clibedit
import Foundation

/// A person typing at a terminal, with the line editing people expect, from Debian's libedit
/// (a well-kept BSD-licensed library, linked as libxlsxwriter is, through a system-library
/// target): Left/Right, Home/End, Ctrl-A/E/K/U/W, Backspace over a whole letter however it was
/// composed, Up for the value in brackets and the previous answer. A paste arrives in one
/// piece (bracketed paste): its line breaks stay in the one answer instead of answering the
/// next questions. Nothing the keyboard sends as a control character reaches an answer.
///
/// `make(prompt:)` falls back to `StandardTerminal` when either end is not a terminal or
/// libedit cannot start; tests drive this class through a pseudo-terminal.
public final class LineEditingTerminal: Terminal {
    public let isInteractive = true
    // The editor and its history are owned here and freed in `deinit`; no pointer leaves.
    private let editor: OpaquePointer
    private let history: OpaquePointer
    /// The prompt libedit prints, kept alive between the calls that read it.
    private var promptText: UnsafeMutablePointer<CChar>?
    /// A paste with line breaks: the whole line it makes (what was typed around it included).
    private var pastedLine: String?

    /// The terminal's settings before the editor changed them, restored at exit however the
    /// process ends (Ctrl-C ends it from another thread while a line is being read).
    nonisolated(unsafe) private static var original = termios()

    /// A line-editing terminal when standard input and output are both terminals; otherwise
    /// (a pipe, a file, no UTF-8 locale available) the plain one.
    public static func make() -> Terminal {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1,
            ProcessInfo.processInfo.environment["TERM"] != "dumb",
            let editing = LineEditingTerminal()
        else { return StandardTerminal() }
        return editing
    }

    init?() {
        guard ictreport_utf8_locale() == 1, tcgetattr(STDIN_FILENO, &LineEditingTerminal.original) == 0,
            let editor = ictreport_el_open()
        else { return nil }
        guard let history = ictreport_history_open(editor) else {
            el_end(editor)
            return nil
        }
        self.editor = editor
        self.history = history
        atexit { _ = tcsetattr(STDIN_FILENO, TCSANOW, &LineEditingTerminal.original) }
        // The callbacks are C functions: they find this object through the editor's client
        // data, which lives as long as the editor (both end in `deinit`).
        ictreport_el_set_data(editor, Unmanaged.passUnretained(self).toOpaque())
        ictreport_el_prompt(editor) { el in LineEditingTerminal.owner(el)?.promptText }
        ictreport_el_addfn(editor, "ictreport-paste", "a bracketed paste, as one answer") { el, _ in
            guard let el, let owner = LineEditingTerminal.owner(el) else { return UInt8(CC_ERROR) }
            return owner.paste(el)
        }
        ictreport_el_bind(editor, "\u{1B}[200~", "ictreport-paste")
        ictreport_el_addfn(editor, "ictreport-backspace", "delete the letter before the cursor") { el, _ in
            LineEditingTerminal.deleteLetterBeforeCursor(el)
        }
        for key in ["^?", "^H"] { ictreport_el_bind(editor, key, "ictreport-backspace") }
    }

    deinit {
        el_end(editor)
        history_end(history)
        free(promptText)
    }

    private static func owner(_ el: OpaquePointer?) -> LineEditingTerminal? {
        guard let el, let data = ictreport_el_data(el) else { return nil }
        return Unmanaged<LineEditingTerminal>.fromOpaque(data).takeUnretainedValue()
    }

    public func read(prompt: String) -> TerminalInput { read(prompt: prompt, recall: []) }

    public func read(prompt: String, recall: [String]) -> TerminalInput {
        free(promptText)
        promptText = strdup(LineEditingTerminal.markingEscapes(prompt))
        ictreport_history_clear(history)
        for line in recall where !line.isEmpty { ictreport_history_add(history, line) }
        pastedLine = nil
        write("\u{1B}[?2004h")  // bracketed paste on, for this line only
        var count: Int32 = 0
        let read = el_wgets(editor, &count)
        write("\u{1B}[?2004l")
        var line: String
        if let pastedLine {
            line = pastedLine  // the line ended inside the paste (libedit's buffer holds no line break)
        } else {
            guard let read, count > 0 else { return .end }
            line = LineEditingTerminal.text(read, count: Int(count))
            if line.hasSuffix("\n") { line.removeLast() }
        }
        if pastedLine != nil {
            // libedit's line shows what was typed before the paste: show the whole answer taken.
            let lines = line.split(separator: "\n", omittingEmptySubsequences: false)
            write("\r\u{1B}[K" + prompt + lines.map(String.init).joined(separator: "\n  ") + "\n")
        }
        return .line(LineEditingTerminal.keyboardText(line))
    }

    public var columns: Int? { standardOutputColumns() }

    public func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The text of `count` wide characters.
    static func text(_ wide: UnsafePointer<wchar_t>, count: Int) -> String {
        var s = String.UnicodeScalarView()
        for k in 0..<count {
            if let u = Unicode.Scalar(UInt32(bitPattern: wide[k])) { s.append(u) }
        }
        return String(s)
    }

    /// What was typed, without what a keyboard sends as control characters (a stray escape
    /// sequence's ESC, a Ctrl key libedit did not take); line breaks and tabs from a paste stay.
    static func keyboardText(_ line: String) -> String {
        var kept = String.UnicodeScalarView()
        for u in line.unicodeScalars
        where u == "\n" || u == "\t" || !(u.value < 0x20 || (0x7F...0x9F).contains(u.value)) {
            kept.append(u)
        }
        return String(kept).replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// The prompt with its colour sequences between \1 marks, so that libedit counts only the
    /// printed characters when it places the cursor. Sequences that follow one another share one
    /// pair of marks: given two marked sequences back to back ("\1reset\1\1colour\1"), Debian's
    /// libedit printed the second one's letters ("[36m") and swallowed the "›" after them.
    static func markingEscapes(_ prompt: String) -> String {
        var out = String.UnicodeScalarView()
        var inEscape = false
        var justClosed = false
        for u in prompt.unicodeScalars {
            if u == "\u{1B}" {
                if justClosed { out.removeLast() } else { out.append("\u{1}") }
                inEscape = true
            }
            justClosed = false
            out.append(u)
            if inEscape, u == "m" {
                out.append("\u{1}")
                inEscape = false
                justClosed = true
            }
        }
        return String(out)
    }

    /// Reads a bracketed paste to its end mark. Without a line break it is put in the line
    /// where the cursor is; with one, the line ends with the whole paste in it.
    private func paste(_ el: OpaquePointer) -> UInt8 {
        var pasted = String.UnicodeScalarView()
        let end = Array("\u{1B}[201~".unicodeScalars)
        var c: wchar_t = 0
        while el_wgetc(el, &c) == 1 {
            guard let u = Unicode.Scalar(UInt32(bitPattern: c)) else { continue }
            pasted.append(u)
            if pasted.count >= end.count, Array(pasted.suffix(end.count)) == end {
                pasted.removeLast(end.count)
                break
            }
        }
        let text = String(pasted).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(
            of: "\r", with: "\n")
        guard text.contains("\n") else {
            var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
            _ = el_winsertstr(el, &wide)
            return UInt8(CC_REFRESH)
        }
        let info = el_wline(el)!.pointee
        let before = LineEditingTerminal.text(info.buffer, count: info.cursor - info.buffer)
        let after = LineEditingTerminal.text(info.cursor, count: info.lastchar - info.cursor)
        pastedLine = before + text.trimmingCharacters(in: .newlines) + after
        return UInt8(CC_NEWLINE)
    }

    /// Backspace: the whole letter before the cursor, however many code points make it (a
    /// Vietnamese letter typed as a base letter and combining marks is one letter).
    private static func deleteLetterBeforeCursor(_ el: OpaquePointer?) -> UInt8 {
        guard let el, let info = el_wline(el)?.pointee, info.cursor > info.buffer else { return UInt8(CC_ERROR) }
        let before = text(info.buffer, count: info.cursor - info.buffer)
        guard let letter = before.last else { return UInt8(CC_ERROR) }
        el_deletestr(el, Int32(letter.unicodeScalars.count))
        return UInt8(CC_REFRESH)
    }
}
