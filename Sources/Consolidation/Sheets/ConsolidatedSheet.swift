import FormKit
import Submissions
import XLSX

/// One kind of sheet of the consolidated workbook: what it takes from each unit, and how it
/// writes its header, a unit's rows and its end. The writer (`ConsolidatedWorkbook`) adds every
/// sheet of the layout, then calls `begin` on each, `write` on each for every unit of the
/// registry in order, and `end` on each; `rows(of:)` runs on worker threads meanwhile.
///
/// Adding a sheet kind takes one new file in this folder, a type conforming to this protocol,
/// and one case: in `SheetLayout` (with its reading in `WorkbookLayout.parse`) and the
/// matching case of the one switch in `ConsolidatedSheets.make`. Nothing else names the kinds.
///
/// A sheet is a value (Sendable: worker threads call `rows(of:)`); what it writes row by row
/// lives in its `SheetStream`, which only the writer's thread touches.
protocol ConsolidatedSheet: Sendable {
    /// The name asked of the workbook (which makes it valid and unique).
    var name: String { get }
    /// The rows a unit brings to this sheet, made on a worker thread. Default: none.
    func rows(of unit: UnitInput) -> [[Cell]]
    /// Before the first unit: widths, title, header rows. Default: nothing.
    func begin(_ stream: SheetStream, _ book: ConsolidatedWorkbook, sample: SheetSample) throws
    /// A unit's rows, for every unit of the registry in order; `rows` is nil when nothing of
    /// the unit was merged (no final submission, or its file lost). Default: nothing.
    func write(unit: Int, _ rows: [[Cell]]?, to stream: SheetStream, _ book: ConsolidatedWorkbook) throws
    /// After the last unit: totals, the autofilter, or the whole sheet when it is made from
    /// the merge's result.
    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws
}

extension ConsolidatedSheet {
    func rows(of unit: UnitInput) -> [[Cell]] { [] }
    func begin(_ stream: SheetStream, _ book: ConsolidatedWorkbook, sample: SheetSample) throws {}
    func write(unit: Int, _ rows: [[Cell]]?, to stream: SheetStream, _ book: ConsolidatedWorkbook) throws {}
}

/// What a sheet gets from one unit on a worker thread.
struct UnitInput {
    /// The unit's check: its file, problems and issues.
    let check: SubmissionCheck
    /// The answers that count, nil when the file cannot be used.
    let answers: Answers?
}

/// The first units' rows of a sheet, for sizing its columns as a person would, from a few.
struct SheetSample {
    /// Per sampled unit, the rows it brings to the sheet.
    let rows: [[[Cell]]]
    /// The registry positions of the units that submitted, in order: sampled unit k is `units[k]`.
    let units: [Int]
}

enum ConsolidatedSheets {
    /// The sheet of a layout entry: the one place that maps each `SheetLayout` to its type.
    static func make(
        _ layout: SheetLayout, cells: AnswerCells, previous: [String: Answers] = [:],
        summaryColumns: [SummaryColumn] = []
    ) -> any ConsolidatedSheet {
        switch layout {
        case .cover(let name):
            return CoverSheet(name: name)
        case .summary(let name, let title, let columns):
            return SummarySheet(name: name, title: title, columns: columns, cells: cells, previous: previous)
        case .charts(let name, let charts):
            return ChartsSheet(name: name, charts: charts)
        case .section(let name, let section, let fields):
            return SectionSheet(name: name, section: section, only: fields, cells: cells)
        case .table(let name, let title, let section, let table, let ticks):
            return TableSheet(name: name, title: title, section: section, table: table, ticks: ticks, cells: cells)
        case .issues(let name):
            return IssuesSheet(name: name, places: IssuePlaces(cells.form))
        case .planTracking(let name):
            // The jumps the summary's columns declare (`previous: {jump: …}`), computed as it does.
            let summary = SummarySheet(name: "", title: "", columns: summaryColumns, cells: cells, previous: previous)
            return PlanTrackingSheet(name: name, form: cells.form, previous: previous, summary: summary)
        case .completeness(let name):
            return CompletenessSheet(name: name)
        }
    }
}
