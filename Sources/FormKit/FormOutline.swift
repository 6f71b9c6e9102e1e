import Foundation

/// The form as a coordinator reads it: numbered sections and questions with their types,
/// conditions and rules; or the same as JSON listing every field's full id.
public struct FormOutline {
    public let form: Form

    public init(_ form: Form) { self.form = form }

    public func text(_ language: Language) -> String {
        var out = "\(form.title.text(language))\n"
        out +=
            (L("Mã biểu mẫu: ", "Form id: ").text(language)) + "\(form.id)  "
            + (L("phiên bản ", "version ").text(language)) + form.version + "\n"
        if let subtitle = form.subtitle { out += subtitle.text(language) + "\n" }
        out += (L("Tham số:", "Parameters:").text(language)) + "\n"
        for p in form.parameters { out += "  \(p.name) = \(p.value)\n" }
        for (i, s) in form.sections.enumerated() {
            if let part = s.partHeading(language), i == 0 || form.sections[i - 1].part?.id != s.part?.id {
                out += "\n" + part.uppercased() + "  [\(s.part!.id)]\n"
            }
            out +=
                "\n\(s.heading(language))  [\(s.id)]  (\(L("phần", "part").text(language)) \(i + 1)/\(form.sections.count))\n"
            for item in s.printedItems {
                switch item {
                case .text(let t):
                    out += "  " + (t.kind == .heading ? "▸ " : "ℹ ") + t.line(language) + "\n"
                case .field(let f):
                    out += line(f, indent: "  ", language)
                    for c in f.columns { out += line(c, indent: "      · ", language) }
                    for r in f.rowRules { out += rule(r, indent: "      ", language) }
                }
            }
            for r in s.rules { out += rule(r, indent: "  ", language) }
        }
        if !form.rules.isEmpty {
            out += "\n" + (L("Quy tắc chung:", "Form rules:").text(language)) + "\n"
            for r in form.rules { out += rule(r, indent: "  ", language) }
        }
        return out
    }

    private func line(_ f: Field, indent: String, _ language: Language) -> String {
        var attrs = [f.type.label(language)]
        if f.required { attrs.append(L("bắt buộc", "required").text(language)) }
        if let lo = f.min { attrs.append("≥ \(formatNumber(lo))") }
        if let hi = f.max { attrs.append("≤ \(formatNumber(hi))") }
        if let lo = f.minDate { attrs.append((L("từ ", "from ").text(language)) + ValueParser.displayDate(lo)) }
        if let hi = f.maxDate { attrs.append((L("đến ", "to ").text(language)) + ValueParser.displayDate(hi)) }
        if let lo = f.minRows { attrs.append((L("ít nhất \(lo) dòng", "at least \(lo) rows").text(language))) }
        if let hi = f.maxRows { attrs.append((L("tối đa \(hi) dòng", "at most \(hi) rows").text(language))) }
        if let unit = f.unit { attrs.append((L("đơn vị: ", "unit: ").text(language)) + unit.text(language)) }
        var s = "\(indent)\(f.heading(language))  [\(f.id)]  (\(attrs.joined(separator: ", ")))\n"
        let indent = String(repeating: " ", count: indent.count)
        if let help = f.help { s += indent + "    " + help.text(language) + "\n" }
        if !f.suggestions.isEmpty {
            s +=
                indent + "    " + (L("gợi ý: ", "suggested: ").text(language))
                + f.suggestions.map { $0.text(language) }.joined(separator: "; ") + "\n"
        }
        if !f.choices.isEmpty {
            s +=
                indent + "    "
                + f.choices.enumerated().map {
                    "\($0.offset + 1)) \($0.element.label.text(language)) [\($0.element.id)]"
                }.joined(separator: "; ") + "\n"
        }
        if let r = f.relevant {
            s += indent + "    " + (L("chỉ hỏi khi: ", "asked when: ").text(language)) + r.source + "\n"
        }
        if let r = f.requiredWhen {
            s += indent + "    " + (L("bắt buộc khi: ", "required when: ").text(language)) + r.source + "\n"
        }
        return s
    }

    private func rule(_ r: Rule, indent: String, _ language: Language) -> String {
        "\(indent)⚑ \(r.severity.label(language)) [\(r.id)]: \(r.condition.source) — \(r.message.text(language))\n"
    }

    /// Machine-readable: every field with its full id (`section.field`, `section.table[].column`).
    public var json: JSON {
        func localized(_ t: LocalizedText) -> JSON {
            .object([("vi", .string(t.vi)), ("en", t.en.map { .string($0) } ?? .null)])
        }
        func rules(_ rs: [Rule]) -> JSON {
            .array(
                rs.map { r in
                    .object([
                        ("id", .string(r.id)), ("severity", .string(r.severity.rawValue)),
                        ("assert", .string(r.condition.source)), ("message", localized(r.message)),
                        ("fields", .array(r.condition.references.map { .string($0) }))
                    ])
                })
        }
        func field(_ f: Field, path: String) -> JSON {
            var pairs: [(String, JSON)] = [
                ("id", .string(path)), ("field", .string(f.id)), ("number", f.number.map { .string($0) } ?? .null),
                ("type", .string(f.type.rawValue)), ("label", localized(f.label)), ("required", .bool(f.required))
            ]
            if let h = f.help { pairs.append(("help", localized(h))) }
            if let u = f.unit { pairs.append(("unit", localized(u))) }
            if !f.suggestions.isEmpty { pairs.append(("suggestions", .array(f.suggestions.map(localized)))) }
            if let lo = f.min { pairs.append(("min", .number(lo))) }
            if let hi = f.max { pairs.append(("max", .number(hi))) }
            if let lo = f.minDate { pairs.append(("min", .string(lo))) }
            if let hi = f.maxDate { pairs.append(("max", .string(hi))) }
            if let r = f.relevant { pairs.append(("relevant", .string(r.source))) }
            if let r = f.requiredWhen { pairs.append(("required_when", .string(r.source))) }
            if !f.choices.isEmpty {
                pairs.append(
                    (
                        "choices",
                        .array(
                            f.choices.map {
                                .object([
                                    ("id", .string($0.id)), ("label", localized($0.label)), ("other", .bool($0.other))
                                ])
                            })
                    ))
            }
            if f.type == .table {
                pairs.append(("columns", .array(f.columns.map { field($0, path: "\(path)[].\($0.id)") })))
                pairs.append(("rules", rules(f.rowRules)))
            }
            return .object(pairs)
        }
        return .object([
            ("id", .string(form.id)), ("version", .string(form.version)), ("title", localized(form.title)),
            ("subtitle", form.subtitle.map(localized) ?? .null),
            (
                "parts",
                .array(
                    form.parts.map {
                        .object([
                            ("id", .string($0.id)), ("number", $0.number.map { .string($0) } ?? .null),
                            ("title", localized($0.title))
                        ])
                    })
            ),
            ("parameters", .object(form.parameters.map { ($0.name, .string($0.value)) })),
            (
                "sections",
                .array(
                    form.sections.map { s in
                        .object([
                            ("id", .string(s.id)), ("number", s.number.map { .string($0) } ?? .null),
                            ("title", localized(s.title)), ("part", s.part.map { .string($0.id) } ?? .null),
                            ("fields", .array(s.fields.map { field($0, path: "\(s.id).\($0.id)") })),
                            // What is printed, in order: questions by id, headings and notes by text.
                            (
                                "items",
                                .array(
                                    s.printedItems.map {
                                        switch $0 {
                                        case .field(let f): .object([("field", .string("\(s.id).\(f.id)"))])
                                        case .text(let t):
                                            .object([
                                                (t.kind.rawValue, localized(t.text)),
                                                ("number", t.number.map { .string($0) } ?? .null)
                                            ])
                                        }
                                    })
                            ),
                            ("rules", rules(s.rules))
                        ])
                    })
            ),
            ("rules", rules(form.rules))
        ])
    }
}
