import Foundation
import TestSupport
import Testing

/// The built binary on a pseudo-terminal, as a focal point's terminal runs it: keys in, the
/// screen's bytes out.
final class PseudoTerminalRun {
    let process = Process()
    let master: Int32
    let buffer = OutputBuffer()
    private let done = DispatchSemaphore(value: 0)

    init(_ arguments: [String], columns: UInt16 = 80, colour: Bool = false) throws {
        // Linux's pseudo-terminal multiplexer: unlock the new pair, ask its number. (The two
        // requests are C macros Swift does not import: _IOW('T', 0x31, int) and
        // _IOR('T', 0x30, unsigned int), the same on x86-64 and ARM64.)
        let TIOCSPTLCK: UInt = 0x4004_5431
        let TIOCGPTN: UInt = 0x8004_5430
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            throw POSIXError(.ENODEV)
        }
        var size = winsize(ws_row: 30, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENODEV) }
        let tty = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        environment["LANG"] = "C.UTF-8"
        if colour { environment["NO_COLOR"] = nil } else { environment["NO_COLOR"] = "1" }
        process.environment = environment
        process.standardInput = tty
        process.standardOutput = tty
        process.standardError = tty
        let master = master
        let buffer = buffer
        let done = done
        Thread.detachNewThread {
            var bytes = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(master, &bytes, bytes.count)
                if n <= 0 { break }
                buffer.append(Data(bytes[0..<n]))
            }
            done.signal()
        }
        try process.run()
    }

    /// Waits up to 20 s for `text` to appear `times` times on the screen.
    func waitFor(_ text: String, times: Int = 1) -> Bool {
        for _ in 0..<200 {
            if buffer.text.components(separatedBy: text).count - 1 >= times { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        _ = write(master, &bytes, bytes.count)
        Thread.sleep(forTimeInterval: 0.15)
    }

    func finish() {
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        close(master)
        _ = done.wait(timeout: .now() + 5)
    }
}

@Suite(.serialized) struct LineEditingTests {
    static let left = "\u{1B}[D", home = "\u{1B}[H", end = "\u{1B}[F", up = "\u{1B}[A", backspace = "\u{7F}"

    func session(colour: Bool = false) throws -> (PseudoTerminalRun, URL) {
        let dir = temporaryDirectory("pty")
        let run = try PseudoTerminalRun(
            [
                "collect", "--unit", "cuc-shtt",
                "--out", dir.appendingPathComponent("submissions").path,
                "--drafts", dir.appendingPathComponent("drafts").path
            ], colour: colour)
        return (run, dir.appendingPathComponent("drafts/cuc-shtt.json"))
    }

    func general(_ draft: URL) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: draft)) as? [String: Any]
        return (json?["answers"] as? [String: Any])?["general"] as? [String: Any] ?? [:]
    }

    @Test func cursorKeysHomeEndBackspaceOverAWholeLetterAndUp() throws {
        let (run, draft) = try session()
        defer { run.finish() }
        #expect(run.waitFor("1. Tên cơ quan báo cáo"))
        // Typed, then mended with Home, End and Left: the answer is the line as shown.
        run.type("Vien")
        run.type(Self.home + "X" + Self.end + Self.left + "Q\r")
        #expect(run.waitFor("2. Địa chỉ"))
        // A letter typed as e + two combining marks is one letter for Backspace.
        run.type("Vie\u{323}\u{302}n" + Self.backspace + Self.backspace + "a\r")
        #expect(run.waitFor("3. Điện thoại"))
        // Back to question 2: Up calls back the value in brackets, to be mended, not retyped.
        run.type("<\r")
        #expect(run.waitFor("2. Địa chỉ", times: 2))
        run.type(Self.up + "x\r")
        #expect(run.waitFor("3. Điện thoại", times: 2))
        run.type(":save\r")
        #expect(run.waitFor("ictreport collect"))
        let answers = try general(draft)
        #expect(answers["agency_name"] as? String == "XVieQn")
        #expect(answers["address"] as? String == "Viax")
    }

    @Test func aDefaultInBracketsKeepsItsColouredPromptMark() throws {
        let (run, _) = try session(colour: true)
        defer { run.finish() }
        #expect(run.waitFor("1. Tên cơ quan báo cáo"))
        run.type("Viện\r")
        #expect(run.waitFor("2. Địa chỉ"))
        run.type("<\r")
        // "[Viện] ›": the dimmed default, then the coloured mark; both colours reach the
        // terminal as colour, never as the letters "[36m" where the "›" should be.
        #expect(run.waitFor("1. Tên cơ quan báo cáo", times: 2))
        #expect(run.waitFor("›", times: 3))
        run.type(":save\r")
        #expect(run.waitFor("ictreport collect"))
        #expect(!run.buffer.text.replacingOccurrences(of: "\u{1B}[", with: "").contains("[36m"))
    }

    @Test func aPasteOfSeveralLinesIsOneAnswerAndNoControlCharacterIsStored() throws {
        let (run, draft) = try session()
        defer { run.finish() }
        #expect(run.waitFor("1. Tên cơ quan báo cáo"))
        // Bracketed paste: the address on the second line must not answer question 2.
        run.type("\u{1B}[200~Viện Ứng dụng công nghệ\n38 Ngô Quyền, Hà Nội\u{1B}[201~")
        #expect(run.waitFor("chỉ nhận một dòng"))
        // A paste on one line is text in the line, editable like typing.
        run.type("\u{1B}[200~Viện Ứng dụng\u{1B}[201~" + " KH\r")
        #expect(run.waitFor("2. Địa chỉ"))
        // Ctrl-V Ctrl-G puts a raw control character in the line: it never reaches the answer.
        run.type("38 Ngô Quyền\u{16}\u{07}\r")
        #expect(run.waitFor("3. Điện thoại"))
        run.type(":save\r")
        #expect(run.waitFor("ictreport collect"))
        let answers = try general(draft)
        #expect(answers["agency_name"] as? String == "Viện Ứng dụng KH")
        #expect(answers["address"] as? String == "38 Ngô Quyền")
    }
}
