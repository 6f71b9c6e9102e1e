import Foundation

/// What reading one line gave.
public enum TerminalInput: Equatable, Sendable {
    case line(String)
    /// End of input (Ctrl-D, or the end of a piped file).
    case end
    /// Ctrl-C.
    case interrupt
}

/// Where the collector talks to a person: whole lines in, text out. Reading whole lines
/// (not bytes) keeps Vietnamese input intact whatever the keyboard's input method sends.
public protocol Terminal: AnyObject {
    func read(prompt: String) -> TerminalInput
    /// The same, with lines the person may call back with the Up key (the value in brackets,
    /// the previous answer; the last one first). Terminals without line editing ignore them.
    func read(prompt: String, recall: [String]) -> TerminalInput
    func write(_ text: String)
    /// Whether a person is typing (a TTY) rather than a file or a pipe.
    var isInteractive: Bool { get }
    /// The width of the screen in columns, when output goes to one (text is broken between
    /// words to fit); nil off a terminal.
    var columns: Int? { get }
}

extension Terminal {
    public func read(prompt: String, recall: [String]) -> TerminalInput { read(prompt: prompt) }
    public var columns: Int? { nil }
}

/// The width of the terminal standard output goes to, or nil when it is not one.
public func standardOutputColumns() -> Int? {
    var size = winsize()
    guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
        return nil
    }
    return Int(size.ws_col)
}

/// The process's standard input and output, read line by line (off a terminal, or where
/// line editing cannot start: see `LineEditingTerminal.make`).
public final class StandardTerminal: Terminal {
    public let isInteractive: Bool

    public init() {
        isInteractive = isatty(STDIN_FILENO) == 1
    }

    public func read(prompt: String) -> TerminalInput {
        write(prompt)
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        // Off a terminal nothing echoes what was read: show it, so the output reads as a transcript.
        if !isInteractive { write(line + "\n") }
        return .line(line)
    }

    public func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    public var columns: Int? { standardOutputColumns() }
}

/// Colours, or none: none when asked, when NO_COLOR is set, on TERM=dumb, or off a terminal.
public struct Palette: Sendable {
    public var enabled: Bool

    public enum Mode: String, Sendable, CaseIterable { case auto, always, never }

    public init(
        _ mode: Mode, outputIsTerminal: Bool = isatty(STDOUT_FILENO) == 1,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        switch mode {
        case .always: enabled = true
        case .never: enabled = false
        case .auto:
            enabled =
                outputIsTerminal && environment["NO_COLOR"].map { $0.isEmpty } != false && environment["TERM"] != "dumb"
        }
    }

    func paint(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { paint(s, "1") }
    func error(_ s: String) -> String { paint(s, "31") }
    func warning(_ s: String) -> String { paint(s, "33") }
    func ok(_ s: String) -> String { paint(s, "32") }
    func dim(_ s: String) -> String { paint(s, "2") }
    func accent(_ s: String) -> String { paint(s, "36") }
}
