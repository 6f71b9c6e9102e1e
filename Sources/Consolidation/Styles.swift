import XLSX

/// The ministry's house style: Times New Roman, bold wrapped bordered headers, title rows.
enum Style {
    static let title = CellFormat(bold: true, fontSize: 14, align: .center)
    static let subtitle = CellFormat(italic: true, fontSize: 11, align: .center)
    static let header = CellFormat(
        bold: true, wrap: true, border: true, fontSize: 11, align: .center, background: 0xDCE6F1)
    static let text = CellFormat(wrap: true, border: true)
    static let center = CellFormat(border: true, align: .center)
    static let label = CellFormat(bold: true, wrap: true)
    static let plain = CellFormat(wrap: true)

    static func number(_ format: ColumnFormat) -> CellFormat {
        CellFormat(border: true, numberFormat: format.excel)
    }

    static func total(_ format: ColumnFormat) -> CellFormat {
        CellFormat(bold: true, border: true, numberFormat: format.excel, background: 0xF2F2F2)
    }

    static let totalLabel = CellFormat(bold: true, border: true, align: .center, background: 0xF2F2F2)
    static let missing = CellFormat(italic: true, border: true, background: 0xFDE9D9)
    /// A change from last year beyond what the layout finds plausible.
    static let jump = CellFormat(
        bold: true, wrap: true, border: true, numberFormat: ColumnFormat.ratio.excel, background: 0xFFEB9C)
}

/// A column width that fits Vietnamese text: roughly one unit a character, within bounds,
/// long texts wrapping at `maximum`.
func fittedWidth(header: String, values: [String], minimum: Double = 8, maximum: Double = 45) -> Double {
    // A header wraps, so its longest word (or a third of it) is what must fit.
    let headerNeed = max(Double(header.split(separator: " ").map(\.count).max() ?? 0), Double(header.count) / 3)
    // The longest line among the first values (enough to size a column), in scalars.
    var longest = 0
    for v in values.prefix(500) {
        var run = 0
        for u in v.unicodeScalars {
            if u == "\n" {
                longest = max(longest, run)
                run = 0
            } else {
                run += 1
            }
        }
        longest = max(longest, run)
    }
    let valueNeed = Double(longest)
    return min(maximum, max(minimum, max(headerNeed, valueNeed) * 1.1 + 2))
}
