/// A yes or a no as people type it, in Vietnamese or English, with or without accents:
/// the one list, for boolean answers and for the collector's own yes/no questions.
package enum YesNo {
    package static func parse(_ text: String) -> Bool? {
        switch text.matchKey {
        case "c", "co", "y", "yes", "true", "1", "d", "dung", "x": return true
        case "k", "khong", "n", "no", "false", "0", "s", "sai": return false
        default: return nil
        }
    }
}
