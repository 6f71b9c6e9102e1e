import FormKit

/// The OpenAPI 3.1 description of the JSON API, served at /api/v1/openapi.json; the same text
/// is committed as docs/openapi.json (a test checks both, and every route it names).
package enum OpenAPIDocument {
    package static let bytes: [UInt8] = document.bytes(pretty: true) + [10]

    static func ref(_ name: String) -> JSON { .object([("$ref", .string("#/components/schemas/\(name)"))]) }
    static func content(_ schema: JSON) -> JSON {
        .object([("application/json", .object([("schema", schema)]))])
    }
    static func answer(_ description: String, _ schema: JSON? = nil) -> JSON {
        var pairs: [(String, JSON)] = [("description", .string(description))]
        if let schema { pairs.append(("content", content(schema))) }
        return .object(pairs)
    }
    static let notFound = answer(
        "No such page, or a missing, wrong or rotated token (the same answer whether the unit exists or not).")
    static let tooLarge = answer("The request body is over the cap (1 MiB).")
    static func object(_ properties: [(String, JSON)], required: [String] = []) -> JSON {
        var pairs: [(String, JSON)] = [("type", .string("object")), ("properties", .object(properties))]
        if !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
        return .object(pairs)
    }
    static func type(_ t: String, nullable: Bool = false) -> JSON {
        nullable ? .object([("type", .array([.string(t), .string("null")]))]) : .object([("type", .string(t))])
    }
    static let secured: JSON = .array([.object([("unitToken", .array([]))])])

    /// Every operation: path (under /api/v1), method, operation id, summary, request, answers.
    package static let operations: [(path: String, method: String, id: String)] = [
        ("/form", "get", "getForm"), ("/draft", "get", "getDraft"), ("/draft", "put", "putDraft"),
        ("/submit", "post", "submit"), ("/status", "get", "getStatus"), ("/openapi.json", "get", "getOpenAPI")
    ]

    static let document: JSON = .object([
        ("openapi", .string("3.1.0")),
        (
            "info",
            .object([
                ("title", .string("ictreport — campaign API")),
                ("version", .string("1")),
                (
                    "description",
                    .string(
                        "The unit's form, its working draft (every save answers with the Validator's issues: the same rules as the terminal collector), submitting, and the unit's status. A unit is known by the token of its private link."
                    )
                )
            ])
        ),
        ("servers", .array([.object([("url", .string("/api/v1"))])])),
        (
            "paths",
            .object([
                (
                    "/form",
                    .object([
                        (
                            "get",
                            .object([
                                ("operationId", .string("getForm")),
                                ("summary", .string("The campaign's form (its YAML text) and the unit.")),
                                ("security", secured),
                                (
                                    "responses",
                                    .object([("200", answer("The form.", ref("FormAnswer"))), ("404", notFound)])
                                )
                            ])
                        )
                    ])
                ),
                (
                    "/draft",
                    .object([
                        (
                            "get",
                            .object([
                                ("operationId", .string("getDraft")),
                                (
                                    "summary",
                                    .string(
                                        "The unit's working answers (draft, else its current revision) with every issue."
                                    )
                                ),
                                ("security", secured),
                                (
                                    "responses",
                                    .object([("200", answer("The draft.", ref("Draft"))), ("404", notFound)])
                                )
                            ])
                        ),
                        (
                            "put",
                            .object([
                                ("operationId", .string("putDraft")),
                                (
                                    "summary",
                                    .string(
                                        "Saves the draft atomically (autosave) and answers with every issue; values that cannot be read are issues too and are left out."
                                    )
                                ),
                                ("security", secured),
                                (
                                    "requestBody",
                                    .object([("required", .bool(true)), ("content", content(ref("DraftSave")))])
                                ),
                                (
                                    "responses",
                                    .object([
                                        ("200", answer("Saved.", ref("DraftSaved"))),
                                        ("400", answer("Not a JSON object.", ref("Error"))),
                                        ("404", notFound),
                                        ("409", answer("Saved from elsewhere since base_version.", ref("Error"))),
                                        ("413", tooLarge)
                                    ])
                                )
                            ])
                        )
                    ])
                ),
                (
                    "/submit",
                    .object([
                        (
                            "post",
                            .object([
                                ("operationId", .string("submit")),
                                (
                                    "summary",
                                    .string(
                                        "Submits the draft as the unit's next revision: every warning must be confirmed (its key in confirm), explanations kept."
                                    )
                                ),
                                ("security", secured),
                                (
                                    "requestBody",
                                    .object([("required", .bool(false)), ("content", content(ref("Submit")))])
                                ),
                                (
                                    "responses",
                                    .object([
                                        ("201", answer("Stored as a new revision.", ref("Submitted"))),
                                        ("400", answer("Not a JSON object.", ref("Error"))),
                                        ("404", notFound),
                                        ("409", answer("No draft, or it changed meanwhile.", ref("Error"))),
                                        ("413", tooLarge),
                                        (
                                            "422",
                                            answer("Errors, or warnings not confirmed: every issue.", ref("Rejected"))
                                        )
                                    ])
                                )
                            ])
                        )
                    ])
                ),
                (
                    "/status",
                    .object([
                        (
                            "get",
                            .object([
                                ("operationId", .string("getStatus")),
                                (
                                    "summary",
                                    .string("The unit's review state, and the coordinator's comment when returned.")
                                ),
                                ("security", secured),
                                (
                                    "responses",
                                    .object([("200", answer("The status.", ref("Status"))), ("404", notFound)])
                                )
                            ])
                        )
                    ])
                ),
                (
                    "/openapi.json",
                    .object([
                        (
                            "get",
                            .object([
                                ("operationId", .string("getOpenAPI")),
                                ("summary", .string("This document.")),
                                ("responses", .object([("200", answer("The OpenAPI document.", type("object")))]))
                            ])
                        )
                    ])
                )
            ])
        ),
        (
            "components",
            .object([
                (
                    "securitySchemes",
                    .object([
                        (
                            "unitToken",
                            .object([
                                ("type", .string("http")), ("scheme", .string("bearer")),
                                ("description", .string("The token of the unit's private link (…/u/<token>)."))
                            ])
                        )
                    ])
                ),
                (
                    "schemas",
                    .object([
                        ("Localized", object([("vi", type("string")), ("en", type("string"))], required: ["vi", "en"])),
                        ("Unit", object([("id", type("string")), ("name", type("string"))], required: ["id", "name"])),
                        (
                            "Issue",
                            object(
                                [
                                    ("severity", .object([("enum", .array([.string("error"), .string("warning")]))])),
                                    ("key", type("string")), ("path", type("string")),
                                    ("section", type("string", nullable: true)),
                                    ("field", type("string", nullable: true)),
                                    ("row", type("integer", nullable: true)),
                                    ("column", type("string", nullable: true)),
                                    ("rule", type("string")), ("place", ref("Localized")), ("message", ref("Localized"))
                                ], required: ["severity", "key", "path", "rule", "message"])
                        ),
                        (
                            "Error",
                            object(
                                [("error", type("string")), ("message", ref("Localized"))],
                                required: ["error", "message"])
                        ),
                        (
                            "FormAnswer",
                            object(
                                [
                                    ("campaign", type("string")), ("unit", ref("Unit")),
                                    (
                                        "form",
                                        object([
                                            ("id", type("string")), ("version", type("string")),
                                            ("file", type("string")),
                                            ("text", type("string"))
                                        ])
                                    )
                                ], required: ["campaign", "unit", "form"])
                        ),
                        (
                            "Draft",
                            object(
                                [
                                    ("unit", ref("Unit")), ("version", type("integer")),
                                    (
                                        "source",
                                        .object([
                                            (
                                                "enum",
                                                .array([
                                                    .string("draft"), .string("revision"), .string("imported-draft"),
                                                    .string("empty"), .string("last-year")
                                                ])
                                            )
                                        ])
                                    ),
                                    ("saved_at", type("string", nullable: true)), ("answers", type("object")),
                                    ("explanations", type("object")),
                                    ("issues", .object([("type", .string("array")), ("items", ref("Issue"))]))
                                ], required: ["unit", "version", "source", "answers", "explanations", "issues"])
                        ),
                        (
                            "DraftSave",
                            object(
                                [
                                    ("answers", type("object")), ("explanations", type("object")),
                                    ("base_version", type("integer"))
                                ], required: ["answers"])
                        ),
                        (
                            "DraftSaved",
                            object(
                                [
                                    ("version", type("integer")),
                                    ("issues", .object([("type", .string("array")), ("items", ref("Issue"))]))
                                ], required: ["version", "issues"])
                        ),
                        (
                            "Submit",
                            object([
                                ("confirm", .object([("type", .string("array")), ("items", type("string"))])),
                                ("explanations", type("object"))
                            ])
                        ),
                        (
                            "Submitted",
                            object(
                                [("revision", type("integer")), ("state", type("string"))],
                                required: ["revision", "state"])
                        ),
                        (
                            "Rejected",
                            object(
                                [
                                    ("error", type("string")), ("message", ref("Localized")),
                                    ("issues", .object([("type", .string("array")), ("items", ref("Issue"))])),
                                    ("unconfirmed", .object([("type", .string("array")), ("items", type("string"))]))
                                ], required: ["error", "message", "issues", "unconfirmed"])
                        ),
                        (
                            "Status",
                            object(
                                [
                                    ("unit", ref("Unit")), ("state", type("string")), ("state_label", ref("Localized")),
                                    ("revision", type("integer")), ("errors", type("integer", nullable: true)),
                                    ("warnings", type("integer", nullable: true)),
                                    ("comment", type("string", nullable: true)),
                                    ("changed_at", type("string", nullable: true)), ("draft_version", type("integer"))
                                ], required: ["unit", "state", "revision", "draft_version"])
                        )
                    ])
                )
            ])
        )
    ])
}
