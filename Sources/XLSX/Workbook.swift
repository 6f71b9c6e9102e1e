import AtomicFiles
import Cxlsxwriter
import Foundation
import Synchronization
import TextNormalization

/// A libxlsxwriter failure, naming the sheet and cell it happened at.
public struct XLSXError: Error, CustomStringConvertible, Sendable {
    public var sheet: String?
    public var cell: String?
    /// What went wrong, in English (libxlsxwriter's own messages are English only).
    public var message: String
    /// The same in Vietnamese, where this layer words the message itself.
    public var vietnamese: String?

    public init(sheet: String? = nil, cell: String? = nil, message: String, vietnamese: String? = nil) {
        self.sheet = sheet
        self.cell = cell
        self.message = message
        self.vietnamese = vietnamese
    }

    /// A write, format or set-up asked of a workbook already closed or discarded.
    static func closed(sheet: String?) -> XLSXError {
        XLSXError(
            sheet: sheet, message: "the workbook is already closed or discarded: nothing more can be written to it",
            vietnamese: "bảng tính đã đóng hoặc đã huỷ: không ghi thêm được gì vào đó")
    }

    /// Vietnamese first, English after, as the tool's other messages.
    public var description: String {
        var place: [String] = []
        if let sheet { place.append("sheet '\(sheet)'") }
        if let cell { place.append("cell \(cell)") }
        return (place.isEmpty ? "" : place.joined(separator: ", ") + ": ")
            + (vietnamese.map { "\($0) (\(message))" } ?? message)
    }
}

/// Something the layer changed so that the file stays valid, for the caller to report.
public enum XLSXNotice: Sendable, Equatable {
    /// Text longer than a cell holds was cut at this cell; it had `length` characters.
    case truncated(sheet: String, cell: String, length: Int)
    /// A sheet name was made valid or unique.
    case sheetRenamed(from: String, to: String)
}

/// An .xlsx file being written. Everything goes to a temporary file beside the target,
/// renamed over it only by a successful `close()`: libxlsxwriter truncates its target as it
/// starts, and a failed run must leave an existing workbook untouched.
///
/// Memory safety: every sheet holds its workbook (strongly), and the workbook holds only the
/// names of its sheets, so there is no cycle and a sheet never outlives the C workbook it
/// writes into. `close()` and `discard()` free every C sheet and format: from then on every
/// call on the workbook or on any of its sheets throws `XLSXError` before reaching C.
public final class Workbook {
    public let url: URL
    let temporaryURL: URL
    /// The temporary file, flushed and renamed over the target (links written through) by `close()`.
    let output: AtomicOutput
    /// The C workbook, nil once closed or discarded. Every C call on the workbook, its sheets
    /// or its formats first checks it (`openHandle`): that is what keeps the C pointers of
    /// sheets and formats, freed by `workbook_close`, from being used after.
    /// (Read for every cell from the one thread that writes the workbook, which is not
    /// Sendable: the run-time exclusivity check is left out.)
    @exclusivity(unchecked) private var handle: UnsafeMutablePointer<lxw_workbook>?
    /// Tells a `FormatRef` of this workbook from one of another workbook, even one since freed
    /// at the same address.
    let serial: Int
    private static let serials = Atomic<Int>(0)
    /// The C formats made, owned by the C workbook and freed with it: handed out only inside
    /// `FormatRef`s (see there) or to C calls made after `openHandle`.
    private var formats: [CellFormat: UnsafeMutablePointer<lxw_format>] = [:]
    /// The spec of every format made, by its C format (for an observer: looked up only when one is installed).
    private var specs: [UnsafeMutablePointer<lxw_format>: CellFormat] = [:]
    private var sheetKeys: Set<String> = []
    /// The names of the sheets added, in order (as made valid and unique).
    public private(set) var sheetNames: [String] = []
    public private(set) var notices: [XLSXNotice] = []
    /// Cells written so far, merged ranges counting once. (Touched for every cell, from the
    /// one thread that writes: the run-time exclusivity check is left out.)
    @exclusivity(unchecked) public internal(set) var cellsWritten = 0
    /// Appended to text cut at Excel's limit of 32,767 characters a cell.
    public var truncationMarker = " …[cắt bớt]"
    /// Told of every sheet, format and cell written, when installed (the benchmark's
    /// `CellTrace`). Without one, writing does no work for it beyond seeing it is nil.
    /// (Read for every cell from the one writing thread: the exclusivity check is left out.)
    @exclusivity(unchecked) public var observer: (any WorkbookObserver)?
    /// The default font of every format.
    public var fontName = "Times New Roman"

    /// `constantMemory`: rows are flushed as soon as the next row starts, so memory stays flat
    /// however many rows are written; each sheet must then be written in row order.
    public init(url: URL, constantMemory: Bool = true) throws {
        self.url = url
        serial = Workbook.serials.add(1, ordering: .relaxed).newValue
        do {
            output = try AtomicOutput(url.path)
        } catch {
            throw XLSXError(
                message: "cannot write the workbook at \(url.path): \(error)",
                vietnamese: "không ghi được bảng tính tại \(url.path): \(error)")
        }
        temporaryURL = URL(fileURLWithPath: output.temporary)
        var options = lxw_workbook_options(constant_memory: constantMemory ? 1 : 0, tmpdir: nil, use_zip64: 1)
        handle = temporaryURL.path.withCString { workbook_new_opt($0, &options) }
        guard handle != nil else {
            throw XLSXError(
                message: "cannot create a workbook at \(temporaryURL.path)",
                vietnamese: "không tạo được bảng tính tại \(temporaryURL.path)")
        }
    }

    deinit {
        // No sheet is left (each holds the workbook): nothing can write after this.
        if handle != nil { discard() }
    }

    /// Whether sheets can still be added and written (not yet closed or discarded).
    public var isOpen: Bool { handle != nil }

    /// The C workbook while open; otherwise the error every call made after `close()` or
    /// `discard()` throws, naming `sheet` when a sheet's call it is.
    @inline(__always)
    func openHandle(sheet: String? = nil) throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else { throw XLSXError.closed(sheet: sheet) }
        return handle
    }

    /// Adds a sheet; the name is made valid (31 characters, no `[]:*?/\`, no edge apostrophes)
    /// and unique (ignoring case, after NFC), and any change is noted.
    @discardableResult
    public func addSheet(_ requested: String) throws -> Worksheet {
        let handle = try openHandle()
        let name = SheetName.make(requested, avoiding: sheetKeys)
        guard let ws = name.withCString({ workbook_add_worksheet(handle, $0) }) else {
            throw XLSXError(
                sheet: name, message: "libxlsxwriter refused the sheet name",
                vietnamese: "libxlsxwriter không nhận tên trang tính")
        }
        sheetKeys.insert(SheetName.key(name))
        if name != requested { notices.append(.sheetRenamed(from: requested, to: name)) }
        observer?.addedSheet(name)
        let sheet = Worksheet(workbook: self, handle: ws, name: name, index: sheetNames.count)
        sheetNames.append(name)
        return sheet
    }

    /// The formats used lately: a sheet's rows use the same few, and comparing a handful is
    /// cheaper than hashing a format for every cell.
    private var recentFormats: [(spec: CellFormat, format: UnsafeMutablePointer<lxw_format>)] = []

    /// The C format of a spec, made once per workbook. Call only while open (checked by the caller).
    func format(_ spec: CellFormat?, _ handle: UnsafeMutablePointer<lxw_workbook>) -> UnsafeMutablePointer<lxw_format>?
    {
        guard let spec else { return nil }
        if let hit = recentFormats.first(where: { $0.spec == spec }) { return hit.format }
        if let f = formats[spec] {
            if recentFormats.count == 12 { recentFormats.removeFirst() }
            recentFormats.append((spec, f))
            return f
        }
        guard let f = workbook_add_format(handle) else { return nil }
        spec.apply(to: f, defaultFont: fontName)
        formats[spec] = f
        specs[f] = spec
        return f
    }

    /// The spec a format was made from (for an observer).
    func spec(of format: UnsafeMutablePointer<lxw_format>?) -> CellFormat? {
        format.flatMap { specs[$0] }
    }

    /// A format to pass to many writes on this workbook's sheets.
    public func resolve(_ spec: CellFormat?) throws -> FormatRef {
        let handle = try openHandle()
        return FormatRef(pointer: format(spec, handle), workbook: serial, wraps: spec?.wrap ?? false)
    }

    func note(_ n: XLSXNotice) { notices.append(n) }

    /// A column or bar chart over ranges of the workbook's sheets: valid until the workbook
    /// closes, and used at once by `Worksheet.insert`.
    func addChart(_ spec: Chart, sheet: String) throws -> UnsafeMutablePointer<lxw_chart> {
        let handle = try openHandle(sheet: sheet)
        let type: UInt32
        switch (spec.kind, spec.stacked) {
        case (.bar, false): type = LXW_CHART_BAR.rawValue
        case (.bar, true): type = LXW_CHART_BAR_STACKED.rawValue
        case (.column, false): type = LXW_CHART_COLUMN.rawValue
        case (.column, true): type = LXW_CHART_COLUMN_STACKED.rawValue
        }
        guard let chart = workbook_add_chart(handle, UInt8(type)) else {
            throw XLSXError(sheet: sheet, message: "cannot create a chart", vietnamese: "không tạo được biểu đồ")
        }
        return chart
    }

    public func setProperties(title: String, subject: String = "", author: String = "") throws {
        let handle = try openHandle()
        try title.withCString { t in
            try subject.withCString { s in
                try author.withCString { a in
                    var p = lxw_doc_properties()
                    // libxlsxwriter copies the strings: the pointers need live only through the call.
                    p.title = UnsafeMutablePointer(mutating: t)
                    p.subject = UnsafeMutablePointer(mutating: s)
                    p.author = UnsafeMutablePointer(mutating: a)
                    let err = workbook_set_properties(handle, &p)
                    guard err == LXW_NO_ERROR else { throw XLSXError(message: String(cString: lxw_strerror(err))) }
                }
            }
        }
    }

    /// Writes the file and puts it in place. On failure the target is left as it was.
    public func close() throws {
        let handle = try openHandle()
        self.handle = nil
        let err = workbook_close(handle)
        guard err == LXW_NO_ERROR else {
            output.abandon()
            throw XLSXError(message: String(cString: lxw_strerror(err)))
        }
        do {
            try output.commit()
        } catch {
            throw XLSXError(
                message: "cannot put the workbook in place at \(url.path): \(error)",
                vietnamese: "không đặt được bảng tính vào \(url.path): \(error)")
        }
    }

    /// Abandons the workbook: nothing is written where the target is.
    public func discard() {
        if let handle {
            self.handle = nil
            _ = workbook_close(handle)
        }
        output.abandon()
    }
}

/// How sheet names are made valid and unique.
public enum SheetName {
    public static let maxLength = 31

    /// The key under which Excel considers two names the same.
    public static func key(_ name: String) -> String {
        name.nfc.lowercased()
    }

    public static func make(_ requested: String, avoiding taken: Set<String>) -> String {
        var scalars = requested.nfc.unicodeScalars.map { c -> Unicode.Scalar in
            "[]:*?/\\".unicodeScalars.contains(c) || c.value < 0x20 ? "-" : c
        }
        while scalars.first == "'" { scalars.removeFirst() }
        var base = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
        if base.isEmpty { base = "Sheet" }
        func cut(_ s: String, _ n: Int) -> String {
            var v = String(String.UnicodeScalarView(s.unicodeScalars.prefix(n)))
            while v.hasSuffix("'") || v.hasSuffix(" ") { v.removeLast() }
            return v
        }
        var name = cut(base, maxLength)
        var n = 2
        while taken.contains(key(name)) || key(name) == "history" {
            let suffix = " (\(n))"
            name = cut(base, maxLength - suffix.count) + suffix
            n += 1
        }
        return name
    }
}
