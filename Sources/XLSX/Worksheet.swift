import Cxlsxwriter
import Foundation
import TextNormalization

/// One cell's content.
public enum Cell: Sendable, Equatable {
    case text(String)
    case number(Double)
    /// A live formula (without the leading '='); `cached` is the value shown before Excel
    /// recalculates: a number, or nil for a formula whose result is empty text ("").
    case formula(String, cached: Double?)
    case blank
}

/// A cell's look. Equal specs share one libxlsxwriter format.
public struct CellFormat: Hashable, Sendable {
    public enum Align: Sendable { case left, center, right }

    public var bold = false
    public var italic = false
    public var wrap = false
    public var border = false
    public var fontSize: Double = 11
    public var fontName: String?
    public var numberFormat: String?
    public var align: Align?
    public var verticalCenter = true
    public var background: UInt32?

    public init(
        bold: Bool = false, italic: Bool = false, wrap: Bool = false, border: Bool = false, fontSize: Double = 11,
        numberFormat: String? = nil, align: Align? = nil, background: UInt32? = nil
    ) {
        self.bold = bold
        self.italic = italic
        self.wrap = wrap
        self.border = border
        self.fontSize = fontSize
        self.numberFormat = numberFormat
        self.align = align
        self.background = background
    }

    func apply(to f: UnsafeMutablePointer<lxw_format>, defaultFont: String) {
        (fontName ?? defaultFont).withCString { format_set_font_name(f, $0) }
        format_set_font_size(f, fontSize)
        if bold { format_set_bold(f) }
        if italic { format_set_italic(f) }
        if wrap { format_set_text_wrap(f) }
        if border { format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue)) }
        if let numberFormat { numberFormat.withCString { format_set_num_format(f, $0) } }
        switch align {
        case .left: format_set_align(f, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(f, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(f, UInt8(LXW_ALIGN_RIGHT.rawValue))
        case nil: break
        }
        if verticalCenter { format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue)) }
        if let background { format_set_bg_color(f, background) }
    }
}

/// A chart to place on a sheet: each series reads a column range of a sheet.
public struct Chart: Sendable {
    public enum Kind: Sendable { case column, bar }
    public struct Series: Sendable {
        public var name: String
        public var sheet: String
        public var categoryColumn: Int
        public var valueColumn: Int
        public var firstRow: Int
        public var lastRow: Int
        public init(name: String, sheet: String, categoryColumn: Int, valueColumn: Int, firstRow: Int, lastRow: Int) {
            self.name = name
            self.sheet = sheet
            self.categoryColumn = categoryColumn
            self.valueColumn = valueColumn
            self.firstRow = firstRow
            self.lastRow = lastRow
        }
    }

    public var kind: Kind
    public var title: String
    public var series: [Series]
    public var stacked = false

    public init(kind: Kind = .column, title: String, series: [Series], stacked: Bool = false) {
        self.kind = kind
        self.title = title
        self.series = series
        self.stacked = stacked
    }
}

/// Page set-up for printing: what leaders do with these workbooks.
public struct PrintSetup: Sendable {
    public var landscape = true
    /// Pages wide to fit the sheet on (0: no fitting).
    public var fitWidth = 1
    /// A fixed scale in percent (10–400) instead of fitting. Manual page breaks need it: Excel
    /// ignores them on a sheet fitted to a width.
    public var scale: Int?
    /// Centred between the side margins (a sheet printed at a fixed scale may not fill the width).
    public var centered = false
    /// Rows repeated at the top of every printed page (0-based, inclusive).
    public var repeatRows: ClosedRange<Int>?
    public var footer = "&CTrang &P/&N"
    public var header: String?

    public init(
        landscape: Bool = true, fitWidth: Int = 1, scale: Int? = nil, repeatRows: ClosedRange<Int>? = nil,
        header: String? = nil, centered: Bool = false
    ) {
        self.landscape = landscape
        self.fitWidth = fitWidth
        self.scale = scale
        self.centered = centered
        self.repeatRows = repeatRows
        self.header = header
    }

    /// The margins every printed sheet has, in inches (the header and footer sit inside the
    /// top and bottom ones).
    public static let margins = (left: 0.5, right: 0.5, top: 0.6, bottom: 0.6)

    /// What an A4 page holds inside the margins, in points at 100 %.
    public static func printableArea(landscape: Bool) -> (width: Double, height: Double) {
        let (short, long) = (595.28, 841.89)  // A4 in points
        let (w, h) = landscape ? (long, short) : (short, long)
        return (w - (margins.left + margins.right) * 72, h - (margins.top + margins.bottom) * 72)
    }
}

/// A format looked up once, for the many cells that use it.
/// Plain data, no references: it is copied for every cell written.
public struct FormatRef {
    /// The C format, owned by the workbook that made it. Unsafe to hold, safe to use: a write
    /// passes it to C only after checking that the sheet belongs to that same workbook
    /// (`workbook`) and that the workbook is still open, hence the format not yet freed.
    let pointer: UnsafeMutablePointer<lxw_format>?
    /// The serial number of the workbook that made it.
    let workbook: Int
    /// Whether text wraps in it (rows must then be tall enough).
    public let wraps: Bool
}

/// A sheet of a `Workbook`. It keeps its workbook alive, and every call on it throws once the
/// workbook is closed or discarded.
public final class Worksheet {
    public let name: String
    /// Strong: a sheet kept after its workbook's variable is gone still writes into it. The
    /// workbook does not hold its sheets, so there is no cycle.
    let workbook: Workbook
    /// The C sheet, freed by `workbook_close`: used only after `workbook.openHandle` says the
    /// workbook is still open (see `open()`).
    private let handle: UnsafeMutablePointer<lxw_worksheet>
    /// Position in the workbook, 0-based.
    public let index: Int

    init(workbook: Workbook, handle: UnsafeMutablePointer<lxw_worksheet>, name: String, index: Int) {
        self.workbook = workbook
        self.handle = handle
        self.name = name
        self.index = index
    }

    /// The C sheet, or the error of a closed workbook: the one way to the handle.
    @inline(__always)
    private func open() throws -> UnsafeMutablePointer<lxw_worksheet> {
        try openWithBook().sheet
    }

    /// The C workbook and sheet, or the error of a closed workbook.
    @inline(__always)
    private func openWithBook() throws -> (
        book: UnsafeMutablePointer<lxw_workbook>, sheet: UnsafeMutablePointer<lxw_worksheet>
    ) {
        (try workbook.openHandle(sheet: name), handle)
    }

    /// Excel's limit for one cell, in UTF-16 code units.
    public static let maxCellLength = 32_767
    /// Excel's last row.
    public static let maxRows = 1_048_576

    private func check(_ err: lxw_error, _ row: Int? = nil, _ col: Int? = nil) throws {
        guard err != LXW_NO_ERROR else { return }
        throw XLSXError(
            sheet: name, cell: row.flatMap { r in col.map { cellName(r, $0) } },
            message: String(cString: lxw_strerror(err)))
    }

    /// Text as a cell can hold it: NFC, no XML-invalid control characters, cut at Excel's limit.
    func storable(_ text: String, row: Int, col: Int) -> String {
        // Most cells: NFC already (told from the bytes), no control character, short.
        var s = text.nfc
        // One look at the bytes: a control character to drop, an underscore that may begin `_xHHHH_`.
        var control = false
        var underscore = false
        s.withUTF8 { bytes in
            for b in bytes {
                if b < 0x20 { control = control || (b != 10 && b != 9) } else if b == 0x5F { underscore = true }
            }
        }
        if control {
            s = String(
                String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }))
        }
        if underscore { s = Worksheet.escapingUnderscoreCodes(s) }
        if s.utf8.count > Worksheet.maxCellLength, s.utf16.count > Worksheet.maxCellLength {
            let marker = workbook.truncationMarker
            var kept = String.UnicodeScalarView()
            var units = 0
            for u in s.unicodeScalars {
                let n = u.utf16.count
                if units + n > Worksheet.maxCellLength - marker.utf16.count { break }
                kept.append(u)
                units += n
            }
            workbook.note(.truncated(sheet: name, cell: cellName(row, col), length: s.utf16.count))
            s = String(kept) + marker
        }
        return s
    }

    /// Text as Excel's readers will show it: `_xHHHH_` in a cell's XML is read as the character
    /// U+HHHH (how the format stores control characters), so text that holds such a sequence
    /// itself has its underscore written `_x005F_`, as the standard (ECMA-376, ST_Xstring) says.
    static func escapingUnderscoreCodes(_ text: String) -> String {
        let b = Array(text.utf8)
        func isHex(_ c: UInt8) -> Bool {
            (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
        }
        func isCode(at i: Int) -> Bool {
            i + 6 < b.count && b[i] == 0x5F && (b[i + 1] == 0x78 || b[i + 1] == 0x58)
                && (2...5).allSatisfy { isHex(b[i + $0]) } && b[i + 6] == 0x5F
        }
        guard b.contains(0x5F), b.indices.contains(where: isCode) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 14)
        for i in b.indices {
            if isCode(at: i) { out += Array("_x005F_".utf8) } else { out.append(b[i]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func write(_ row: Int, _ col: Int, _ cell: Cell, _ format: CellFormat? = nil) throws {
        let (book, _) = try openWithBook()
        try write(
            row, col, cell, FormatRef(pointer: workbook.format(format, book), workbook: workbook.serial, wraps: false))
    }

    public func write(_ row: Int, _ col: Int, _ cell: Cell, _ format: FormatRef) throws {
        let handle = try open()
        guard format.workbook == workbook.serial else {
            throw XLSXError(
                sheet: name, cell: cellName(row, col), message: "the format was made by another workbook",
                vietnamese: "định dạng thuộc về một bảng tính khác")
        }
        let f = format.pointer
        let r = lxw_row_t(row)
        let c = lxw_col_t(col)
        workbook.cellsWritten += 1
        switch cell {
        case .text(let t):
            // Always a string cell: text that starts with '=' stays text.
            let s = storable(t, row: row, col: col)
            if let observer = workbook.observer {
                observer.wrote(cell, storedText: s, at: row, col, format: workbook.spec(of: f), in: self)
            }
            try check(s.withCString { worksheet_write_string(handle, r, c, $0, f) }, row, col)
        case .number(let n):
            if let observer = workbook.observer {
                observer.wrote(cell, storedText: nil, at: row, col, format: workbook.spec(of: f), in: self)
            }
            try check(
                n.isFinite ? worksheet_write_number(handle, r, c, n, f) : worksheet_write_blank(handle, r, c, f), row,
                col)
        case .formula(let formula, let cached):
            if let observer = workbook.observer {
                observer.wrote(cell, storedText: nil, at: row, col, format: workbook.spec(of: f), in: self)
            }
            // No cached number: the formula shows empty text until Excel recalculates (a ratio of
            // a unit that did not submit is blank, never 0 %).
            try check(
                formula.withCString { text in
                    if let cached {
                        worksheet_write_formula_num(handle, r, c, text, f, cached)
                    } else {
                        worksheet_write_formula_str(handle, r, c, text, f, "")
                    }
                }, row, col)
        case .blank:
            if let observer = workbook.observer {
                observer.wrote(cell, storedText: nil, at: row, col, format: workbook.spec(of: f), in: self)
            }
            try check(worksheet_write_blank(handle, r, c, f), row, col)
        }
    }

    /// One cell over `columns` of one row.
    public func merge(row: Int, columns: ClosedRange<Int>, _ text: String, _ format: CellFormat? = nil) throws {
        try merge(rows: row...row, columns: columns, text, format)
    }

    /// Writes a row of cells starting at column `from`.
    public func write(row: Int, from col: Int = 0, _ cells: [Cell], _ format: CellFormat? = nil) throws {
        for (i, cell) in cells.enumerated() { try write(row, col + i, cell, format) }
    }

    /// One cell over `rows` × `columns` (0-based, inclusive), holding `text`.
    public func merge(rows: ClosedRange<Int>, columns: ClosedRange<Int>, _ text: String, _ format: CellFormat? = nil)
        throws
    {
        let (firstRow, lastRow, firstCol, lastCol) = (
            rows.lowerBound, rows.upperBound, columns.lowerBound, columns.upperBound
        )
        let (book, handle) = try openWithBook()
        let s = storable(text, row: firstRow, col: firstCol)
        workbook.cellsWritten += 1
        observer?.merged(firstRow, firstCol, lastRow, lastCol, text: s, format: format, in: self)
        let f = workbook.format(format, book)
        try check(
            s.withCString {
                worksheet_merge_range(
                    handle, lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow), lxw_col_t(lastCol), $0, f)
            }, firstRow, firstCol)
    }

    private var observer: (any WorkbookObserver)? { workbook.observer }

    public func setColumn(_ first: Int, _ last: Int, width: Double, _ format: CellFormat? = nil) throws {
        let (book, handle) = try openWithBook()
        observer?.setColumns(first, last, width: width, in: self)
        let f = workbook.format(format, book)
        try check(worksheet_set_column(handle, lxw_col_t(first), lxw_col_t(last), width, f))
    }

    public func setRow(_ row: Int, height: Double) throws {
        let handle = try open()
        observer?.setRow(row, height: height, in: self)
        try check(worksheet_set_row(handle, lxw_row_t(row), height, nil), row, 0)
    }

    /// Freezes the rows above `row` and the columns left of `col`.
    public func freeze(row: Int, col: Int = 0) throws {
        worksheet_freeze_panes(try open(), lxw_row_t(row), lxw_col_t(col))
    }

    /// In constant-memory mode, call this before writing the rows it covers.
    public func autofilter(_ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int) throws {
        try check(
            worksheet_autofilter(
                try open(), lxw_row_t(firstRow), lxw_col_t(firstCol), lxw_row_t(lastRow), lxw_col_t(lastCol)))
    }

    /// A drop-down of allowed values on one cell.
    public func validateList(_ row: Int, _ col: Int, _ values: [String]) throws {
        let handle = try open()
        var dv = lxw_data_validation()
        dv.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
        // C copies of the values, freed on the way out, after libxlsxwriter copied them.
        let cStrings = values.map { strdup($0) }
        defer { for c in cStrings { free(c) } }
        var list: [UnsafeMutablePointer<CChar>?] = cStrings + [nil]
        // libxlsxwriter copies the list during the call: the buffer need live only through it.
        try list.withUnsafeMutableBufferPointer { buf in
            dv.value_list = buf.baseAddress
            try check(worksheet_data_validation_cell(handle, lxw_row_t(row), lxw_col_t(col), &dv), row, col)
        }
    }

    public func printSetup(_ p: PrintSetup) throws {
        let handle = try open()
        if p.landscape { worksheet_set_landscape(handle) }
        worksheet_set_paper(handle, 9)  // A4
        let m = PrintSetup.margins
        worksheet_set_margins(handle, m.left, m.right, m.top, m.bottom)
        if let scale = p.scale {
            worksheet_set_print_scale(handle, UInt16(min(400, max(10, scale))))
        } else if p.fitWidth > 0 {
            worksheet_fit_to_pages(handle, UInt16(p.fitWidth), 0)
        }
        if p.centered { worksheet_center_horizontally(handle) }
        if let rows = p.repeatRows {
            try check(worksheet_repeat_rows(handle, lxw_row_t(rows.lowerBound), lxw_row_t(rows.upperBound)))
        }
        try check(p.footer.withCString { worksheet_set_footer(handle, $0) })
        if let h = p.header { try check(h.withCString { worksheet_set_header(handle, $0) }) }
    }

    /// Printed pages start at these rows (0-based), in any order; row 0 starts a page anyway.
    /// Excel keeps at most 1,023 breaks a sheet: the first ones are kept, the printer breaks
    /// the rest of the sheet itself. Excel ignores manual breaks on a sheet fitted to a width
    /// (`PrintSetup.scale` keeps them). Set once a sheet.
    public func pageBreaks(before rows: [Int]) throws {
        let handle = try open()
        guard !pageBreaksSet else {
            throw XLSXError(
                sheet: name, cell: nil, message: "the page breaks of this sheet are already set",
                vietnamese: "ngắt trang của trang tính này đã được đặt")
        }
        let kept = Set(rows.filter { $0 > 0 && $0 < Worksheet.maxRows }).sorted().prefix(Worksheet.maxPageBreaks)
        guard !kept.isEmpty else { return }
        // libxlsxwriter reads up to the 0 that ends the list.
        var breaks = kept.map { lxw_row_t($0) } + [0]
        try check(worksheet_set_h_pagebreaks(handle, &breaks))
        pageBreaksSet = true
    }

    /// Excel's limit of manual page breaks a sheet.
    public static let maxPageBreaks = Int(LXW_BREAKS_MAX)
    private var pageBreaksSet = false
    /// How much wider than Excel another viewer may draw the same columns (LibreOffice: 6 %).
    public static let otherViewersWidening = 1.07

    /// A column's width in points as Excel draws it, from its width in characters: the
    /// workbook's default style (Calibri 11) has 7-pixel digits and 5 pixels of padding.
    /// LibreOffice draws the same column up to `otherViewersWidening` wider (it counts the
    /// digit's exact width, not whole pixels).
    public static func points(ofColumnWidth width: Double) -> Double {
        let pixels = width < 1 ? (width * 12).rounded() : (width * 7).rounded() + 5
        return pixels * 0.75
    }

    /// A row height (in points) that shows every line of wrapped text, whatever the viewer:
    /// Excel fits rows itself, other readers show the height stored. nil: one line will do.
    public static func height(for texts: [(text: String, width: Double)], fontSize: Double = 11) -> Double? {
        height(lines: texts.map { lineCount($0.text, width: $0.width) }.max() ?? 1, fontSize: fontSize)
    }

    public static func height(lines: Int, fontSize: Double = 11) -> Double? {
        lines > 1 ? min(409, Double(lines) * fontSize * 1.35 + 3) : nil
    }

    /// The lines a text wraps to in a column this wide (counted in scalars: cheap, and close
    /// enough to letters).
    public static func lineCount(_ text: String, width: Double) -> Int {
        let perLine = max(1, Int(width * 1.15) - 1)
        var copy = text
        // One pass over the bytes: a scalar is a byte that does not continue one.
        return copy.withUTF8 { bytes in
            // Most cells fit their column on one line.
            if bytes.count <= perLine && (bytes.isEmpty || memchr(bytes.baseAddress!, 10, bytes.count) == nil) {
                return 1
            }
            var n = 0
            var run = 0
            for b in bytes {
                if b == 10 {
                    n += max(1, (run + perLine - 1) / perLine)
                    run = 0
                } else if b & 0xC0 != 0x80 {
                    run += 1
                }
            }
            return n + max(1, (run + perLine - 1) / perLine)
        }
    }

    /// Places a chart with its top-left corner at a cell.
    public func insert(_ spec: Chart, at row: Int, _ col: Int, scale: Double = 1.5) throws {
        let handle = try open()
        // Owned by the workbook, which is open (checked just above) and frees it on close.
        let chart = try workbook.addChart(spec, sheet: name)
        spec.title.withCString { chart_title_set_name(chart, $0) }
        for s in spec.series {
            guard let series = chart_add_series(chart, nil, nil) else { continue }
            s.sheet.withCString { sheet in
                chart_series_set_categories(
                    series, sheet, lxw_row_t(s.firstRow), lxw_col_t(s.categoryColumn), lxw_row_t(s.lastRow),
                    lxw_col_t(s.categoryColumn))
                chart_series_set_values(
                    series, sheet, lxw_row_t(s.firstRow), lxw_col_t(s.valueColumn), lxw_row_t(s.lastRow),
                    lxw_col_t(s.valueColumn))
            }
            s.name.withCString { chart_series_set_name(series, $0) }
        }
        // A bar's length is its value: the value axis starts at 0, never at whatever Excel picks
        // near the smallest value (every chart here plots counts). libxlsxwriter swaps the axes
        // of a bar chart: its value axis is `x_axis` there, `y_axis` in a column chart.
        chart_axis_set_min(spec.kind == .bar ? chart.pointee.x_axis : chart.pointee.y_axis, 0)
        // The title names a lone series: a legend would only repeat it, in the chart's space.
        chart_legend_set_position(
            chart,
            UInt8(spec.series.count > 1 ? LXW_CHART_LEGEND_BOTTOM.rawValue : LXW_CHART_LEGEND_NONE.rawValue))
        // A title in Excel's default 14 pt takes half a small chart: 11 pt, bold.
        var titleFont = lxw_chart_font()
        titleFont.size = 11
        titleFont.bold = 1
        chart_title_set_name_font(chart, &titleFont)
        var options = lxw_chart_options()
        options.x_scale = scale * 1.4
        options.y_scale = scale
        try check(worksheet_insert_chart_opt(handle, lxw_row_t(row), lxw_col_t(col), chart, &options), row, col)
    }
}

/// "B3" for row 2, column 1 (0-based).
public func cellName(_ row: Int, _ col: Int) -> String {
    columnName(col) + String(row + 1)
}

/// "A", "B", … "Z", "AA" for a 0-based column.
public func columnName(_ col: Int) -> String {
    var n = col + 1
    var s = ""
    while n > 0 {
        let r = (n - 1) % 26
        s = String(UnicodeScalar(UInt8(65 + r))) + s
        n = (n - 1) / 26
    }
    return s
}
