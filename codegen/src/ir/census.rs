//! The census of an edition: every item that carries its own provenance, and how many of them
//! are provisional. It is the one count of the project: `lint` prints it, the docs index and the
//! provenance page show it, and the README quotes it.
//!
//! **What counts as an item**: everything the spec writes its own provenance for (the common
//! keys `provenance` / `provisional` / `note` of `spec/README.md`), each exactly once:
//!
//! - the edition itself, each role and each entry of the table of contents;
//! - each named type;
//! - each declared object, and each field of every object (declared objects and inline
//!   payloads alike), and each object-level constraint;
//! - each code table, each code and each code range;
//! - each interface and each paging block of an interface;
//! - each flow and each flow step;
//! - the security section and each of its blocks (transport, URL, URL variant, header,
//!   envelope, key, encryption, signature, timestamp, seq, token, Ret codes, Ret message,
//!   processing rule, push acknowledgement, resend, paging, replay, key distribution);
//! - the QR code, each of its parts and each of its patterns.
//!
//! An inline payload (an interface's `request.fields` / `response.fields`) is **not** an item of
//! its own: it shares the provenance of its interface. It is counted separately
//! ([`Census::payloads`]); its fields are items.
//!
//! An item is provisional when its provenance says so (`Provenance::provisional`, checked by the
//! IR builder: `E0403`, `E0404`).

use std::collections::BTreeMap;

use super::*;

/// The kind of a census item, in the order the census lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Edition,
    Role,
    Content,
    NamedType,
    Object,
    Field,
    Constraint,
    CodeTable,
    Code,
    CodeRange,
    Interface,
    Paging,
    Flow,
    Step,
    Security,
    QrCode,
    QrPart,
    QrPattern,
}

impl Kind {
    /// Every kind, in census order.
    pub const ALL: [Kind; 18] = [
        Kind::Edition,
        Kind::Role,
        Kind::Content,
        Kind::NamedType,
        Kind::Object,
        Kind::Field,
        Kind::Constraint,
        Kind::CodeTable,
        Kind::Code,
        Kind::CodeRange,
        Kind::Interface,
        Kind::Paging,
        Kind::Flow,
        Kind::Step,
        Kind::Security,
        Kind::QrCode,
        Kind::QrPart,
        Kind::QrPattern,
    ];

    /// The singular name, e.g. `code table`.
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Edition => "edition",
            Kind::Role => "role",
            Kind::Content => "contents entry",
            Kind::NamedType => "named type",
            Kind::Object => "object",
            Kind::Field => "field",
            Kind::Constraint => "constraint",
            Kind::CodeTable => "code table",
            Kind::Code => "code",
            Kind::CodeRange => "code range",
            Kind::Interface => "interface",
            Kind::Paging => "paging block",
            Kind::Flow => "flow",
            Kind::Step => "flow step",
            Kind::Security => "security block",
            Kind::QrCode => "QR code",
            Kind::QrPart => "QR-code part",
            Kind::QrPattern => "QR-code pattern",
        }
    }

    /// The plural name, e.g. `code tables`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Edition => "editions",
            Kind::Role => "roles",
            Kind::Content => "contents entries",
            Kind::NamedType => "named types",
            Kind::Object => "objects",
            Kind::Field => "fields",
            Kind::Constraint => "constraints",
            Kind::CodeTable => "code tables",
            Kind::Code => "codes",
            Kind::CodeRange => "code ranges",
            Kind::Interface => "interfaces",
            Kind::Paging => "paging blocks",
            Kind::Flow => "flows",
            Kind::Step => "flow steps",
            Kind::Security => "security blocks",
            Kind::QrCode => "QR codes",
            Kind::QrPart => "QR-code parts",
            Kind::QrPattern => "QR-code patterns",
        }
    }
}

/// Where an item is documented in the generated docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Home {
    /// No page of its own (edition, roles, contents, named types, security, QR code).
    None,
    /// The page of an object (declared or inline payload), by name.
    Object(String),
    /// The page of an interface, by name.
    Interface(String),
    /// The page of a flow, by key.
    Flow(String),
    /// The code-table page.
    Codes,
}

/// One item of the census.
#[derive(Clone, Debug, PartialEq)]
pub struct Item<'a> {
    pub kind: Kind,
    /// A plain name unique within the kind, e.g. `StationInfo.StationID`, `T-StationStatus 51`,
    /// `flow 3 step 2 (query_token)`.
    pub name: String,
    pub zh: &'a str,
    pub prov: &'a Provenance,
    pub home: Home,
}

/// Every item of an edition, in spec order (see the module documentation for what an item is).
#[derive(Clone, Debug, PartialEq)]
pub struct Census<'a> {
    pub items: Vec<Item<'a>>,
    /// Inline interface payloads (not items: they share their interface's provenance).
    pub payloads: usize,
}

impl<'a> Census<'a> {
    #[allow(clippy::too_many_lines)]
    pub fn of(e: &'a Edition) -> Census<'a> {
        let mut items = Vec::new();
        let mut add = |kind: Kind, name: String, info: &'a Info, prov: &'a Provenance, home| {
            items.push(Item {
                kind,
                name,
                zh: &info.zh,
                prov,
                home,
            });
        };
        let m = &e.meta;
        add(
            Kind::Edition,
            m.number.clone(),
            &m.info,
            &m.prov,
            Home::None,
        );
        for r in e.roles.values() {
            add(Kind::Role, r.name.clone(), &r.info, &r.prov, Home::None);
        }
        for c in &m.contents {
            add(
                Kind::Content,
                c.number.clone(),
                &c.info,
                &c.prov,
                Home::None,
            );
        }
        for t in e.types.values() {
            add(
                Kind::NamedType,
                t.name.clone(),
                &t.info,
                &t.prov,
                Home::None,
            );
        }
        let mut payloads = 0;
        for o in e.objects.values() {
            let home = || Home::Object(o.name.clone());
            match o.origin {
                ObjectOrigin::Declared => {
                    add(Kind::Object, o.name.clone(), &o.info, &o.prov, home())
                }
                ObjectOrigin::Payload { .. } => payloads += 1,
            }
            for f in &o.fields {
                add(
                    Kind::Field,
                    format!("{}.{}", o.name, f.wire),
                    &f.info,
                    &f.prov,
                    home(),
                );
            }
            for (n, c) in o.constraints.iter().enumerate() {
                add(
                    Kind::Constraint,
                    format!("{} constraint {}", o.name, n + 1),
                    &c.info,
                    &c.prov,
                    home(),
                );
            }
        }
        for t in e.code_tables.values() {
            add(
                Kind::CodeTable,
                t.name.clone(),
                &t.info,
                &t.prov,
                Home::Codes,
            );
            for c in &t.codes {
                add(
                    Kind::Code,
                    format!("{} {}", t.name, c.value),
                    &c.info,
                    &c.prov,
                    Home::Codes,
                );
            }
            for r in &t.ranges {
                add(
                    Kind::CodeRange,
                    format!("{} {}–{}", t.name, r.from, r.to),
                    &r.info,
                    &r.prov,
                    Home::Codes,
                );
            }
        }
        for i in e.interfaces.values() {
            let home = || Home::Interface(i.name.clone());
            add(Kind::Interface, i.name.clone(), &i.info, &i.prov, home());
            if let Some(p) = &i.paging {
                add(
                    Kind::Paging,
                    format!("{} paging", i.name),
                    &p.info,
                    &p.prov,
                    home(),
                );
            }
        }
        for f in e.flows.values() {
            let home = || Home::Flow(f.key.clone());
            add(
                Kind::Flow,
                format!("{} {}", f.number, f.key),
                &f.info,
                &f.prov,
                home(),
            );
            for (n, s) in f.steps.iter().enumerate() {
                add(
                    Kind::Step,
                    format!("flow {} step {} ({})", f.number, n + 1, s.interface),
                    &s.info,
                    &s.prov,
                    home(),
                );
            }
        }
        if let Some(s) = &e.security {
            security_items(s, &mut add);
        }
        if let Some(q) = &e.qr_code {
            add(
                Kind::QrCode,
                "QR code".to_owned(),
                &q.info,
                &q.prov,
                Home::None,
            );
            for (n, p) in q.parts.iter().enumerate() {
                let name = match &p.kind {
                    QrPartKind::Literal(l) => format!("part {} `{l}`", n + 1),
                    QrPartKind::Field { field, .. } => format!("part {} {field}", n + 1),
                    QrPartKind::Tail => format!("part {} (tail)", n + 1),
                };
                add(Kind::QrPart, name, &p.info, &p.prov, Home::None);
            }
            for p in &q.patterns {
                add(
                    Kind::QrPattern,
                    format!("pattern {}", p.name),
                    &p.info,
                    &p.prov,
                    Home::None,
                );
            }
        }
        Census { items, payloads }
    }

    /// How many items there are.
    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// How many items are provisional.
    pub fn provisional(&self) -> usize {
        self.items.iter().filter(|i| i.prov.provisional).count()
    }

    /// The provisional items, in census order.
    pub fn provisional_items(&self) -> impl Iterator<Item = &Item<'a>> {
        self.items.iter().filter(|i| i.prov.provisional)
    }

    /// How many items of a kind there are, and how many of them are provisional.
    pub fn of_kind(&self, kind: Kind) -> (usize, usize) {
        self.items
            .iter()
            .filter(|i| i.kind == kind)
            .fold((0, 0), |(n, p), i| {
                (n + 1, p + usize::from(i.prov.provisional))
            })
    }

    /// The kinds present, each with its item count and provisional count, in census order.
    pub fn by_kind(&self) -> Vec<(Kind, usize, usize)> {
        Kind::ALL
            .iter()
            .map(|k| {
                let (n, p) = self.of_kind(*k);
                (*k, n, p)
            })
            .filter(|(_, n, _)| *n > 0)
            .collect()
    }

    /// How many items carry each tag (`analogue(…)` tags counted together), sorted by tag.
    pub fn tag_counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for i in &self.items {
            let mut seen: Vec<String> = Vec::new();
            for t in &i.prov.tags {
                let key = match t {
                    Tag::Analogue(_) => "analogue(…)".to_owned(),
                    other => other.to_string(),
                };
                if !seen.contains(&key) {
                    *out.entry(key.clone()).or_default() += 1;
                    seen.push(key);
                }
            }
        }
        out
    }

    /// The provisional share in percent, one decimal.
    pub fn provisional_percent(&self) -> f64 {
        percent(self.provisional(), self.total())
    }

    /// The headline counts.
    pub fn counts(&self) -> Counts {
        let n = |k| self.of_kind(k).0;
        Counts {
            objects: n(Kind::Object),
            payloads: self.payloads,
            fields: n(Kind::Field),
            code_tables: n(Kind::CodeTable),
            codes: n(Kind::Code),
            ranges: n(Kind::CodeRange),
            interfaces: n(Kind::Interface),
            flows: n(Kind::Flow),
            items: self.total(),
            provisional: self.provisional(),
        }
    }
}

fn security_items<'a>(
    s: &'a Security,
    add: &mut impl FnMut(Kind, String, &'a Info, &'a Provenance, Home),
) {
    let mut block = |name: String, info: &'a Info, prov: &'a Provenance| {
        add(Kind::Security, name, info, prov, Home::None);
    };
    block("security".to_owned(), &s.info, &s.prov);
    if let Some(t) = &s.transport {
        block("transport".to_owned(), &t.info, &t.prov);
        if let Some(u) = &t.value.url {
            block("transport URL".to_owned(), &u.info, &u.prov);
            for v in &u.value.variants {
                block(format!("URL variant {}", v.value), &v.info, &v.prov);
            }
        }
    }
    for h in &s.headers {
        block(format!("header {}", h.value.name), &h.info, &h.prov);
    }
    for k in &s.keys {
        block(format!("key {}", k.value.name), &k.info, &k.prov);
    }
    for (name, b) in [
        ("envelope", s.envelope.as_ref().map(|b| (&b.info, &b.prov))),
        (
            "encryption",
            s.encryption.as_ref().map(|b| (&b.info, &b.prov)),
        ),
        (
            "signature",
            s.signature.as_ref().map(|b| (&b.info, &b.prov)),
        ),
        (
            "timestamp",
            s.timestamp.as_ref().map(|b| (&b.info, &b.prov)),
        ),
        ("seq", s.seq.as_ref().map(|b| (&b.info, &b.prov))),
        ("token", s.token.as_ref().map(|b| (&b.info, &b.prov))),
        ("ret", s.ret.as_ref().map(|b| (&b.info, &b.prov))),
    ] {
        if let Some((info, prov)) = b {
            block(name.to_owned(), info, prov);
        }
    }
    if let Some(r) = &s.ret {
        for m in &r.value.messages {
            block(format!("ret message {}", m.value.ret), &m.info, &m.prov);
        }
    }
    for p in &s.processing {
        let step = ProcessingStep::ALL
            .iter()
            .find(|(_, st)| *st == p.value.step)
            .map_or("?", |(n, _)| n);
        block(format!("processing {step}"), &p.info, &p.prov);
    }
    for (name, b) in [
        ("push_ack", s.push_ack.as_ref().map(|b| (&b.info, &b.prov))),
        ("resend", s.resend.as_ref().map(|b| (&b.info, &b.prov))),
        ("paging", s.paging.as_ref().map(|b| (&b.info, &b.prov))),
        ("replay", s.replay.as_ref().map(|b| (&b.info, &b.prov))),
        (
            "key_distribution",
            s.key_distribution.as_ref().map(|b| (&b.info, &b.prov)),
        ),
    ] {
        if let Some((info, prov)) = b {
            block(name.to_owned(), info, prov);
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let p = part as f64 * 100.0 / whole as f64;
    (p * 10.0).round() / 10.0
}

/// The headline counts of an edition, taken from its [`Census`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub objects: usize,
    pub payloads: usize,
    pub fields: usize,
    pub code_tables: usize,
    pub codes: usize,
    pub ranges: usize,
    pub interfaces: usize,
    pub flows: usize,
    /// Every census item (see [`census`](self) for what an item is).
    pub items: usize,
    pub provisional: usize,
}

impl Counts {
    pub fn of(e: &Edition) -> Counts {
        Census::of(e).counts()
    }

    /// The provisional share in percent, one decimal.
    pub fn provisional_percent(&self) -> f64 {
        percent(self.provisional, self.items)
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} objects and {} inline payloads ({} fields), {} code tables ({} codes, {} ranges), {} interfaces, {} flows; {} of {} items provisional ({:.1}%)",
            self.objects,
            self.payloads,
            self.fields,
            self.code_tables,
            self.codes,
            self.ranges,
            self.interfaces,
            self.flows,
            self.provisional,
            self.items,
            self.provisional_percent()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
edition:
  id: tiny
  number: T 1
  zh: 小
  en: Tiny
  provenance: [db2024]
  roles:
    city: {zh: 市, en: City, provenance: [db2024]}
    operator: {zh: 运营商, en: Operator, provenance: [db2024]}
types:
  Id:
    zh: 标识
    en: ID
    type: {string: {len: 9}}
    provenance: [tcec102]
objects:
  Thing:
    zh: 物
    en: Thing
    provenance: [sz2020]
    fields:
      - {wire: Id, zh: 标识, en: ID, type: Id, required: true, provenance: [sz2020]}
      - {wire: Kind, zh: 类, en: Kind, type: {code: T-Kind}, required: false, provenance: [provisional], provisional: true, note: chosen}
code_tables:
  T-Kind:
    zh: 类
    en: Kind
    kind: integer
    open: true
    provenance: [sz2020]
    codes:
      - {code: 1, zh: 一, en: one, provenance: [sz2020]}
      - {code: 2, zh: 二, en: two, provenance: ["analogue(Somewhere)"], provisional: true, note: seen elsewhere}
    ranges:
      - {from: 10, to: 20, zh: 自定义, en: custom, provenance: [tcec102]}
interfaces:
  query_thing:
    zh: 查询
    en: Query
    implementer: operator
    caller: city
    provenance: [provisional]
    provisional: true
    note: chosen
    request:
      fields:
        - {wire: Id, zh: 标识, en: ID, type: Id, required: true, provenance: [sz2020]}
    response:
      object: Thing
flows:
  one:
    number: 1
    zh: 一
    en: One
    provenance: [db2024]
    steps:
      - {interface: query_thing, zh: 查, en: Query, provenance: [provisional], provisional: true, note: chosen}
"#;

    fn tiny() -> Edition {
        let checked = crate::check_texts(vec![("tiny.yaml".to_owned(), SPEC.as_bytes().to_vec())]);
        let rendered = crate::diag::render_all(&checked.sources, &checked.diags.sorted());
        match checked.ir {
            Some(ir) => ir,
            None => panic!("the tiny edition does not check:\n{rendered}"),
        }
    }

    #[test]
    fn every_item_with_its_own_provenance_is_counted_once() {
        let e = tiny();
        let c = Census::of(&e);
        let kinds: Vec<(Kind, usize, usize)> = c.by_kind();
        assert_eq!(
            kinds,
            vec![
                (Kind::Edition, 1, 0),
                (Kind::Role, 2, 0),
                (Kind::NamedType, 1, 0),
                (Kind::Object, 1, 0),
                // Thing's two fields and the inline request payload's one field.
                (Kind::Field, 3, 1),
                (Kind::CodeTable, 1, 0),
                (Kind::Code, 2, 1),
                (Kind::CodeRange, 1, 0),
                (Kind::Interface, 1, 1),
                (Kind::Flow, 1, 0),
                (Kind::Step, 1, 1),
            ]
        );
        assert_eq!(
            c.payloads, 1,
            "the inline request is a payload, not an item"
        );
        assert_eq!(c.total(), 15);
        assert_eq!(c.provisional(), 4);
        assert_eq!(c.provisional_percent(), 26.7);
        let names: Vec<&str> = c.provisional_items().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Thing.Kind",
                "T-Kind 2",
                "query_thing",
                "flow 1 step 1 (query_thing)"
            ]
        );
    }

    #[test]
    fn counts_and_tags_come_from_the_census() {
        let e = tiny();
        let c = Census::of(&e);
        let counts = Counts::of(&e);
        assert_eq!(counts, c.counts());
        assert_eq!(
            (
                counts.objects,
                counts.payloads,
                counts.fields,
                counts.codes,
                counts.ranges
            ),
            (1, 1, 3, 2, 1)
        );
        assert_eq!((counts.items, counts.provisional), (15, 4));
        assert!(
            counts
                .to_string()
                .ends_with("; 4 of 15 items provisional (26.7%)"),
            "{counts}"
        );
        let tags = c.tag_counts();
        assert_eq!(tags.get("provisional"), Some(&3));
        assert_eq!(tags.get("analogue(…)"), Some(&1));
        assert_eq!(tags.get("sz2020"), Some(&5));
        assert_eq!(tags.values().sum::<usize>(), 15);
    }
}
