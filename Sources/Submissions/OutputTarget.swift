import AtomicFiles
import FormKit
import Foundation

/// Checks an output path before any work, so that an output can never destroy an input: not
/// one of the files read (by any path, link or hard link), not the form, the unit list or the layout, not a
/// folder or a device, and named for what is written.
public enum OutputTarget {
    /// Why `output` cannot be written; nil when it can. `inputs` are every file the command
    /// reads (submissions, form, unit list, layout); `fileExtension` what the output must end in.
    public static func problem(_ output: String, inputs: [String], fileExtension: String) -> LocalizedText? {
        let resolved = AtomicOutput.resolvingLinks(output)
        var info = stat()
        let exists = stat(resolved, &info) == 0
        if exists, info.st_mode & S_IFMT != S_IFREG {
            let kind =
                info.st_mode & S_IFMT == S_IFDIR
                ? L("một thư mục", "a folder") : L("một thiết bị hoặc tệp đặc biệt", "a device or special file")
            return L(
                "'\(output)' là \(kind.vi), không ghi đè được; hãy đặt tên tệp, ví dụ \(suggested(output, fileExtension))",
                "'\(output)' is \(kind.text(.en)) and cannot be written over; give a file name, e.g. \(suggested(output, fileExtension))"
            )
        }
        // The same file is the same device and inode, whatever path or link leads to it (and a
        // hard link too): one stat an input, where resolving every input's links cost a tenth of
        // a second before a merge of 10,000 files could start. No output yet, no input is it.
        for input in inputs where exists && isSameFile(input, info) {
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

    static func isSameFile(_ path: String, _ output: stat) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_dev == output.st_dev && info.st_ino == output.st_ino
    }

    static func suggested(_ output: String, _ fileExtension: String) -> String {
        let base = (output as NSString).deletingPathExtension
        return (base.isEmpty || base.hasSuffix("/") ? base + "tong-hop" : base) + "." + fileExtension
    }
}
