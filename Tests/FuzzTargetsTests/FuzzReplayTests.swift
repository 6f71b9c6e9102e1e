import FormKit
import Foundation
import FuzzTargets
import TestSupport
import Testing

// Every seed (Tests/Fuzz/corpus/<target>/) and every input a fuzzer once crashed on
// (Tests/Fixtures/fuzz/<target>/) goes through its target again, one test case per file: a
// reader that traps on one of them crashes the test run, and the case last started names it;
// one that takes over 10 s fails.

/// "target/file" for every file under Tests/<folder>/<target>/.
func inputs(_ folder: String) -> [String] {
    let fm = FileManager.default
    let root = repositoryRoot.appendingPathComponent(folder)
    return FuzzTargets.names.flatMap { target in
        ((try? fm.contentsOfDirectory(atPath: root.appendingPathComponent(target).path)) ?? []).sorted().map {
            "\(target)/\($0)"
        }
    }
}

func replay(_ folder: String, _ input: String) throws {
    let target = String(input.prefix { $0 != "/" })
    let run = try #require(FuzzTargets.target(target))
    let bytes = Array(try Data(contentsOf: repositoryRoot.appendingPathComponent("\(folder)/\(input)")))
    let elapsed = ContinuousClock().measure { run(bytes) }
    // make fuzz gives libFuzzer -timeout=10: an input that takes longer (an alias bomb) is a bug too.
    #expect(elapsed < .seconds(10), "\(folder)/\(input) took \(elapsed)")
}

@Suite struct FuzzReplayTests {
    @Test("every target has a seed corpus", arguments: FuzzTargets.names)
    func corpusExists(_ target: String) {
        #expect(
            inputs("Tests/Fuzz/corpus").contains { $0.hasPrefix("\(target)/") }, "Tests/Fuzz/corpus/\(target) is empty")
    }

    @Test("corpus and fixture folders name only fuzz targets")
    func foldersNameTargets() {
        for folder in ["Tests/Fuzz/corpus", "Tests/Fixtures/fuzz"] {
            let path = repositoryRoot.appendingPathComponent(folder).path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                #expect(FuzzTargets.target(name) != nil, "\(folder)/\(name) is not a fuzz target")
            }
        }
    }

    @Test("a seed replays without a crash", arguments: inputs("Tests/Fuzz/corpus"))
    func seed(_ input: String) throws {
        try replay("Tests/Fuzz/corpus", input)
    }

    @Test("an input a fuzzer crashed on replays without a crash", arguments: inputs("Tests/Fixtures/fuzz"))
    func regression(_ input: String) throws {
        try replay("Tests/Fixtures/fuzz", input)
    }

    @Test("the expression target's small form loads with a valid expression")
    func expressionForm() {
        let result = FormLoader.lint(
            FuzzTargets.expressionForm("n > 2 and not empty(d)\nor c = 'a'"), file: "fuzz.yaml")
        #expect(result.form != nil, "\(result.diagnostics.map { $0.formatted(.en) })")
        #expect(FormLoader.lint(FuzzTargets.expressionForm("n >"), file: "fuzz.yaml").form == nil)
    }

    @Test("empty and one-byte inputs", arguments: FuzzTargets.names)
    func tiny(_ target: String) throws {
        let run = try #require(FuzzTargets.target(target))
        run([])
        for b in [0x00, 0x0A, 0x22, 0x7B, 0x5B, 0xFF] as [UInt8] { run([b]) }
    }
}
