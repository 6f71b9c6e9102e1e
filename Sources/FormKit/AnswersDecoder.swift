import Foundation

/// A wrong value in a data file: its JSON path, its place, and what is wrong.
public struct DataProblem: Sendable, Hashable {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: LocalizedText

    public init(path: String, line: Int, column: Int, message: LocalizedText) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public init(path: String, at node: DataTree, _ message: LocalizedText) {
        self.init(path: path, line: node.line, column: node.column, message: message)
    }
}

/// Reads the nested `answers` object (section id → field id → value; a table being a list
/// of row objects) against a form. Wrong values are reported with their path and left out;
/// everything else is kept.
public enum AnswersDecoder {
    public static func decode(_ tree: DataTree, form: Form, path: String = "answers") -> (Answers, [DataProblem]) {
        var answers = Answers()
        var problems: [DataProblem] = []
        guard case .object(let sections) = tree.kind else {
            if !tree.isNull {
                problems.append(DataProblem(path: path, at: tree, L("'\(path)' phải là bảng khoá mục → câu hỏi", "'\(path)' must be an object of section → field")))
            }
            return (answers, problems)
        }
        for (sectionId, sectionNode) in sections {
            let sectionPath = "\(path).\(sectionId)"
            guard let section = form.section(sectionId) else {
                let hint = closestName(to: sectionId, in: form.sections.map(\.id))
                problems.append(DataProblem(path: sectionPath, at: sectionNode,
                    L("biểu mẫu không có mục '\(sectionId)'" + (hint.map { "; có phải '\($0)'?" } ?? ""),
                      "the form has no section '\(sectionId)'" + (hint.map { "; did you mean '\($0)'?" } ?? ""))))
                continue
            }
            guard case .object(let fields) = sectionNode.kind else {
                if !sectionNode.isNull {
                    problems.append(DataProblem(path: sectionPath, at: sectionNode, L("mục phải là bảng khoá câu hỏi → giá trị", "a section must be an object of field → value")))
                }
                continue
            }
            for (fieldId, node) in fields {
                func fieldPath() -> String { "\(sectionPath).\(fieldId)" }
                // By index: a Field is large, and copying one out for every answer read shows.
                guard let f = section.fields.firstIndex(where: { $0.id == fieldId }) else {
                    let hint = closestName(to: fieldId, in: section.fields.map(\.id))
                    problems.append(DataProblem(path: fieldPath(), at: node,
                        L("mục '\(sectionId)' không có câu hỏi '\(fieldId)'" + (hint.map { "; có phải '\($0)'?" } ?? ""),
                          "section '\(sectionId)' has no field '\(fieldId)'" + (hint.map { "; did you mean '\($0)'?" } ?? ""))))
                    continue
                }
                if let v = value(node, for: section.fields[f], path: fieldPath(), problems: &problems) {
                    answers[sectionId, fieldId] = v
                }
            }
        }
        return (answers, problems)
    }

    /// One value of a field; nil when blank or wrong (and then reported).
    /// `path` is built only when there is a problem to report (it is for messages).
    public static func value(_ node: DataTree, for field: Field, path makePath: @autoclosure () -> String, problems: inout [DataProblem]) -> Value? {
        func wrong(_ detail: LocalizedText? = nil) -> Value? {
            let expected = field.type.label(.vi), expectedEn = field.type.label(.en)
            problems.append(DataProblem(path: makePath(), at: node, detail.map { d in
                L("'\(field.id)': \(d.vi)", "'\(field.id)': \(d.text(.en))")
            } ?? L("'\(field.id)' cần \(expected), ở đây là \(node.kindName.vi)", "'\(field.id)' expects \(expectedEn), got \(node.kindName.text(.en))")))
            return nil
        }
        switch (field.type, node.kind) {
        case (_, .null):
            return nil
        case (.table, .array(let all)):
            var rows: [Row] = []
            let items = all.prefix(InputLimits.tableRows)
            if all.count > items.count {
                problems.append(DataProblem(path: makePath(), at: node,
                    L("bảng '\(field.id)' có \(all.count) dòng; chỉ đọc \(InputLimits.tableRows) dòng đầu (giới hạn mỗi bảng)",
                      "table '\(field.id)' has \(all.count) rows; only the first \(InputLimits.tableRows) are read (the limit per table)")))
            }
            for (i, item) in items.enumerated() {
                func rowPath() -> String { "\(makePath())[\(i)]" }
                guard case .object(let cells) = item.kind else {
                    problems.append(DataProblem(path: rowPath(), at: item, L("mỗi dòng của bảng phải là bảng khoá cột → giá trị", "each table row must be an object of column → value")))
                    continue
                }
                var row: Row = [:]
                for (columnId, cell) in cells {
                    guard let c = field.columns.firstIndex(where: { $0.id == columnId }) else {
                        let hint = closestName(to: columnId, in: field.columns.map(\.id))
                        problems.append(DataProblem(path: "\(rowPath()).\(columnId)", at: cell,
                            L("bảng '\(field.id)' không có cột '\(columnId)'" + (hint.map { "; có phải '\($0)'?" } ?? ""),
                              "table '\(field.id)' has no column '\(columnId)'" + (hint.map { "; did you mean '\($0)'?" } ?? ""))))
                        continue
                    }
                    if let v = value(cell, for: field.columns[c], path: "\(rowPath()).\(columnId)", problems: &problems) { row[columnId] = v }
                }
                rows.append(row)
            }
            return .rows(rows)
        case (.table, _):
            return wrong()
        case (.multi_choice, .array(let items)):
            var ids: [String] = []
            for (i, item) in items.enumerated() {
                guard let s = item.string ?? item.number.map(formatNumber) else {
                    problems.append(DataProblem(path: "\(makePath())[\(i)]", at: item, L("lựa chọn phải là mã dạng chuỗi", "an option must be an id string")))
                    continue
                }
                switch ValueParser.parseTyped(s, for: Field.singleChoice(of: field)) {
                case .success(.text(let id))?: ids.append(id)
                case .failure(let p)?: problems.append(DataProblem(path: "\(makePath())[\(i)]", at: item, p.message))
                default: break
                }
            }
            return .list(ids)
        case (_, .array), (_, .object):
            return wrong()
        case (.boolean, .bool(let b)):
            return .bool(b)
        case (_, .bool):
            return wrong()
        case (let t, .number(let n)) where t.isNumeric:
            return .number(n)
        case (_, .number(let n)):
            return parse(formatNumber(n), field, wrong)
        case (_, .string(let s)):
            return parse(s, field, wrong)
        }
    }

    private static func parse(_ s: String, _ field: Field, _ wrong: (LocalizedText?) -> Value?) -> Value? {
        switch ValueParser.parseTyped(s, for: field) {
        case .success(let v)?: return v
        case .failure(let p)?: return wrong(p.message)
        case nil: return nil
        }
    }
}

extension Field {
    /// The same options as a single choice, to read one item of a multiple choice.
    static func singleChoice(of field: Field) -> Field {
        var f = field
        f.type = .choice
        return f
    }
}
