//! The stable diagnostic codes. A code never changes meaning once released; new problems get
//! new codes.

use super::Severity;

macro_rules! codes {
    ($( $variant:ident = $code:literal, $sev:ident, $title:literal, $explain:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The code as printed, e.g. `E0003`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One-line title.
            pub fn title(self) -> &'static str {
                match self { $( Code::$variant => $title, )* }
            }

            /// The long explanation printed by `chargespec explain`.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => $explain, )* }
            }

            pub fn parse(s: &str) -> Option<Code> {
                let s = s.trim().to_ascii_uppercase();
                Code::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }
    };
}

codes! {
    YamlSyntax = "E0001", Error, "YAML syntax error",
        "The file is not valid YAML (or exceeds the parser's safety budget). Nothing else in the file is checked; references to names it defines are not reported as unresolved.";
    DuplicateKey = "E0002", Error, "duplicate key in a mapping",
        "A YAML mapping names the same key twice. YAML forbids it, and silently keeping one value would hide an editing mistake.";
    UnknownKey = "E0003", Error, "unknown key",
        "The key is not part of the spec language at this place. Check the spelling against spec/README.md.";
    MissingKey = "E0004", Error, "missing required key",
        "The item lacks a key that the spec language requires at this place.";
    WrongKind = "E0005", Error, "value of the wrong kind",
        "The value has the wrong YAML kind (for example a list where a mapping is expected, or text where an integer is expected).";
    InvalidValue = "E0006", Error, "invalid value",
        "The value has the right kind but is not one of the accepted values (for example an unknown date format or role keyword), or a name has the wrong form.";
    Io = "E0007", Error, "cannot read the spec",
        "The spec folder or one of its files cannot be read, or the folder holds no YAML file.";
    Section = "E0008", Error, "missing or repeated section",
        "Every edition needs exactly one `edition` section; `security` and `qr_code` may appear at most once.";
    DuplicateName = "E0101", Error, "duplicate name",
        "Two items of the same kind (objects, named types, code tables, interfaces, flows) have the same name, possibly in different files.";
    DuplicateWireName = "E0102", Error, "duplicate wire name",
        "Two fields of one object (or a field and an alias) use the same wire name, so a JSON key could not be mapped to one field.";
    DuplicateCode = "E0103", Error, "duplicate code",
        "A code table lists the same code twice.";
    OverlappingRange = "E0104", Error, "overlapping code range",
        "A code range contains a listed code or overlaps another range, or its `from` is above its `to`.";
    UnknownType = "E0201", Error, "unknown type",
        "A type expression names a type that is neither built in (`string`, `integer`, `decimal`) nor defined under `types`.";
    UnknownObject = "E0202", Error, "unknown object",
        "An `object:` reference names no object of the edition.";
    UnknownCodeTable = "E0203", Error, "unknown code table",
        "A `code:` reference (or `category_table`, or a security block) names no code table of the edition.";
    UnknownInterface = "E0204", Error, "unknown interface",
        "A flow step, security block or key-distribution entry names no interface of the edition.";
    UnknownField = "E0205", Error, "unknown field",
        "A condition, constraint, paging block or security block names a field that the object or payload does not have.";
    UnknownRole = "E0206", Error, "unknown role",
        "`implementer`/`caller` must name a role of the edition's `roles` (or `both`).";
    Cycle = "E0207", Error, "reference cycle",
        "Named types refer to each other in a cycle, or an object contains itself through required, non-array fields, so no finite value exists.";
    ImpossibleBounds = "E0301", Error, "impossible constraint",
        "A lower bound is above its upper bound (length, value or item count), or a length is negative.";
    ScaleOutOfRange = "E0302", Error, "decimal scale out of range",
        "A decimal scale must be between 0 and 28 (the precision of the generated exact decimals).";
    BadPattern = "E0303", Error, "pattern does not compile",
        "The regular expression is not valid in the Rust `regex` dialect (no look-around, no back-references).";
    ConflictingLength = "E0304", Error, "conflicting length constraints",
        "`len` (exact length) cannot be combined with `min_len` or `max_len`.";
    CodeKindMismatch = "E0305", Error, "code of the wrong kind",
        "An integer table holds a text code, a string table holds a number or a range, or a string code breaks the table's `value` rules.";
    BadCondition = "E0306", Error, "invalid condition",
        "A conditional requirement compares a field with a value it can never take (not a code of its table, or the wrong kind), or names the field itself.";
    BadDefault = "E0307", Error, "default does not fit the type",
        "A `default` value breaks the field's own type or constraints.";
    MissingProvenance = "E0401", Error, "missing provenance",
        "Every item carries a non-empty `provenance` list so a maintainer can see what to check against the official text.";
    UnknownTag = "E0402", Error, "unknown provenance tag",
        "Provenance tags are db2024, sz2020, tcec102, sz2024fe, provisional and analogue(NAME) with a non-empty NAME.";
    ProvisionalNotMarked = "E0403", Error, "provisional item not marked",
        "An item tagged `provisional`, or whose only tags are analogue(...), must say `provisional: true`, so that nothing generated presents it as fact.";
    ProvisionalWithoutNote = "E0404", Error, "provisional item without a note",
        "A provisional item must carry a `note` naming the evidence it leans on.";
    ClosedProvisionalTable = "E0405", Error, "closed code table with provisional codes",
        "A code table that is provisional, or holds a provisional code or range, must be `open: true`, so that the generated enum keeps values it does not know.";
    IdentCollision = "E0501", Error, "identifier collision",
        "Two names map to the same Rust identifier after case conversion (e.g. ConnectorIDs and ConnectorIds), so the generated code could not hold both.";
    ReservedWord = "E0502", Error, "reserved word",
        "The name maps to a Rust identifier that cannot be used even as a raw identifier (self, Self, super, crate), or a type name that is a keyword.";
    RawIdentifier = "W0503", Warning, "field emitted as a raw identifier",
        "The field's Rust name is a keyword (for example `type` or `gen`); the generated code uses a raw identifier (`r#type`). The wire name is unchanged.";
    MissingDirection = "E0601", Error, "interface direction missing",
        "Every interface states who implements it and who calls it (`implementer`, `caller`).";
    SameDirection = "E0602", Error, "implementer equals caller",
        "An interface cannot be implemented and called by the same single role.";
    DuplicateFlowNumber = "E0603", Error, "duplicate flow number",
        "Two flows have the same `number`.";
    BadPaging = "E0604", Error, "inconsistent paging",
        "A paging block names a field of the wrong type (page numbers and counts are integers, `items` is an array).";
    BadUtcOffset = "E0701", Error, "malformed UTC offset",
        "`security.timestamp.utc_offset` is the offset of the envelope time zone from UTC, written `+HH:MM` or `-HH:MM` (at most 14 hours, minutes below 60), e.g. `+08:00` for China Standard Time. The generator turns it into seconds; a malformed offset is never read as UTC.";
    CodeNotInTable = "E0702", Error, "security code not in its table",
        "A Ret named by the security section (a Ret role, the Ret of a processing step, the Ret of a message) is not a code of the Ret table, or a token outcome code (`success_code`, `failure_code`, `fail_reason_*`) is not a code of the table of the field that carries it.";
    MissingStepRet = "E0703", Error, "receiver check without a Ret",
        "Every step of `security.processing` except `handle` is a check the receiver can fail, and the answer to that failure carries a Ret: each such step needs `ret:` (a code of the Ret table).";
    RoleType = "E0704", Error, "field of the wrong type for its protocol role",
        "A field named by the security section has a type its role cannot have: the sender, data, sequence, signature, message, token and secret fields are strings; the timestamp field is a date of the timestamp block's format; the Ret field is a code of the Ret table; the token lifetime is an integer; the success and failure-reason fields are integers or codes of integer tables.";
    TokenHeader = "E0705", Error, "header inconsistent with the token block",
        "The header that carries the token (`security.token.header`) must be declared under `security.headers` with the value `<scheme> {<token field>}` (e.g. `Bearer {AccessToken}`), and the only placeholder a header value may hold is the token field.";
    UnknownTolerance = "E0901", Error, "unknown tolerance profile",
        "The `tolerances` section declares a profile the runtime does not implement. A profile is a behaviour of the validator (`chargespec_runtime::Tolerance`), so its name must be one of numbers-as-strings, empty-string-as-absent, integral-float-as-integer, tcec-core-status, status-array-variant, fixed-seq; the spec declares which of them apply to the edition, with the clause each relaxes and the evidence.";
    BadTolerance = "E0902", Error, "tolerance data that does not fit the profile",
        "Only `tcec-core-status` takes `fields` (required fields of an object that may be absent: each must be a required field), and only `status-array-variant` takes `variants` (a field of an object, itself an object, that may arrive under `wire` as an array of one item: `wire` must not be a wire name or alias of the object already); `tcec-core-status` needs at least one `fields` entry and `status-array-variant` one `variants` entry.";
    UnreachableSource = "W0801", Warning, "cites a source a reader cannot open",
        "A note, description, trigger or comment cites something that is not in the repository and not public: a `§` section of an unnamed document (\"§11 #27\", \"reference §6.2\"), \"the reference\", a file of a private reference set (`standard-2024.md`) or a path on a machine (`/work/...`). Cite what a reader can open instead: a public repository and path (`LIKESCX/cpmtBiz src/main/resources/conf/V1.0/interface.xml`), a URL, or an entry of the edition's evidence register (\"EVIDENCE.md D7\", written in our own words in `spec/<edition>/EVIDENCE.md`). A section of a standard is fine when the standard is named right before it (\"T/CEC 102.4 §4.6\").";
    UnknownEvidence = "E0802", Error, "unknown evidence entry",
        "The text cites \"EVIDENCE.md Dn\" but the edition's evidence register `spec/<edition>/EVIDENCE.md` has no entry `Dn` (an entry is a heading `### Dn` or `## Dn`: one capital letter and a number), or the edition has no register. Add the entry, or cite the entry that holds the evidence.";
}
