import AtomicFiles
import FormKit
import Foundation

/// Checks an output path before any work, so that an output can never destroy an input: not
/// one of the files read (links resolved), not the form, the unit list or the layout, not a
/// folder or a device, and named for what is written.
public enum OutputTarget {
    /// Why `output` cannot be written; nil when it can. `inputs` are every file the command
    /// reads (submissions, form, unit list, layout); `fileExtension` what the output must end in.
    public static func problem(_ output: String, inputs: [String], fileExtension: String) -> LocalizedText? {
        let resolved = AtomicOutput.resolvingLinks(output)
        var info = stat()
        if stat(resolved, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let kind =
                info.st_mode & S_IFMT == S_IFDIR
                ? L("một thư mục", "a folder") : L("một thiết bị hoặc tệp đặc biệt", "a device or special file")
            return L(
                "'\(output)' là \(kind.vi), không ghi đè được; hãy đặt tên tệp, ví dụ \(suggested(output, fileExtension))",
                "'\(output)' is \(kind.text(.en)) and cannot be written over; give a file name, e.g. \(suggested(output, fileExtension))"
            )
        }
        for input in inputs where AtomicOutput.resolvingLinks(input) == resolved {
            return L(
                "'\(output)' là một tệp đầu vào (\(input)); ghi kết quả vào đó sẽ xoá mất nó. Hãy chọn tên khác, ví dụ \(suggested(output, fileExtension))",
                "'\(output)' is one of the inputs (\(input)); writing the result there would destroy it. Choose another name, e.g. \(suggested(output, fileExtension))"
            )
        }
        if (output as NSString).pathExtension.lowercased() != fileExtension {
            return L(
                "tệp kết quả '\(output)' phải có đuôi .\(fileExtension) (một bảng tính Excel được ghi vào đó); ví dụ \(suggested(output, fileExtension))",
                "the output '\(output)' must end in .\(fileExtension) (an Excel workbook is written there); e.g. \(suggested(output, fileExtension))"
            )
        }
        return nil
    }

    static func suggested(_ output: String, _ fileExtension: String) -> String {
        let base = (output as NSString).deletingPathExtension
        return (base.isEmpty || base.hasSuffix("/") ? base + "tong-hop" : base) + "." + fileExtension
    }
}
