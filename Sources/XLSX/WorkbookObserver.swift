/// Told of everything a workbook writes, in the order written: a decorator installed on a
/// `Workbook` (`workbook.observer`) for the benchmark's `CellTrace`. A workbook without one
/// does no work for it: each write only sees that none is installed.
///
/// Called on the thread that writes the workbook, before the write reaches libxlsxwriter.
public protocol WorkbookObserver: AnyObject {
    /// A sheet was added under this (valid, unique) name.
    func addedSheet(_ name: String)
    /// A cell; `storedText` is a text cell's text as stored (NFC, cleaned, cut at the limit).
    func wrote(_ cell: Cell, storedText: String?, at row: Int, _ col: Int, format: CellFormat?, in sheet: Worksheet)
    /// A merged range holding `text` as stored.
    func merged(
        _ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int, text: String, format: CellFormat?,
        in sheet: Worksheet)
    func setColumns(_ first: Int, _ last: Int, width: Double, in sheet: Worksheet)
    func setRow(_ row: Int, height: Double, in sheet: Worksheet)
}
