import FormKit
import Foundation
import Submissions

extension CollectorSession {
    /// The end of the form: review until the focal point finalizes (or saves and leaves).
    func reviewAndFinalize() throws(Flow) -> CollectorOutcome {
        while true {
            if try review(atEnd: true) {
                if let done = try finalize() { return done }
            }
        }
    }

    /// Shows every answer by section, numbered, and takes edits by number.
    /// Returns true when the focal point asks to finalize.
    @discardableResult
    func review(atEnd: Bool = false) throws(Flow) -> Bool {
        while true {
            printReview()
            // Examples name the form's first table, so they can be typed as they are.
            let table = (steps.indices.first { field($0).1.type == .table } ?? 0) + 1
            let prompt =
                atEnd
                ? L(
                    "Gõ số câu để sửa (\(table).1 sửa dòng 1 của bảng \(table), \(table)+ thêm dòng, \(table).1- xoá dòng), Enter hoặc 'xong' để hoàn tất › ",
                    "Type a number to edit (\(table).1 edits row 1 of table \(table), \(table)+ adds a row, \(table).1- deletes it), Enter or 'done' to finalize › "
                ).text(language)
                : L(
                    "Gõ số câu để sửa, 'xong' để hoàn tất, Enter để tiếp tục trả lời › ",
                    "Type a number to edit, 'done' to finalize, Enter to go on answering › "
                ).text(language)
            let typed: Typed
            do { typed = try readInput(palette.accent(prompt), help: nil) } catch Flow.back { return false } catch Flow
                .review
            { continue }
            switch typed {
            case .keep: return atEnd
            case .skip: continue
            case .text(let raw):
                let cmd = raw.trimmingCharacters(in: .whitespaces).lowercased()
                if ["xong", "done", "ok", ":finalize", "hoan tat", "hoàn tất"].contains(cmd) { return true }
                if !(try edit(cmd)) {
                    say(
                        palette.error(
                            L(
                                "  Không hiểu '\(raw)'. Gõ số câu (ví dụ 7), số dòng (15.2), 15+ hoặc 15.2-.",
                                "  '\(raw)' is not understood. Type a question number (e.g. 7), a row (15.2), 15+ or 15.2-."
                            ).text(language)))
                }
            }
        }
    }

    func printReview() {
        let lang = options.language
        say()
        say(palette.bold(L("XEM LẠI CÁC CÂU TRẢ LỜI", "REVIEW YOUR ANSWERS").text(language)))
        var lastSection = -1
        let issues = allIssues()
        for (i, step) in steps.enumerated() {
            let (section, field) = field(i)
            guard validator.isRelevant(field, submission.answers) else { continue }
            if step.section != lastSection {
                lastSection = step.section
                say(palette.bold(section.heading(lang)))
            }
            let flagged = issues.contains { $0.section == section.id && $0.field == field.id && $0.severity == .error }
            let mark = flagged ? palette.error("✗") : " "
            // The whole label (wrapped by `say`): questions that differ only at the end of a long
            // label (the four percentages of Mục 4) must be told apart.
            let label = field.heading(lang)
            if field.type == .table {
                let rows = submission.answers[section.id, field.id]?.rows ?? []
                say("\(mark)\(pad(i + 1)) \(label): " + L("\(rows.count) dòng", "\(rows.count) rows").text(language))
                for (r, row) in rows.enumerated() {
                    say(palette.dim("       \(i + 1).\(r + 1)  ") + rowSummary(row, field))
                }
            } else {
                let value =
                    submission.answers[section.id, field.id].map { form.display($0, of: field, lang) }
                    ?? palette.dim(L("(chưa trả lời)", "(no answer)").text(language))
                say("\(mark)\(pad(i + 1)) \(label): \(short(value, 60))")
            }
        }
    }

    func pad(_ n: Int) -> String { String(repeating: " ", count: max(0, 4 - String(n).count)) + String(n) }

    func short(_ s: String, _ n: Int) -> String {
        let one = s.replacingOccurrences(of: "\n", with: " ")
        return one.count > n ? String(one.prefix(n - 1)) + "…" : one
    }

    /// `7` edits question 7; `15.2` row 2 of table 15; `15+` adds a row; `15.2-` deletes one.
    func edit(_ cmd: String) throws(Flow) -> Bool {
        let deleting = cmd.hasSuffix("-")
        let adding = cmd.hasSuffix("+")
        let body = deleting || adding ? String(cmd.dropLast()) : cmd
        let parts = body.split(separator: ".").map { Int($0) }
        guard let n = parts.first ?? nil, steps.indices.contains(n - 1) else { return false }
        let step = n - 1
        let (section, field) = field(step)
        guard validator.isRelevant(field, submission.answers) else {
            say(
                palette.dim(
                    L(
                        "  Câu \(n) không được hỏi với các câu trả lời hiện tại.",
                        "  Question \(n) is not asked with the current answers."
                    ).text(language)))
            return true
        }
        shownSection = -1
        if parts.count == 1 && !adding && !deleting {
            // `<` or `:review` inside an edit started from the review: back to the review.
            do { try ask(step: step) } catch .back, .review {}
            return true
        }
        guard field.type == .table else { return false }
        var rows = submission.answers[section.id, field.id]?.rows ?? []
        if adding, parts.count == 1 {
            if let hi = field.maxRows, rows.count >= hi {
                say(palette.error(L("  Bảng đã đủ \(hi) dòng.", "  The table already has \(hi) rows.").text(language)))
                return true
            }
            do { rows.append(try askRow(section, field, number: rows.count + 1, current: [:], committed: rows)) } catch
                .back, .review
            { return true }
        } else if parts.count == 2, let r = parts[1], rows.indices.contains(r - 1) {
            if deleting {
                if let lo = field.minRows, rows.count <= lo {
                    say(
                        palette.error(
                            L("  Bảng cần ít nhất \(lo) dòng.", "  The table needs at least \(lo) rows.").text(language)
                        ))
                    return true
                }
                // `<` or `:review` here keeps the row and goes back to the review.
                do {
                    guard
                        try askYesNo(
                            L(
                                "Xoá dòng \(r): \(rowSummary(rows[r - 1], field))? (c/k)",
                                "Delete row \(r): \(rowSummary(rows[r - 1], field))? (y/n)"
                            ).text(language), default: false)
                    else { return true }
                } catch .back, .review { return true }
                rows.remove(at: r - 1)
            } else {
                do { rows[r - 1] = try askRow(section, field, number: r, current: rows[r - 1], committed: rows) } catch
                    .back, .review
                { return true }
            }
        } else {
            return false
        }
        accept(rows.isEmpty ? nil : .rows(rows), step)
        return true
    }

    /// The question an issue is about (the first field a section rule reads), and its row.
    func place(of issue: ValidationIssue) -> (step: Int, row: Int?)? {
        if let field = issue.field, let step = stepIndex(of: FieldPath(issue.section, field).description) {
            return (step, issue.row)
        }
        for ref in issue.fields {
            guard let found = form.field(at: ref),
                let step = stepIndex(of: FieldPath(found.section.id, found.field.id).description)
            else { continue }
            return (step, issue.row)
        }
        return nil
    }

    func goTo(_ issue: ValidationIssue) throws(Flow) {
        guard let (step, row) = place(of: issue) else { return }
        shownSection = -1
        if let row {
            _ = try edit("\(step + 1).\(row)")
            return
        }
        let steps = questions(of: issue)
        guard steps.count > 1 else {
            do { try ask(step: step) } catch .back, .review {}
            return
        }
        // A rule that reads several answers: any of them may be the wrong one. List them with
        // their values; the person corrects one or more, Enter when done.
        let lang = options.language
        while true {
            say(L("  Các câu mà quy tắc này dùng:", "  The questions this rule reads:").text(language))
            for (k, s) in steps.enumerated() {
                let (section, field) = field(s)
                let value =
                    submission.answers[section.id, field.id].map { form.display($0, of: field, lang) }
                    ?? L("(chưa trả lời)", "(no answer)").text(language)
                say(
                    "    \(k + 1)) " + L("câu", "question").text(language)
                        + " \(s + 1) \(short(field.name(lang), 50)): \(value)")
            }
            let typed: Typed
            do {
                typed = try readInput(
                    palette.accent(
                        L(
                            "  Gõ 1–\(steps.count) để sửa câu đó, Enter khi xong › ",
                            "  Type 1–\(steps.count) to correct that question, Enter when done › "
                        ).text(language)), help: nil)
            } catch .back, .review { return }
            switch typed {
            case .keep, .skip: return
            case .text(let s):
                guard let k = Int(s.trimmingCharacters(in: .whitespaces)), steps.indices.contains(k - 1) else {
                    say(
                        palette.error(
                            "  "
                                + L(
                                    "Hãy gõ một số từ 1 đến \(steps.count), hoặc Enter.",
                                    "Type a number from 1 to \(steps.count), or Enter."
                                ).text(language)))
                    continue
                }
                shownSection = -1
                do { try ask(step: steps[k - 1]) } catch .back, .review {}
            }
        }
    }

    /// The questions (not table columns) an issue's rule reads, in the form's order.
    func questions(of issue: ValidationIssue) -> [Int] {
        var found: [Int] = []
        for ref in issue.fields {
            guard let f = form.field(at: ref), f.column == nil,
                let step = stepIndex(of: FieldPath(f.section.id, f.field.id).description),
                validator.isRelevant(f.field, submission.answers), !found.contains(step)
            else { continue }
            found.append(step)
        }
        return found.sorted()
    }

    /// Runs the whole Validator. Errors block (listed, then the first is asked again);
    /// each warning is confirmed, with an optional explanation kept for the coordinators.
    func finalize() throws(Flow) -> CollectorOutcome? {
        let lang = options.language
        let issues = allIssues()
        let errors = issues.filter { $0.severity == .error }
        if !errors.isEmpty {
            say()
            say(
                palette.error(
                    L(
                        "Chưa hoàn tất được: còn \(errors.count) lỗi cần sửa.",
                        "Not finalized yet: \(errors.count) errors to correct."
                    ).text(language)))
            for e in errors { say("  ✗ " + describe(e) + ": " + capitalizedFirst(e.message.text(lang))) }
            say(L("Đi tới lỗi đầu tiên.", "Going to the first error.").text(language))
            try goTo(errors[0])
            return nil
        }
        // Each warning is confirmed once per session; its explanation is kept in the draft the
        // moment it is given, so that correcting another answer loses neither. `<` or
        // `:review` at either question goes back to the review.
        for w in issues where w.severity == .warning {
            say()
            say(
                palette.warning("⚠ " + L("Cảnh báo", "Warning").text(language)) + " (\(describe(w))): "
                    + w.message.text(lang))
            if w.fields.count > 1 {
                say(
                    palette.dim(
                        "  " + L("Số liệu: ", "Figures: ").text(language) + involved(w.fields).joined(separator: "; ")))
            }
            let earlier = submission.explanations[w.key]
            if confirmedWarnings.contains(w.key) {
                say(
                    palette.dim(
                        L("  Đã xác nhận.", "  Confirmed.").text(language)
                            + (earlier.map { L(" Giải trình: ", " Explanation: ").text(language) + $0 } ?? "")))
                continue
            }
            if let earlier {
                say(palette.dim(L("  Giải trình trước đây: ", "  Earlier explanation: ").text(language) + earlier))
            }
            do {
                guard
                    try askYesNo(
                        L(
                            "Xác nhận số liệu là đúng? (c: đúng, giữ nguyên / k: sửa lại)",
                            "Are the figures right? (y: yes, keep them / n: correct them)"
                        ).text(language), default: nil)
                else {
                    try goTo(w)
                    return nil
                }
                let prompt = L(
                    "  Giải trình ngắn cho cán bộ tổng hợp (Enter để bỏ qua) ",
                    "  A short explanation for the coordinators (Enter to skip) "
                ).text(language)
                switch try readInput(
                    prompt + (earlier.map { palette.dim("[\(short($0, 30))] ") } ?? "") + palette.accent("› "),
                    help: nil)
                {
                case .text(let s): submission.explanations[w.key] = s.cleanedInput
                case .keep: break
                case .skip: submission.explanations[w.key] = nil
                }
            } catch .back, .review {
                return nil
            }
            confirmedWarnings.insert(w.key)
            saveDraft()
        }
        // Explanations of warnings that are gone (their answers corrected) are not kept.
        let present = Set(issues.filter { $0.severity == .warning }.map(\.key))
        submission.explanations = submission.explanations.filter { present.contains($0.key) }
        return writeFinal()
    }

    func describe(_ issue: ValidationIssue) -> String {
        let lang = options.language
        let section = form.section(issue.section)
        var parts = [section?.heading(lang) ?? issue.section]
        if let f = issue.field.flatMap({ section?.field($0) }) {
            if let n = stepIndex(of: FieldPath(issue.section, f.id).description) {
                parts.append(L("câu \(n + 1)", "question \(n + 1)").text(language))
            }
            // The label once: not again when the message already names it.
            if !issue.message.text(lang).contains(f.name(lang)) {
                parts.append("\"" + short(f.name(lang), 50) + "\"")
            }
        }
        if let row = issue.row { parts.append(L("dòng \(row)", "row \(row)").text(language)) }
        return parts.joined(separator: " › ")
    }

    /// Writes the final submission atomically; the previous final, if any, is replaced only now.
    /// With a sink, the final goes to it instead (the server numbers the revision).
    func writeFinal(now: Date = Date()) -> CollectorOutcome {
        if let sink = options.sink { return submitFinal(to: sink, now: now) }
        // Compare and swap: the final is replaced only by a revision made from it.
        let onDisk = existingFinal()
        if let onDisk, baseFinal.map({ $0.revision != onDisk.revision || $0.hash != onDisk.contentHash }) ?? true {
            let saved = saveDraft()
            say(
                palette.error(
                    L(
                        "Không hoàn tất: bản chính thức \(outputURL.path) đã được thay đổi (lần \(onDisk.revision)) từ khi phiên này bắt đầu, nên không ghi đè lên nó.",
                        "Not finalized: the final submission \(outputURL.path) changed (revision \(onDisk.revision)) since this session began, so it is not replaced."
                    ).text(language)))
            if saved {
                say(
                    L(
                        "Các câu trả lời của bạn được giữ trong bản nháp \(options.draftURL.path). Hãy xem bản chính thức mới rồi sửa nó bằng --edit \(outputURL.path).",
                        "Your answers are kept in the draft \(options.draftURL.path). Look at the new final, then correct it with --edit \(outputURL.path)."
                    ).text(language))
            }
            return .incomplete
        }
        let previous = max(onDisk?.revision ?? 0, options.editing?.revision ?? 0)
        var final = submission
        final.status = .final
        final.revision = previous + 1
        final.updatedAt = now
        final.finalizedAt = now
        final.resumeAt = nil
        saveLock.lock()
        defer { saveLock.unlock() }
        do {
            try final.save(to: outputURL)
        } catch {
            say(
                palette.error(
                    L(
                        "Không ghi được bản chính thức vào \(outputURL.path): \(error.localizedDescription). Bản nháp vẫn được giữ.",
                        "Cannot write the final submission to \(outputURL.path): \(error.localizedDescription). The draft is kept."
                    ).text(language)))
            return .incomplete
        }
        try? FileManager.default.removeItem(at: options.draftURL)
        say()
        say(
            palette.ok(
                L(
                    "✓ Đã hoàn tất báo cáo (lần \(final.revision)): \(outputURL.path)",
                    "✓ Report finalized (revision \(final.revision)): \(outputURL.path)"
                ).text(language)))
        say(L("Hãy gửi tệp này cho Trung tâm Công nghệ thông tin.", "Send this file to the IT centre.").text(language))
        submission = final
        return .finalized(outputURL)
    }

    /// The final to the sink: the draft is sent first (it holds every answer), then submitted
    /// with the warnings confirmed. Refused or unreachable: said, the draft kept.
    func submitFinal(to sink: any SubmissionSink, now: Date) -> CollectorOutcome {
        var final = submission
        final.updatedAt = now
        final.resumeAt = nil
        let refusal: LocalizedText?
        if let problem = sink.send(draft: final) {
            refusal = problem
        } else {
            switch sink.submit(final: final, confirmed: confirmedWarnings) {
            case .stored(let revision, let location):
                try? FileManager.default.removeItem(at: options.draftURL)
                say()
                say(
                    palette.ok(
                        L(
                            "✓ Đã nộp báo cáo lên máy chủ (lần \(revision)): \(location.absoluteString)",
                            "✓ Report submitted to the server (revision \(revision)): \(location.absoluteString)"
                        ).text(language)))
                final.status = .final
                final.revision = revision
                submission = final
                return .finalized(location)
            case .refused(let why):
                refusal = why
            }
        }
        saveDraft()
        say(
            palette.error(
                L("Chưa nộp được lên máy chủ: ", "Not submitted to the server: ").text(language)
                    + (refusal?.text(language) ?? "")))
        say(
            L(
                "Các câu trả lời được giữ trong bản nháp \(options.draftURL.path); chạy lại lệnh để nộp khi có mạng.",
                "Your answers are kept in the draft \(options.draftURL.path); run the command again to submit when the network is back."
            ).text(language))
        return .incomplete
    }

    /// `--no-input`: validate the prefilled answers and write the final submission, or list
    /// every missing or invalid answer with its place.
    public func runWithoutInput() -> CollectorOutcome {
        baseFinal = currentFinalVersion()
        applyCarried()
        let issues = allIssues()
        let errors = issues.filter { $0.severity == .error }
        guard errors.isEmpty else {
            say(
                palette.error(
                    L(
                        "Chưa đủ hoặc chưa đúng \(errors.count) câu trả lời:",
                        "\(errors.count) answers are missing or invalid:"
                    ).text(language)))
            for e in errors { say("  \(e.place(in: form, options.language)): \(e.message.text(options.language))") }
            return .incomplete
        }
        for w in issues where w.severity == .warning {
            say(palette.warning("⚠ ") + "\(w.place(in: form, options.language)): \(w.message.text(options.language))")
            // Without input the warnings shown are taken as confirmed, as the local final is written.
            confirmedWarnings.insert(w.key)
        }
        return writeFinal()
    }

    /// The form's checks and, with last year's report, what this year leaves open of its plan.
    func allIssues() -> [ValidationIssue] {
        validator.validate(submission.answers) + (carry?.issues(in: submission.answers) ?? [])
    }

    /// `--no-input` with last year's report: what was not answered is taken as last year had
    /// it (what rarely changes), last year's plan as this year's task rows; each is said.
    func applyCarried() {
        guard let carry else { return }
        let (filled, fields) = carry.filling(submission.answers)
        let taken = fields.map { short($0.label.text(language), 50) }
        submission.answers = validator.relevantAnswers(filled)
        if !taken.isEmpty {
            say(
                palette.dim(
                    L("Lấy từ báo cáo năm trước (năm trước): ", "Taken from last year's report (last year): ").text(
                        language) + taken.joined(separator: "; ")))
        }
    }
}
