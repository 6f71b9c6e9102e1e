import Foundation

/// Text laid out for a terminal `width` columns wide: lines broken between words (never inside
/// one, unless a word is wider than the line), continuation lines indented like the line's
/// start plus two. Colour sequences take no room. Letters count one column each (Vietnamese
/// letters, precomposed or not, are one column).
func wrapped(_ text: String, width: Int) -> String {
    guard width >= 20 else { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { wrapLine(String($0), width: width) }
        .joined(separator: "\n")
}

/// Columns a text takes on screen: its letters, without colour sequences.
func visibleWidth<S: StringProtocol>(_ text: S) -> Int {
    var n = 0
    var inEscape = false
    for c in text {
        if c == "\u{1B}" {
            inEscape = true
            continue
        }
        if inEscape {
            if c.isLetter { inEscape = false }
            continue
        }
        n += 1
    }
    return n
}

private func wrapLine(_ line: String, width: Int) -> String {
    guard visibleWidth(line) > width else { return line }
    let lead = String(line.prefix { $0 == " " })
    let indent = String(repeating: " ", count: min(lead.count + 2, width / 2))
    var lines: [String] = []
    var current = lead
    var used = lead.count
    var empty = true
    for word in line.dropFirst(lead.count).split(separator: " ") {
        let w = visibleWidth(word)
        if !empty && used + 1 + w > width {
            lines.append(current)
            (current, used, empty) = (indent, indent.count, true)
        }
        if !empty {
            current += " "
            used += 1
        }
        current += word
        used += w
        empty = false
    }
    lines.append(current)
    return lines.joined(separator: "\n")
}

/// A message as a sentence: its first letter a capital ("-3 nhỏ hơn…" and "'x' không…" stay).
func capitalizedFirst(_ message: String) -> String {
    guard let first = message.first, first.isLowercase else { return message }
    return first.uppercased() + message.dropFirst()
}
