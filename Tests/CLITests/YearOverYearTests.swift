import FormKit
import Foundation
import Submissions
import TestSupport
import Testing

/// Issue 17: next year's campaign grows out of this year's.
@Suite struct YearOverYearTests {
    /// `form next` moves the parameters on, bumps the version, keeps every other line of the
    /// file byte for byte, and the result passes `form check` with the same question ids.
    @Test func formNextRoundTripsThroughFormCheck() throws {
        let dir = temporaryDirectory("form-next")
        let next = dir.appendingPathComponent("form-2019.yaml").path
        let run = try ictreport(["form", "next", "-o", next])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2018.1 → 2019.1"))
        #expect(run.stdout.contains("report_year: 2018 → 2019"))
        #expect(run.stdout.contains("period_end: 2018-10-31 → 2019-10-31"))
        // What a person must still write: the dispatch and the decisions cited.
        #expect(run.stdout.contains("Còn phải tự sửa"))
        for name in ["dispatch_number", "dispatch_date", "decision_ict_plan"] {
            #expect(run.stdout.contains("- \(name) ("), "\(name) is not in the reminder")
        }

        let check = try ictreport(["form", "check", next])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("hợp lệ"))

        let oldText = try String(contentsOf: repositoryFile("Forms/ict-annual-report.yaml"), encoding: .utf8)
        let newText = try String(contentsOfFile: next, encoding: .utf8)
        let oldLines = oldText.components(separatedBy: "\n")
        let newLines = newText.components(separatedBy: "\n")
        #expect(oldLines.count == newLines.count)
        let changed = zip(oldLines, newLines).filter { $0 != $1 }
        // version, report_year, plan_year, period_start, period_end, dispatch_date: nothing else.
        #expect(changed.count == 6, "\(changed)")
        #expect(changed.contains { $0.1 == #"  dispatch_date: "…… tháng …… năm 2019""# })
        #expect(newLines.contains { $0.hasPrefix("# Năm sau: chỉ đổi các tham số") }, "comments are kept")

        let next2019 = try FormLoader.load(contentsOf: URL(fileURLWithPath: next))
        #expect(next2019.version == "2019.1")
        #expect(next2019.parameter("plan_year") == "2020")
        #expect(next2019.parameter("decision_ict_plan") == form.parameter("decision_ict_plan"))
        #expect(questionIds(next2019) == questionIds(form), "question ids must stay stable across years")

        // And again: the 2020 form from the 2019 one.
        let next2 = dir.appendingPathComponent("form-2020.yaml").path
        #expect(try ictreport(["form", "next", next, "-o", next2]).status == 0)
        #expect(try FormLoader.load(contentsOf: URL(fileURLWithPath: next2)).parameter("report_year") == "2020")
        // Never over its input.
        let over = try ictreport(["form", "next", next, "-o", next])
        #expect(over.status == 2)
        #expect(over.stderr.contains("tệp đầu vào"))
    }

    /// `sample --previous` makes the second year: the same units, figures drifted, last
    /// year's plan partly fulfilled; the same seed gives the same files.
    @Test func sampleMakesASecondYearFromTheFirst() throws {
        let dir = temporaryDirectory("sample-2019")
        let first = dir.appendingPathComponent("2018").path
        let form2019 = dir.appendingPathComponent("form-2019.yaml").path
        #expect(try ictreport(["sample", "--seed", "7", "-o", first]).status == 0)
        #expect(try ictreport(["form", "next", "-o", form2019]).status == 0)
        var outputs: [String] = []
        for name in ["2019a", "2019b"] {
            let out = dir.appendingPathComponent(name).path
            let run = try ictreport(["sample", "--seed", "8", "--form", form2019, "--previous", first, "-o", out])
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append(out)
        }
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: outputs[0]).sorted()
        #expect(files == (try fm.contentsOfDirectory(atPath: outputs[1]).sorted()))
        for f in files {
            #expect(fm.contents(atPath: outputs[0] + "/" + f) == fm.contents(atPath: outputs[1] + "/" + f), "\(f)")
        }

        let thisForm = try FormLoader.load(contentsOf: URL(fileURLWithPath: form2019))
        let reg = try UnitRegistry.load(contentsOf: URL(fileURLWithPath: outputs[0] + "/units.yaml"))
        func finals(_ path: String, _ f: Form) -> [String: Answers] {
            let loaded = SubmissionLoader.load(SubmissionLoader.expand([path]).files, form: f)
            return SubmissionSet(loaded, registry: reg).current.compactMapValues { $0.submission?.answers }
        }
        let last = finals(first, form)
        let now = finals(outputs[0], thisForm)
        let both = Set(last.keys).intersection(now.keys)
        #expect(both.count > reg.units.count / 2)
        var carried = 0
        var promised = 0
        var staffChanged = 0
        for id in both {
            let (a, b) = (last[id]!, now[id]!)
            // Stable answers stay.
            #expect(a["general", "agency_name"] == b["general", "agency_name"])
            #expect(a["websites", "portals"] == b["websites", "portals"])
            if a["general", "staff_total"] != b["general", "staff_total"] { staffChanged += 1 }
            if let s0 = a["general", "staff_total"]?.number, let s1 = b["general", "staff_total"]?.number {
                #expect(abs(s1 - s0) <= s0 * 0.2 + 1, "\(id): staff \(s0) → \(s1)")
            }
            let plannedNames = (a["next_plan", "tasks"]?.rows ?? []).compactMap { $0["name"]?.text }
            let reported = (b["plan_results", "tasks"]?.rows ?? []).compactMap { $0["name"]?.text }
            promised += plannedNames.count
            carried += plannedNames.filter(reported.contains).count
        }
        #expect(staffChanged > 0, "figures drift")
        #expect(carried > 0 && carried < promised, "last year's plan partly carried: \(carried) of \(promised)")

        // The merge with last year's: the plan-tracking sheet, read back by openpyxl.
        let book = dir.appendingPathComponent("tong-hop-2019.xlsx").path
        let merge = try ictreport(["merge", outputs[0], "--form", form2019, "--previous", first, "-o", book])
        #expect(merge.status == 0, "\(merge.stderr)")
        let read = try openpyxlRows(book, sheet: "Theo dõi kế hoạch")
        #expect(read.count > 5)
        #expect(
            read[4] == [
                "STT", "Đơn vị", "Loại", "Nhiệm vụ / dịch vụ công", "Thời gian / mức đăng ký",
                "Thời gian thực tế / mức hiện tại", "Hoàn thành (%)", "Lý do, ghi chú", "Tình trạng",
                "Giải trình của đơn vị"
            ])
        let data = read.dropFirst(5)
        // Every task each unit promised last year is a row, whatever became of it.
        let tasksRows = data.filter { $0[2] == "Nhiệm vụ" }.count
        let promisedByReporting = last.filter { now[$0.key] != nil }.values.reduce(0) {
            $0 + ($1["next_plan", "tasks"]?.rows?.count ?? 0)
        }
        #expect(tasksRows >= promisedByReporting)
        // Implausible jumps, as Templates/consolidated.yaml declares them (IT staff ±50 %, online
        // dossiers and one-stop dossiers ×10), counted here from the answers themselves.
        func isJump(_ now: Double?, _ was: Double?, _ factor: Double) -> Bool {
            guard let now, let was, was > 0 else { return false }
            return now / was >= factor || now / was <= 1 / factor
        }
        func online(_ a: Answers) -> Double? {
            (a["online_services", "services"]?.rows ?? []).compactMap { $0["online_dossiers"]?.number }.reduce(0, +)
        }
        var expectedJumps = 0
        for id in both {
            let (a, b) = (last[id]!, now[id]!)
            if isJump(b["staffing", "it_staff_total"]?.number, a["staffing", "it_staff_total"]?.number, 1.5) {
                expectedJumps += 1
            }
            if isJump(online(b), online(a), 10) { expectedJumps += 1 }
            if isJump(b["one_stop", "dossiers_received"]?.number, a["one_stop", "dossiers_received"]?.number, 10) {
                expectedJumps += 1
            }
        }
        let jumpRows = data.filter { $0[2] == "Biến động" }
        #expect(jumpRows.count == expectedJumps)
        #expect(expectedJumps > 0, "the second-year sample plants a leap now and then")
        #expect(jumpRows.allSatisfy { $0[8].hasPrefix("Biến động bất thường") })
        let statuses = Set(data.map { $0[8] })
        #expect(statuses.isSuperset(of: ["Hoàn thành", "Chưa hoàn thành", "Không báo cáo"]), "\(statuses)")
        // The summary's twin columns: last year's value beside this year's (Templates/consolidated.yaml).
        let summary = try openpyxlRows(book, sheet: "Tổng hợp")
        let header = summary[4]
        let lastCol = try #require(header.firstIndex(of: "Dịch vụ công trực tuyến: Hồ sơ trực tuyến năm trước"))
        #expect(header[lastCol + 1] == "Thay đổi: Dịch vụ công trực tuyến: Hồ sơ trực tuyến")
        var compared = 0
        for row in summary.dropFirst(5) {
            guard let unit = reg.units.first(where: { $0.name == row[1] }), let a = last[unit.id] else { continue }
            let dossiers = (a["online_services", "services"]?.rows ?? []).compactMap { $0["online_dossiers"]?.number }
            #expect(Double(row[lastCol]) == dossiers.reduce(0, +), "\(unit.id)")
            #expect(row[lastCol + 1].hasPrefix("=IF("), "the change is a live formula")
            compared += 1
        }
        #expect(compared == last.count)
        // The trend across the years: each twinned column's total, last year's and this year's.
        let charts = try openpyxlRows(book, sheet: "Biểu đồ")
        let yearsRow = try #require(charts.firstIndex { $0.first == "Năm" })
        #expect(charts[yearsRow].contains("Hồ sơ trực tuyến"))
        #expect(charts[yearsRow + 1].first == "2018" && charts[yearsRow + 2].first == "2019")
        let total2018 = last.values.reduce(0.0) { sum, a in
            sum
                + (a["online_services", "services"]?.rows ?? []).compactMap { $0["online_dossiers"]?.number }.reduce(
                    0, +)
        }
        let dossierColumn = try #require(charts[yearsRow].firstIndex(of: "Hồ sơ trực tuyến"))
        #expect(Double(charts[yearsRow + 1][dossierColumn]) == total2018)
        // Without --previous the sheet is not there.
        let plain = dir.appendingPathComponent("plain-2019.xlsx").path
        #expect(try ictreport(["merge", outputs[0], "--form", form2019, "-o", plain]).status == 0)
        #expect(try openpyxlSheetNames(plain).contains("Theo dõi kế hoạch") == false)
    }

    /// Last year's folder with a copy of a unit's final (the same bytes under another name):
    /// read once, as a merge reads this year's, not a conflict that leaves the unit out.
    @Test func aCopyOfLastYearsFinalIsReadOnce() throws {
        let dir = temporaryDirectory("previous-copy")
        let fm = FileManager.default
        let example = repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json")
        for folder in ["in", "once", "twice"] {
            try fm.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
            try fm.copyItem(at: example, to: dir.appendingPathComponent("\(folder)/cuc-shtt.json"))
        }
        try fm.copyItem(at: example, to: dir.appendingPathComponent("twice/cuc-shtt - Copy.json"))
        var rows: [[[String]]] = []
        for folder in ["once", "twice"] {
            let book = dir.appendingPathComponent("\(folder).xlsx").path
            let merge = try ictreport(
                [
                    "merge", dir.appendingPathComponent("in").path, "--previous",
                    dir.appendingPathComponent(folder).path,
                    "-o", book
                ])
            #expect(merge.status == 0, "\(merge.stderr)")
            rows.append(Array(try openpyxlRows(book, sheet: "Theo dõi kế hoạch").dropFirst(5)))
        }
        #expect(rows[0].contains { $0.contains("Cục Sở hữu trí tuệ") || $0.contains("Cục SHTT") })
        #expect(rows[1] == rows[0])
    }
}

/// Every question and column, by full id.
func questionIds(_ f: Form) -> [String] {
    f.sections.flatMap { s in
        s.fields.flatMap { q in ["\(s.id).\(q.id)"] + q.columns.map { "\(s.id).\(q.id).\($0.id)" } }
    }
}

/// A sheet's cells as text, row by row, read by openpyxl (an independent reader).
func openpyxlRows(_ path: String, sheet: String) throws -> [[String]] {
    let script = """
        import json, sys, openpyxl
        ws = openpyxl.load_workbook(sys.argv[1])[sys.argv[2]]
        print(json.dumps([["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]))
        """
    return try JSONDecoder().decode([[String]].self, from: Data(python(script, [path, sheet]).utf8))
}

func openpyxlSheetNames(_ path: String) throws -> [String] {
    let script = "import json, sys, openpyxl; print(json.dumps(openpyxl.load_workbook(sys.argv[1]).sheetnames))"
    return try JSONDecoder().decode([String].self, from: Data(python(script, [path]).utf8))
}

func python(_ script: String, _ arguments: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = ["-c", script] + arguments
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
