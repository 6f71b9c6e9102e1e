import AtomicFiles
import Cxlsxwriter
import Foundation
import TextNormalization

/// A libxlsxwriter failure, naming the sheet and cell it happened at.
public struct XLSXError: Error, CustomStringConvertible, Sendable {
    public var sheet: String?
    public var cell: String?
    public var message: String

    public var description: String {
        var place: [String] = []
        if let sheet { place.append("sheet '\(sheet)'") }
        if let cell { place.append("cell \(cell)") }
        return (place.isEmpty ? "" : place.joined(separator: ", ") + ": ") + message
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
public final class Workbook {
    public let url: URL
    let temporaryURL: URL
    /// The temporary file, flushed and renamed over the target (links written through) by `close()`.
    let output: AtomicOutput
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellFormat: UnsafeMutablePointer<lxw_format>] = [:]
    private var sheetKeys: Set<String> = []
    public private(set) var sheets: [Worksheet] = []
    public private(set) var notices: [XLSXNotice] = []
    /// Cells written so far, merged ranges counting once. (Touched for every cell, from the
    /// one thread that writes: the run-time exclusivity check is left out.)
    @exclusivity(unchecked) public internal(set) var cellsWritten = 0
    /// Appended to text cut at Excel's limit of 32,767 characters a cell.
    public var truncationMarker = " …[cắt bớt]"
    /// When set, every sheet, format and cell written is also recorded (for the benchmark).
    @exclusivity(unchecked) public var trace: CellTrace?
    /// The default font of every format.
    public var fontName = "Times New Roman"

    /// `constantMemory`: rows are flushed as soon as the next row starts, so memory stays flat
    /// however many rows are written; each sheet must then be written in row order.
    public init(url: URL, constantMemory: Bool = true) throws {
        self.url = url
        do {
            output = try AtomicOutput(url.path)
        } catch {
            throw XLSXError(message: "cannot write the workbook at \(url.path): \(error)")
        }
        temporaryURL = URL(fileURLWithPath: output.temporary)
        var options = lxw_workbook_options(constant_memory: constantMemory ? 1 : 0, tmpdir: nil, use_zip64: 1)
        handle = temporaryURL.path.withCString { workbook_new_opt($0, &options) }
        guard handle != nil else {
            throw XLSXError(message: "cannot create a workbook at \(temporaryURL.path)")
        }
    }

    deinit {
        if handle != nil { discard() }
    }

    /// Adds a sheet; the name is made valid (31 characters, no `[]:*?/\`, no edge apostrophes)
    /// and unique (ignoring case, after NFC), and any change is noted.
    @discardableResult
    public func addSheet(_ requested: String) throws -> Worksheet {
        guard let handle else { throw XLSXError(message: "the workbook is closed") }
        let name = SheetName.make(requested, avoiding: sheetKeys)
        sheetKeys.insert(SheetName.key(name))
        if name != requested { notices.append(.sheetRenamed(from: requested, to: name)) }
        trace?.sheet(name)
        guard let ws = name.withCString({ workbook_add_worksheet(handle, $0) }) else {
            throw XLSXError(sheet: name, message: "libxlsxwriter refused the sheet name")
        }
        let sheet = Worksheet(workbook: self, handle: ws, name: name, index: sheets.count)
        sheets.append(sheet)
        return sheet
    }

    /// The formats used lately: a sheet's rows use the same few, and comparing a handful is
    /// cheaper than hashing a format for every cell.
    private var recentFormats: [(spec: CellFormat, format: UnsafeMutablePointer<lxw_format>)] = []

    func format(_ spec: CellFormat?) -> UnsafeMutablePointer<lxw_format>? {
        guard let spec, let handle else { return nil }
        if let hit = recentFormats.first(where: { $0.spec == spec }) { return hit.format }
        if let f = formats[spec] {
            if recentFormats.count == 12 { recentFormats.removeFirst() }
            recentFormats.append((spec, f))
            return f
        }
        guard let f = workbook_add_format(handle) else { return nil }
        spec.apply(to: f, defaultFont: fontName)
        formats[spec] = f
        return f
    }

    /// A format to pass to many writes.
    public func resolve(_ spec: CellFormat?) -> FormatRef {
        resolved.append(spec)
        return FormatRef(pointer: format(spec), index: resolved.count - 1, wraps: spec?.wrap ?? false)
    }

    /// Every spec `resolve` was given, by the index of its FormatRef.
    private(set) var resolved: [CellFormat?] = []

    func note(_ n: XLSXNotice) { notices.append(n) }

    /// A column or bar chart over ranges of the workbook's sheets.
    public func addChart(_ spec: Chart) -> OpaquePointer? {
        guard let handle else { return nil }
        let type: UInt32
        switch (spec.kind, spec.stacked) {
        case (.bar, false): type = LXW_CHART_BAR.rawValue
        case (.bar, true): type = LXW_CHART_BAR_STACKED.rawValue
        case (.column, false): type = LXW_CHART_COLUMN.rawValue
        case (.column, true): type = LXW_CHART_COLUMN_STACKED.rawValue
        }
        return OpaquePointer(workbook_add_chart(handle, UInt8(type)))
    }

    public func setProperties(title: String, subject: String = "", author: String = "") {
        guard let handle else { return }
        title.withCString { t in subject.withCString { s in author.withCString { a in
            var p = lxw_doc_properties()
            p.title = UnsafeMutablePointer(mutating: t)
            p.subject = UnsafeMutablePointer(mutating: s)
            p.author = UnsafeMutablePointer(mutating: a)
            _ = workbook_set_properties(handle, &p)
        } } }
    }

    /// Writes the file and puts it in place. On failure the target is left as it was.
    public func close() throws {
        guard let handle else { throw XLSXError(message: "the workbook is already closed") }
        self.handle = nil
        let err = workbook_close(handle)
        guard err == LXW_NO_ERROR else {
            output.abandon()
            throw XLSXError(message: String(cString: lxw_strerror(err)))
        }
        do {
            try output.commit()
        } catch {
            throw XLSXError(message: "cannot put the workbook in place at \(url.path): \(error)")
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
