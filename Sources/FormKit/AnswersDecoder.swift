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

    package init(path: String, at node: DataTree, _ message: LocalizedText) {
        self.init(path: path, line: node.line, column: node.column, message: message)
    }
}

/// Reads the nested `answers` object (section id → field id → value; a table being a list
/// of row objects) against a form. Wrong values are reported with their path and left out;
/// everything else is kept.
package enum AnswersDecoder {
    package static func decode(_ tree: DataTree, form: Form, path: String = "answers") -> (Answers, [DataProblem]) {
        var answers = Answers()
        var problems: [DataProblem] = []
        guard case .object(let sections) = tree.kind else {
            if !tree.isNull {
                problems.append(
                    DataProblem(
                        path: path, at: tree,
                        L("'\(path)' phải là bảng khoá mục → câu hỏi", "'\(path)' must be an object of section → field")
                    ))
            }
            return (answers, problems)
        }
        answers.sections.reserveCapacity(sections.count)
        for (sectionId, sectionNode) in sections {
            let sectionPath = "\(path).\(sectionId)"
            // By index, and each section's answers gathered in a dictionary sized at once: a
            // Field is large, and every submission read comes through here.
            guard let s = form.sections.firstIndex(where: { $0.id == sectionId }) else {
                problems.append(
                    DataProblem(
                        path: sectionPath, at: sectionNode,
                        L(
                            "biểu mẫu không có mục '\(sectionId)'",
                            "the form has no section '\(sectionId)'")
                            + didYouMean(sectionId, in: form.sections.map(\.id))))
                continue
            }
            guard case .object(let fields) = sectionNode.kind else {
                if !sectionNode.isNull {
                    problems.append(
                        DataProblem(
                            path: sectionPath, at: sectionNode,
                            L("mục phải là bảng khoá câu hỏi → giá trị", "a section must be an object of field → value")
                        ))
                }
                continue
            }
            let formFields = form.sections[s].fields
            var values = [String: Value](minimumCapacity: fields.count)
            for (fieldId, node) in fields {
                guard let f = formFields.firstIndex(where: { $0.id == fieldId }) else {
                    problems.append(
                        DataProblem(
                            path: "\(sectionPath).\(fieldId)", at: node,
                            L(
                                "mục '\(sectionId)' không có câu hỏi '\(fieldId)'",
                                "section '\(sectionId)' has no field '\(fieldId)'")
                                + didYouMean(fieldId, in: formFields.map(\.id))))
                    continue
                }
                // Through the buffer: the Field is read in place, not copied out of the array.
                let v = formFields.withUnsafeBufferPointer {
                    value(node, for: $0[f], path: "\(sectionPath).\(fieldId)", problems: &problems)
                }
                if let v { values[fieldId] = v }
            }
            if !values.isEmpty { answers.sections[sectionId] = values }
        }
        return (answers, problems)
    }

    /// One value of a field; nil when blank or wrong (and then reported).
    /// `path` is built only when there is a problem to report (it is for messages).
    package static func value(
        _ node: DataTree, for field: Field, path makePath: @autoclosure () -> String, problems: inout [DataProblem]
    ) -> Value? {
        if node.isNull { return nil }
        switch field.type {
        case .table:
            guard case .array(let all) = node.kind else {
                problems.append(wrongKind(node, field, path: makePath()))
                return nil
            }
            return rows(all, node, of: field, path: makePath(), &problems)
        case .multi_choice:
            // A list of ids; a single id or number is read as a list of one.
            if case .array(let items) = node.kind { return choices(items, of: field, path: makePath(), &problems) }
            return scalar(node, field, keepsNumber: false, keepsBool: false, path: makePath(), &problems)
        case .integer, .decimal, .percent, .year:
            // A number is kept as written (its type and bounds are the Validator's to check);
            // a string is read as a person's typing is ("1.234", "2019").
            return scalar(node, field, keepsNumber: true, keepsBool: false, path: makePath(), &problems)
        case .boolean:
            return scalar(node, field, keepsNumber: false, keepsBool: true, path: makePath(), &problems)
        case .text, .long_text, .email, .phone, .url, .date, .choice:
            // A number stands for its text (a choice's number in the list, a phone number, …).
            return scalar(node, field, keepsNumber: false, keepsBool: false, path: makePath(), &problems)
        }
    }

    /// A table's rows, each cell read as its column's value.
    private static func rows(
        _ all: [DataTree], _ node: DataTree, of field: Field, path makePath: @autoclosure () -> String,
        _ problems: inout [DataProblem]
    ) -> Value {
        let items = all.prefix(InputLimits.tableRows)
        if all.count > items.count {
            problems.append(
                DataProblem(
                    path: makePath(), at: node,
                    L(
                        "bảng '\(field.id)' có \(all.count) dòng; chỉ đọc \(InputLimits.tableRows) dòng đầu (giới hạn mỗi bảng)",
                        "table '\(field.id)' has \(all.count) rows; only the first \(InputLimits.tableRows) are read (the limit per table)"
                    )))
        }
        var rows: [Row] = []
        rows.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .object(let cells) = item.kind else {
                problems.append(
                    DataProblem(
                        path: "\(makePath())[\(i)]", at: item,
                        L(
                            "mỗi dòng của bảng phải là bảng khoá cột → giá trị",
                            "each table row must be an object of column → value")))
                continue
            }
            var row = Row(minimumCapacity: cells.count)
            for (columnId, cell) in cells {
                guard let c = field.columns.firstIndex(where: { $0.id == columnId }) else {
                    problems.append(
                        DataProblem(
                            path: "\(makePath())[\(i)].\(columnId)", at: cell,
                            L(
                                "bảng '\(field.id)' không có cột '\(columnId)'",
                                "table '\(field.id)' has no column '\(columnId)'")
                                + didYouMean(columnId, in: field.columns.map(\.id))))
                    continue
                }
                let v = field.columns.withUnsafeBufferPointer {
                    value(cell, for: $0[c], path: "\(makePath())[\(i)].\(columnId)", problems: &problems)
                }
                if let v { row[columnId] = v }
            }
            rows.append(row)
        }
        return .rows(rows)
    }

    /// A multiple choice's list of ids (or numbers in the list).
    private static func choices(
        _ items: [DataTree], of field: Field, path makePath: @autoclosure () -> String,
        _ problems: inout [DataProblem]
    ) -> Value {
        var ids: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.string ?? item.number.map(formatNumber) else {
                problems.append(
                    DataProblem(
                        path: "\(makePath())[\(i)]", at: item,
                        L("lựa chọn phải là mã dạng chuỗi", "an option must be an id string")))
                continue
            }
            switch ValueParser.parseOneChoice(s, in: field.choices) {
            case .success(.text(let id))?: ids.append(id)
            case .failure(let p)?: problems.append(DataProblem(path: "\(makePath())[\(i)]", at: item, p.message))
            default: break
            }
        }
        return .list(ids)
    }

    /// A single value: a number or a boolean kept as such where the type holds one,
    /// otherwise read through `ValueParser` as typed text; a list or an object refused.
    private static func scalar(
        _ node: DataTree, _ field: Field, keepsNumber: Bool, keepsBool: Bool,
        path makePath: @autoclosure () -> String, _ problems: inout [DataProblem]
    ) -> Value? {
        switch node.kind {
        case .null:
            return nil
        case .array, .object:
            problems.append(wrongKind(node, field, path: makePath()))
            return nil
        case .bool(let b):
            if keepsBool { return .bool(b) }
            problems.append(wrongKind(node, field, path: makePath()))
            return nil
        case .number(let n):
            if keepsNumber { return .number(n) }
            return parsed(ValueParser.parseTyped(formatNumber(n), for: field), node, field, path: makePath(), &problems)
        case .string(let s):
            return parsed(ValueParser.parseTyped(s, for: field), node, field, path: makePath(), &problems)
        }
    }

    /// What `ValueParser` made of a value's text, its refusal reported.
    private static func parsed(
        _ result: Result<Value, InputProblem>?, _ node: DataTree, _ field: Field, path: @autoclosure () -> String,
        _ problems: inout [DataProblem]
    ) -> Value? {
        switch result {
        case .success(let v)?: return v
        case .failure(let p)?:
            problems.append(
                DataProblem(
                    path: path(), at: node, L("'\(field.id)': \(p.message.vi)", "'\(field.id)': \(p.message.text(.en))")
                ))
            return nil
        case nil: return nil
        }
    }

    /// A value of the wrong kind (a list for a number, …).
    private static func wrongKind(_ node: DataTree, _ field: Field, path: String) -> DataProblem {
        DataProblem(
            path: path, at: node,
            L(
                "'\(field.id)' cần \(field.type.label(.vi)), ở đây là \(node.kindName.vi)",
                "'\(field.id)' expects \(field.type.label(.en)), got \(node.kindName.text(.en))"))
    }
}
