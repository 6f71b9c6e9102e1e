import Foundation

/// A record of every sheet, format and cell a workbook writes, in order, in a compact binary
/// form. The benchmark's C reference program replays it with libxlsxwriter alone, so that
/// both write exactly the same cells and the difference in time is our own code's cost.
///
/// Records (little-endian): 1 sheet(name) · 2 format(id, flags, align, size, background,
/// number format, font) · 3 text · 4 number · 5 formula (cached number, NaN for an empty text
/// result) · 6 blank (row u32, col u16,
/// format u16, then the value) · 7 merge(r1, c1, r2, c2, format, text) · 8 column(first,
/// last, width) · 9 row(row, height) · 10 select(sheet index u16): the records after it go to
/// that sheet (sheets are written interleaved, each in row order). Strings are u32 length + UTF-8 bytes; format 0xFFFF is none.
///
/// Installed as the workbook's observer (`workbook.observer = trace`) by `merge --trace`.
public final class CellTrace: WorkbookObserver {
    public private(set) var data = Data("ICTR1".utf8)
    private var formatIds: [CellFormat: UInt16] = [:]
    private var sheets = 0
    private var current = -1

    public init() {}

    func u8(_ v: UInt8) { data.append(v) }
    // The bytes of a value, copied out within the closure that lends them: nothing escapes it.
    func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    func string(_ s: String) {
        let b = Array(s.utf8)
        u32(UInt32(b.count))
        data.append(contentsOf: b)
    }

    public func addedSheet(_ name: String) {
        u8(1)
        string(name)
        current = sheets
        sheets += 1
    }

    public func wrote(
        _ cell: Cell, storedText: String?, at row: Int, _ col: Int, format: CellFormat?, in sheet: Worksheet
    ) {
        select(sheet.index)
        self.cell(row, col, cell, self.format(format, font: sheet.workbook.fontName), storedText: storedText)
    }

    public func merged(
        _ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int, text: String, format: CellFormat?,
        in sheet: Worksheet
    ) {
        select(sheet.index)
        merge(firstRow, firstCol, lastRow, lastCol, self.format(format, font: sheet.workbook.fontName), text)
    }

    public func setColumns(_ first: Int, _ last: Int, width: Double, in sheet: Worksheet) {
        select(sheet.index)
        column(first, last, width)
    }

    public func setRow(_ row: Int, height: Double, in sheet: Worksheet) {
        select(sheet.index)
        self.row(row, height)
    }

    /// Makes the following records go to sheet `index` (0-based, in the order added).
    func select(_ index: Int) {
        guard index != current else { return }
        u8(10)
        u16(UInt16(index))
        current = index
    }

    func format(_ spec: CellFormat?, font: String) -> UInt16 {
        guard let spec else { return 0xFFFF }
        if let id = formatIds[spec] { return id }
        let id = UInt16(formatIds.count)
        formatIds[spec] = id
        u8(2)
        u16(id)
        var flags: UInt8 = 0
        if spec.bold { flags |= 1 }
        if spec.italic { flags |= 2 }
        if spec.wrap { flags |= 4 }
        if spec.border { flags |= 8 }
        if spec.verticalCenter { flags |= 16 }
        u8(flags)
        switch spec.align {
        case .left: u8(1)
        case .center: u8(2)
        case .right: u8(3)
        case nil: u8(0)
        }
        f64(spec.fontSize)
        u32(spec.background ?? 0xFFFF_FFFF)
        string(spec.numberFormat ?? "")
        string(spec.fontName ?? font)
        return id
    }

    func cell(_ row: Int, _ col: Int, _ cell: Cell, _ format: UInt16, storedText: String?) {
        switch cell {
        case .text: u8(3)
        case .number: u8(4)
        case .formula: u8(5)
        case .blank: u8(6)
        }
        u32(UInt32(row))
        u16(UInt16(col))
        u16(format)
        switch cell {
        case .text: string(storedText ?? "")
        case .number(let n): f64(n)
        case .formula(let f, let cached):
            f64(cached ?? .nan)  // NaN: the formula's result is empty text
            string(f)
        case .blank: break
        }
    }

    func merge(_ r1: Int, _ c1: Int, _ r2: Int, _ c2: Int, _ format: UInt16, _ text: String) {
        u8(7)
        u32(UInt32(r1))
        u16(UInt16(c1))
        u32(UInt32(r2))
        u16(UInt16(c2))
        u16(format)
        string(text)
    }

    func column(_ first: Int, _ last: Int, _ width: Double) {
        u8(8)
        u16(UInt16(first))
        u16(UInt16(last))
        f64(width)
    }
    func row(_ row: Int, _ height: Double) {
        u8(9)
        u32(UInt32(row))
        f64(height)
    }
}
