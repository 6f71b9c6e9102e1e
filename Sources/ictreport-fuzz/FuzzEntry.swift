import Foundation
import FuzzTargets

// Built two ways:
//  - for libFuzzer (`make fuzz`): `-sanitize=fuzzer -DFUZZING`. SwiftPM links every executable
//    with its `main` renamed to <module>_main, so libFuzzer's own `main` cannot be used: `main`
//    below hands over to libFuzzer's driver (LLVMFuzzerRunDriver) with the target that
//    ICTREPORT_FUZZ_TARGET names;
//  - plainly (`swift build`): `main` replays the files given as arguments through a target,
//    to reproduce a crash under the debugger or with a readable stack:
//      ictreport-fuzz TARGET FILE|DIR...    (a directory replays every file in it)

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

nonisolated(unsafe) private var selected: (@Sendable ([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?(bytes)
    return 0
}

@main
struct Fuzz {
    static func main() {
        let name = ProcessInfo.processInfo.environment["ICTREPORT_FUZZ_TARGET"] ?? ""
        guard let run = FuzzTargets.target(name) else {
            FileHandle.standardError.write(
                Data(
                    "ictreport-fuzz: set ICTREPORT_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: ", "))\n"
                        .utf8))
            exit(2)
        }
        selected = run
        run([])  // loads the form before the first timed input
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzTestOneInput))
    }
}
#else
@main
struct Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let name = args.first, let run = FuzzTargets.target(name), args.count >= 2 else {
            print("usage: ictreport-fuzz TARGET FILE|DIR...   targets: \(FuzzTargets.names.joined(separator: ", "))")
            exit(2)
        }
        let fm = FileManager.default
        var count = 0
        for path in args.dropFirst() {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                print("ictreport-fuzz: no such file: \(path)")
                exit(2)
            }
            let files =
                isDir.boolValue
                ? ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = fm.contents(atPath: file) else { continue }
                FileHandle.standardError.write(Data("\(name): \(file)\n".utf8))
                run(Array(data))
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed, no crash")
    }
}
#endif
