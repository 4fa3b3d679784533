//! Validation: every check collects its violation and goes on, so a report holds all of them,
//! each with a JSON-pointer path, the rule and the offending value.

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::code::CodeTable;
pub use crate::tolerance::{Deviation, Tolerance, Tolerances};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// The rule a value breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A required field is absent.
    Required,
    /// A field is absent although its condition holds (the condition as text).
    RequiredWhen(String),
    /// Not exactly one of the groups is present (the groups as text).
    ExactlyOneOf(String),
    /// Length in characters outside the bounds.
    Length { min: Option<u32>, max: Option<u32> },
    /// A character outside the charset.
    Charset(&'static str),
    /// The text does not match the pattern.
    Pattern(String),
    /// The value is outside the range.
    Range {
        min: Option<String>,
        max: Option<String>,
    },
    /// More decimal places than the scale allows.
    Scale(u32),
    /// The decimal text is longer than allowed.
    TextLength(u32),
    /// The text is not in the date/time format.
    Format(&'static str),
    /// The number of items is outside the bounds.
    Items { min: Option<u32>, max: Option<u32> },
    /// The value is not a code of the table (the table's name).
    Code(String),
    /// The JSON value has the wrong kind (e.g. a number where a string is expected).
    Type(&'static str),
}

impl Rule {
    /// A stable short name: `required`, `length`, `code`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::RequiredWhen(_) => "required_when",
            Rule::ExactlyOneOf(_) => "exactly_one_of",
            Rule::Length { .. } => "length",
            Rule::Charset(_) => "charset",
            Rule::Pattern(_) => "pattern",
            Rule::Range { .. } => "range",
            Rule::Scale(_) => "scale",
            Rule::TextLength(_) => "text_length",
            Rule::Format(_) => "format",
            Rule::Items { .. } => "items",
            Rule::Code(_) => "code",
            Rule::Type(_) => "type",
        }
    }
}

fn bounds<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    min: Option<&T>,
    max: Option<&T>,
) -> fmt::Result {
    match (min, max) {
        (Some(a), Some(b)) if a.to_string() == b.to_string() => write!(f, "{what} = {a}"),
        (Some(a), Some(b)) => write!(f, "{what} in {a}..={b}"),
        (Some(a), None) => write!(f, "{what} ≥ {a}"),
        (None, Some(b)) => write!(f, "{what} ≤ {b}"),
        (None, None) => f.write_str(what),
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("required"),
            Rule::RequiredWhen(c) => write!(f, "required when {c}"),
            Rule::ExactlyOneOf(g) => write!(f, "exactly one of {g}"),
            Rule::Length { min, max } => bounds(f, "length", min.as_ref(), max.as_ref()),
            Rule::Charset(c) => write!(f, "charset {c}"),
            Rule::Pattern(p) => write!(f, "pattern {p}"),
            Rule::Range { min, max } => bounds(f, "value", min.as_ref(), max.as_ref()),
            Rule::Scale(s) => write!(f, "at most {s} decimal places"),
            Rule::TextLength(n) => write!(f, "at most {n} characters as text"),
            Rule::Format(p) => write!(f, "format {p}"),
            Rule::Items { min, max } => bounds(f, "items", min.as_ref(), max.as_ref()),
            Rule::Code(t) => write!(f, "a code of {t}"),
            Rule::Type(k) => write!(f, "{k}"),
        }
    }
}

/// One problem: where, which rule, what value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the value (RFC 6901), e.g. `/StationInfo/EquipmentInfos/0/Power`.
    pub path: String,
    pub rule: Rule,
    /// The offending value as text (`***` for secrets; empty when absent).
    pub value: String,
    pub severity: Severity,
    /// Whether the rule belongs to a provisional item (and so is a warning unless enforced).
    pub provisional: bool,
    /// The provenance tags of the item the rule belongs to (empty when not known).
    pub provenance: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = if self.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        if self.value.is_empty() {
            write!(f, "{sev}: {path}: {}", self.rule)
        } else {
            write!(f, "{sev}: {path}: {} (got {})", self.rule, self.value)
        }
    }
}

/// How strictly to validate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    /// Unknown codes are warnings in every table (else errors in closed tables, warnings in open ones).
    pub lenient_codes: bool,
    /// Violations on provisional items are errors (else warnings: provisional items are kept out
    /// of strict validation by default, since they are not facts of the standard).
    pub enforce_provisional: bool,
    /// The tolerance profiles switched on (none by default: the standard). Every acceptance
    /// that needed one is recorded in [`Report::deviations`].
    pub tolerances: Tolerances,
}

impl Mode {
    /// Servers: unknown codes of closed tables are errors.
    pub const fn strict() -> Mode {
        Mode {
            lenient_codes: false,
            enforce_provisional: false,
            tolerances: Tolerances::NONE,
        }
    }

    /// Tolerant readers: unknown codes are warnings.
    pub const fn lenient() -> Mode {
        Mode {
            lenient_codes: true,
            enforce_provisional: false,
            tolerances: Tolerances::NONE,
        }
    }

    /// Also enforce the provisional designs as errors.
    #[must_use]
    pub const fn with_provisional(mut self, enforce: bool) -> Mode {
        self.enforce_provisional = enforce;
        self
    }

    /// Also accept (and record) the deviations of these tolerance profiles.
    #[must_use]
    pub const fn with_tolerances(mut self, tolerances: Tolerances) -> Mode {
        self.tolerances = tolerances;
        self
    }

    /// Whether profile `t` is on.
    pub const fn tolerates(&self, t: Tolerance) -> bool {
        self.tolerances.contains(t)
    }
}

impl Default for Mode {
    fn default() -> Self {
        Mode::strict()
    }
}

/// All violations of one validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub violations: Vec<Violation>,
    /// Every value accepted only because a tolerance profile of the mode is on, in walk order.
    pub deviations: Vec<Deviation>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Warning)
    }

    /// No errors (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.errors().next().is_none()
    }

    /// How many deviations needed each profile, in profile order (profiles never needed are
    /// left out): what a city tells an operator to fix.
    pub fn deviation_counts(&self) -> Vec<(Tolerance, usize)> {
        Tolerance::ALL
            .into_iter()
            .map(|t| {
                (
                    t,
                    self.deviations.iter().filter(|d| d.tolerance == t).count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Collects violations while walking a value; `'a` is the lifetime of the field names on its
/// path (`'static` for generated descriptors).
#[derive(Debug)]
pub struct Validator<'a> {
    mode: Mode,
    path: Vec<Seg<'a>>,
    provisional: u32,
    provenance: &'a str,
    out: Vec<Violation>,
    deviations: Vec<Deviation>,
}

/// Character sets of string types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Ascii,
    Digits,
    Alphanumeric,
    Hex,
    UpperHex,
}

impl Charset {
    /// The charset's name in the spec language.
    pub fn name(self) -> &'static str {
        match self {
            Charset::Ascii => "ascii",
            Charset::Digits => "digits",
            Charset::Alphanumeric => "alphanumeric",
            Charset::Hex => "hex",
            Charset::UpperHex => "upper_hex",
        }
    }

    /// Whether every character of `s` belongs to the charset. Every charset is a part of
    /// ASCII, and every byte of a non-ASCII character is outside ASCII, so bytes suffice.
    pub fn allows_all(self, s: &str) -> bool {
        let b = s.as_bytes();
        match self {
            Charset::Ascii => b.is_ascii(),
            Charset::Digits => b.iter().all(u8::is_ascii_digit),
            Charset::Alphanumeric => b.iter().all(u8::is_ascii_alphanumeric),
            Charset::Hex => b.iter().all(u8::is_ascii_hexdigit),
            Charset::UpperHex => b
                .iter()
                .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c)),
        }
    }

    /// Whether `c` belongs to the charset.
    pub fn allows(self, c: char) -> bool {
        match self {
            Charset::Ascii => c.is_ascii(),
            Charset::Digits => c.is_ascii_digit(),
            Charset::Alphanumeric => c.is_ascii_alphanumeric(),
            Charset::Hex => c.is_ascii_hexdigit(),
            Charset::UpperHex => c.is_ascii_digit() || ('A'..='F').contains(&c),
        }
    }
}

impl<'a> Validator<'a> {
    pub fn new(mode: Mode) -> Self {
        Validator {
            mode,
            // Deep enough for every object of the standards: one allocation per validation.
            path: Vec::with_capacity(8),
            provisional: 0,
            provenance: "",
            out: Vec::new(),
            deviations: Vec::new(),
        }
    }

    /// The mode of this validation.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether profile `t` is on.
    pub fn tolerates(&self, t: Tolerance) -> bool {
        self.mode.tolerates(t)
    }

    /// Records that the value at the current path was accepted only because of profile `t`.
    pub fn deviation(&mut self, t: Tolerance, value: impl Into<String>) {
        self.deviations.push(Deviation {
            tolerance: t,
            path: self.pointer(),
            value: bounded(&value.into()),
        });
    }

    /// Records a warning (not an error, whatever the mode) at the current path.
    pub fn warning(&mut self, rule: Rule, value: impl Into<String>) {
        self.out.push(Violation {
            path: self.pointer(),
            rule,
            value: bounded(&value.into()),
            severity: Severity::Warning,
            provisional: self.provisional > 0,
            provenance: self.provenance.to_owned(),
        });
    }

    /// The current JSON pointer.
    pub fn pointer(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            s.push('/');
            match seg {
                Seg::Key(k) => s.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Seg::Index(i) => s.push_str(&i.to_string()),
            }
        }
        s
    }

    /// Validates inside field `key`; `provisional` marks a provisional item.
    pub fn field(&mut self, key: &'a str, provisional: bool, f: impl FnOnce(&mut Self)) {
        self.path.push(Seg::Key(key));
        self.provisional += u32::from(provisional);
        f(self);
        self.provisional -= u32::from(provisional);
        self.path.pop();
    }

    /// Validates inside field `key` of an item with the given provenance (tags as text).
    pub fn item(
        &mut self,
        key: &'a str,
        provisional: bool,
        provenance: &'a str,
        f: impl FnOnce(&mut Self),
    ) {
        let outer = std::mem::replace(&mut self.provenance, provenance);
        self.field(key, provisional, f);
        self.provenance = outer;
    }

    /// Runs `f` with the provenance of the item whose rules it checks.
    pub fn with_provenance(&mut self, provenance: &'a str, f: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.provenance, provenance);
        f(self);
        self.provenance = outer;
    }

    /// Validates inside array item `i`.
    pub fn index(&mut self, i: usize, f: impl FnOnce(&mut Self)) {
        self.path.push(Seg::Index(i));
        f(self);
        self.path.pop();
    }

    /// Validates every item of a list.
    pub fn each<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        for (i, item) in items.iter().enumerate() {
            self.index(i, |v| f(v, item));
        }
    }

    fn severity(&self, base: Severity) -> Severity {
        if self.provisional > 0 && !self.mode.enforce_provisional {
            Severity::Warning
        } else {
            base
        }
    }

    /// Records a violation at the current path. The value shown is [`bounded`].
    pub fn violation(&mut self, rule: Rule, value: impl Into<String>) {
        let severity = self.severity(Severity::Error);
        self.out.push(Violation {
            path: self.pointer(),
            rule,
            value: bounded(&value.into()),
            severity,
            provisional: self.provisional > 0,
            provenance: self.provenance.to_owned(),
        });
    }

    /// Records an object-level violation (a constraint across fields) at the current path.
    pub fn constraint(&mut self, provisional: bool, rule: Rule) {
        self.provisional += u32::from(provisional);
        self.violation(rule, "");
        self.provisional -= u32::from(provisional);
    }

    /// Records a violation of the absent field `key` (below the current path).
    pub fn absent(&mut self, key: &'a str, provisional: bool, rule: Rule) {
        self.field(key, provisional, |v| v.violation(rule, ""));
    }

    /// Length (in characters) and charset of a text; a secret's value is shown as `***`.
    pub fn text(
        &mut self,
        s: &str,
        min: Option<u32>,
        max: Option<u32>,
        charset: Option<Charset>,
        secret: bool,
    ) {
        let shown = || if secret { "***" } else { s };
        if (min.is_some() || max.is_some()) && !within_by_bytes(s, min, max) {
            let n = u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                self.violation(Rule::Length { min, max }, shown());
            }
        }
        if let Some(cs) = charset
            && !cs.allows_all(s)
        {
            self.violation(Rule::Charset(cs.name()), shown());
        }
    }

    /// Length (in characters) and charset of a string.
    pub fn string(
        &mut self,
        s: &str,
        min: Option<u32>,
        max: Option<u32>,
        charset: Option<Charset>,
    ) {
        self.text(s, min, max, charset, false);
    }

    /// Like [`Validator::string`], but the value is never shown.
    pub fn secret(
        &mut self,
        s: &crate::Secret,
        min: Option<u32>,
        max: Option<u32>,
        charset: Option<Charset>,
    ) {
        self.text(s.expose(), min, max, charset, true);
    }

    pub fn pattern(&mut self, s: &str, re: &regex::Regex, pattern: &str) {
        if !re.is_match(s) {
            self.violation(Rule::Pattern(pattern.to_owned()), bounded(s));
        }
    }

    fn out_of_range<T: ToString>(&mut self, min: Option<T>, max: Option<T>, value: String) {
        self.violation(
            Rule::Range {
                min: min.map(|m| m.to_string()),
                max: max.map(|m| m.to_string()),
            },
            value,
        );
    }

    fn text_length(&mut self, text: impl FnOnce() -> String, max: Option<u32>) {
        if let Some(n) = max {
            let text = text();
            if text.chars().count() > n as usize {
                self.violation(Rule::TextLength(n), text);
            }
        }
    }

    pub fn int(&mut self, v: i64, min: Option<i64>, max: Option<i64>, max_text_len: Option<u32>) {
        if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
            self.out_of_range(min, max, v.to_string());
        }
        if let Some(n) = max_text_len
            && int_text_len(v) > n as usize
        {
            self.violation(Rule::TextLength(n), v.to_string());
        }
    }

    pub fn decimal(
        &mut self,
        v: &Decimal,
        scale: Option<u32>,
        min: Option<f64>,
        max: Option<f64>,
        max_text_len: Option<u32>,
    ) {
        if let Some(s) = scale
            && crate::decimal::places(v) > s
        {
            self.violation(Rule::Scale(s), v.to_string());
        }
        if min.is_some() || max.is_some() {
            let f = v.to_f64().unwrap_or(f64::NAN);
            if min.is_some_and(|m| f < m) || max.is_some_and(|m| f > m) || f.is_nan() {
                self.out_of_range(min, max, v.to_string());
            }
        }
        self.text_length(|| v.normalize().to_string(), max_text_len);
    }

    /// A date/time value: `valid` is its own check, `text` what was received.
    pub fn format(&mut self, valid: bool, text: &str, format: &'static str) {
        if !valid {
            self.violation(Rule::Format(format), text);
        }
    }

    pub fn items(&mut self, n: usize, min: Option<u32>, max: Option<u32>) {
        let n32 = u32::try_from(n).unwrap_or(u32::MAX);
        if min.is_some_and(|m| n32 < m) || max.is_some_and(|m| n32 > m) {
            self.violation(Rule::Items { min, max }, n.to_string());
        }
    }

    /// A code value: unknown values of closed tables are errors in strict mode; everything else
    /// unknown is a warning.
    pub fn code<C: CodeTable>(&mut self, c: &C) {
        if !c.is_known() {
            self.unknown_code(C::NAME, C::OPEN, &c.code_value().to_string());
        }
    }

    /// Records an unknown code of table `table`: an error in strict mode for a closed table, a
    /// warning otherwise.
    pub fn unknown_code(&mut self, table: &str, open: bool, value: &str) {
        let base = if self.mode.lenient_codes || open {
            Severity::Warning
        } else {
            Severity::Error
        };
        let severity = self.severity(base);
        self.out.push(Violation {
            path: self.pointer(),
            rule: Rule::Code(table.to_owned()),
            value: bounded(value),
            severity,
            provisional: self.provisional > 0,
            provenance: self.provenance.to_owned(),
        });
    }

    pub fn into_report(self) -> Report {
        Report {
            violations: self.out,
            deviations: self.deviations,
        }
    }
}

/// Implemented by every generated object and payload.
pub trait Validate {
    /// Validates `self` at the validator's current path.
    fn validate_into(&self, v: &mut Validator<'static>);

    /// Validates `self` and returns every violation.
    fn validate(&self, mode: Mode) -> Report {
        let mut v = Validator::new(mode);
        self.validate_into(&mut v);
        v.into_report()
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, v: &mut Validator<'static>) {
        v.each(self, |v, item| item.validate_into(v));
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, v: &mut Validator<'static>) {
        if let Some(x) = self {
            x.validate_into(v);
        }
    }
}

/// Whether the byte length of `s` alone proves its length in characters within the bounds:
/// a text has at most as many characters as bytes, and at least a quarter as many.
fn within_by_bytes(s: &str, min: Option<u32>, max: Option<u32>) -> bool {
    let bytes = s.len();
    max.is_none_or(|m| bytes <= m as usize) && min.is_none_or(|m| bytes.div_ceil(4) >= m as usize)
}

/// The number of characters of `v` as decimal text (`-12` has 3).
fn int_text_len(v: i64) -> usize {
    let digits = v
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1);
    digits + usize::from(v < 0)
}

/// The longest value a violation shows, in characters.
pub const SHOWN_MAX: usize = 60;

/// A value as a violation shows it: at most [`SHOWN_MAX`] characters, control characters
/// escaped, so that no input can forge a line of a log or a message.
pub fn bounded(s: &str) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == SHOWN_MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes a JSON payload into `T` and validates it, returning every violation. Valid input
/// takes the fast path (direct deserialisation, then the typed walk); input that does not
/// deserialise is walked as JSON with the same descriptors, so all of its missing keys, wrong
/// kinds and broken constraints are reported together.
///
/// With tolerance profiles in the mode, the JSON is first [normalised](crate::schema::normalise)
/// (each tolerated deviation rewritten into the standard's form and recorded in
/// [`Report::deviations`]), then deserialised and validated the same way.
pub fn decode<T: serde::de::DeserializeOwned + crate::schema::Described>(
    json: &[u8],
    mode: Mode,
) -> Result<(T, Report), Report> {
    if !mode.tolerances.is_empty() {
        return decode_tolerant(json, mode);
    }
    match serde_json::from_slice::<T>(json) {
        Ok(t) => {
            let report = t.validate(mode);
            if report.is_ok() {
                Ok((t, report))
            } else {
                Err(report)
            }
        }
        Err(first) => {
            let value: serde_json::Value =
                serde_json::from_slice(json).map_err(|e| not_json(&e))?;
            let mut report = crate::schema::check_json_as::<T>(&value, mode);
            if report.is_ok() {
                // The walk found no error: report what serde said, located.
                report.violations.push(located::<T>(json, &first));
            }
            Err(report)
        }
    }
}

fn not_json(e: &serde_json::Error) -> Report {
    Report {
        violations: vec![Violation {
            path: String::new(),
            rule: Rule::Format("JSON"),
            value: bounded(&e.to_string()),
            severity: Severity::Error,
            provisional: false,
            provenance: String::new(),
        }],
        deviations: Vec::new(),
    }
}

/// [`decode`] with tolerance profiles: normalise, then deserialise and validate.
fn decode_tolerant<T: serde::de::DeserializeOwned + crate::schema::Described>(
    json: &[u8],
    mode: Mode,
) -> Result<(T, Report), Report> {
    let mut value: serde_json::Value = serde_json::from_slice(json).map_err(|e| not_json(&e))?;
    let mut v = Validator::new(mode);
    crate::schema::normalise(&mut v, T::schema(), T::OBJECT, &mut value);
    match T::deserialize(&value) {
        Ok(t) => {
            t.validate_into(&mut v);
            let report = v.into_report();
            if report.is_ok() {
                Ok((t, report))
            } else {
                Err(report)
            }
        }
        Err(first) => {
            crate::schema::walk_json(&mut v, T::schema(), T::OBJECT, &value);
            let mut report = v.into_report();
            if report.is_ok() {
                let path = match serde_path_to_error::deserialize::<_, T>(&value) {
                    Ok(_) => String::new(),
                    Err(e) => pointer_of(e.path()),
                };
                report.violations.push(Violation {
                    path,
                    rule: Rule::Format("JSON"),
                    value: bounded(&first.to_string()),
                    severity: Severity::Error,
                    provisional: false,
                    provenance: String::new(),
                });
            }
            Err(report)
        }
    }
}

fn located<T: serde::de::DeserializeOwned>(json: &[u8], first: &serde_json::Error) -> Violation {
    let mut de = serde_json::Deserializer::from_slice(json);
    let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => String::new(),
        Err(e) => pointer_of(e.path()),
    };
    Violation {
        path,
        rule: Rule::Format("JSON"),
        value: bounded(&first.to_string()),
        severity: Severity::Error,
        provisional: false,
        provenance: String::new(),
    }
}

/// A serde path as a JSON pointer.
pub fn pointer_of(p: &serde_path_to_error::Path) -> String {
    let mut path = String::new();
    for seg in p.iter() {
        match seg {
            serde_path_to_error::Segment::Map { key } => {
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            serde_path_to_error::Segment::Seq { index } => {
                path.push('/');
                path.push_str(&index.to_string());
            }
            _ => {}
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_shortcuts_agree_with_counting_characters() {
        let texts = [
            "",
            "A",
            "ABCD",
            "深圳",
            "福田区车公庙",
            "a深b",
            "0123456789",
        ];
        for s in texts {
            let n = u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
            for min in [None, Some(0), Some(1), Some(2), Some(4), Some(6), Some(11)] {
                for max in [None, Some(0), Some(1), Some(2), Some(4), Some(6), Some(10)] {
                    let within = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
                    // The shortcut may only say "within" when it is.
                    assert!(
                        !within_by_bytes(s, min, max) || within,
                        "{s} {min:?} {max:?}"
                    );
                }
            }
            for cs in [
                Charset::Ascii,
                Charset::Digits,
                Charset::Alphanumeric,
                Charset::Hex,
                Charset::UpperHex,
            ] {
                assert_eq!(
                    cs.allows_all(s),
                    s.chars().all(|c| cs.allows(c)),
                    "{s} {cs:?}"
                );
            }
        }
        for v in [0, 7, -7, 10, 99, -100, 12_345, i64::MAX, i64::MIN] {
            assert_eq!(int_text_len(v), v.to_string().len(), "{v}");
        }
    }

    #[test]
    fn text_length_of_integers_is_still_reported() {
        let mut v = Validator::new(Mode::strict());
        v.int(-1234, None, None, Some(4));
        v.int(1234, None, None, Some(4));
        let r = v.into_report();
        assert_eq!(r.violations.len(), 1, "{r}");
        assert_eq!(r.violations[0].rule, Rule::TextLength(4));
        assert_eq!(r.violations[0].value, "-1234");
    }
}
