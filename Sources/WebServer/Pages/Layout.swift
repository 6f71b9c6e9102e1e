import FormKit

/// What every page needs to know about the request it answers: the language it is read in,
/// the path it is at (for the language switch) and the CSRF token its forms carry, if any.
package struct PageContext: Sendable {
    package var language: Language
    /// The request's path, without its query: the language switch links back to it.
    package var path: String
    /// The coordinator session's CSRF token, put into every form that posts; nil on the
    /// unit's pages, whose secret link is itself what a forged post cannot know.
    package var csrfToken: String?

    package init(language: Language, path: String, csrfToken: String? = nil) {
        self.language = language
        self.path = path
        self.csrfToken = csrfToken
    }

    /// Text in the page's language, escaped.
    package func t(_ text: LocalizedText) -> HTML { "\(text.text(language))" }
    package func t(_ vi: String, _ en: String) -> HTML { t(L(vi, en)) }
    package func s(_ vi: String, _ en: String) -> String { L(vi, en).text(language) }

    /// The hidden field with the CSRF token, for a form that posts (empty without a session).
    package var csrfField: HTML {
        csrfToken.map { "<input type=\"hidden\" name=\"csrf\" value=\"\($0)\">" } ?? ""
    }
}

/// The shell of every page: the document, its head (one style sheet, scripts only from files —
/// the Content-Security-Policy allows no inline script), the top bar with the language switch,
/// and the content.
package struct PageShell {
    package var title: String
    package var context: PageContext
    /// What the top bar names on the left (the unit, or "Bàn điều phối").
    package var header: HTML
    /// Links on the right of the top bar, before the language switch.
    package var headerLinks: HTML = ""
    package var body: HTML
    /// Scripts under /static, loaded deferred.
    package var scripts: [String] = []
    /// A class on <body>, for styles of one kind of page (the printable view).
    package var bodyClass: String = ""

    package init(
        title: String, context: PageContext, header: HTML, headerLinks: HTML = "", body: HTML,
        scripts: [String] = [], bodyClass: String = ""
    ) {
        self.title = title
        self.context = context
        self.header = header
        self.headerLinks = headerLinks
        self.body = body
        self.scripts = scripts
        self.bodyClass = bodyClass
    }

    package func render() -> String {
        let c = context
        let other: Language = c.language == .vi ? .en : .vi
        let switchLabel = other == .en ? "English" : "Tiếng Việt"
        let scriptTags = HTML.join(scripts.map { "<script src=\"/static/\($0)\" defer></script>" })
        let page: HTML = """
            <!DOCTYPE html>
            <html lang="\(c.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/static/app.css">
            \(scriptTags)
            </head>
            <body class="\(bodyClass)">
            <a class="skip" href="#main">\(c.t("Bỏ qua, đến nội dung", "Skip to content"))</a>
            <header class="top"><div class="wrap">
            <div class="who">\(header)</div>
            <nav class="tools" aria-label="\(c.s("Công cụ", "Tools"))">\(headerLinks)<a href="\(c.path)?lang=\(other.rawValue)" hreflang="\(other.rawValue)" lang="\(other.rawValue)">\(switchLabel)</a></nav>
            </div></header>
            <main id="main" class="wrap">
            \(body)
            </main>
            </body>
            </html>

            """
        return page.text
    }
}

/// A message box: notice (saved), error, warning.
package func banner(_ kind: String, _ content: HTML, role: String = "status") -> HTML {
    "<div class=\"banner \(kind)\" role=\"\(role)\">\(content)</div>"
}
