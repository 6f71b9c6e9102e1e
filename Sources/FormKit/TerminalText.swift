extension String {
    /// The text made safe to print on a terminal: control characters (C0 but line feed and tab,
    /// DEL, C1) shown escaped as `\x1B`, so that a file name or a value from a file cannot clear
    /// the screen, retitle the window or move the cursor.
    package var terminalSafe: String {
        guard unicodeScalars.contains(where: { TextRules.isControl($0.value) || $0 == "\r" }) else { return self }
        var out = ""
        for u in unicodeScalars {
            if TextRules.isControl(u.value) || u == "\r" {
                let hex = String(u.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
