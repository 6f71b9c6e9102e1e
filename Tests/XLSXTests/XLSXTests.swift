import Foundation
import TestSupport
import Testing

@testable import XLSX

@Suite struct XLSXTests {
    @Test func writeAndReadBack() throws {
        let url = temporaryFile("a.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("Tổng hợp")
        try ws.autofilter(1, 0, 3, 2)  // before the rows: constant-memory mode writes rows as it goes
        try ws.merge(row: 0, columns: 0...2, "TỔNG HỢP", CellFormat(bold: true, fontSize: 14, align: .center))
        try ws.write(row: 1, [.text("Đơn vị"), .text("Số"), .text("Công thức")], CellFormat(bold: true, border: true))
        // NFD; formula-looking text
        try ws.write(row: 2, [.text("Cu\u{0323}c SHTT"), .number(3), .text("=SUM(B3:B4)")])
        try ws.write(row: 3, [.text("Vụ Pháp chế"), .number(4.5), .text("+1")])
        try ws.write(row: 4, [.text("Tổng"), .formula("SUM(B3:B4)", cached: 7.5), .blank])
        try ws.freeze(row: 2)
        try ws.printSetup(PrintSetup(repeatRows: 1...1))
        try wb.close()

        let r = try WorkbookReader(url: url)
        #expect(r.sheetNames == ["Tổng hợp"])
        let s = try #require(r["Tổng hợp"])
        #expect(s["A1"]?.value == "TỔNG HỢP")
        #expect(s.mergedRanges == ["A1:C1"])
        #expect(s.row(2) == ["Đơn vị", "Số", "Công thức"])
        #expect(
            Array(s["A3"]!.value.unicodeScalars)
                == Array("Cục SHTT".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(s["C3"] == WorkbookReader.CellValue(value: "=SUM(B3:B4)", formula: nil, isText: true))
        #expect(s["B4"]?.number == 4.5)
        #expect(s["B5"]?.formula == "SUM(B3:B4)")
        #expect(s["B5"]?.number == 7.5)
        #expect(s.xml.contains("<pane ySplit=\"2\""))
        #expect(s.xml.contains("<autoFilter ref=\"A2:C4\""))
        #expect(s.xml.contains("orientation=\"landscape\"") && s.xml.contains("paperSize=\"9\""))
        #expect(s.xml.contains("fitToWidth=\"1\"") || s.xml.contains("fitToHeight=\"0\""))
    }

    /// Manual page breaks hold only at a fixed scale; they are taken in any order, once a sheet,
    /// row 0 and rows out of the sheet left out.
    @Test func pageBreaksAtAFixedScale() throws {
        let url = temporaryFile("breaks.xlsx")
        let wb = try Workbook(url: url, constantMemory: false)
        let ws = try wb.addSheet("Báo cáo")
        for r in 0..<80 { try ws.write(r, 0, .number(Double(r))) }
        try ws.printSetup(PrintSetup(scale: 74, centered: true))
        try ws.pageBreaks(before: [60, 0, 30, -4, 30, Worksheet.maxRows + 1])
        #expect(throws: XLSXError.self) { try ws.pageBreaks(before: [10]) }
        try wb.close()
        let s = try #require(try WorkbookReader(url: url)["Báo cáo"])
        #expect(s.pageStarts == [31, 61])
        #expect(s.printScale == 74 && !s.fitsToPage)
        #expect(s.xml.contains("horizontalCentered=\"1\""))
        // A4 landscape inside the margins; Excel's widths: 7-pixel digits and 5 pixels of padding.
        let area = PrintSetup.printableArea(landscape: true)
        #expect(abs(area.width - 769.89) < 0.01 && abs(area.height - 508.88) < 0.01)
        #expect(Worksheet.points(ofColumnWidth: 14) == 77.25)
    }

    @Test func sheetNamesAreMadeValidAndUnique() throws {
        let url = temporaryFile("names.xlsx")
        let wb = try Workbook(url: url)
        let long = "Danh sách các hệ thống thông tin, cơ sở dữ liệu tại đơn vị"
        let names = try [
            long, long, "3.2 b) Liên thông [ngang/dọc]?", "'Trích'", "tổng hợp", "TỔNG HỢP",
            "Tổng hợp".decomposedStringWithCanonicalMapping
        ]
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
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["keep.xlsx"])
    }

    @Test func chartsAndValidation() throws {
        let url = temporaryFile("chart.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("Số liệu")
        try ws.write(row: 0, [.text("Đơn vị"), .text("Mức 3")])
        try ws.write(row: 1, [.text("A"), .number(2)])
        try ws.write(row: 2, [.text("B"), .number(5)])
        try ws.validateList(3, 1, ["Đạt", "Chưa đạt"])
        try ws.insert(
            Chart(
                title: "DVC mức 3",
                series: [
                    .init(name: "Mức 3", sheet: "Số liệu", categoryColumn: 0, valueColumn: 1, firstRow: 1, lastRow: 2)
                ]), at: 5, 0)
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

/// A sheet keeps its workbook alive, and nothing reaches libxlsxwriter once the workbook is
/// closed or discarded: every call throws instead of using what was freed.
@Suite struct ClosedWorkbookTests {
    /// Every call a sheet offers, each expected to throw on a closed workbook.
    func everyCall(_ ws: Worksheet, _ format: FormatRef) -> [(String, () throws -> Void)] {
        [
            ("write", { try ws.write(9, 0, .text("late")) }),
            ("write formatted", { try ws.write(9, 0, .number(1), format) }),
            ("write row", { try ws.write(row: 9, [.number(1), .blank]) }),
            ("merge", { try ws.merge(row: 9, columns: 0...2, "late") }),
            ("setColumn", { try ws.setColumn(0, 0, width: 9) }),
            ("setRow", { try ws.setRow(9, height: 30) }),
            ("freeze", { try ws.freeze(row: 1) }),
            ("autofilter", { try ws.autofilter(0, 0, 9, 1) }),
            ("validateList", { try ws.validateList(9, 0, ["a"]) }),
            ("printSetup", { try ws.printSetup(PrintSetup()) }),
            ("pageBreaks", { try ws.pageBreaks(before: [5]) }),
            ("insert chart", { try ws.insert(Chart(title: "c", series: []), at: 9, 0) })
        ]
    }

    @Test func writingAfterCloseThrows() throws {
        let url = temporaryFile("closed.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("A")
        let format = try wb.resolve(CellFormat(bold: true))
        try ws.write(0, 0, .text("kept"))
        try wb.close()
        #expect(!wb.isOpen)
        for (what, call) in everyCall(ws, format) {
            #expect(throws: XLSXError.self, "\(what)") { try call() }
        }
        do { try ws.write(1, 0, .number(1)) } catch let e as XLSXError {
            #expect(e.sheet == "A")
            #expect(e.message.contains("closed") && e.vietnamese?.contains("đã đóng") == true)
            #expect(e.description.hasPrefix("sheet 'A': bảng tính đã đóng"))
        }
        #expect(throws: XLSXError.self) { try wb.addSheet("B") }
        #expect(throws: XLSXError.self) { try wb.resolve(CellFormat()) }
        #expect(throws: XLSXError.self) { try wb.setProperties(title: "late") }
        #expect(throws: XLSXError.self) { try wb.close() }
        // What was written before the close is there, and only that.
        let back = try #require(try WorkbookReader(url: url)["A"])
        #expect(back["A1"]?.value == "kept" && back["A2"] == nil)
        #expect(wb.cellsWritten == 1)
    }

    @Test func writingAfterDiscardThrows() throws {
        let url = temporaryFile("discarded.xlsx")
        let wb = try Workbook(url: url)
        let ws = try wb.addSheet("A")
        let format = try wb.resolve(nil)
        try ws.write(0, 0, .text("lost"))
        wb.discard()
        for (what, call) in everyCall(ws, format) {
            #expect(throws: XLSXError.self, "\(what)") { try call() }
        }
        #expect(throws: XLSXError.self) { try wb.close() }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    /// The sheet alone keeps the workbook: it writes, and the workbook closes, with no other
    /// reference to it left in between.
    @Test func aSheetOutlivingItsWorkbookVariableStillWorksUntilClose() throws {
        let url = temporaryFile("outlive.xlsx")
        weak var watched: Workbook?
        let ws: Worksheet = try {
            let wb = try Workbook(url: url)
            watched = wb
            return try wb.addSheet("Còn lại")
        }()
        #expect(watched != nil)
        try ws.write(0, 0, .text("vẫn ghi được"))
        try ws.merge(row: 1, columns: 0...2, "gộp")
        let wb = try #require(watched)
        try wb.close()
        #expect(throws: XLSXError.self) { try ws.write(2, 0, .number(1)) }
        let back = try #require(try WorkbookReader(url: url)["Còn lại"])
        #expect(back["A1"]?.value == "vẫn ghi được" && back["A2"]?.value == "gộp")
    }

    /// Without sheets, a workbook nobody holds is freed (and discarded): sheets do not keep
    /// it in a cycle with them.
    @Test func aWorkbookAndItsSheetsAreFreedTogether() throws {
        let url = temporaryFile("freed.xlsx")
        try Data("old".utf8).write(to: url)
        weak var watched: Workbook?
        do {
            let wb = try Workbook(url: url)
            watched = wb
            let ws = try wb.addSheet("A")
            try ws.write(0, 0, .number(1))
        }
        #expect(watched == nil)
        #expect(try String(contentsOf: url, encoding: .utf8) == "old")
    }

    @Test func aFormatOfAnotherWorkbookIsRefused() throws {
        let a = try Workbook(url: temporaryFile("fa.xlsx"))
        let b = try Workbook(url: temporaryFile("fb.xlsx"))
        let ws = try b.addSheet("B")
        let foreign = try a.resolve(CellFormat(bold: true))
        #expect(throws: XLSXError.self) { try ws.write(0, 0, .number(1), foreign) }
        try ws.write(0, 0, .number(1), try b.resolve(CellFormat(bold: true)))
        a.discard()
        try b.close()
    }
}

/// The observer sees every sheet, format and cell in order; none installed, none told.
@Suite struct ObserverTests {
    final class Recorder: WorkbookObserver {
        var events: [String] = []
        func addedSheet(_ name: String) { events.append("sheet \(name)") }
        func wrote(_ cell: Cell, storedText: String?, at row: Int, _ col: Int, format: CellFormat?, in sheet: Worksheet)
        {
            events.append(
                "cell \(sheet.index) \(cellName(row, col)) \(storedText ?? "\(cell)") \(format?.bold == true ? "bold" : "-")"
            )
        }
        func merged(
            _ firstRow: Int, _ firstCol: Int, _ lastRow: Int, _ lastCol: Int, text: String, format: CellFormat?,
            in sheet: Worksheet
        ) {
            events.append("merge \(sheet.index) \(cellName(firstRow, firstCol)):\(cellName(lastRow, lastCol)) \(text)")
        }
        func setColumns(_ first: Int, _ last: Int, width: Double, in sheet: Worksheet) {
            events.append("columns \(sheet.index) \(first)-\(last) \(width)")
        }
        func setRow(_ row: Int, height: Double, in sheet: Worksheet) {
            events.append("row \(sheet.index) \(row) \(height)")
        }
    }

    @Test func theObserverIsToldEverythingInOrder() throws {
        let wb = try Workbook(url: temporaryFile("obs.xlsx"))
        let recorder = Recorder()
        wb.observer = recorder
        let a = try wb.addSheet("A")
        let b = try wb.addSheet("B")
        let bold = try wb.resolve(CellFormat(bold: true))
        try a.setColumn(0, 1, width: 12)
        try a.write(0, 0, .text("Cu\u{0323}c"), bold)
        try b.setRow(0, height: 20)
        try b.merge(row: 0, columns: 0...1, "gộp")
        try a.write(1, 0, .number(2))
        try wb.close()
        #expect(
            recorder.events == [
                "sheet A", "sheet B", "columns 0 0-1 12.0", "cell 0 A1 Cục bold", "row 1 0 20.0",
                "merge 1 A1:B1 gộp", "cell 0 A2 number(2.0) -"
            ])
    }

    @Test func truncationIsNotedOnceWhenObserved() throws {
        let wb = try Workbook(url: temporaryFile("obs-long.xlsx"))
        wb.observer = Recorder()
        try wb.addSheet("A").write(0, 0, .text(String(repeating: "a", count: 40_000)))
        try wb.close()
        #expect(wb.notices == [.truncated(sheet: "A", cell: "A1", length: 40_000)])
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
