import Foundation
import Testing
@testable import XLSX
import TestSupport

@Suite struct XLSXTests {
    @Test func writeAndReadBack() throws {
        let url = temporaryFile("a.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("Tổng hợp")
        try ws.autofilter(1, 0, 3, 2)  // before the rows: constant-memory mode writes rows as it goes
        try ws.merge(0, 0, 0, 2, "TỔNG HỢP", CellFormat(bold: true, fontSize: 14, align: .center))
        try ws.write(row: 1, [.text("Đơn vị"), .text("Số"), .text("Công thức")], CellFormat(bold: true, border: true))
        try ws.write(row: 2, [.text("Cu\u{0323}c SHTT"), .number(3), .text("=SUM(B3:B4)")])  // NFD; formula-looking text
        try ws.write(row: 3, [.text("Vụ Pháp chế"), .number(4.5), .text("+1")])
        try ws.write(row: 4, [.text("Tổng"), .formula("SUM(B3:B4)", cached: 7.5), .blank])
        ws.freeze(row: 2)
        try ws.printSetup(PrintSetup(repeatRows: 1...1))
        try wb.close()

        let r = try WorkbookReader(url: url)
        #expect(r.sheetNames == ["Tổng hợp"])
        let s = try #require(r["Tổng hợp"])
        #expect(s["A1"]?.value == "TỔNG HỢP")
        #expect(s.mergedRanges == ["A1:C1"])
        #expect(s.row(2) == ["Đơn vị", "Số", "Công thức"])
        #expect(Array(s["A3"]!.value.unicodeScalars) == Array("Cục SHTT".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(s["C3"] == WorkbookReader.CellValue(value: "=SUM(B3:B4)", formula: nil, isText: true))
        #expect(s["B4"]?.number == 4.5)
        #expect(s["B5"]?.formula == "SUM(B3:B4)")
        #expect(s["B5"]?.number == 7.5)
        #expect(s.xml.contains("<pane ySplit=\"2\""))
        #expect(s.xml.contains("<autoFilter ref=\"A2:C4\""))
        #expect(s.xml.contains("orientation=\"landscape\"") && s.xml.contains("paperSize=\"9\""))
        #expect(s.xml.contains("fitToWidth=\"1\"") || s.xml.contains("fitToHeight=\"0\""))
    }

    @Test func sheetNamesAreMadeValidAndUnique() throws {
        let url = temporaryFile("names.xlsx")
        let wb = try Workbook(url: url)
        let long = "Danh sách các hệ thống thông tin, cơ sở dữ liệu tại đơn vị"
        let names = try [long, long, "3.2 b) Liên thông [ngang/dọc]?", "'Trích'", "tổng hợp", "TỔNG HỢP", "Tổng hợp".decomposedStringWithCanonicalMapping]
            .map { try wb.addSheet($0).name }
        try wb.close()
        #expect(names[0] == "Danh sách các hệ thống thông ti")
        #expect(names[1] == "Danh sách các hệ thống thôn (2)")
        #expect(names[2] == "3.2 b) Liên thông -ngang-dọc--")
        #expect(names[3] == "Trích")
        #expect(names[4] == "tổng hợp")
        #expect(names[5] == "TỔNG HỢP (2)")
        #expect(names[6] == "Tổng hợp (3)")
        for n in names { #expect(n.unicodeScalars.count <= 31) }
        #expect(try WorkbookReader(url: url).sheetNames == names)
        #expect(wb.notices.contains(.sheetRenamed(from: long, to: names[0])))
    }

    @Test func oversizeTextIsCutWithAMarkerAndReported() throws {
        let url = temporaryFile("long.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("Dài")
        let text = String(repeating: "Khó khăn về nguồn lực. ", count: 2000)  // 46,000 characters
        try ws.write(0, 0, .text(text))
        try ws.write(1, 0, .text(String(repeating: "ệ", count: 32_767)))  // exactly at the limit: kept
        try wb.close()
        let cell = try #require(try WorkbookReader(url: url)["Dài"]?["A1"]?.value)
        #expect(cell.utf16.count == Worksheet.maxCellLength)
        #expect(cell.hasSuffix(wb.truncationMarker))
        #expect(wb.notices == [.truncated(sheet: "Dài", cell: "A1", length: 46_000)])
        #expect(try WorkbookReader(url: url)["Dài"]?["A2"]?.value.count == 32_767)
    }

    @Test func controlCharactersNeverReachTheFile() throws {
        let url = temporaryFile("ctl.xlsx")
        let wb = try Workbook(url: url)
        try wb.addSheet("A").write(0, 0, .text("a\u{0}b\u{1B}c\nd"))
        try wb.close()
        #expect(try WorkbookReader(url: url)["A"]?["A1"]?.value == "abc\nd")
    }

    @Test func aFailedWorkbookLeavesTheOldFileUntouched() throws {
        let url = temporaryFile("keep.xlsx")
        try Data("previous workbook".utf8).write(to: url)
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("A")
        #expect(throws: XLSXError.self) { try ws.write(2_000_000, 0, .number(1)) }
        do { try ws.write(2_000_000, 0, .number(1)) } catch let e as XLSXError {
            #expect(e.sheet == "A")
            #expect(e.cell == "A2000001")
        }
        wb.discard()
        #expect(try String(contentsOf: url, encoding: .utf8) == "previous workbook")
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["keep.xlsx"])
    }

    @Test func chartsAndValidation() throws {
        let url = temporaryFile("chart.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("Số liệu")
        try ws.write(row: 0, [.text("Đơn vị"), .text("Mức 3")])
        try ws.write(row: 1, [.text("A"), .number(2)])
        try ws.write(row: 2, [.text("B"), .number(5)])
        try ws.validateList(3, 1, ["Đạt", "Chưa đạt"])
        try ws.insert(Chart(title: "DVC mức 3", series: [.init(name: "Mức 3", sheet: "Số liệu", categoryColumn: 0, valueColumn: 1, firstRow: 1, lastRow: 2)]), at: 5, 0)
        try wb.close()
        let archiveText = try String(decoding: Data(contentsOf: url), as: UTF8.self)
        #expect(archiveText.contains("xl/charts/chart1.xml"))
        #expect(try WorkbookReader(url: url)["Số liệu"]?.xml.contains("<dataValidation type=\"list\"") == true)
    }

    @Test func cellNames() {
        #expect(cellName(0, 0) == "A1")
        #expect(cellName(9, 25) == "Z10")
        #expect(cellName(0, 26) == "AA1")
        #expect(columnName(701) == "ZZ")
        #expect(columnIndex("AA") == 26)
    }
}

/// Text that Excel's readers would decode (`_xHHHH_`) is escaped as the standard says, so it
/// reads back as typed in Excel and LibreOffice.
@Suite struct UnderscoreCodeTests {
    @Test func underscoreCodesAreEscaped() throws {
        #expect(Worksheet.escapingUnderscoreCodes("_x0041_") == "_x005F_x0041_")
        #expect(Worksheet.escapingUnderscoreCodes("a_x00e9_b _x12_ _X1234_") == "a_x005F_x00e9_b _x12_ _x005F_X1234_")
        #expect(Worksheet.escapingUnderscoreCodes("ten_bang_xa") == "ten_bang_xa")
        let url = temporaryFile("u.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("S")
        try ws.write(row: 0, [.text("_x0041_"), .text("Mã _x000D_ giữ nguyên")])
        try wb.close()
        let xml = try #require(WorkbookReader(url: url)["S"]?.xml)
        #expect(xml.contains("<t>_x005F_x0041_</t>") && xml.contains("<t>Mã _x005F_x000D_ giữ nguyên</t>"))
    }
}
