import FormKit
import Foundation
import Submissions
import Synchronization
import TestSupport
import Testing
import XLSX

@testable import Consolidation

let layout: WorkbookLayout = try! WorkbookLayout.load(
    contentsOf: repositoryRoot.appendingPathComponent("Templates/consolidated.yaml"), form: form)
let example: Submission = SubmissionLoader.load(
    repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"), form: form
).submission!
let fixedNow = Date(timeIntervalSince1970: 1_542_268_800)  // 15/11/2018

/// The bundled registry's sample, generated once, merged once.
struct Merged: Sendable {
    let dir: URL
    let result: MergeResult
    let workbook: WorkbookReader

    /// The merged submission of a unit, answers and all, read again from its file: the
    /// merge's result keeps no answers.
    func submission(_ unit: String) -> Submission? {
        result.checks[unit].flatMap {
            SubmissionLoader.load(URL(fileURLWithPath: $0.loaded.file), form: form).submission
        }
    }

    var submissions: [Submission] { result.checks.keys.sorted().compactMap(submission) }

    static let shared: Merged = {
        let dir = temporaryDirectory()
        let generator = SampleGenerator(
            form: form, base: example.answers, baseUnitName: example.unitName, seed: 7, profiles: sampleProfiles)
        _ = try! generator.generate(units: registry.units, into: dir.appendingPathComponent("in"))
        // One file that cannot be read, beside them.
        try! Data("{ not json".utf8).write(to: dir.appendingPathComponent("in/broken.json"))
        let out = dir.appendingPathComponent("tong-hop.xlsx")
        let result = try! Consolidator(form: form, registry: registry, layout: layout).merge(
            [dir.appendingPathComponent("in").path], to: out, now: fixedNow)
        return Merged(dir: dir, result: result, workbook: try! WorkbookReader(url: out))
    }()
}

@Suite struct MergeTests {
    let m = Merged.shared

    @Test func theResultKeepsNoAnswers() {
        #expect(!m.result.checks.isEmpty)
        #expect(
            m.result.checks.values.allSatisfy {
                $0.relevantAnswers == nil && $0.loaded.submission?.answers.sections.isEmpty == true
            })
        #expect(m.submissions.allSatisfy { !$0.answers.sections.isEmpty })
    }

    @Test func sheetsAreTheLayoutsInOrder() {
        #expect(
            m.workbook.sheetNames == [
                "Tổng quan", "Tổng hợp", "Biểu đồ", "M1. Thông tin chung", "M2. Liên hệ", "M3.1 Trang, cổng TTĐT",
                "M3.3 Dịch vụ công", "M3.3d Lộ trình DVC", "M3.3 Một cửa", "M3.4 Văn bản điện tử", "M3.4.2 HTTT, CSDL",
                "M3.6 Nhân lực CNTT", "M4 Kết quả KH 2018", "M6.1 Nhiệm vụ 2019", "M6.2 DVC 2019", "Lỗi và cảnh báo",
                "Tình trạng nộp"
            ])
    }

    /// One chart a printed page: the breaks hold in Excel only on a sheet not fitted to a width.
    @Test func chartsPrintOneAPage() throws {
        let charts = try #require(m.workbook["Biểu đồ"])
        #expect(!charts.fitsToPage && (charts.printScale ?? 100) == 100)  // 100 % is the default, not written
    }

    @Test func summaryHasARowPerRegistryUnitAndLiveTotals() throws {
        let s = try #require(m.workbook["Tổng hợp"])
        #expect(s["A1"]?.value == "CÁC CHỈ TIÊU CHÍNH THEO ĐƠN VỊ NĂM 2018")
        #expect(
            Array(s.row(5).prefix(7)) == [
                "STT", "Đơn vị", "Viết tắt", "Tình trạng", "Số trang/cổng TTĐT", "Tổng số TTHC", "DVC mức 1, 2"
            ])
        #expect(s.row(4)[5] == "Dịch vụ công trực tuyến")
        for (i, unit) in registry.units.enumerated() {
            let row = 6 + i
            #expect(s["B\(row)"]?.value == unit.name)
            if let sub = m.submission(unit.id) {
                #expect(
                    s["F\(row)"]?.number == sub.answers["online_services", "procedures_total"]?.number, "\(unit.id)")
                #expect(s["Q\(row)"]?.number == sub.answers["staffing", "it_staff_total"]?.number, "\(unit.id)")
                #expect(s["E\(row)"]?.number == Double(sub.answers["websites", "portals"]?.rows?.count ?? 0))
            } else {
                #expect(["Chưa nộp", "Chỉ có bản nháp"].contains(s["D\(row)"]?.value ?? ""), "\(unit.id)")
                #expect(s["F\(row)"] == nil)
                // Its ratio is blank, not 0 %: the formula's cached result is empty text.
                #expect(s["L\(row)"]?.formula == "IF(N(J\(row))>0,K\(row)/J\(row),\"\")")
                #expect(s["L\(row)"]?.value == "" && s["L\(row)"]?.isText == true, "\(unit.id)")
            }
        }
        // The sample leaves some units without a final: the branch above ran for them.
        #expect(registry.units.contains { m.submission($0.id) == nil })
        let total = 6 + registry.units.count
        #expect(s["A\(total)"]?.value == "Tổng cộng")
        #expect(s["F\(total)"]?.formula == "SUM(F6:F\(total - 1))")
        let expected = m.submissions.compactMap { $0.answers["online_services", "procedures_total"]?.number }.reduce(
            0, +)
        #expect(s["F\(total)"]?.number == expected)
        #expect(s["L\(total)"]?.formula == "IF(N(J\(total))>0,K\(total)/J\(total),\"\")")
        #expect(s["L6"]?.formula == "IF(N(J6)>0,K6/J6,\"\")")
        #expect(s.xml.contains("<pane xSplit=\"3\" ySplit=\"5\""))
        #expect(s.xml.contains("<autoFilter ref=\"A5:Z\(total - 1)\""))
        #expect(
            s.xml.contains("orientation=\"landscape\"") && s.xml.contains("paperSize=\"9\"")
                && s.xml.contains("fitToHeight=\"0\""))
        #expect(s.xml.contains("&amp;CTrang &amp;P/&amp;N"))
    }

    @Test func coverCounts() throws {
        let s = try #require(m.workbook["Tổng quan"])
        #expect(s["A1"]?.value == "TỔNG HỢP BÁO CÁO ỨNG DỤNG CNTT NĂM 2018")
        #expect(s["B7"]?.number == Double(registry.units.count))
        #expect(s["B8"]?.number == Double(m.result.submitted))
        #expect(s["B9"]?.number == Double(m.result.missing.count))
        #expect(s["B13"]?.number == 1)  // broken.json
        #expect(m.result.submitted + m.result.missing.count == registry.units.count)
    }

    /// The rate reads the cells its two counts were written at, found here by their labels.
    @Test func theCoverRateReadsTheRowsOfItsCounts() throws {
        let s = try #require(m.workbook["Tổng quan"])
        func row(of label: String) throws -> Int { try #require((1...s.lastRow).first { s["A\($0)"]?.value == label }) }
        let expected = try row(of: "Số đơn vị phải báo cáo")
        let submitted = try row(of: "Số đơn vị đã nộp bản chính thức")
        let rate = try row(of: "Tỷ lệ đơn vị đã nộp")
        #expect(s["B\(rate)"]?.formula == "IF(B\(expected)>0,B\(submitted)/B\(expected),0)")
        #expect(s["B\(rate)"]?.number == Double(m.result.submitted) / Double(registry.units.count))
        // Every line of the cover's list is written, each on its own row, before the rate.
        let rows = try CoverSheet.Line.allCases.map { try row(of: $0.label) }
        #expect(Set(rows).count == rows.count && rows.allSatisfy { $0 < rate })
        // The form is named by its version, as a reader says it, short enough for its cell.
        #expect(s["B\(try row(of: "Biểu mẫu"))"]?.value == "phiên bản \(form.version)")
    }

    /// An issue line's cells are made from the column list the header is made from: each
    /// value sits under its own header.
    @Test func issueLinesSitUnderTheirHeaders() throws {
        let s = try #require(m.workbook["Lỗi và cảnh báo"])
        let headers = s.row(5)
        #expect(headers == IssuesSheet.Column.allCases.map(\.header))
        #expect(IssuesSheet.Column.lead + IssuesSheet.Column.line == IssuesSheet.Column.allCases)
        func column(_ c: IssuesSheet.Column) throws -> String {
            columnName(try #require(headers.firstIndex(of: c.header)))
        }
        let severity = try column(.severity)
        let row = try column(.row)
        let unit = try column(.unit)
        let number = try column(.number)
        let names = Set(registry.units.map(\.name))
        for r in 6...s.lastRow {
            #expect(["Lỗi", "Cảnh báo"].contains(s["\(severity)\(r)"]?.value ?? ""), "row \(r)")
            #expect(s["\(row)\(r)"] == nil || s["\(row)\(r)"]?.number != nil, "row \(r)")
            #expect(names.contains(s["\(unit)\(r)"]?.value ?? ""), "row \(r)")
            #expect(s["\(number)\(r)"]?.number == Double(r - 5))
        }
        let line = IssuesSheet.Line(
            section: "Mục", question: "Câu", row: 2, severity: "Lỗi", message: "Nội dung", explanation: nil)
        #expect(line.cells == [.text("Mục"), .text("Câu"), .number(2), .text("Lỗi"), .text("Nội dung"), .blank])
    }

    /// The completeness sheet's header and lines come from one column list.
    @Test func completenessLinesSitUnderTheirHeaders() throws {
        let s = try #require(m.workbook["Tình trạng nộp"])
        #expect(s.row(5) == CompletenessSheet.Column.allCases.map(\.header))
        let line = CompletenessSheet.Line(status: "Chưa nộp", unit: "Vụ A", file: "", detail: "")
        #expect(line.cells(3) == [.number(3), .text("Chưa nộp"), .text("Vụ A"), .text(""), .text("")])
    }

    /// Each kind of the layout is made into its own sheet type, named as the layout says.
    @Test func everySheetKindHasItsType() {
        let cells = AnswerCells(form: form)
        // The plan-tracking sheet is written only with last year's reports (merge --previous).
        let sheets = layout.sheets.filter { !$0.needsPreviousYear }.map { ConsolidatedSheets.make($0, cells: cells) }
        #expect(sheets.map(\.name) == m.workbook.sheetNames)
        #expect(
            sheets[0] is CoverSheet && sheets[1] is SummarySheet && sheets[2] is ChartsSheet
                && sheets[3] is SectionSheet)
        #expect(
            sheets.contains { $0 is TableSheet }
                && sheets.suffix(2).map { "\(type(of: $0))" } == ["IssuesSheet", "CompletenessSheet"])
    }

    @Test func sectionSheetsUseLabelsAndTickColumns() throws {
        let s = try #require(m.workbook["M3.3 Một cửa"])
        let headers = s.row(5)
        #expect(headers.contains("3.1. Số cơ quan, đơn vị đã ứng dụng CNTT tại bộ phận một cửa"))
        #expect(headers.contains("Qua Internet"))
        #expect(s.row(4).contains("Tra cứu thông tin và trạng thái giải quyết hồ sơ"))
        let internet = try #require(headers.firstIndex(of: "Qua Internet"))
        let deployment = try #require(headers.firstIndex(of: "a) Cách thức triển khai"))
        // The template's heading spans the questions under it; a bullet ("-") is not a name.
        #expect(s.row(4)[deployment] == "3.2. Tin học hóa việc tiếp nhận và xử lý hồ sơ tại bộ phận một cửa")
        #expect(headers.contains("Tên phần mềm"))
        // A table whose label is the template's instruction gets the layout's title.
        let roadmap = try #require(m.workbook["M3.3d Lộ trình DVC"])
        #expect(
            roadmap.row(1).first
                == "MỤC 3 – 3. KẾT QUẢ THỰC HIỆN LỘ TRÌNH CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN NĂM 2018")
        let staffing = try #require(m.workbook["M3.6 Nhân lực CNTT"])
        let phd = try #require(staffing.row(5).firstIndex(of: "Tiến sỹ"))
        #expect(
            staffing.row(4)[phd]
                == "- Trình độ chuyên môn nghiệp vụ của cán bộ chuyên trách CNTT (văn bằng trong lĩnh vực CNTT):")
        let firstUnit = s.row(6)
        let sub = try #require(m.submissions.first { $0.unitName == firstUnit[1] })
        #expect(
            firstUnit[internet]
                == ((sub.answers["one_stop", "lookup_channels"]?.list ?? []).contains("internet") ? "x" : ""))
        let dep = sub.answers["one_stop", "deployment"]?.text
        #expect(
            firstUnit[deployment]
                == (dep == "unified"
                    ? "Đồng bộ trên toàn cơ quan (mua tập trung và triển khai đồng bộ cho tất cả các đơn vị thuộc và trực thuộc)"
                    : dep == "separate" ? "Riêng lẻ theo từng đơn vị (các đơn vị tự mua, tự triển khai)" : ""))
    }

    @Test func tableSheetsListEveryRow() throws {
        let s = try #require(m.workbook["M6.1 Nhiệm vụ 2019"])
        #expect(
            s.row(5) == [
                "STT", "Đơn vị", "TT trong đơn vị", "Tên nhiệm vụ, dự án", "Thời gian thực hiện",
                "Nhiệm vụ thường xuyên", "Đề tài, dự án", "Khác"
            ])
        #expect(s.row(4)[5] == "Nguồn kinh phí dự kiến thực hiện")
        let rows = m.submissions.reduce(0) { $0 + ($1.answers["next_plan", "tasks"]?.rows?.count ?? 0) }
        #expect(s.lastRow == 5 + rows)
    }

    @Test func issuesSheetHasEveryIssueWithExplanations() throws {
        let s = try #require(m.workbook["Lỗi và cảnh báo"])
        let expected = m.result.checks.values.reduce(0) { $0 + $1.issues.count + $1.loaded.problems.count }
        #expect(expected > 0)
        #expect(s.lastRow == 5 + expected)
        let explained = m.result.checks.values.flatMap { c in
            c.issues.compactMap { c.loaded.submission?.explanations[$0.key] }
        }
        #expect(!explained.isEmpty)
        let column = (6...s.lastRow).compactMap { s["H\($0)"]?.value }
        #expect(Set(column) == Set(explained))
        #expect((6...s.lastRow).allSatisfy { ["Lỗi", "Cảnh báo"].contains(s["F\($0)"]?.value ?? "") })
    }

    @Test func completenessListsMissingDraftsSupersededAndRejected() throws {
        let s = try #require(m.workbook["Tình trạng nộp"])
        let kinds = (6...max(6, s.lastRow)).compactMap { s["B\($0)"]?.value }
        #expect(kinds.filter { $0 == "Chưa nộp" || $0 == "Chỉ có bản nháp" }.count == m.result.missing.count)
        #expect(kinds.filter { $0 == "Bản cũ đã được thay thế" }.count == m.result.submissions.superseded.count)
        #expect(kinds.filter { $0 == "Tệp bị từ chối" }.count == 1)
        #expect(m.result.submissions.superseded.count > 0 && m.result.submissions.draftsOnly.count > 0)
        let rejected = try #require((6...s.lastRow).first { s["B\($0)"]?.value == "Tệp bị từ chối" })
        #expect(s["D\(rejected)"]?.value.hasSuffix("broken.json") == true)
        #expect(s["E\(rejected)"]?.value.hasPrefix("dòng 1, cột 3: JSON không hợp lệ") == true)
    }

    @Test func theLatestFinalRevisionIsMerged() throws {
        let superseded = try #require(m.result.submissions.superseded.first?.submission)
        #expect(m.result.checks[superseded.unitId]?.loaded.submission?.revision == 2)
    }
}

@Suite struct WorkbookEdgeCaseTests {
    /// Merges the example, changed by `edit`, alone.
    func mergeExample(_ edit: (inout Submission) -> Void, layout l: WorkbookLayout = layout) throws -> (
        WorkbookReader, MergeResult
    ) {
        let dir = temporaryDirectory()
        var s = example
        edit(&s)
        try s.save(to: dir.appendingPathComponent("in/cuc-shtt.json"))
        let out = dir.appendingPathComponent("out.xlsx")
        let r = try Consolidator(form: form, registry: registry, layout: l).merge(
            [dir.appendingPathComponent("in").path], to: out, now: fixedNow)
        return (try WorkbookReader(url: out), r)
    }

    @Test func decomposedInputIsStoredComposed() throws {
        let nfd = "Trung tâm Thông tin sở hữu công nghiệp".decomposedStringWithCanonicalMapping
        let (wb, _) = try mergeExample { $0.answers["contact", "work_unit"] = .text(nfd) }
        let s = try #require(wb["M2. Liên hệ"])
        let cell = try #require(
            (1...s.lastRow).lazy.compactMap { r in s.row(r).first { $0.hasPrefix("Trung tâm Thông tin") } }.first)
        #expect(
            Array(cell.unicodeScalars)
                == Array("Trung tâm Thông tin sở hữu công nghiệp".precomposedStringWithCanonicalMapping.unicodeScalars))
    }

    @Test func formulaLookingTextStaysText() throws {
        let (wb, _) = try mergeExample { $0.answers["general", "address"] = .text("=HYPERLINK(\"http://x\")") }
        let s = try #require(wb["M1. Thông tin chung"])
        #expect(s["D6"] == WorkbookReader.CellValue(value: "=HYPERLINK(\"http://x\")", formula: nil, isText: true))
    }

    @Test func oversizeTextIsCutAndReported() throws {
        let long = String(repeating: "Khó giữ người giỏi. ", count: 2000) + "Hết"  // 40,003 characters
        let (wb, r) = try mergeExample { $0.answers["staffing", "difficulties"] = .text(long) }
        let s = try #require(wb["M3.6 Nhân lực CNTT"])
        let cell = try #require(s.cells.values.first { $0.value.hasPrefix("Khó giữ người giỏi.") })
        #expect(cell.value.utf16.count == 32_767)
        #expect(cell.value.hasSuffix(" …[cắt bớt]"))
        #expect(
            r.notices.contains {
                if case .truncated(let sheet, _, 40_003) = $0 {
                    return sheet == "M3.6 Nhân lực CNTT"
                } else {
                    return false
                }
            })
        let summary = Consolidator(form: form, registry: registry, layout: layout).summary(r, .vi)
        #expect(summary.contains("Cắt bớt văn bản quá dài (40003 ký tự) ở trang 'M3.6 Nhân lực CNTT'"))
    }

    @Test func sheetNamesFromTheLayoutAreSanitised() throws {
        var l = layout
        l.sheets = [
            .section(name: "Thông tin chung: [Mục 1] / năm 2018 và các năm sau", section: "general", fields: nil),
            .section(name: "THÔNG TIN CHUNG: [MỤC 1] / NĂM 2018 VÀ CÁC NĂM SAU", section: "general", fields: nil)
        ]
        let (wb, r) = try mergeExample({ _ in }, layout: l)
        #expect(wb.sheetNames == ["Thông tin chung- -Mục 1- - năm", "THÔNG TIN CHUNG- -MỤC 1- - (2)"])
        #expect(r.notices.count == 2)
    }

    @Test func aFailedMergeLeavesTheExistingWorkbookUntouched() throws {
        let dir = temporaryDirectory()
        try example.save(to: dir.appendingPathComponent("in/cuc-shtt.json"))
        let out = dir.appendingPathComponent("out.xlsx")
        try Data("last week's workbook".utf8).write(to: out)
        // More columns than a sheet can have (16,384): the writer fails part-way.
        var l = layout
        guard case .summary(let name, let title, let columns) = l.sheets[1] else {
            Issue.record("no summary")
            return
        }
        l.sheets[1] = .summary(name: name, title: title, columns: Array(repeating: columns[1], count: 16_400))
        #expect(throws: XLSXError.self) {
            try Consolidator(form: form, registry: registry, layout: l).merge(
                [dir.appendingPathComponent("in").path], to: out, now: fixedNow)
        }
        #expect(try String(contentsOf: out, encoding: .utf8) == "last week's workbook")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in", "out.xlsx"])
    }
}

@Suite struct LayoutTests {
    @Test func unknownFieldIdsAreReportedWithTheirPlace() {
        let yaml = """
            title: T
            sheets:
              - kind: summary
                columns:
                  - {id: a, header: A, field: general.staff_totl}
                  - {id: b, header: B, value: count(websites.portal)}
              - {kind: section, section: genral}
              - {kind: table, table: next_plan.tasks, ticks: [name]}
              - {kind: chart}
            """
        #expect(
            diagnostics { try WorkbookLayout.parse(yaml, file: "l.yaml", form: form) } == [
                "l.yaml:5:35: error: unknown field 'general.staff_totl'; did you mean 'general.staff_total'?",
                "l.yaml:6:41: error: no field 'websites.portal' here; did you mean 'websites.portals'?",
                "l.yaml:7:30: error: unknown section 'genral'; did you mean 'general'?",
                "l.yaml:8:51: error: 'ticks' only applies to choice columns; table 'next_plan.tasks' has no choice column 'name'",
                "l.yaml:9:12: error: unknown sheet kind 'chart'; did you mean 'charts'?"
            ])
    }

    @Test func theBundledLayoutsLoad() throws {
        #expect(layout.sheets.count == 18)
        #expect(layout.sheets.filter(\.needsPreviousYear).count == 1, "the plan-tracking sheet")
        let unit = try UnitReportLayout.load(
            contentsOf: repositoryRoot.appendingPathComponent("Templates/unit-report.yaml"), form: form)
        #expect(unit.left.name == "contact.reporter_name")
    }
}

@Suite struct ExportTests {
    let unitLayout = try! UnitReportLayout.load(
        contentsOf: repositoryRoot.appendingPathComponent("Templates/unit-report.yaml"), form: form)

    func exported(_ s: Submission) throws -> WorkbookReader {
        let out = temporaryDirectory().appendingPathComponent("bao-cao.xlsx")
        try UnitReportExporter(form: form, layout: unitLayout).export(s, to: out)
        return try WorkbookReader(url: out)
    }

    /// The rows that hold something, 1-based, each with its non-empty texts.
    func rows(_ sheet: WorkbookReader.Sheet) -> [(n: Int, cells: [String])] {
        (1...sheet.lastRow).map { ($0, sheet.row($0).filter { !$0.isEmpty }) }.filter { !$0.cells.isEmpty }
    }

    @Test func unitReportFollowsTheTemplate() throws {
        var s = example
        s.answers["general", "staff_total"] = .number(430)  // a warning, explained
        s.explanations["general/staff_breakdown_under_total"] = "10 người đang nghỉ chế độ"
        let wb = try exported(s)
        // The warnings are not among the template's pages: a sheet of their own after them.
        #expect(wb.sheetNames == ["Báo cáo", "Giải trình cảnh báo"])
        let sheet = try #require(wb["Báo cáo"])
        let numbered = rows(sheet)
        let rows = numbered.map(\.cells)
        #expect(
            rows[1] == [
                "(Kèm theo Công văn số ……/CV - TTCNTT ngày …… tháng …… năm 2018 của Trung tâm Công nghệ thông tin)"
            ])
        #expect(rows[2] == ["Cục Sở hữu trí tuệ"])
        #expect(rows[3] == ["MỤC 1. THÔNG TIN CHUNG"])
        #expect(rows[4] == ["1.", "Tên cơ quan báo cáo", "Cục Sở hữu trí tuệ"])
        // The template's part once, its sections under it; its headings and notes in place.
        let part = try #require(rows.firstIndex(of: ["MỤC 3: NỘI DUNG BÁO CÁO"]))
        #expect(
            rows[part + 1] == [
                "1. ỨNG DỤNG CÔNG NGHỆ THÔNG TIN (CNTT) ĐỂ CÔNG BỐ, CÔNG KHAI THÔNG TIN, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
            ])
        #expect(rows.contains(["Trong đó:"]))
        let heading = try #require(
            rows.firstIndex(of: ["3.2.", "Tin học hóa việc tiếp nhận và xử lý hồ sơ tại bộ phận một cửa"]))
        #expect(rows[heading + 1].first == "a)")
        #expect(sheet.styles["B\(numbered[heading].n)"]?.bold == true)
        #expect(rows.contains(["Tình hình sử dụng văn bản điện tử cụ thể như sau:"]))
        #expect(rows.contains(["Fax", "024 3858 8449"]))  // beside 3. Điện thoại: no number of its own
        #expect(
            rows.contains([
                "a)", "Cách thức triển khai",
                "☒ Đồng bộ trên toàn cơ quan (mua tập trung và triển khai đồng bộ cho tất cả các đơn vị thuộc và trực thuộc)\n☐ Riêng lẻ theo từng đơn vị (các đơn vị tự mua, tự triển khai)"
            ]))
        #expect(rows.contains(["1", "Đăng ký nhãn hiệu", "3", "3", "https://dvctt.ipvietnam.gov.vn", "15230", "41870"]))
        #expect(!rows.contains { $0.contains(unitLayout.warningsTitle) })

        // Helps: a numbered footnote (¹ after the question, the note under it), the template's
        // markers under the tables; notes in italics.
        let staff = try #require(
            rows.firstIndex(of: ["7.", "Tổng số cán bộ, công chức, viên chức của toàn đơn vị¹", "430"]))
        #expect(
            rows[staff + 1] == [
                "¹ Bao gồm số cán bộ, công chức, viên chức của tất cả các đơn vị thuộc, trực thuộc đơn vị."
            ])
        #expect(sheet.styles["B\(numbered[staff + 1].n)"]?.italic == true)
        #expect(rows.contains(["6.1.", "Tổng số cán bộ chuyên trách về CNTT²", "18"]))
        #expect(rows.contains(["² Là các cán bộ được giao chuyên phụ trách mảng ứng dụng CNTT tại đơn vị."]))
        let lastPortal = try #require(
            rows.firstIndex { $0.first == "2" && $0.contains("Văn phòng đại diện tại TP. Hồ Chí Minh") })
        #expect(
            rows[lastPortal + 1] == [
                "Chú ý: Với những đơn vị có nhiều đơn vị trực thuộc cấp dưới, đề nghị liệt kê đầy đủ danh sách."
            ])
        #expect(rows.contains { $0.first?.hasPrefix("Ghi chú: - Nơi lưu trữ dữ liệu ghi rõ") == true })

        // Ticks as the template has them: the portal kind's boxes in its cell, the funding's
        // sub-columns under their heading with the chosen one marked.
        #expect(rows[lastPortal] == ["2", "Văn phòng đại diện tại TP. Hồ Chí Minh", "☒ Thành phần   ☐ Độc lập"])
        #expect(rows.contains(["1", "Cục Sở hữu trí tuệ", "☐ Thành phần   ☒ Độc lập"]))
        let funding = try #require(numbered.first { $0.cells.last == "Nguồn kinh phí dự kiến thực hiện" })
        let fundingRow = sheet.row(funding.n)
        let groupColumn = try #require(fundingRow.lastIndex(of: "Nguồn kinh phí dự kiến thực hiện"))
        #expect(sheet.row(funding.n + 1).filter { !$0.isEmpty } == ["Nhiệm vụ thường xuyên", "Đề tài, dự án", "Khác"])
        #expect(sheet.mergedRanges.contains { $0.hasPrefix("\(columnName(groupColumn))\(funding.n):") })
        // STT and the other labels down both header rows.
        #expect(sheet.mergedRanges.contains("A\(funding.n):A\(funding.n + 1)"))
        let task = sheet.row(funding.n + 2)
        #expect(task.filter { !$0.isEmpty } == ["1", "Dịch vụ công mức 4 cho đơn sáng chế", "Quý II/2019", "x"])
        #expect(sheet.row(funding.n + 1)[try #require(task.firstIndex(of: "x"))] == "Đề tài, dự án")

        // Numbers are numeric cells, one format a kind: whole, decimal, percent, a year.
        let n = numbered[staff].n
        #expect(sheet["C\(n)"]?.number == 430)
        #expect(sheet.styles["C\(n)"]?.numberFormat == "#,##0")
        let pct = try #require(numbered.first { $0.cells.first == "+" })
        #expect(sheet["C\(pct.n)"]?.number == 65)
        #expect(sheet.styles["C\(pct.n)"]?.numberFormat == "0.0")
        let db = try #require(numbered.first { $0.cells.contains("Cơ sở dữ liệu sở hữu công nghiệp") })
        let year = try #require(sheet.cells.first { $0.key.hasSuffix("\(db.n)") && $0.value.number == 2010 })
        #expect(sheet.styles[year.key]?.numberFormat == "0")
        let records = try #require(sheet.cells.first { $0.key.hasSuffix("\(db.n)") && $0.value.number == 87400 })
        #expect(sheet.styles[records.key]?.numberFormat == "#,##0")
        // No number printed as text in the Vietnamese way ("52.310", "80,5"), as it once was.
        let formatted = /\d{1,3}(\.\d{3})+|\d+,\d+/
        for (ref, cell) in sheet.cells where cell.isText {
            #expect(cell.value.wholeMatch(of: formatted) == nil, "\(ref): \(cell.value)")
        }

        // The warning with the unit's explanation.
        let warnings = try #require(wb["Giải trình cảnh báo"])
        #expect(warnings["A1"]?.value == unitLayout.warningsTitle)
        #expect(
            self.rows(warnings).contains {
                $0.cells.contains("Số cán bộ biên chế cộng hợp đồng nhỏ hơn tổng số cán bộ, công chức, viên chức")
                    && $0.cells.contains("10 người đang nghỉ chế độ")
            })

        // Each signer under the template's own place and date line.
        let date = try #require(
            rows.firstIndex(of: ["Hà Nội, ngày 15 tháng 11 năm 2018", "Hà Nội, ngày 15 tháng 11 năm 2018"]))
        #expect(rows[date + 1] == ["Người khai", "Thủ trưởng cơ quan"])
        #expect(rows.last == ["Nguyễn Thị Hương", "Đinh Hữu Phí"])
        let order = [
            "MỤC 1. THÔNG TIN CHUNG", "MỤC 2. THÔNG TIN LIÊN HỆ", "MỤC 3: NỘI DUNG BÁO CÁO",
            "MỤC 4. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ THEO KẾ HOẠCH ỨNG DỤNG CNTT NĂM 2018",
            "MỤC 6: KẾ HOẠCH ỨNG DỤNG CNTT NĂM 2019"  // the template's own punctuation
        ]
        let positions = order.compactMap { h in rows.firstIndex(of: [h]) }
        #expect(positions == positions.sorted() && positions.count == 5)
    }

    @Test func layoutMistakesAreReportedWithTheirPlace() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("u.yaml")
        try """
        tables:
          - {table: websites.portal, boxes: [kind]}
          - {table: next_plan.tasks, boxes: [funding, name], ticks: [funding]}
        notes:
          - general.staff_totl
        """.write(to: file, atomically: true, encoding: .utf8)
        #expect(
            diagnostics(removing: dir.path + "/") { try UnitReportLayout.load(contentsOf: file, form: form) } == [
                "u.yaml:2:13: error: unknown table 'websites.portal'; did you mean 'websites.portals'?",
                "u.yaml:3:47: error: 'boxes' only applies to choice columns; table 'next_plan.tasks' has no choice column 'name'",
                "u.yaml:3:61: error: column 'funding' of table 'next_plan.tasks' is in both 'boxes' and 'ticks'; choose one",
                "u.yaml:5:5: error: unknown field 'general.staff_totl'; did you mean 'general.staff_total'?"
            ])
    }

    /// A question not asked prints as the template's empty boxes: a choice with every option's
    /// box empty, the rest blank; never a dash. Without a place and date, each signer gets
    /// the template's dotted line.
    @Test func questionsNotAskedAreEmptyBoxes() throws {
        var s = example
        s.answers["one_stop", "units_with_it"] = .number(0)
        s.answers["sign_off", "place"] = nil
        s.answers["sign_off", "report_date"] = nil
        let wb = try exported(s)
        let sheet = try #require(wb["Báo cáo"])
        let rows = self.rows(sheet).map(\.cells)
        #expect(
            rows.contains([
                "a)", "Cách thức triển khai",
                "☐ Đồng bộ trên toàn cơ quan (mua tập trung và triển khai đồng bộ cho tất cả các đơn vị thuộc và trực thuộc)\n☐ Riêng lẻ theo từng đơn vị (các đơn vị tự mua, tự triển khai)"
            ]))
        #expect(rows.contains(["-", "Tên phần mềm"]))
        #expect(rows.contains(["Ghi rõ hồ sơ đi kèm thực hiện như thế nào"]))
        #expect(!sheet.cells.values.contains { $0.value == "—" })
        let line = "……, ngày ...... tháng ...... năm ......"
        #expect(rows.contains([line, line]))
    }

    /// A table longer than a page: a manual page break before the row that would not fit, the
    /// header printed again at the top of the next page, no heading left alone at the foot of a
    /// page, and no page holding more than A4 landscape does at the sheet's print scale.
    @Test func aTableThatCrossesPagesRepeatsItsHeader() throws {
        var s = example
        let base = try #require(example.answers["internal", "databases"]?.rows?.first)
        s.answers["internal", "databases"] = .rows(
            (1...60).map { i in
                var r = base
                r["name"] = .text("Cơ sở dữ liệu số \(i)")
                return r
            })
        let wb = try exported(s)
        let sheet = try #require(wb["Báo cáo"])
        #expect(!sheet.fitsToPage)  // fitting to a width would make Excel ignore the breaks
        let scale = Double(try #require(sheet.printScale))
        let starts = sheet.pageStarts
        #expect(starts.count >= 3)
        let rows = (1...sheet.lastRow).map { sheet.row($0).filter { !$0.isEmpty } }
        let header = try #require(
            rows.firstIndex { $0.first == "STT" && $0.contains("Tên hệ thống thông tin, cơ sở dữ liệu") })
        let first = try #require(rows.firstIndex { $0.contains("Cơ sở dữ liệu số 1") })
        let last = try #require(rows.firstIndex { $0.contains("Cơ sở dữ liệu số 60") })
        // Pages inside the table start with its header, then the next row of the table.
        let inside = starts.filter { $0 - 1 > first && $0 - 1 <= last }
        #expect(inside.count >= 1)
        for start in inside {
            #expect(rows[start - 1] == rows[header], "page at row \(start)")
            #expect(rows[start].count > 1 && rows[start][1].hasPrefix("Cơ sở dữ liệu số"), "page at row \(start)")
        }
        #expect(rows.filter { $0 == rows[header] }.count == 1 + inside.count)
        // Every row numbered once, in order, across the pages.
        let numbers = rows[first...last].filter { $0.count > 1 && $0[1].hasPrefix("Cơ sở dữ liệu số") }.map(\.first)
        #expect(numbers == (1...60).map { String($0) })
        // No page ends with a heading: a section's, a table's label or a table's header.
        let headings = Set(
            rows.indices.filter {
                sheet.styles["A\($0 + 1)"]?.bold == true || sheet.styles["B\($0 + 1)"]?.bold == true
            })
        for start in starts { #expect(!headings.contains(start - 2), "row \(start - 1) ends a page") }
        // Each page's rows fit the printable height at the print scale.
        let heights = sheet.rowHeights
        let page = PrintSetup.printableArea(landscape: true).height * 100 / scale
        let bounds = [1] + starts + [sheet.lastRow + 1]
        for (a, b) in zip(bounds, bounds.dropFirst()) {
            let used = (a..<b).map { heights[$0] ?? 15 }.reduce(0, +)
            #expect(used <= page, "rows \(a)–\(b - 1): \(used) of \(page) points")
        }
    }
}

@Suite struct SampleTests {
    @Test func reproducibleAndMostlyValid() throws {
        let a = temporaryDirectory()
        let b = temporaryDirectory()
        let g = SampleGenerator(
            form: form, base: example.answers, baseUnitName: example.unitName, seed: 42, profiles: sampleProfiles)
        let units = SampleGenerator.units(registry, count: 60)
        let sa = try g.generate(units: units, into: a)
        _ = try g.generate(units: units, into: b)
        let files = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
        #expect(files == (try FileManager.default.contentsOfDirectory(atPath: b.path).sorted()))
        for f in files {
            #expect(
                try Data(contentsOf: a.appendingPathComponent(f)) == Data(contentsOf: b.appendingPathComponent(f)),
                "\(f)")
        }
        #expect(sa.units == 60)
        #expect(
            files.contains("don-vi-00060.json") || files.contains("don-vi-00060.draft.json")
                || !files.contains { $0.hasPrefix("don-vi-00060") })
        let reg = try UnitRegistry.load(contentsOf: a.appendingPathComponent("units.yaml"))
        #expect(reg.units.count == 60)
        // Every final is valid but for the errors planted on purpose; warnings carry explanations.
        let validator = Validator(form: form)
        var errors = 0
        var warned = 0
        for f in files where f.hasSuffix(".json") && !f.contains(".draft") {
            let loaded = SubmissionLoader.load(a.appendingPathComponent(f), form: form)
            #expect(loaded.problems == [], "\(f)")
            let issues = validator.validate(loaded.submission!.answers)
            if issues.contains(where: { $0.severity == .error }) { errors += 1 }
            for w in issues where w.severity == .warning {
                warned += 1
                #expect(loaded.submission!.explanations[w.key] != nil, "\(f): \(w.key)")
            }
        }
        #expect(errors == sa.withErrors)
        #expect(warned >= sa.withWarnings)
        #expect(sa.finals + sa.draftsOnly + sa.missing == 60)
    }
}

@Suite struct PipelineTests {
    @Test func itemsComeInOrderWhateverThreadFinishesFirst() {
        let pipeline = OrderedPipeline(count: 500, workers: 3, window: 16) { i -> Int in
            if i % 7 == 0 { usleep(200) }  // some items take longer
            return i * i
        }
        #expect(pipeline.peek(3) == 9)
        #expect((0..<500).map { pipeline.take($0) } == (0..<500).map { $0 * $0 })
    }

    /// When the workers are held up, the taker makes later items itself rather than wait.
    @Test func theTakerMakesItemsWhenTheWorkersAreHeldUp() {
        let taker = pthread_self()
        let byTaker = Mutex(0)
        let othersMade = DispatchSemaphore(value: 0)
        let stuck = DispatchSemaphore(value: 0)
        // The only worker is stuck on item 0 until seven later items exist (or five seconds
        // pass, so that a failure is a failed expectation, not a hang).
        let pipeline = OrderedPipeline(count: 40, workers: 1, window: 8) { i -> Int in
            if i == 0 {
                stuck.signal()
                for _ in 0..<7 { _ = othersMade.wait(timeout: .now() + 5) }
            } else {
                if pthread_equal(pthread_self(), taker) != 0 { byTaker.withLock { $0 += 1 } }
                othersMade.signal()
            }
            return i
        }
        stuck.wait()
        #expect((0..<40).map { pipeline.take($0) } == Array(0..<40))
        #expect(byTaker.withLock { $0 } >= 7)
    }

    /// What the taker hands back is freed, not kept.
    @Test func finishedItemsAreFreedByTheWorkers() {
        final class Item: Sendable {
            static let freed = Mutex(0)
            deinit { Item.freed.withLock { $0 += 1 } }
        }
        do {
            let pipeline = OrderedPipeline(count: 100, workers: 2, window: 4) { _ in Item() }
            for i in 0..<100 { pipeline.finish(pipeline.take(i)) }
        }
        // The workers free what they find handed back, and the last few go with the pipeline
        // once its threads are done: give them up to five seconds to be.
        for _ in 0..<500 where Item.freed.withLock({ $0 }) < 100 { usleep(10_000) }
        #expect(Item.freed.withLock { $0 } == 100)
    }

    @Test func theTraceRecordsSheetSwitchesForTheReference() throws {
        let dir = temporaryDirectory()
        let wb = try Workbook(url: dir.appendingPathComponent("t.xlsx"))
        let trace = CellTrace()
        wb.observer = trace
        let a = try wb.addSheet("A")
        let b = try wb.addSheet("B")
        try a.write(0, 0, .text("a1"))
        try b.write(0, 0, .text("b1"))
        try a.write(1, 0, .text("a2"))
        try wb.close()
        let bytes = [UInt8](trace.data)
        // After both sheets are added: select 0 (A), a cell, select 1 (B), a cell, select 0 again.
        let selects = bytes.indices.filter { i in
            bytes[i] == 10 && i + 2 < bytes.count && bytes[i + 2] == 0 && bytes[i + 1] <= 1
                && (i + 3 == bytes.count || bytes[i + 3] == 3)
        }
        #expect(selects.map { bytes[$0 + 1] } == [0, 1, 0], "\(bytes)")
        let back = try WorkbookReader(url: dir.appendingPathComponent("t.xlsx"))
        #expect(back["A"]?["A2"]?.value == "a2" && back["B"]?["A1"]?.value == "b1")
    }

    @Test func interleavedSheetsAreEachComplete() throws {
        // Every section sheet has a row per unit that submitted, in registry order.
        let m = Merged.shared
        let s = try #require(m.workbook["M1. Thông tin chung"])
        let names = (6...s.lastRow).compactMap { s["B\($0)"]?.value }
        let expected = registry.units.filter { m.result.checks[$0.id] != nil }.map(\.name)
        #expect(names == expected)
    }
}

/// A merge survives any one file: broken, hostile, special, or changed under its feet.
@Suite struct HostileInputTests {
    func sample(_ count: Int) throws -> (dir: URL, units: [ReportingUnit]) {
        let dir = temporaryDirectory()
        let units = Array(registry.units.prefix(count))
        _ = try SampleGenerator(
            form: form, base: example.answers, baseUnitName: example.unitName, seed: 3, profiles: sampleProfiles
        )
        .generate(units: units, into: dir.appendingPathComponent("in"))
        return (dir, units)
    }

    func file(_ dir: URL, of unit: String) throws -> URL {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("in").path)
        return dir.appendingPathComponent("in/" + (try #require(names.first { $0.hasPrefix(unit) })))
    }

    /// Deleted, rewritten for another unit, or emptied between the scan and the full read:
    /// the unit is missing, the file is named as changed, every other unit is merged.
    @Test func filesChangedBetweenScanAndReadAreReportedNotMerged() throws {
        let (dir, _) = try sample(8)
        let consolidator = Consolidator(form: form, registry: registry, layout: layout)
        let input = dir.appendingPathComponent("in").path
        let before = try consolidator.merge([input], to: dir.appendingPathComponent("before.xlsx"), now: fixedNow)
        let merged = registry.units.map(\.id).filter { before.checks[$0] != nil }
        #expect(merged.count >= 5)
        let scan = Consolidator.scan([input], form: form)
        let files = merged.map { URL(fileURLWithPath: before.checks[$0]!.loaded.file) }
        try FileManager.default.removeItem(at: files[0])
        // Another unit's report under this unit's name: never merged under this unit's row.
        try FileManager.default.removeItem(at: files[1])
        try FileManager.default.copyItem(at: files[3], to: files[1])
        try Data().write(to: files[2])
        let out = dir.appendingPathComponent("out.xlsx")
        let result = try consolidator.merge(scan, to: out, now: fixedNow)
        #expect(Set(result.checks.keys) == Set(merged.dropFirst(3)))
        #expect(Set(merged.prefix(3)).isSubset(of: Set(result.missing.map(\.id))))
        let changed = result.submissions.rejected.filter {
            $0.reason.text(.en).contains("changed or disappeared during the merge")
        }
        #expect(changed.count == 3)
        let workbook = try WorkbookReader(url: out)
        #expect(workbook.sheetNames.count == layout.sheets.filter { !$0.needsPreviousYear }.count)
    }

    /// Hostile files beside good ones: each rejected with its place, the rest merged.
    @Test func hostileFilesAreRejectedAndTheRestMerged() throws {
        let (dir, units) = try sample(3)
        let input = dir.appendingPathComponent("in")
        let good = try String(contentsOf: try file(dir, of: units[0].id), encoding: .utf8)
        let hostile: [(String, [UInt8])] = [
            (
                "surrogate.json",
                Array(good.replacingOccurrences(of: "\"unit\": {", with: "\"x\": \"\\uD800\\u0041\", \"unit\": {").utf8)
            ),
            ("deep.json", Array(("{\"answers\": " + String(repeating: "[", count: 10_000) + "}").utf8)),
            (
                "revision.json",
                Array(good.replacingOccurrences(of: "\"revision\": 1", with: "\"revision\": 1e309").utf8)
            ),
            (
                "bad-utf8.json",
                Array(good.replacingOccurrences(of: "\"answers\": {", with: "\"answers\": {\"x\": \"\u{1}\",").utf8).map
                { $0 == 1 ? 0xFF : $0 }
            ),
            (
                "zz-invalid-utf8-in-answers.json",
                Array(good.replacingOccurrences(of: "\"answers\": {", with: "\"answers\": {\"x\": \"\\uZZZZ\",").utf8)
            ),
            ("utf16.json", [0xFF, 0xFE] + [UInt8](good.data(using: .utf16LittleEndian)!))
        ]
        for (name, bytes) in hostile { try Data(bytes).write(to: input.appendingPathComponent(name)) }
        #expect(mkfifo(input.appendingPathComponent("fifo.json").path, 0o644) == 0)
        let result = try Consolidator(form: form, registry: registry, layout: layout)
            .merge([input.path], to: dir.appendingPathComponent("out.xlsx"), now: fixedNow)
        #expect(Set(result.checks.keys) == Set(units.map(\.id)))
        let rejected = Set(result.submissions.rejected.map { URL(fileURLWithPath: $0.file).lastPathComponent })
        #expect(
            rejected.isSuperset(of: [
                "surrogate.json", "deep.json", "revision.json", "bad-utf8.json", "zz-invalid-utf8-in-answers.json",
                "utf16.json", "fifo.json"
            ]), "\(rejected)")
    }
}

@Suite struct SheetLimitTests {
    /// A sheet that reaches Excel's last row: the unit whose rows do not fit is cut, with a
    /// notice naming the sheet and the unit; every other sheet and unit is still written.
    @Test func rowsPastTheLastRowAreCutWithANotice() throws {
        let dir = temporaryDirectory()
        let units = Array(registry.units.prefix(6))
        _ = try SampleGenerator(
            form: form, base: example.answers, baseUnitName: example.unitName, seed: 3, profiles: sampleProfiles
        )
        .generate(units: units, into: dir.appendingPathComponent("in"))
        var consolidator = Consolidator(form: form, registry: registry, layout: layout)
        let full = try consolidator.merge(
            [dir.appendingPathComponent("in").path], to: dir.appendingPathComponent("full.xlsx"), now: fixedNow)
        consolidator.rowLimit = 12
        let out = dir.appendingPathComponent("cut.xlsx")
        let result = try consolidator.merge([dir.appendingPathComponent("in").path], to: out, now: fixedNow)
        #expect(!result.rowsCut.isEmpty)
        #expect(Set(result.checks.keys) == Set(full.checks.keys))
        let summary = consolidator.summary(result, .en)
        let first = try #require(result.rowsCut.first)
        #expect(
            summary.contains(
                "Sheet '\(first.sheet)' reached Excel's 1048576 rows: \(first.rows) rows of \(first.unit) left out"))
        let workbook = try WorkbookReader(url: out)
        #expect(workbook.sheetNames == (try WorkbookReader(url: dir.appendingPathComponent("full.xlsx"))).sheetNames)
        // Every sheet of rows per unit stops at the limit. (The cover is fixed; the summary has a row
        // per unit of the registry, which the 16 MB limit on a unit list keeps far below Excel's.)
        for sheet in workbook.sheets where !["Tổng quan", "Tổng hợp"].contains(sheet.name) {
            #expect(sheet.lastRow <= 12, "\(sheet.name): \(sheet.lastRow)")
        }
    }
}

@Suite struct ConflictMergeTests {
    /// A hand edit keeps the content hash it claims: it is still a conflict, not a copy.
    @Test func aHandEditOfTheSameRevisionIsAConflictAndACopyIsACopy() throws {
        let dir = temporaryDirectory()
        let input = dir.appendingPathComponent("in")
        try example.save(to: input.appendingPathComponent("cuc-shtt.json"))
        let text = try String(contentsOf: input.appendingPathComponent("cuc-shtt.json"), encoding: .utf8)
        try text.write(to: input.appendingPathComponent("copy.json"), atomically: true, encoding: .utf8)
        let consolidator = Consolidator(form: form, registry: registry, layout: layout)
        let copies = try consolidator.merge([input.path], to: dir.appendingPathComponent("a.xlsx"), now: fixedNow)
        #expect(copies.checks["cuc-shtt"] != nil && copies.submissions.copies.count == 1 && copies.conflictCount == 0)
        try text.replacingOccurrences(of: "\"agency_name\": \"", with: "\"agency_name\": \"Sửa tay: ")
            .write(to: input.appendingPathComponent("conflict.json"), atomically: true, encoding: .utf8)
        let result = try consolidator.merge([input.path], to: dir.appendingPathComponent("b.xlsx"), now: fixedNow)
        #expect(result.checks["cuc-shtt"] == nil)
        #expect(result.conflictCount == 1 && result.submissions.conflicts["cuc-shtt"]?.count == 2)
        #expect(
            consolidator.summary(result, .en).contains(
                "Conflict: Cục SHTT has two final files of the same revision with different contents"))
        let sheet = try #require(WorkbookReader(url: dir.appendingPathComponent("b.xlsx")).sheets.last)
        #expect(sheet.xml.contains("Xung đột: cùng lần nộp, nội dung khác nhau"))
    }
}
