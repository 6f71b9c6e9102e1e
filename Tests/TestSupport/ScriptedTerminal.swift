import Collector

/// A terminal that plays a script, for tests: each input in turn, then the end of input.
public final class ScriptedTerminal: Terminal {
    public private(set) var inputs: [TerminalInput]
    public private(set) var output = ""
    public let isInteractive: Bool
    /// The screen's width the session lays text out for (nil: none, lines as they are).
    public var columns: Int?

    public init(_ inputs: [TerminalInput], interactive: Bool = true) {
        self.inputs = inputs
        self.isInteractive = interactive
    }

    /// Lines to type, with "^C" standing for Ctrl-C.
    public convenience init(lines: [String], interactive: Bool = true) {
        self.init(lines.map { $0 == "^C" ? .interrupt : .line($0) }, interactive: interactive)
    }

    public func read(prompt: String) -> TerminalInput {
        output += prompt
        guard !inputs.isEmpty else {
            output += "\n"
            return .end
        }
        let next = inputs.removeFirst()
        if case .line(let l) = next { output += l }
        output += "\n"
        return next
    }

    public func write(_ text: String) { output += text }

    /// How many scripted inputs were not read.
    public var unread: Int { inputs.count }
}
