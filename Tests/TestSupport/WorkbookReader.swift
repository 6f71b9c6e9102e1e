import Foundation
import XLSX
import ZIPFoundation

/// Reads back what an .xlsx file holds: its sheets, each cell's value and formula, merged
/// ranges and the raw sheet XML. Small on purpose: enough for the tests that read workbooks back
/// (openpyxl reads them too: Tests/check_workbook.py).
/// A file that is not an .xlsx workbook.
public struct NotAWorkbook: Error, CustomStringConvertible {
    public var file: String
    public var description: String { "\(file) is not an .xlsx workbook" }
}

public struct WorkbookReader: Sendable {
    public struct CellValue: Equatable, Sendable {
        /// The text, or the number as written in the file.
        public var value: String
        /// The formula without '=', when the cell has one.
        public var formula: String?
        public var isText: Bool

        public init(value: String, formula: String? = nil, isText: Bool) {
            self.value = value
            self.formula = formula
            self.isText = isText
        }

        public var number: Double? { isText ? nil : Double(value) }
    }

    /// How a cell looks, as much as the tests ask: its number format, bold, italic.
    public struct CellStyle: Equatable, Sendable {
        /// The format code ("#,##0", "0.0"); nil for General.
        public var numberFormat: String?
        public var bold = false
        public var italic = false
    }

    public struct Sheet: Sendable {
        public var name: String
        public var cells: [String: CellValue]
        public var xml: String
        /// Each written cell's look (blanks included), by reference.
        public var styles: [String: CellStyle] = [:]

        public subscript(_ ref: String) -> CellValue? { cells[ref] }

        /// The rows that start a printed page after a manual page break, 1-based.
        public var pageStarts: [Int] {
            guard let breaks = WorkbookReader.element("rowBreaks", in: xml) else { return [] }
            return WorkbookReader.attributes(named: "id", inTag: "brk", of: breaks).compactMap { Int($0) }.map {
                $0 + 1
            }
        }

        /// Row heights set in points, by 1-based row.
        public var rowHeights: [Int: Double] {
            var out: [Int: Double] = [:]
            for tag in WorkbookReader.tags("row", in: xml) {
                if let r = WorkbookReader.attribute("r", in: tag).flatMap(Int.init),
                    let h = WorkbookReader.attribute("ht", in: tag).flatMap(Double.init)
                {
                    out[r] = h
                }
            }
            return out
        }

        /// The fixed print scale in percent, when the sheet has one.
        public var printScale: Int? {
            WorkbookReader.tags("pageSetup", in: xml).first.flatMap { WorkbookReader.attribute("scale", in: $0) }
                .flatMap(Int.init)
        }

        /// Whether the sheet is fitted to pages when printed (Excel then ignores manual breaks).
        public var fitsToPage: Bool {
            WorkbookReader.tags("pageSetUpPr", in: xml).contains {
                WorkbookReader.attribute("fitToPage", in: $0) == "1"
            }
        }

        /// The last row with a cell, 1-based.
        public var lastRow: Int {
            cells.keys.compactMap { Int($0.drop(while: { $0.isLetter })) }.max() ?? 0
        }

        /// The texts of one row, from column A to the last cell, blanks as "".
        public func row(_ n: Int) -> [String] {
            let inRow = cells.filter { Int($0.key.drop(while: { $0.isLetter })) == n }
            let maxCol = inRow.keys.map { columnIndex(String($0.prefix(while: { $0.isLetter }))) }.max() ?? -1
            guard maxCol >= 0 else { return [] }
            return (0...maxCol).map { inRow[columnName($0) + String(n)]?.value ?? "" }
        }

        /// The merged ranges, e.g. "A1:H1".
        public var mergedRanges: [String] { WorkbookReader.attributes(named: "ref", inTag: "mergeCell", of: xml) }
    }

    public private(set) var sheets: [Sheet] = []

    public var sheetNames: [String] { sheets.map(\.name) }

    public subscript(_ name: String) -> Sheet? { sheets.first { $0.name == name } }

    public init(url: URL) throws {
        let archive = try Archive(url: url, accessMode: .read)
        func text(_ path: String) throws -> String? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: true) { data.append($0) }
            return String(decoding: data, as: UTF8.self)
        }
        guard let workbook = try text("xl/workbook.xml"), let rels = try text("xl/_rels/workbook.xml.rels") else {
            throw NotAWorkbook(file: url.lastPathComponent)
        }
        var targets: [String: String] = [:]
        for tag in WorkbookReader.tags("Relationship", in: rels) {
            if let id = WorkbookReader.attribute("Id", in: tag),
                let target = WorkbookReader.attribute("Target", in: tag)
            {
                targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        let styles = try text("xl/styles.xml").map(WorkbookReader.cellStyles) ?? []
        var shared: [String] = []
        if let sst = try text("xl/sharedStrings.xml") {
            shared = WorkbookReader.elements("si", in: sst).map(WorkbookReader.plainText)
        }
        for tag in WorkbookReader.tags("sheet", in: workbook) {
            guard let name = WorkbookReader.attribute("name", in: tag),
                let rid = WorkbookReader.attribute("r:id", in: tag),
                let path = targets[rid], let xml = try text(path)
            else { continue }
            var sheet = Sheet(
                name: WorkbookReader.unescape(name), cells: WorkbookReader.cells(xml, shared: shared), xml: xml)
            for tag in WorkbookReader.tags("c", in: xml) {
                if let ref = WorkbookReader.attribute("r", in: tag),
                    let i = WorkbookReader.attribute("s", in: tag).flatMap(Int.init), styles.indices.contains(i)
                {
                    sheet.styles[ref] = styles[i]
                }
            }
            sheets.append(sheet)
        }
    }

    // MARK: A little XML, enough for SpreadsheetML

    /// The cell formats of styles.xml (`cellXfs`), in order: what a cell's `s` points to.
    static func cellStyles(_ xml: String) -> [CellStyle] {
        let builtIn = [1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 14: "mm-dd-yy"]
        var codes: [Int: String] = builtIn
        for tag in tags("numFmt", in: element("numFmts", in: xml) ?? "") {
            if let id = attribute("numFmtId", in: tag).flatMap(Int.init), let code = attribute("formatCode", in: tag) {
                codes[id] = unescape(code)
            }
        }
        let fonts = elements("font", in: element("fonts", in: xml) ?? "").map {
            (bold: $0.contains("<b/>"), italic: $0.contains("<i/>"))
        }
        return tags("xf", in: element("cellXfs", in: xml) ?? "").map { tag in
            let font = attribute("fontId", in: tag).flatMap(Int.init).flatMap {
                fonts.indices.contains($0) ? fonts[$0] : nil
            }
            return CellStyle(
                numberFormat: attribute("numFmtId", in: tag).flatMap(Int.init).flatMap { codes[$0] },
                bold: font?.bold ?? false, italic: font?.italic ?? false)
        }
    }

    static func cells(_ xml: String, shared: [String]) -> [String: CellValue] {
        var out: [String: CellValue] = [:]
        var rest = xml[...]
        while let start = rest.range(of: "<c ") {
            let afterTag = rest[start.upperBound...]
            guard let tagEnd = afterTag.firstIndex(of: ">") else { break }
            let tag = String(rest[start.lowerBound...tagEnd])
            let ref = attribute("r", in: tag) ?? ""
            let type = attribute("t", in: tag)
            var body = ""
            if tag.hasSuffix("/>") {
                rest = rest[rest.index(after: tagEnd)...]
            } else if let close = rest[tagEnd...].range(of: "</c>") {
                body = String(rest[rest.index(after: tagEnd)..<close.lowerBound])
                rest = rest[close.upperBound...]
            } else {
                break
            }
            let formula = element("f", in: body).map(unescape)
            let v = element("v", in: body).map(unescape)
            var value = v ?? ""
            var isText = false
            switch type {
            case "s":
                value = Int(value).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? ""
                isText = true
            case "inlineStr":
                value = element("is", in: body).map(plainText) ?? ""
                isText = true
            case "str": isText = true
            case "b": value = value == "1" ? "TRUE" : "FALSE"
            default: break
            }
            if v == nil && formula == nil && type != "inlineStr" { continue }  // a formatted blank
            out[ref] = CellValue(value: value, formula: formula, isText: isText)
        }
        return out
    }

    static func plainText(_ xml: String) -> String {
        elementsAll("t", in: xml).map(unescape).joined()
    }

    static func tags(_ name: String, in xml: String) -> [String] {
        var out: [String] = []
        var rest = xml[...]
        while let r = rest.range(of: "<\(name) ") ?? rest.range(of: "<\(name)>") {
            guard let end = rest[r.upperBound...].firstIndex(of: ">") else { break }
            out.append(String(rest[r.lowerBound...end]))
            rest = rest[rest.index(after: end)...]
        }
        return out
    }

    static func attributes(named attr: String, inTag name: String, of xml: String) -> [String] {
        tags(name, in: xml).compactMap { attribute(attr, in: $0) }
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// The inner XML of the first element with this name.
    static func element(_ name: String, in xml: String) -> String? {
        elementsAll(name, in: xml).first
    }

    static func elements(_ name: String, in xml: String) -> [String] { elementsAll(name, in: xml) }

    static func elementsAll(_ name: String, in xml: String) -> [String] {
        var out: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(name)") {
            let after = rest[open.upperBound...]
            guard let next = after.first, next == ">" || next == " " || next == "/" else {
                rest = after
                continue
            }
            guard let tagEnd = after.firstIndex(of: ">") else { break }
            if rest[..<tagEnd].hasSuffix("/") {
                out.append("")
                rest = rest[rest.index(after: tagEnd)...]
                continue
            }
            guard let close = rest[tagEnd...].range(of: "</\(name)>") else { break }
            out.append(String(rest[rest.index(after: tagEnd)..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return out
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = s[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else {
                out += rest[amp...]
                return out
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                if entity.hasPrefix("#x"), let v = UInt32(entity.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) {
                    out.unicodeScalars.append(u)
                } else if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let u = Unicode.Scalar(v) {
                    out.unicodeScalars.append(u)
                } else {
                    out += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

public func columnIndex(_ letters: String) -> Int {
    letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
}
