/// A yes or a no as people type it, in Vietnamese or English, with or without accents:
/// the one list, for boolean answers and for the collector's own yes/no questions.
package enum YesNo {
    /// `digits`: whether 1 and 0 count (they do for a yes/no answer in a file or a question;
    /// not where a number typed by mistake must not confirm anything).
    package static func parse(_ text: String, digits: Bool = true) -> Bool? {
        switch text.matchKey {
        case "c", "co", "y", "yes", "true", "d", "dung", "x": return true
        case "k", "khong", "n", "no", "false", "s", "sai": return false
        case "1": return digits ? true : nil
        case "0": return digits ? false : nil
        default: return nil
        }
    }
}
