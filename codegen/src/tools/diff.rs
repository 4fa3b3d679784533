//! `chargespec diff OLD NEW`: every change between two editions' IRs, classified per direction
//! of traffic, with a witness for every breaking change.
//!
//! Pure functions over two [`Edition`]s. Items are matched by name (objects, code tables, flows),
//! fields by wire name and then by aliases (a rename that keeps the old spelling as an alias is
//! not a removal), interfaces by name and route aliases, codes by value.
//!
//! Each change carries two verdicts: a sender built for OLD talking to a receiver built for NEW
//! (`old_to_new`), and a sender built for NEW talking to a receiver built for OLD (`new_to_old`).
//! A verdict that could reject a payload is decided by running both editions' validators (the
//! descriptors of [`crate::descriptors`] interpreted by the runtime): starting from the sender's
//! valid sample of the payload, candidate values are tried until one is accepted by the sender's
//! validator and rejected by the receiver's at the changed field, by the rule the change touches.
//! That payload is the witness. `breaking` is only ever given with such a witness (strict mode);
//! a change that narrows what a receiver accepts but has no witness, or is rejected only by a
//! receiver that enforces provisional rules, is `needs-review`.

use std::collections::{BTreeSet, HashMap};

use bumpalo::Bump;
use chargespec_runtime::Mode;
use chargespec_runtime::schema::{Schema, check_json};
use serde_json::Value;

use crate::emit::samples::{self, J};
use crate::ir::{
    Charset, CodeTable, CodeValue, Edition, Field, Info, Interface, Object, ObjectOrigin, Party,
    Provenance, Requirement, Type,
};

/// The class of a change for one direction of traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Only names, descriptions or notes changed.
    DocOnly,
    /// Only provenance tags or the provisional flag changed.
    ProvenanceOnly,
    /// Every message the sender may send is accepted by the receiver.
    Compatible,
    /// The receiver rejects some messages, but the named tolerance profile accepts them.
    NeedsTolerance(&'static str),
    /// The change may matter on the wire, but no validator can show it (behaviour, keys,
    /// routes of the envelope), or only a receiver enforcing provisional rules rejects it.
    NeedsReview,
    /// The receiver's validator rejects a message the sender's accepts (with a witness).
    Breaking,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::DocOnly => "doc-only",
            Class::ProvenanceOnly => "provenance-only",
            Class::Compatible => "compatible",
            Class::NeedsTolerance(_) => "needs-tolerance",
            Class::NeedsReview => "needs-review",
            Class::Breaking => "breaking",
        }
    }

    /// The tolerance profile, for `needs-tolerance`.
    pub fn profile(self) -> Option<&'static str> {
        match self {
            Class::NeedsTolerance(p) => Some(p),
            _ => None,
        }
    }

    /// `needs-tolerance(fixed-seq)` and the plain name of every other class.
    pub fn label(self) -> String {
        match self {
            Class::NeedsTolerance(p) => format!("needs-tolerance({p})"),
            c => c.name().to_owned(),
        }
    }
}

/// The tolerance profiles a `needs-tolerance` class may name.
pub const PROFILES: [&str; 6] = [
    "numbers-as-strings",
    "empty-string-as-absent",
    "integral-float-as-integer",
    "tcec-core-status",
    "status-array-variant",
    "fixed-seq",
];

/// A payload one side sends and the other side's validator rejects, as checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Witness {
    pub sender: String,
    pub receiver: String,
    /// The interface whose payload this is (request unless `response`), when the object is
    /// reached from one.
    pub interface: Option<String>,
    pub response: bool,
    /// The sender's object the payload is an instance of.
    pub object: String,
    pub payload: Value,
    /// Where the receiver rejects it (RFC 6901; empty for a route refusal).
    pub pointer: String,
    /// The receiver's rule (`required`, `length`, …; `interface` for an unknown route).
    pub rule: String,
    pub message: String,
    /// `strict`, or `enforce-provisional` when only a receiver enforcing provisional rules
    /// rejects it.
    pub mode: &'static str,
}

/// The verdict for one direction.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub class: Class,
    pub witness: Option<Witness>,
}

impl Verdict {
    fn of(class: Class) -> Verdict {
        Verdict {
            class,
            witness: None,
        }
    }
}

/// What part of the edition a change belongs to (the report groups by it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Edition,
    Interface(String),
    Object(String),
    CodeTable(String),
    Flow(String),
    Security,
}

impl Group {
    pub fn title(&self) -> String {
        match self {
            Group::Edition => "Edition".to_owned(),
            Group::Interface(n) => format!("Interface {n}"),
            Group::Object(n) => format!("Object {n}"),
            Group::CodeTable(n) => format!("Code table {n}"),
            Group::Flow(n) => format!("Flow {n}"),
            Group::Security => "Security (chapter 10)".to_owned(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
    Renamed,
    Changed,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Renamed => "renamed",
            Kind::Changed => "changed",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub group: Group,
    /// The item: `objects/StationInfo/StationType`, `interfaces/query_token`, …
    pub item: String,
    /// What of the item changed: `max length`, `requirement`, `code 255`, `description`, …
    pub aspect: String,
    pub kind: Kind,
    pub old: Option<String>,
    pub new: Option<String>,
    pub old_to_new: Verdict,
    pub new_to_old: Verdict,
    pub note: Option<String>,
}

impl Change {
    /// Whether either direction is breaking.
    pub fn breaking(&self) -> bool {
        self.old_to_new.class == Class::Breaking || self.new_to_old.class == Class::Breaking
    }
}

/// Every change from `old` to `new`.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub changes: Vec<Change>,
}

/// The direction of traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// A sender built for OLD, a receiver built for NEW.
    OldToNew,
    /// A sender built for NEW, a receiver built for OLD.
    NewToOld,
}

struct Side<'a> {
    ir: &'a Edition,
    schema: Schema<'a>,
}

/// A mutation of the object at a witness site.
#[derive(Clone, Debug)]
enum Edit {
    Set(String, Value),
    Remove(String),
}

/// Where a change is witnessed: an object of each edition and the changed field's wire name in
/// each (absent on the side that lacks the field).
struct Site<'s> {
    old_obj: &'s str,
    new_obj: &'s str,
    old_field: Option<&'s str>,
    new_field: Option<&'s str>,
}

struct Ctx<'a> {
    old: Side<'a>,
    new: Side<'a>,
    /// Paired objects, old name → new name.
    objects: HashMap<String, String>,
    /// Paired roles, old name → new name.
    roles: HashMap<String, String>,
    changes: Vec<Change>,
}

/// Compares two editions.
pub fn diff(old: &Edition, new: &Edition) -> Diff {
    let bo = Bump::new();
    let bn = Bump::new();
    let mut cx = Ctx {
        old: Side {
            ir: old,
            schema: crate::descriptors::schema(old, &bo),
        },
        new: Side {
            ir: new,
            schema: crate::descriptors::schema(new, &bn),
        },
        objects: HashMap::new(),
        roles: HashMap::new(),
        changes: Vec::new(),
    };
    cx.pair_roles();
    cx.pair_objects();
    cx.edition();
    cx.interfaces();
    cx.objects();
    cx.code_tables();
    cx.flows();
    cx.security();
    Diff {
        old: old.meta.id.clone(),
        new: new.meta.id.clone(),
        changes: cx.changes,
    }
}

// ------------------------------------------------------------------------------------------
// Matching

/// Whether a receiver field accepts a key sent under `wire`.
fn accepts(f: &Field, wire: &str) -> bool {
    f.wire == wire || f.aliases.iter().any(|a| a == wire)
}

/// The fields of two objects, paired by wire name, then by aliases either way (or a shared
/// alias), in the order of the new object; removed fields follow.
pub fn pair_fields<'o>(
    old: &'o Object,
    new: &'o Object,
) -> Vec<(Option<&'o Field>, Option<&'o Field>)> {
    let mut used = vec![false; old.fields.len()];
    let mut out = Vec::new();
    let find = |pred: &dyn Fn(&Field) -> bool, used: &mut Vec<bool>| {
        let i = old
            .fields
            .iter()
            .enumerate()
            .position(|(i, f)| !used[i] && pred(f))?;
        used[i] = true;
        old.fields.get(i)
    };
    let mut pending = Vec::new();
    for n in &new.fields {
        let exact = find(&|o: &Field| o.wire == n.wire, &mut used);
        pending.push((n, exact));
    }
    for (n, exact) in pending {
        let m = exact.or_else(|| {
            find(
                &|o: &Field| {
                    accepts(n, &o.wire)
                        || accepts(o, &n.wire)
                        || o.aliases.iter().any(|a| n.aliases.contains(a))
                },
                &mut used,
            )
        });
        out.push((m, Some(n)));
    }
    for (i, o) in old.fields.iter().enumerate() {
        if !used[i] {
            out.push((Some(o), None));
        }
    }
    out
}

/// An interface of `ir` routed under `name` (its name or a route alias).
fn routed<'e>(ir: &'e Edition, name: &str) -> Option<&'e Interface> {
    ir.interfaces.get(name).or_else(|| {
        ir.interfaces
            .values()
            .find(|i| i.route_aliases.iter().any(|a| a == name))
    })
}

/// The new interface paired with an old one.
fn pair_interface<'e>(new: &'e Edition, old: &Interface) -> Option<&'e Interface> {
    routed(new, &old.name).or_else(|| old.route_aliases.iter().find_map(|a| new.interfaces.get(a)))
}

fn object_of_type(t: &Type) -> Option<&str> {
    match t {
        Type::Object(o) => Some(o),
        Type::Array(a) => object_of_type(&a.items),
        _ => None,
    }
}

fn code_of_type(t: &Type) -> Option<&str> {
    match t {
        Type::Code(c) => Some(c),
        Type::Array(a) => code_of_type(&a.items),
        _ => None,
    }
}

impl Ctx<'_> {
    fn pair_roles(&mut self) {
        let (o, n) = (self.old.ir, self.new.ir);
        let mut free: Vec<&String> = n
            .roles
            .keys()
            .filter(|k| !o.roles.contains_key(*k))
            .collect();
        for k in o.roles.keys() {
            if n.roles.contains_key(k) {
                self.roles.insert(k.clone(), k.clone());
            } else if !free.is_empty() {
                let m = free.remove(0);
                self.roles.insert(k.clone(), m.clone());
            }
        }
    }

    fn pair_objects(&mut self) {
        let (o, n) = (self.old.ir, self.new.ir);
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for name in o.objects.keys() {
            if n.objects.contains_key(name) {
                self.objects.insert(name.clone(), name.clone());
                taken.insert(name.clone());
            }
        }
        let mut pair = |a: &str, b: &str, objects: &mut HashMap<String, String>| {
            if !objects.contains_key(a) && !taken.contains(b) {
                objects.insert(a.to_owned(), b.to_owned());
                taken.insert(b.to_owned());
            }
        };
        for oi in o.interfaces.values() {
            if let Some(ni) = pair_interface(n, oi) {
                pair(&oi.request.object, &ni.request.object, &mut self.objects);
                pair(&oi.response.object, &ni.response.object, &mut self.objects);
            }
        }
        // Objects reached through paired fields of paired objects, to a fixpoint.
        loop {
            let mut found = Vec::new();
            for (a, b) in &self.objects {
                let (Some(oa), Some(nb)) = (o.objects.get(a), n.objects.get(b)) else {
                    continue;
                };
                for (of, nf) in pair_fields(oa, nb) {
                    if let (Some(of), Some(nf)) = (of, nf)
                        && let (Some(x), Some(y)) = (object_of_type(&of.ty), object_of_type(&nf.ty))
                    {
                        found.push((x.to_owned(), y.to_owned()));
                    }
                }
            }
            let before = self.objects.len();
            found.sort();
            for (x, y) in found {
                pair(&x, &y, &mut self.objects);
            }
            if self.objects.len() == before {
                break;
            }
        }
    }

    fn side(&self, dir: Dir) -> (&Side<'_>, &Side<'_>) {
        match dir {
            Dir::OldToNew => (&self.old, &self.new),
            Dir::NewToOld => (&self.new, &self.old),
        }
    }

    fn push(&mut self, c: Change) {
        self.changes.push(c);
    }
}

// ------------------------------------------------------------------------------------------
// Witnesses

/// A witness root: (interface and whether its response, sender object, receiver object, keys
/// from the root down to the site object).
type Root = (Option<(String, bool)>, String, String, Vec<String>);

/// One aspect of a type change: name, old and new text, whether it narrows OLD→NEW and
/// NEW→OLD, and the receiver rules that witness it.
type Aspect<'r> = (&'r str, String, String, bool, bool, &'r [&'r str]);

/// A rule name and the pointer of a receiver violation that would make a witness.
struct Expect<'s> {
    /// The pointer below the site object's pointer (`/Field`, or `` for the object itself).
    at: String,
    rules: &'s [&'s str],
}

/// How a witness is checked against the sender's rules: every rule, provisional ones included
/// (a sender keeps to its whole edition; a witness must not exploit a sender rule that strict
/// validation only warns about).
const SENDER: Mode = Mode::strict().with_provisional(true);

/// Rules of a type change of any kind.
const ANY_VALUE_RULE: &[&str] = &[
    "type",
    "length",
    "charset",
    "pattern",
    "range",
    "scale",
    "text_length",
    "format",
    "items",
    "code",
];
const REQUIRED_RULES: &[&str] = &["required", "required_when"];

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl Ctx<'_> {
    /// Paths from the sender's interface payloads to `obj`: (interface, response, root object,
    /// keys), the receiver's path checked to lead to the paired object. The object itself comes
    /// last, as a root of its own.
    fn roots(&self, dir: Dir, obj: &str, robj: &str) -> Vec<Root> {
        let (s, r) = self.side(dir);
        let mut out = Vec::new();
        for si in s.ir.interfaces.values() {
            let ri = match dir {
                Dir::OldToNew => pair_interface(r.ir, si),
                Dir::NewToOld => {
                    r.ir.interfaces
                        .values()
                        .find(|oi| pair_interface(s.ir, oi).is_some_and(|x| x.name == si.name))
                }
            };
            let Some(ri) = ri else { continue };
            for (resp, sp, rp) in [
                (false, &si.request.object, &ri.request.object),
                (true, &si.response.object, &ri.response.object),
            ] {
                if let Some(keys) = self.path(dir, sp, rp, obj, robj, 0) {
                    out.push((Some((si.name.clone(), resp)), sp.clone(), rp.clone(), keys));
                }
            }
            if out.len() >= 2 {
                break;
            }
        }
        out.push((None, obj.to_owned(), robj.to_owned(), Vec::new()));
        out
    }

    /// Keys from sender object `sp` (paired with receiver `rp`) down to `obj`/`robj`.
    fn path(
        &self,
        dir: Dir,
        sp: &str,
        rp: &str,
        obj: &str,
        robj: &str,
        depth: usize,
    ) -> Option<Vec<String>> {
        if sp == obj {
            return (rp == robj).then(Vec::new);
        }
        if depth > 6 {
            return None;
        }
        let (s, r) = self.side(dir);
        let so = s.ir.objects.get(sp)?;
        let ro = r.ir.objects.get(rp)?;
        let pairs = match dir {
            Dir::OldToNew => pair_fields(so, ro),
            Dir::NewToOld => pair_fields(ro, so)
                .into_iter()
                .map(|(a, b)| (b, a))
                .collect(),
        };
        for (sf, rf) in pairs {
            let (Some(sf), Some(rf)) = (sf, rf) else {
                continue;
            };
            if !accepts(rf, &sf.wire) {
                continue;
            }
            let (Some(x), Some(y)) = (object_of_type(&sf.ty), object_of_type(&rf.ty)) else {
                continue;
            };
            if let Some(mut rest) = self.path(dir, x, y, obj, robj, depth + 1) {
                let mut keys = vec![sf.wire.clone()];
                if matches!(sf.ty, Type::Array(_)) {
                    keys.push("0".to_owned());
                }
                keys.append(&mut rest);
                return Some(keys);
            }
        }
        None
    }

    /// Searches a witness at `site` for `dir`: each candidate is a list of edits of the site
    /// object. Returns the first witness no tolerance profile accepts, else the first one a
    /// profile accepts (with the profile), in strict mode; else one under enforced
    /// provisional rules.
    fn witness(
        &self,
        dir: Dir,
        site: &Site<'_>,
        candidates: &[Vec<Edit>],
        expect: &Expect<'_>,
    ) -> Option<(Witness, Option<&'static str>)> {
        let (s, r) = self.side(dir);
        let (sobj, robj) = match dir {
            Dir::OldToNew => (site.old_obj, site.new_obj),
            Dir::NewToOld => (site.new_obj, site.old_obj),
        };
        let (sfield, rfield) = match dir {
            Dir::OldToNew => (site.old_field, site.new_field),
            Dir::NewToOld => (site.new_field, site.old_field),
        };
        let rdesc = r.ir.objects.get(robj)?;
        // `X` as one object on one side and `Xs` as an array of them on the other.
        let field_ty = |ir: &'_ Edition, o: &str, w: Option<&str>| {
            ir.objects
                .get(o)
                .and_then(|o| o.fields.iter().find(|f| Some(f.wire.as_str()) == w))
                .map(|f| f.ty.clone())
        };
        let array_variant = match (field_ty(s.ir, sobj, sfield), field_ty(r.ir, robj, rfield)) {
            (Some(Type::Object(_)), Some(Type::Array(a)))
            | (Some(Type::Array(a)), Some(Type::Object(_))) => {
                matches!(a.items, Type::Object(_))
                    && sfield
                        .zip(rfield)
                        .is_some_and(|(x, y)| format!("{x}s") == y || format!("{y}s") == x)
            }
            _ => false,
        };
        for (mode, mode_name) in [
            (Mode::strict(), "strict"),
            (Mode::strict().with_provisional(true), "enforce-provisional"),
        ] {
            let mut tolerated: Option<(Witness, &'static str)> = None;
            for (iface, sroot, rroot, keys) in self.roots(dir, sobj, robj) {
                let (Some(sidx), Some(ridx)) = (s.schema.object(&sroot), r.schema.object(&rroot))
                else {
                    continue;
                };
                let Some(so) = s.ir.objects.get(&sroot) else {
                    continue;
                };
                let Some(base) = samples::object_sample(s.ir, so, 0).map(|j| j.to_value()) else {
                    continue;
                };
                if check_json(&s.schema, sidx, &base, SENDER)
                    .errors()
                    .next()
                    .is_some()
                {
                    continue;
                }
                let prefix: String = keys
                    .iter()
                    .map(|k| format!("/{}", pointer_escape(k)))
                    .collect();
                let at = format!("{prefix}{}", expect.at);
                for edits in candidates {
                    let mut payload = base.clone();
                    let Some(target) = payload.pointer_mut(&prefix).and_then(Value::as_object_mut)
                    else {
                        break;
                    };
                    for e in edits {
                        match e {
                            Edit::Set(k, v) => {
                                target.insert(k.clone(), v.clone());
                            }
                            Edit::Remove(k) => {
                                target.remove(k);
                            }
                        }
                    }
                    if check_json(&s.schema, sidx, &payload, SENDER)
                        .errors()
                        .next()
                        .is_some()
                    {
                        continue;
                    }
                    let report = check_json(&r.schema, ridx, &payload, mode);
                    let below = format!("{at}/");
                    let errors: Vec<_> = report
                        .errors()
                        .filter(|v| v.path == at || v.path.starts_with(&below))
                        .collect();
                    let Some(hit) = errors
                        .iter()
                        .find(|v| expect.rules.contains(&v.rule.name()))
                    else {
                        continue;
                    };
                    let w = Witness {
                        sender: s.ir.meta.id.clone(),
                        receiver: r.ir.meta.id.clone(),
                        interface: iface.as_ref().map(|(n, _)| n.clone()),
                        response: iface.as_ref().is_some_and(|(_, resp)| *resp),
                        object: sroot.clone(),
                        pointer: hit.path.clone(),
                        rule: hit.rule.name().to_owned(),
                        message: hit.rule.to_string(),
                        mode: mode_name,
                        payload: payload.clone(),
                    };
                    let value_at = payload.pointer(&hit.path).cloned();
                    match tolerance(rdesc, array_variant, rfield, &errors, value_at.as_ref()) {
                        None => return Some((w, None)),
                        Some(p) => {
                            if tolerated.is_none() {
                                tolerated = Some((w, p));
                            }
                        }
                    }
                }
            }
            if let Some((w, p)) = tolerated {
                return Some((w, Some(p)));
            }
        }
        None
    }

    /// The verdict for `dir` of a change that may reject payloads: breaking with a strict
    /// witness (or needs-tolerance when a profile accepts every one found), needs-review with
    /// a provisional-only witness or when `narrows` says it might reject but no witness was
    /// found, compatible otherwise.
    fn decide(
        &self,
        dir: Dir,
        site: &Site<'_>,
        candidates: &[Vec<Edit>],
        expect: &Expect<'_>,
        narrows: bool,
    ) -> Verdict {
        match self.witness(dir, site, candidates, expect) {
            Some((w, p)) if w.mode == "strict" => Verdict {
                class: p.map_or(Class::Breaking, Class::NeedsTolerance),
                witness: Some(w),
            },
            Some((w, _)) => Verdict {
                class: Class::NeedsReview,
                witness: Some(w),
            },
            None if narrows => Verdict::of(Class::NeedsReview),
            None => Verdict::of(Class::Compatible),
        }
    }
}

/// The tolerance profile that accepts every receiver error of a witness, if one does.
fn tolerance(
    robj: &Object,
    array_variant: bool,
    rfield: Option<&str>,
    errors: &[&chargespec_runtime::Violation],
    value: Option<&Value>,
) -> Option<&'static str> {
    let names: Vec<&str> = errors.iter().map(|v| v.rule.name()).collect();
    if names.iter().all(|n| *n == "required") {
        if array_variant {
            return Some("status-array-variant");
        }
        if robj.name == "ConnectorStatusInfo" {
            return Some("tcec-core-status");
        }
    }
    if names.iter().all(|n| *n == "type") {
        match value {
            Some(Value::String(s)) if s.trim().parse::<f64>().is_ok() => {
                return Some("numbers-as-strings");
            }
            Some(Value::Number(n)) => {
                let t = n.to_string();
                if let Some((_, frac)) = t.split_once('.')
                    && frac.chars().all(|c| c == '0')
                {
                    return Some("integral-float-as-integer");
                }
            }
            _ => {}
        }
    }
    if let Some(Value::String(s)) = value
        && s.is_empty()
        && let Some(f) = rfield.and_then(|w| robj.fields.iter().find(|f| f.wire == w))
        && f.requirement == Requirement::Optional
    {
        return Some("empty-string-as-absent");
    }
    None
}

// ------------------------------------------------------------------------------------------
// Candidate values

fn jv(j: &J) -> Value {
    j.to_value()
}

fn num(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn push_unique(out: &mut Vec<Value>, v: Value) {
    if !v.is_null() && !out.contains(&v) {
        out.push(v);
    }
}

/// Values to try for a field whose type is `s` in the sender and `r` in the receiver.
fn values(sir: &Edition, s: &Type, rir: &Edition, r: &Type) -> Vec<Value> {
    let mut out = Vec::new();
    for (ir, t) in [(sir, s), (rir, r)] {
        if let Some(j) = samples::sample(ir, t, 0) {
            push_unique(&mut out, jv(&j));
        }
    }
    for (ir, t) in [(sir, s), (rir, r)] {
        scalar_values(ir, t, &mut out);
    }
    if let (Type::Array(sa), Type::Array(ra)) = (s, r) {
        let mut counts: BTreeSet<u32> = [0, 1, 2].into_iter().collect();
        for b in [sa.min_items, sa.max_items, ra.min_items, ra.max_items]
            .into_iter()
            .flatten()
        {
            counts.extend([b.saturating_sub(1), b, b.saturating_add(1)]);
        }
        if let Some(item) = samples::sample(sir, &sa.items, 1) {
            for n in counts.into_iter().filter(|n| *n <= 200) {
                push_unique(&mut out, Value::Array(vec![jv(&item); n as usize]));
            }
        }
        let mut items = Vec::new();
        scalar_values(sir, &sa.items, &mut items);
        scalar_values(rir, &ra.items, &mut items);
        for v in items {
            push_unique(&mut out, Value::Array(vec![v]));
        }
    }
    out
}

fn lengths(bounds: &[Option<u32>]) -> BTreeSet<u32> {
    let mut set: BTreeSet<u32> = [1, 4].into_iter().collect();
    for b in bounds.iter().flatten() {
        set.extend([b.saturating_sub(1), *b, b.saturating_add(1)]);
    }
    set.into_iter().filter(|n| *n <= 2000).collect()
}

fn scalar_values(ir: &Edition, t: &Type, out: &mut Vec<Value>) {
    match t {
        Type::String(st) => {
            let base = samples::sample(ir, t, 0).and_then(|j| match j {
                J::Str(s) => Some(s),
                _ => None,
            });
            for n in lengths(&[st.min_len, st.max_len]) {
                for c in [samples::base_char(st.charset), '1', 'A', 'a'] {
                    push_unique(out, Value::String(samples::fill(c, n)));
                }
                if let Some(b) = &base {
                    let len = b.chars().count() as u32;
                    let text: String = if n <= len {
                        b.chars().take(n as usize).collect()
                    } else {
                        let last = b.chars().last().unwrap_or('1');
                        format!("{b}{}", samples::fill(last, n - len))
                    };
                    push_unique(out, Value::String(text));
                }
            }
            for s in ["", "aB3-", "中文", "A b", "0x1F", "abcdef"] {
                push_unique(out, Value::String(s.to_owned()));
            }
            push_unique(out, num("1"));
        }
        Type::Integer(i) => {
            let mut set: BTreeSet<i64> = [0, 1, -1].into_iter().collect();
            for b in [i.min, i.max].into_iter().flatten() {
                set.extend([b.saturating_sub(1), b, b.saturating_add(1)]);
            }
            if let Some(m) = i.max_text_len {
                set.insert(10_i64.saturating_pow(m.min(18)));
            }
            for v in set {
                push_unique(out, num(&v.to_string()));
            }
            push_unique(out, Value::String("1".into()));
            push_unique(out, num("1.0"));
            push_unique(out, num("1.5"));
        }
        Type::Decimal(d) => {
            let mut ints: BTreeSet<i64> = [0, 1].into_iter().collect();
            #[allow(clippy::cast_possible_truncation)]
            for b in [d.min, d.max].into_iter().flatten() {
                let b = b.round() as i64;
                ints.extend([b.saturating_sub(1), b, b.saturating_add(1)]);
            }
            let mut texts = Vec::new();
            for i in ints {
                texts.push(i.to_string());
                for frac in ["5", "05", "005", "0005", "00005"] {
                    texts.push(format!("{i}.{frac}"));
                }
            }
            if let Some(m) = d.max_text_len {
                texts.push(format!("1.{}", "1".repeat(m as usize)));
                texts.push("1".repeat(m as usize + 1));
            }
            for t in texts {
                push_unique(out, num(&t));
                push_unique(out, Value::String(t));
            }
        }
        Type::DateTime(_) => {
            for s in [
                "2024-12-31",
                "2024-12-31 23:59:59",
                "20241231235959",
                "235959",
                "23:59:59",
                "2024-12-31T23:59:59",
            ] {
                push_unique(out, Value::String(s.to_owned()));
            }
        }
        Type::Code(name) => {
            if let Some(t) = ir.code_tables.get(name) {
                for c in &t.codes {
                    push_unique(out, code_json(&c.value));
                }
                for r in &t.ranges {
                    push_unique(out, num(&r.from.to_string()));
                    push_unique(out, num(&r.to.to_string()));
                }
            }
            if let Some(u) = samples::unknown_code(ir, name) {
                push_unique(out, jv(&u));
            }
        }
        Type::Array(_) | Type::Object(_) => {}
    }
}

fn code_json(v: &CodeValue) -> Value {
    match v {
        CodeValue::Int(i) => num(&i.to_string()),
        CodeValue::Str(s) => Value::String(s.clone()),
    }
}

fn sets(wire: &str, values: Vec<Value>) -> Vec<Vec<Edit>> {
    values
        .into_iter()
        .map(|v| vec![Edit::Set(wire.to_owned(), v)])
        .collect()
}

// ------------------------------------------------------------------------------------------
// Rendering values

fn type_text(t: &Type) -> String {
    crate::ir::summary_type_text(t)
}

fn requirement_text(r: &Requirement) -> String {
    match r {
        Requirement::Required => "required".to_owned(),
        Requirement::Optional => "optional".to_owned(),
        Requirement::Conditional(c) => {
            format!("required when {}", crate::descriptors::condition_text(c))
        }
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

fn party_text(p: &Party) -> String {
    p.to_string()
}

/// Whether receiver table `r` of `rir` may refuse a code of sender table `s` of `sir`.
fn table_narrows(sir: &Edition, s: &str, rir: &Edition, r: &str) -> bool {
    let (Some(s), Some(r)) = (sir.code_tables.get(s), rir.code_tables.get(r)) else {
        return true;
    };
    if r.open {
        return false;
    }
    let known = |v: &CodeValue| {
        r.codes.iter().any(|c| &c.value == v)
            || matches!(v, CodeValue::Int(i) if r.ranges.iter().any(|x| (x.from..=x.to).contains(i)))
    };
    s.open
        || s.kind != r.kind
        || s.codes.iter().any(|c| !known(&c.value))
        || s.ranges
            .iter()
            .any(|x| !r.ranges.iter().any(|y| y.from <= x.from && x.to <= y.to))
}

fn charset_rank(c: Charset) -> u8 {
    match c {
        Charset::Any => 5,
        Charset::Ascii => 4,
        Charset::Alphanumeric => 3,
        Charset::Hex => 2,
        Charset::UpperHex => 1,
        Charset::Digits => 0,
    }
}

/// Whether an upper bound `r` admits less than `s` (`None`: unbounded).
fn lower_max<T: PartialOrd>(s: Option<T>, r: Option<T>) -> bool {
    match (s, r) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(s), Some(r)) => r < s,
    }
}

/// Whether a lower bound `r` admits less than `s` (`None`: unbounded).
fn higher_min<T: PartialOrd>(s: Option<T>, r: Option<T>) -> bool {
    match (s, r) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(s), Some(r)) => r > s,
    }
}

// ------------------------------------------------------------------------------------------
// Documentation and provenance

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn simple(
        &mut self,
        group: &Group,
        item: &str,
        aspect: &str,
        kind: Kind,
        old: Option<String>,
        new: Option<String>,
        o2n: Class,
        n2o: Class,
        note: Option<&str>,
    ) {
        self.push(Change {
            group: group.clone(),
            item: item.to_owned(),
            aspect: aspect.to_owned(),
            kind,
            old,
            new,
            old_to_new: Verdict::of(o2n),
            new_to_old: Verdict::of(n2o),
            note: note.map(str::to_owned),
        });
    }

    fn doc(&mut self, group: &Group, item: &str, aspect: &str, old: &str, new: &str) {
        if old != new {
            self.simple(
                group,
                item,
                aspect,
                Kind::Changed,
                Some(old.to_owned()),
                Some(new.to_owned()),
                Class::DocOnly,
                Class::DocOnly,
                None,
            );
        }
    }

    fn info(&mut self, group: &Group, item: &str, old: &Info, new: &Info) {
        self.doc(group, item, "zh", &old.zh, &new.zh);
        self.doc(group, item, "en", &old.en, &new.en);
        self.doc(
            group,
            item,
            "description",
            old.description.as_deref().unwrap_or(""),
            new.description.as_deref().unwrap_or(""),
        );
        self.doc(
            group,
            item,
            "section",
            old.section.as_deref().unwrap_or(""),
            new.section.as_deref().unwrap_or(""),
        );
    }

    fn prov(&mut self, group: &Group, item: &str, old: &Provenance, new: &Provenance) {
        let (a, b) = (old.tags_text(), new.tags_text());
        if a != b {
            self.simple(
                group,
                item,
                "provenance",
                Kind::Changed,
                Some(a),
                Some(b),
                Class::ProvenanceOnly,
                Class::ProvenanceOnly,
                None,
            );
        }
        if old.provisional != new.provisional {
            self.simple(group, item, "provisional", Kind::Changed, Some(old.provisional.to_string()), Some(new.provisional.to_string()), Class::ProvenanceOnly, Class::ProvenanceOnly, Some("strict receivers report violations of provisional rules as warnings, not errors"));
        }
        self.doc(
            group,
            item,
            "note",
            old.note.as_deref().unwrap_or(""),
            new.note.as_deref().unwrap_or(""),
        );
    }

    fn info_prov(
        &mut self,
        group: &Group,
        item: &str,
        oi: &Info,
        op: &Provenance,
        ni: &Info,
        np: &Provenance,
    ) {
        self.info(group, item, oi, ni);
        self.prov(group, item, op, np);
    }
}

// ------------------------------------------------------------------------------------------
// Edition

impl Ctx<'_> {
    fn edition(&mut self) {
        let (o, n) = (self.old.ir, self.new.ir);
        let g = Group::Edition;
        self.doc(&g, "edition", "number", &o.meta.number, &n.meta.number);
        self.info_prov(
            &g,
            "edition",
            &o.meta.info,
            &o.meta.prov,
            &n.meta.info,
            &n.meta.prov,
        );
        self.doc(
            &g,
            "edition",
            "replaces",
            o.meta.replaces.as_deref().unwrap_or(""),
            n.meta.replaces.as_deref().unwrap_or(""),
        );
        let mut pairs: Vec<(String, String)> = self
            .roles
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        pairs.sort_by_key(|(a, _)| o.roles.get_index_of(a));
        for (a, b) in pairs {
            let item = format!("roles/{b}");
            if a != b {
                self.simple(&g, &item, "name", Kind::Renamed, Some(a.clone()), Some(b.clone()), Class::DocOnly, Class::DocOnly, Some("roles are paired by name, else in declaration order; role names are not on the wire"));
            }
            if let (Some(x), Some(y)) = (o.roles.get(&a), n.roles.get(&b)) {
                self.info_prov(&g, &item, &x.info, &x.prov, &y.info, &y.prov);
            }
        }
        for k in o
            .roles
            .keys()
            .filter(|k| !self.roles.contains_key(*k))
            .cloned()
            .collect::<Vec<_>>()
        {
            self.simple(
                &g,
                &format!("roles/{k}"),
                "role",
                Kind::Removed,
                Some(k.clone()),
                None,
                Class::NeedsReview,
                Class::NeedsReview,
                Some("the interfaces this role calls or implements are compared below"),
            );
        }
        let paired: BTreeSet<&String> = self.roles.values().collect();
        for k in n
            .roles
            .keys()
            .filter(|k| !paired.contains(k))
            .cloned()
            .collect::<Vec<_>>()
        {
            self.simple(
                &g,
                &format!("roles/{k}"),
                "role",
                Kind::Added,
                None,
                Some(k.clone()),
                Class::NeedsReview,
                Class::NeedsReview,
                Some("the interfaces this role calls or implements are compared below"),
            );
        }
    }

    fn role(&self, p: &Party) -> Party {
        match p {
            Party::Both => Party::Both,
            Party::Role(r) => Party::Role(self.roles.get(r).cloned().unwrap_or_else(|| r.clone())),
        }
    }
}

// ------------------------------------------------------------------------------------------
// Interfaces

impl Ctx<'_> {
    /// A route witness: the sender's request sample of `iface`, accepted by the sender, for
    /// which the receiver routes no interface.
    fn route_witness(&self, dir: Dir, iface: &Interface, called: &str) -> Verdict {
        let (s, r) = self.side(dir);
        let Some(obj) = s.ir.objects.get(&iface.request.object) else {
            return Verdict::of(Class::NeedsReview);
        };
        let (Some(idx), Some(payload)) = (
            s.schema.object(&obj.name),
            samples::object_sample(s.ir, obj, 0).map(|j| j.to_value()),
        ) else {
            return Verdict::of(Class::NeedsReview);
        };
        if check_json(&s.schema, idx, &payload, SENDER)
            .errors()
            .next()
            .is_some()
        {
            return Verdict::of(Class::NeedsReview);
        }
        if routed(r.ir, called).is_some() {
            return Verdict::of(Class::Compatible);
        }
        Verdict {
            class: Class::Breaking,
            witness: Some(Witness {
                sender: s.ir.meta.id.clone(),
                receiver: r.ir.meta.id.clone(),
                interface: Some(called.to_owned()),
                response: false,
                object: obj.name.clone(),
                payload,
                pointer: String::new(),
                rule: "interface".to_owned(),
                message: format!(
                    "{} routes no interface `{called}` (neither a name nor a route alias)",
                    r.ir.meta.id
                ),
                mode: "strict",
            }),
        }
    }

    fn interfaces(&mut self) {
        let (o, n) = (self.old.ir, self.new.ir);
        let mut seen_new = BTreeSet::new();
        for oi in o.interfaces.values() {
            let g = Group::Interface(oi.name.clone());
            let item = format!("interfaces/{}", oi.name);
            let Some(ni) = pair_interface(n, oi) else {
                let o2n = self.route_witness(Dir::OldToNew, oi, &oi.name);
                self.push(Change {
                    group: g,
                    item,
                    aspect: "interface".into(),
                    kind: Kind::Removed,
                    old: Some(oi.name.clone()),
                    new: None,
                    old_to_new: o2n,
                    new_to_old: Verdict::of(Class::Compatible),
                    note: Some(format!("a sender built for {} never calls it", n.meta.id)),
                });
                continue;
            };
            seen_new.insert(ni.name.clone());
            let g = Group::Interface(ni.name.clone());
            if ni.name != oi.name {
                let o2n = self.route_witness(Dir::OldToNew, oi, &oi.name);
                let n2o = self.route_witness(Dir::NewToOld, ni, &ni.name);
                self.push(Change {
                    group: g.clone(),
                    item: item.clone(),
                    aspect: "name".into(),
                    kind: Kind::Renamed,
                    old: Some(oi.name.clone()),
                    new: Some(ni.name.clone()),
                    old_to_new: o2n,
                    new_to_old: n2o,
                    note: Some("paired by route alias".into()),
                });
            }
            let item = format!("interfaces/{}", ni.name);
            let (oa, na) = (oi.route_aliases.clone(), ni.route_aliases.clone());
            if oa != na {
                self.simple(
                    &g,
                    &item,
                    "route aliases",
                    Kind::Changed,
                    Some(list(&oa)),
                    Some(list(&na)),
                    Class::Compatible,
                    Class::Compatible,
                    Some("senders of either edition call the interface's name"),
                );
            }
            self.info_prov(&g, &item, &oi.info, &oi.prov, &ni.info, &ni.prov);
            for (aspect, a, b) in [
                (
                    "implementer",
                    self.role(&oi.implementer),
                    ni.implementer.clone(),
                ),
                ("caller", self.role(&oi.caller), ni.caller.clone()),
            ] {
                if a != b {
                    self.simple(&g, &item, aspect, Kind::Changed, Some(party_text(&a)), Some(party_text(&b)), Class::NeedsReview, Class::NeedsReview, Some("the direction of the call changes: a peer of the other edition neither calls nor serves it the same way"));
                }
            }
            if oi.auth != ni.auth {
                self.simple(
                    &g,
                    &item,
                    "auth",
                    Kind::Changed,
                    Some(format!("{:?}", oi.auth)),
                    Some(format!("{:?}", ni.auth)),
                    Class::NeedsReview,
                    Class::NeedsReview,
                    Some("the token requirement of the call changes"),
                );
            }
            if oi.optional != ni.optional {
                self.simple(&g, &item, "optional", Kind::Changed, Some(oi.optional.to_string()), Some(ni.optional.to_string()), Class::Compatible, Class::Compatible, Some("whether a platform must implement it; a call of an unimplemented interface is refused"));
            }
            for (aspect, a, b) in [
                ("trigger", &oi.trigger, &ni.trigger),
                ("frequency", &oi.frequency, &ni.frequency),
            ] {
                self.doc(
                    &g,
                    &item,
                    aspect,
                    a.as_deref().unwrap_or(""),
                    b.as_deref().unwrap_or(""),
                );
            }
            for (aspect, a, b) in [
                ("request payload", &oi.request, &ni.request),
                ("response payload", &oi.response, &ni.response),
            ] {
                let paired = self.objects.get(&a.object) == Some(&b.object);
                if a.object != b.object {
                    let (c, note) = if paired {
                        (
                            Class::Compatible,
                            "the object's name is not on the wire; its fields are compared under the new object",
                        )
                    } else {
                        (
                            Class::NeedsReview,
                            "a different object, not paired with the old one",
                        )
                    };
                    self.simple(
                        &g,
                        &item,
                        aspect,
                        Kind::Changed,
                        Some(a.object.clone()),
                        Some(b.object.clone()),
                        c,
                        c,
                        Some(note),
                    );
                }
                self.doc(
                    &g,
                    &item,
                    &format!("{aspect} description"),
                    a.description.as_deref().unwrap_or(""),
                    b.description.as_deref().unwrap_or(""),
                );
            }
            let (op, np) = (oi.paging.as_ref(), ni.paging.as_ref());
            let text = |p: Option<&crate::ir::Paging>| {
                p.map_or_else(
                    || "none".to_owned(),
                    |p| {
                        format!(
                            "{}/{} → {}/{}/{}",
                            p.page_no, p.page_size, p.page_count, p.item_count, p.items
                        )
                    },
                )
            };
            if text(op) != text(np) {
                self.simple(
                    &g,
                    &item,
                    "paging",
                    Kind::Changed,
                    Some(text(op)),
                    Some(text(np)),
                    Class::NeedsReview,
                    Class::NeedsReview,
                    Some("the paging fields themselves are compared with the payload objects"),
                );
            }
            let defaults = |p: Option<&crate::ir::Paging>| {
                p.map_or_else(String::new, |p| {
                    format!(
                        "PageNo {} PageSize {}",
                        opt(p.default_page_no),
                        opt(p.default_page_size)
                    )
                })
            };
            if defaults(op) != defaults(np) && op.is_some() && np.is_some() {
                self.simple(
                    &g,
                    &item,
                    "paging defaults",
                    Kind::Changed,
                    Some(defaults(op)),
                    Some(defaults(np)),
                    Class::Compatible,
                    Class::Compatible,
                    Some("a caller omitting PageNo/PageSize gets another page"),
                );
            }
        }
        for ni in n
            .interfaces
            .values()
            .filter(|i| !seen_new.contains(&i.name))
        {
            let n2o = self.route_witness(Dir::NewToOld, ni, &ni.name);
            self.push(Change {
                group: Group::Interface(ni.name.clone()),
                item: format!("interfaces/{}", ni.name),
                aspect: "interface".into(),
                kind: Kind::Added,
                old: None,
                new: Some(ni.name.clone()),
                old_to_new: Verdict::of(Class::Compatible),
                new_to_old: n2o,
                note: Some(format!("a sender built for {} never calls it", o.meta.id)),
            });
        }
    }
}

// ------------------------------------------------------------------------------------------
// Objects and fields

/// The group of an object: its interface for inline payloads.
fn object_group(o: &Object) -> Group {
    match &o.origin {
        ObjectOrigin::Payload { interface, .. } => Group::Interface(interface.clone()),
        ObjectOrigin::Declared => Group::Object(o.name.clone()),
    }
}

impl Ctx<'_> {
    fn objects(&mut self) {
        let (o, n) = (self.old.ir, self.new.ir);
        let paired_new: BTreeSet<String> = self.objects.values().cloned().collect();
        for oo in o.objects.values() {
            let Some(nn) = self.objects.get(&oo.name).and_then(|x| n.objects.get(x)) else {
                let g = object_group(oo);
                self.simple(&g, &format!("objects/{}", oo.name), "object", Kind::Removed, Some(oo.name.clone()), None, Class::Compatible, Class::Compatible, Some("an object is only sent as a payload or a field; those changes are classified where they are"));
                continue;
            };
            self.object(oo, nn);
        }
        for nn in n.objects.values().filter(|x| !paired_new.contains(&x.name)) {
            let g = object_group(nn);
            self.simple(&g, &format!("objects/{}", nn.name), "object", Kind::Added, None, Some(nn.name.clone()), Class::Compatible, Class::Compatible, Some("an object is only sent as a payload or a field; those changes are classified where they are"));
        }
    }

    fn object(&mut self, oo: &Object, nn: &Object) {
        let g = object_group(nn);
        let item = format!("objects/{}", nn.name);
        if oo.name != nn.name {
            self.simple(
                &g,
                &item,
                "name",
                Kind::Renamed,
                Some(oo.name.clone()),
                Some(nn.name.clone()),
                Class::DocOnly,
                Class::DocOnly,
                Some("object names are not on the wire"),
            );
        }
        self.info_prov(&g, &item, &oo.info, &oo.prov, &nn.info, &nn.prov);
        let ot: Vec<String> = oo
            .constraints
            .iter()
            .map(crate::descriptors::one_of_text)
            .collect();
        let nt: Vec<String> = nn
            .constraints
            .iter()
            .map(crate::descriptors::one_of_text)
            .collect();
        if ot != nt {
            let site = Site {
                old_obj: &oo.name,
                new_obj: &nn.name,
                old_field: None,
                new_field: None,
            };
            let mut cands: Vec<Vec<Edit>> = vec![vec![]];
            for f in oo.fields.iter().chain(nn.fields.iter()) {
                cands.push(vec![Edit::Remove(f.wire.clone())]);
            }
            let expect = Expect {
                at: String::new(),
                rules: &["exactly_one_of"],
            };
            let o2n = self.decide(Dir::OldToNew, &site, &cands, &expect, !nt.is_empty());
            let n2o = self.decide(Dir::NewToOld, &site, &cands, &expect, !ot.is_empty());
            self.push(Change {
                group: g.clone(),
                item: item.clone(),
                aspect: "exactly one of".into(),
                kind: Kind::Changed,
                old: Some(list(&ot)),
                new: Some(list(&nt)),
                old_to_new: o2n,
                new_to_old: n2o,
                note: None,
            });
        }
        for (of, nf) in pair_fields(oo, nn) {
            match (of, nf) {
                (Some(of), Some(nf)) => self.field(oo, nn, of, nf),
                (None, Some(nf)) => self.field_added(oo, nn, nf, Dir::OldToNew),
                (Some(of), None) => self.field_added(oo, nn, of, Dir::NewToOld),
                (None, None) => {}
            }
        }
    }

    /// Edits that make a conditional requirement hold (or not) at the site object.
    fn requirement_candidates(f: &Field, others: &[&Requirement]) -> Vec<Vec<Edit>> {
        let mut cands = vec![vec![Edit::Remove(f.wire.clone())]];
        for r in others {
            if let Requirement::Conditional(c) = r {
                for v in &c.values {
                    cands.push(vec![
                        Edit::Set(c.field.clone(), code_json(v)),
                        Edit::Remove(f.wire.clone()),
                    ]);
                }
            }
        }
        cands
    }

    /// A field present only on one side: `dir` is the direction in which the side that has
    /// the field receives (`OldToNew`: added in NEW; `NewToOld`: removed from NEW).
    fn field_added(&mut self, oo: &Object, nn: &Object, f: &Field, dir: Dir) {
        let g = object_group(nn);
        let item = format!("objects/{}/{}", nn.name, f.wire);
        let (old_field, new_field) = match dir {
            Dir::OldToNew => (None, Some(f.wire.as_str())),
            Dir::NewToOld => (Some(f.wire.as_str()), None),
        };
        let site = Site {
            old_obj: &oo.name,
            new_obj: &nn.name,
            old_field,
            new_field,
        };
        let cands = Self::requirement_candidates(f, &[&f.requirement]);
        let expect = Expect {
            at: format!("/{}", pointer_escape(&f.wire)),
            rules: REQUIRED_RULES,
        };
        let narrows = f.requirement != Requirement::Optional;
        let recv = self.decide(dir, &site, &cands, &expect, narrows);
        let unknown = Verdict::of(Class::Compatible);
        let (kind, old, new, o2n, n2o) = match dir {
            Dir::OldToNew => (
                Kind::Added,
                None,
                Some(format!(
                    "{} {}",
                    type_text(&f.ty),
                    requirement_text(&f.requirement)
                )),
                recv,
                unknown,
            ),
            Dir::NewToOld => (
                Kind::Removed,
                Some(format!(
                    "{} {}",
                    type_text(&f.ty),
                    requirement_text(&f.requirement)
                )),
                None,
                unknown,
                recv,
            ),
        };
        self.push(Change {
            group: g,
            item,
            aspect: "field".into(),
            kind,
            old,
            new,
            old_to_new: o2n,
            new_to_old: n2o,
            note: Some(
                "a receiver ignores keys it does not know and refuses a payload lacking a field it requires".into(),
            ),
        });
    }

    fn field(&mut self, oo: &Object, nn: &Object, of: &Field, nf: &Field) {
        let g = object_group(nn);
        let item = format!("objects/{}/{}", nn.name, nf.wire);
        let site = Site {
            old_obj: &oo.name,
            new_obj: &nn.name,
            old_field: Some(&of.wire),
            new_field: Some(&nf.wire),
        };
        let at_new = format!("/{}", pointer_escape(&nf.wire));
        let at_old = format!("/{}", pointer_escape(&of.wire));
        // The wire name: a sender sends its own; the receiver reads its wire name and aliases.
        if of.wire != nf.wire {
            let cands = vec![vec![]];
            let o2n = if accepts(nf, &of.wire) {
                Verdict::of(Class::Compatible)
            } else {
                self.decide(
                    Dir::OldToNew,
                    &site,
                    &cands,
                    &Expect {
                        at: at_new.clone(),
                        rules: REQUIRED_RULES,
                    },
                    nf.requirement != Requirement::Optional,
                )
            };
            let n2o = if accepts(of, &nf.wire) {
                Verdict::of(Class::Compatible)
            } else {
                self.decide(
                    Dir::NewToOld,
                    &site,
                    &cands,
                    &Expect {
                        at: at_old.clone(),
                        rules: REQUIRED_RULES,
                    },
                    of.requirement != Requirement::Optional,
                )
            };
            self.push(Change {
                group: g.clone(),
                item: item.clone(),
                aspect: "wire name".into(),
                kind: Kind::Renamed,
                old: Some(of.wire.clone()),
                new: Some(nf.wire.clone()),
                old_to_new: o2n,
                new_to_old: n2o,
                note: Some(
                    "paired by alias; a receiver reads its wire name and its aliases".into(),
                ),
            });
        }
        if of.aliases != nf.aliases {
            self.simple(&g, &item, "aliases", Kind::Changed, Some(list(&of.aliases)), Some(list(&nf.aliases)), Class::Compatible, Class::Compatible, Some("senders of either edition send the wire name; aliases only widen what a receiver reads"));
        }
        self.doc(
            &g,
            &item,
            "misspelling of",
            of.misspelling_of.as_deref().unwrap_or(""),
            nf.misspelling_of.as_deref().unwrap_or(""),
        );
        self.info_prov(&g, &item, &of.info, &of.prov, &nf.info, &nf.prov);
        self.doc(
            &g,
            &item,
            "unit",
            of.unit.as_deref().unwrap_or(""),
            nf.unit.as_deref().unwrap_or(""),
        );
        let dflt = |f: &Field| {
            f.default
                .as_ref()
                .map_or_else(String::new, |v| format!("{v:?}"))
        };
        if dflt(of) != dflt(nf) {
            self.simple(
                &g,
                &item,
                "default",
                Kind::Changed,
                Some(dflt(of)),
                Some(dflt(nf)),
                Class::Compatible,
                Class::Compatible,
                Some("the value a receiver assumes when the field is absent"),
            );
        }
        if of.secret != nf.secret {
            self.simple(
                &g,
                &item,
                "secret",
                Kind::Changed,
                Some(of.secret.to_string()),
                Some(nf.secret.to_string()),
                Class::Compatible,
                Class::Compatible,
                Some("whether tools mask the value"),
            );
        }
        // Requirement.
        if of.requirement != nf.requirement {
            let cands = Self::requirement_candidates(nf, &[&of.requirement, &nf.requirement]);
            let cands_old = Self::requirement_candidates(of, &[&of.requirement, &nf.requirement]);
            let rank = |r: &Requirement| match r {
                Requirement::Optional => 0,
                Requirement::Conditional(_) => 1,
                Requirement::Required => 2,
            };
            let (ro, rn) = (rank(&of.requirement), rank(&nf.requirement));
            let o2n = self.decide(
                Dir::OldToNew,
                &site,
                &cands_old,
                &Expect {
                    at: at_new.clone(),
                    rules: REQUIRED_RULES,
                },
                rn > ro || (rn == 1 && ro == 1),
            );
            let n2o = self.decide(
                Dir::NewToOld,
                &site,
                &cands,
                &Expect {
                    at: at_old.clone(),
                    rules: REQUIRED_RULES,
                },
                ro > rn || (rn == 1 && ro == 1),
            );
            self.push(Change {
                group: g.clone(),
                item: item.clone(),
                aspect: "requirement".into(),
                kind: Kind::Changed,
                old: Some(requirement_text(&of.requirement)),
                new: Some(requirement_text(&nf.requirement)),
                old_to_new: o2n,
                new_to_old: n2o,
                note: None,
            });
        }
        if of.empty_means_absent != nf.empty_means_absent {
            let cands = vec![
                vec![Edit::Set(of.wire.clone(), Value::String(String::new()))],
                vec![Edit::Set(nf.wire.clone(), Value::String(String::new()))],
            ];
            let o2n = self.decide(
                Dir::OldToNew,
                &site,
                &cands,
                &Expect {
                    at: at_new.clone(),
                    rules: ANY_VALUE_RULE,
                },
                of.empty_means_absent,
            );
            let n2o = self.decide(
                Dir::NewToOld,
                &site,
                &cands,
                &Expect {
                    at: at_old.clone(),
                    rules: ANY_VALUE_RULE,
                },
                nf.empty_means_absent,
            );
            self.push(Change {
                group: g.clone(),
                item: item.clone(),
                aspect: "empty means absent".into(),
                kind: Kind::Changed,
                old: Some(of.empty_means_absent.to_string()),
                new: Some(nf.empty_means_absent.to_string()),
                old_to_new: o2n,
                new_to_old: n2o,
                note: None,
            });
        }
        self.types(&g, &item, &site, of, nf, &of.ty, &nf.ty);
    }

    /// The aspects of a type change, each its own change.
    #[allow(clippy::too_many_arguments)]
    fn types(
        &mut self,
        g: &Group,
        item: &str,
        site: &Site<'_>,
        of: &Field,
        nf: &Field,
        ot: &Type,
        nt: &Type,
    ) {
        let mut aspects: Vec<Aspect<'_>> = Vec::new();
        let text = |a: Option<u32>, b: Option<u32>| format!("{}..{}", opt(a), opt(b));
        match (ot, nt) {
            (Type::String(a), Type::String(b)) => {
                if (a.min_len, a.max_len) != (b.min_len, b.max_len) {
                    aspects.push((
                        "length",
                        text(a.min_len, a.max_len),
                        text(b.min_len, b.max_len),
                        lower_max(a.max_len, b.max_len) || higher_min(a.min_len, b.min_len),
                        lower_max(b.max_len, a.max_len) || higher_min(b.min_len, a.min_len),
                        &["length"],
                    ));
                }
                if a.pattern != b.pattern {
                    aspects.push((
                        "pattern",
                        opt(a.pattern.as_deref()),
                        opt(b.pattern.as_deref()),
                        b.pattern.is_some(),
                        a.pattern.is_some(),
                        &["pattern"],
                    ));
                }
                if a.charset != b.charset {
                    let (x, y) = (charset_rank(a.charset), charset_rank(b.charset));
                    aspects.push((
                        "charset",
                        format!("{:?}", a.charset).to_lowercase(),
                        format!("{:?}", b.charset).to_lowercase(),
                        y < x,
                        x < y,
                        &["charset"],
                    ));
                }
            }
            (Type::Integer(a), Type::Integer(b)) => {
                if (a.min, a.max) != (b.min, b.max) {
                    aspects.push((
                        "range",
                        format!("{}..={}", opt(a.min), opt(a.max)),
                        format!("{}..={}", opt(b.min), opt(b.max)),
                        lower_max(a.max, b.max) || higher_min(a.min, b.min),
                        lower_max(b.max, a.max) || higher_min(b.min, a.min),
                        &["range"],
                    ));
                }
                if a.max_text_len != b.max_text_len {
                    aspects.push((
                        "text length",
                        opt(a.max_text_len),
                        opt(b.max_text_len),
                        lower_max(a.max_text_len, b.max_text_len),
                        lower_max(b.max_text_len, a.max_text_len),
                        &["text_length"],
                    ));
                }
            }
            (Type::Decimal(a), Type::Decimal(b)) => {
                if (a.min, a.max) != (b.min, b.max) {
                    aspects.push((
                        "range",
                        format!("{}..={}", opt(a.min), opt(a.max)),
                        format!("{}..={}", opt(b.min), opt(b.max)),
                        lower_max(a.max, b.max) || higher_min(a.min, b.min),
                        lower_max(b.max, a.max) || higher_min(b.min, a.min),
                        &["range"],
                    ));
                }
                if a.scale != b.scale {
                    aspects.push((
                        "scale",
                        opt(a.scale),
                        opt(b.scale),
                        lower_max(a.scale, b.scale),
                        lower_max(b.scale, a.scale),
                        &["scale"],
                    ));
                }
                if a.max_text_len != b.max_text_len {
                    aspects.push((
                        "text length",
                        opt(a.max_text_len),
                        opt(b.max_text_len),
                        lower_max(a.max_text_len, b.max_text_len),
                        lower_max(b.max_text_len, a.max_text_len),
                        &["text_length"],
                    ));
                }
                if a.wire != b.wire {
                    aspects.push((
                        "decimal wire form",
                        format!("{:?}", a.wire).to_lowercase(),
                        format!("{:?}", b.wire).to_lowercase(),
                        false,
                        false,
                        ANY_VALUE_RULE,
                    ));
                }
            }
            (Type::DateTime(a), Type::DateTime(b)) => {
                if a != b {
                    aspects.push((
                        "date format",
                        format!("{a:?}"),
                        format!("{b:?}"),
                        true,
                        true,
                        &["format"],
                    ));
                }
            }
            (Type::Code(a), Type::Code(b)) => {
                if a != b {
                    let (o, n) = (self.old.ir, self.new.ir);
                    aspects.push((
                        "code table",
                        a.clone(),
                        b.clone(),
                        table_narrows(o, a, n, b),
                        table_narrows(n, b, o, a),
                        &["code", "type"],
                    ));
                }
            }
            (Type::Object(a), Type::Object(b)) => {
                if self.objects.get(a) != Some(b) {
                    aspects.push(("object", a.clone(), b.clone(), true, true, ANY_VALUE_RULE));
                }
            }
            (Type::Array(a), Type::Array(b)) => {
                if (a.min_items, a.max_items) != (b.min_items, b.max_items) {
                    aspects.push((
                        "items",
                        text(a.min_items, a.max_items),
                        text(b.min_items, b.max_items),
                        lower_max(a.max_items, b.max_items) || higher_min(a.min_items, b.min_items),
                        lower_max(b.max_items, a.max_items) || higher_min(b.min_items, a.min_items),
                        &["items"],
                    ));
                }
                self.types(g, &format!("{item}[]"), site, of, nf, &a.items, &b.items);
            }
            _ => aspects.push((
                "type",
                type_text(ot),
                type_text(nt),
                true,
                true,
                ANY_VALUE_RULE,
            )),
        }
        let array_item = item.ends_with("[]");
        for (aspect, old, new, narrows_o2n, narrows_n2o, rules) in aspects {
            // The values to try: those of the field's full type (arrays included).
            let (o2n_vals, n2o_vals) = (
                values(self.old.ir, &of.ty, self.new.ir, &nf.ty),
                values(self.new.ir, &nf.ty, self.old.ir, &of.ty),
            );
            let expect_new = Expect {
                at: format!("/{}", pointer_escape(&nf.wire)),
                rules,
            };
            let expect_old = Expect {
                at: format!("/{}", pointer_escape(&of.wire)),
                rules,
            };
            let o2n = self.decide(
                Dir::OldToNew,
                site,
                &sets(&of.wire, o2n_vals),
                &expect_new,
                narrows_o2n,
            );
            let n2o = self.decide(
                Dir::NewToOld,
                site,
                &sets(&nf.wire, n2o_vals),
                &expect_old,
                narrows_n2o,
            );
            let aspect = if array_item {
                format!("items: {aspect}")
            } else {
                aspect.to_owned()
            };
            self.push(Change {
                group: g.clone(),
                item: item.trim_end_matches("[]").to_owned(),
                aspect,
                kind: Kind::Changed,
                old: Some(old),
                new: Some(new),
                old_to_new: o2n,
                new_to_old: n2o,
                note: None,
            });
        }
    }
}

// ------------------------------------------------------------------------------------------
// Code tables

impl Ctx<'_> {
    /// A site where table `old`/`new` is used by paired fields.
    fn table_site(&self, old: &str, new: &str) -> Option<(String, String, String, String)> {
        for (a, b) in self.sorted_pairs() {
            let (Some(oo), Some(nn)) = (self.old.ir.objects.get(&a), self.new.ir.objects.get(&b))
            else {
                continue;
            };
            for (of, nf) in pair_fields(oo, nn) {
                if let (Some(of), Some(nf)) = (of, nf)
                    && code_of_type(&of.ty) == Some(old)
                    && code_of_type(&nf.ty) == Some(new)
                {
                    return Some((a.clone(), b.clone(), of.wire.clone(), nf.wire.clone()));
                }
            }
        }
        None
    }

    fn sorted_pairs(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .objects
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        v.sort_by_key(|(a, _)| self.old.ir.objects.get_index_of(a));
        v
    }

    /// The verdict of a code value `v` sent by `dir`'s sender through the table's site.
    fn code_verdict(
        &self,
        dir: Dir,
        site: Option<&(String, String, String, String)>,
        vals: Vec<Value>,
        narrows: bool,
    ) -> Verdict {
        let Some((a, b, of, nf)) = site else {
            return Verdict::of(if narrows {
                Class::NeedsReview
            } else {
                Class::Compatible
            });
        };
        let s = Site {
            old_obj: a,
            new_obj: b,
            old_field: Some(of),
            new_field: Some(nf),
        };
        let (wire, at) = match dir {
            Dir::OldToNew => (of, nf),
            Dir::NewToOld => (nf, of),
        };
        let is_array = {
            let (ir, obj, w) = match dir {
                Dir::OldToNew => (self.old.ir, a, of),
                Dir::NewToOld => (self.new.ir, b, nf),
            };
            ir.objects
                .get(obj)
                .and_then(|o| o.fields.iter().find(|f| &f.wire == w))
                .is_some_and(|f| matches!(f.ty, Type::Array(_)))
        };
        let vals = if is_array {
            vals.into_iter().map(|v| Value::Array(vec![v])).collect()
        } else {
            vals
        };
        self.decide(
            dir,
            &s,
            &sets(wire, vals),
            &Expect {
                at: format!("/{}", pointer_escape(at)),
                rules: &["code", "type"],
            },
            narrows,
        )
    }

    fn code_tables(&mut self) {
        let (o, n) = (self.old.ir, self.new.ir);
        for ot in o.code_tables.values() {
            let g = Group::CodeTable(ot.name.clone());
            let item = format!("codes/{}", ot.name);
            let Some(nt) = n.code_tables.get(&ot.name) else {
                self.simple(
                    &g,
                    &item,
                    "code table",
                    Kind::Removed,
                    Some(ot.name.clone()),
                    None,
                    Class::Compatible,
                    Class::Compatible,
                    Some("the fields that used it are compared with their objects"),
                );
                continue;
            };
            self.table(ot, nt, &g, &item);
        }
        for nt in n
            .code_tables
            .values()
            .filter(|t| !o.code_tables.contains_key(&t.name))
        {
            self.simple(
                &Group::CodeTable(nt.name.clone()),
                &format!("codes/{}", nt.name),
                "code table",
                Kind::Added,
                None,
                Some(nt.name.clone()),
                Class::Compatible,
                Class::Compatible,
                Some("the fields that use it are compared with their objects"),
            );
        }
    }

    fn table(&mut self, ot: &CodeTable, nt: &CodeTable, g: &Group, item: &str) {
        self.info_prov(g, item, &ot.info, &ot.prov, &nt.info, &nt.prov);
        let site = self.table_site(&ot.name, &nt.name);
        let note_site = |s: &Option<(String, String, String, String)>| match s {
            Some((_, b, _, f)) => format!("witnessed through {b}.{f}"),
            None => "no paired field uses the table".to_owned(),
        };
        if ot.kind != nt.kind {
            let ov: Vec<Value> = ot.codes.iter().map(|c| code_json(&c.value)).collect();
            let nv: Vec<Value> = nt.codes.iter().map(|c| code_json(&c.value)).collect();
            let o2n = self.code_verdict(Dir::OldToNew, site.as_ref(), ov, true);
            let n2o = self.code_verdict(Dir::NewToOld, site.as_ref(), nv, true);
            self.push(Change {
                group: g.clone(),
                item: item.to_owned(),
                aspect: "kind".into(),
                kind: Kind::Changed,
                old: Some(format!("{:?}", ot.kind).to_lowercase()),
                new: Some(format!("{:?}", nt.kind).to_lowercase()),
                old_to_new: o2n,
                new_to_old: n2o,
                note: Some(note_site(&site)),
            });
        }
        if ot.open != nt.open {
            let unknown_o = samples::unknown_code(self.old.ir, &ot.name)
                .map(|j| jv(&j))
                .into_iter()
                .collect::<Vec<_>>();
            let unknown_n = samples::unknown_code(self.new.ir, &nt.name)
                .map(|j| jv(&j))
                .into_iter()
                .collect::<Vec<_>>();
            let o2n = self.code_verdict(
                Dir::OldToNew,
                site.as_ref(),
                [unknown_o.clone(), unknown_n.clone()].concat(),
                ot.open,
            );
            let n2o = self.code_verdict(
                Dir::NewToOld,
                site.as_ref(),
                [unknown_n, unknown_o].concat(),
                nt.open,
            );
            let t = |open: bool| if open { "open" } else { "closed" }.to_owned();
            self.push(Change {
                group: g.clone(),
                item: item.to_owned(),
                aspect: "open".into(),
                kind: Kind::Changed,
                old: Some(t(ot.open)),
                new: Some(t(nt.open)),
                old_to_new: o2n,
                new_to_old: n2o,
                note: Some(format!(
                    "an open table accepts unknown codes (warnings); {}",
                    note_site(&site)
                )),
            });
        }
        for (aspect, a, b) in [
            ("appendix", &ot.appendix, &nt.appendix),
            ("table number", &ot.table_no, &nt.table_no),
            ("category table", &ot.category_table, &nt.category_table),
        ] {
            self.doc(
                g,
                item,
                aspect,
                a.as_deref().unwrap_or(""),
                b.as_deref().unwrap_or(""),
            );
        }
        if (ot.value_max_len, &ot.value_pattern) != (nt.value_max_len, &nt.value_pattern) {
            let t = |x: &CodeTable| {
                format!(
                    "max {} pattern {}",
                    opt(x.value_max_len),
                    opt(x.value_pattern.as_deref())
                )
            };
            self.simple(g, item, "value format", Kind::Changed, Some(t(ot)), Some(t(nt)), Class::Compatible, Class::Compatible, Some("the form of values of the table (used for unknown codes of open tables); the validator checks codes, not this form"));
        }
        let same_kind = ot.kind == nt.kind;
        for oc in &ot.codes {
            let citem = format!("{item}/{}", oc.value);
            match nt.codes.iter().find(|c| c.value == oc.value) {
                Some(nc) => {
                    if oc.info.zh != nc.info.zh
                        || oc.info.en != nc.info.en
                        || oc.rust_variant != nc.rust_variant
                    {
                        self.simple(
                            g,
                            &citem,
                            "name",
                            Kind::Renamed,
                            Some(format!(
                                "{} / {} ({})",
                                oc.info.zh, oc.info.en, oc.rust_variant
                            )),
                            Some(format!(
                                "{} / {} ({})",
                                nc.info.zh, nc.info.en, nc.rust_variant
                            )),
                            Class::DocOnly,
                            Class::DocOnly,
                            Some("the value on the wire is the same"),
                        );
                    }
                    self.doc(
                        g,
                        &citem,
                        "description",
                        oc.info.description.as_deref().unwrap_or(""),
                        nc.info.description.as_deref().unwrap_or(""),
                    );
                    self.prov(g, &citem, &oc.prov, &nc.prov);
                    self.doc(
                        g,
                        &citem,
                        "alternative names",
                        &oc.alt_zh.join(", "),
                        &nc.alt_zh.join(", "),
                    );
                    self.doc(
                        g,
                        &citem,
                        "category",
                        &opt(oc.category.as_ref()),
                        &opt(nc.category.as_ref()),
                    );
                }
                None if same_kind => {
                    let in_range = matches!(oc.value, CodeValue::Int(i) if nt.ranges.iter().any(|r| (r.from..=r.to).contains(&i)));
                    let o2n = if in_range || nt.open {
                        Verdict::of(Class::Compatible)
                    } else {
                        self.code_verdict(
                            Dir::OldToNew,
                            site.as_ref(),
                            vec![code_json(&oc.value)],
                            true,
                        )
                    };
                    self.push(Change {
                        group: g.clone(),
                        item: citem,
                        aspect: "code".into(),
                        kind: Kind::Removed,
                        old: Some(format!("{} {} / {}", oc.value, oc.info.zh, oc.info.en)),
                        new: None,
                        old_to_new: o2n,
                        new_to_old: Verdict::of(Class::Compatible),
                        note: Some(note_site(&site)),
                    });
                }
                None => {}
            }
        }
        if same_kind {
            for nc in nt
                .codes
                .iter()
                .filter(|c| !ot.codes.iter().any(|o| o.value == c.value))
            {
                let in_range = matches!(nc.value, CodeValue::Int(i) if ot.ranges.iter().any(|r| (r.from..=r.to).contains(&i)));
                let n2o = if in_range || ot.open {
                    Verdict::of(Class::Compatible)
                } else {
                    self.code_verdict(
                        Dir::NewToOld,
                        site.as_ref(),
                        vec![code_json(&nc.value)],
                        true,
                    )
                };
                self.push(Change {
                    group: g.clone(),
                    item: format!("{item}/{}", nc.value),
                    aspect: "code".into(),
                    kind: Kind::Added,
                    old: None,
                    new: Some(format!("{} {} / {}", nc.value, nc.info.zh, nc.info.en)),
                    old_to_new: Verdict::of(Class::Compatible),
                    new_to_old: n2o,
                    note: Some(note_site(&site)),
                });
            }
        }
        let ranges = |t: &CodeTable| {
            t.ranges
                .iter()
                .map(|r| format!("{}..={}", r.from, r.to))
                .collect::<Vec<_>>()
        };
        let (ro, rn) = (ranges(ot), ranges(nt));
        if ro != rn {
            let ends = |t: &CodeTable| {
                t.ranges
                    .iter()
                    .flat_map(|r| [num(&r.from.to_string()), num(&r.to.to_string())])
                    .collect::<Vec<_>>()
            };
            let o2n = self.code_verdict(
                Dir::OldToNew,
                site.as_ref(),
                ends(ot),
                !nt.open && !ro.is_empty(),
            );
            let n2o = self.code_verdict(
                Dir::NewToOld,
                site.as_ref(),
                ends(nt),
                !ot.open && !rn.is_empty(),
            );
            self.push(Change {
                group: g.clone(),
                item: item.to_owned(),
                aspect: "ranges".into(),
                kind: Kind::Changed,
                old: Some(list(&ro)),
                new: Some(list(&rn)),
                old_to_new: o2n,
                new_to_old: n2o,
                note: Some(note_site(&site)),
            });
        }
    }
}

// ------------------------------------------------------------------------------------------
// Flows

impl Ctx<'_> {
    fn flows(&mut self) {
        let (o, n) = (self.old.ir, self.new.ir);
        for of in o.flows.values() {
            let g = Group::Flow(of.key.clone());
            let item = format!("flows/{}", of.key);
            let Some(nf) = n.flows.get(&of.key) else {
                self.simple(&g, &item, "flow", Kind::Removed, Some(of.key.clone()), None, Class::Compatible, Class::Compatible, Some("a flow describes a sequence of calls; its interfaces are compared one by one"));
                continue;
            };
            self.info_prov(&g, &item, &of.info, &of.prov, &nf.info, &nf.prov);
            self.doc(
                &g,
                &item,
                "trigger",
                of.trigger.as_deref().unwrap_or(""),
                nf.trigger.as_deref().unwrap_or(""),
            );
            let steps = |f: &crate::ir::Flow| {
                f.steps
                    .iter()
                    .map(|s| {
                        if s.optional {
                            format!("({})", s.interface)
                        } else {
                            s.interface.clone()
                        }
                    })
                    .collect::<Vec<_>>()
            };
            let (a, b) = (steps(of), steps(nf));
            if a != b {
                self.simple(&g, &item, "steps", Kind::Changed, Some(a.join(" → ")), Some(b.join(" → ")), Class::NeedsReview, Class::NeedsReview, Some("the sequence of calls changes; a peer following the other edition's flow calls or waits for other interfaces"));
            }
        }
        for nf in n.flows.values().filter(|f| !o.flows.contains_key(&f.key)) {
            self.simple(
                &Group::Flow(nf.key.clone()),
                &format!("flows/{}", nf.key),
                "flow",
                Kind::Added,
                None,
                Some(nf.key.clone()),
                Class::Compatible,
                Class::Compatible,
                Some(
                    "a flow describes a sequence of calls; its interfaces are compared one by one",
                ),
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// Security

const ENVELOPE_NOTE: &str = "the envelope is not a payload: no validator witness exists; a peer of the other edition is refused by the envelope check";

impl Ctx<'_> {
    fn sec(
        &mut self,
        item: &str,
        aspect: &str,
        old: String,
        new: String,
        class: Class,
        note: &str,
    ) {
        if old != new {
            self.simple(
                &Group::Security,
                item,
                aspect,
                Kind::Changed,
                Some(old),
                Some(new),
                class,
                class,
                Some(note),
            );
        }
    }

    fn block<T>(
        &mut self,
        item: &str,
        a: Option<&crate::ir::Block<T>>,
        b: Option<&crate::ir::Block<T>>,
    ) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => {
                self.info_prov(&Group::Security, item, &a.info, &a.prov, &b.info, &b.prov);
                true
            }
            (None, None) => false,
            (a, _) => {
                let kind = if a.is_some() {
                    Kind::Removed
                } else {
                    Kind::Added
                };
                self.simple(
                    &Group::Security,
                    item,
                    "block",
                    kind,
                    a.map(|_| "present".to_owned()),
                    b.map(|_| "present".to_owned()),
                    Class::NeedsReview,
                    Class::NeedsReview,
                    Some(ENVELOPE_NOTE),
                );
                false
            }
        }
    }

    fn security(&mut self) {
        let (Some(os), Some(ns)) = (self.old.ir.security.as_ref(), self.new.ir.security.as_ref())
        else {
            if self.old.ir.security.is_some() != self.new.ir.security.is_some() {
                let t = |s: bool| if s { Some("present".to_owned()) } else { None };
                let kind = if self.old.ir.security.is_some() {
                    Kind::Removed
                } else {
                    Kind::Added
                };
                self.simple(
                    &Group::Security,
                    "security",
                    "section",
                    kind,
                    t(self.old.ir.security.is_some()),
                    t(self.new.ir.security.is_some()),
                    Class::NeedsReview,
                    Class::NeedsReview,
                    Some(ENVELOPE_NOTE),
                );
            }
            return;
        };
        let r = Class::NeedsReview;
        self.info_prov(
            &Group::Security,
            "security",
            &os.info,
            &os.prov,
            &ns.info,
            &ns.prov,
        );
        if self.block(
            "security/transport",
            os.transport.as_ref(),
            ns.transport.as_ref(),
        ) && let (Some(a), Some(b)) = (&os.transport, &ns.transport)
        {
            let (a, b) = (&a.value, &b.value);
            self.sec(
                "security/transport",
                "schemes",
                a.schemes.join(", "),
                b.schemes.join(", "),
                r,
                "the URL scheme a caller uses",
            );
            self.sec(
                "security/transport",
                "method",
                a.method.clone(),
                b.method.clone(),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(
                "security/transport",
                "content type",
                a.content_type.clone(),
                b.content_type.clone(),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(
                "security/transport",
                "HTTP status of answers",
                a.error_http_status.to_string(),
                b.error_http_status.to_string(),
                r,
                "a caller checking the HTTP status of refusals",
            );
            let url = |t: &crate::ir::Transport| {
                t.url.as_ref().map(|u| {
                    (
                        u.value.pattern.clone(),
                        opt(u.value.default_base_path.as_deref()),
                        u.value
                            .variants
                            .iter()
                            .map(|v| v.value.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })
            };
            let (ua, ub) = (url(a).unwrap_or_default(), url(b).unwrap_or_default());
            self.sec(
                "security/transport",
                "URL pattern",
                ua.0,
                ub.0,
                r,
                "where interfaces are served",
            );
            self.sec("security/transport", "base path", ua.1, ub.1, r, "the default base path is deployment configuration (`base_path`); a peer calling the other edition's default path is not routed");
            self.sec(
                "security/transport",
                "URL variants",
                ua.2,
                ub.2,
                Class::Compatible,
                "alternative URL forms a receiver may serve",
            );
        }
        let headers = |s: &crate::ir::Security| {
            s.headers
                .iter()
                .map(|h| {
                    format!(
                        "{}: {}{}",
                        h.value.name,
                        h.value.value,
                        if h.value.except.is_empty() {
                            String::new()
                        } else {
                            format!(" (not {})", h.value.except.join(", "))
                        }
                    )
                })
                .collect::<Vec<_>>()
        };
        self.sec(
            "security/headers",
            "headers",
            list(&headers(os)),
            list(&headers(ns)),
            r,
            ENVELOPE_NOTE,
        );
        let keys = |s: &crate::ir::Security| {
            s.keys
                .iter()
                .map(|k| format!("{} {}", k.value.name, type_text(&k.value.ty)))
                .collect::<Vec<_>>()
        };
        self.sec(
            "security/keys",
            "keys",
            list(&keys(os)),
            list(&keys(ns)),
            r,
            "the secrets exchanged between peers",
        );
        if self.block(
            "security/encryption",
            os.encryption.as_ref(),
            ns.encryption.as_ref(),
        ) && let (Some(a), Some(b)) = (&os.encryption, &ns.encryption)
        {
            let (a, b) = (&a.value, &b.value);
            let i = "security/encryption";
            self.sec(
                i,
                "algorithm",
                format!("{:?} {:?}", a.algorithm, a.padding),
                format!("{:?} {:?}", b.algorithm, b.padding),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(
                i,
                "text encodings",
                format!("{:?} → {:?}", a.plaintext, a.ciphertext),
                format!("{:?} → {:?}", b.plaintext, b.ciphertext),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(i, "key", a.key.name.clone(), b.key.name.clone(), r, "Data is decrypted with another key: the receiver cannot read it (Ret of a bad payload)");
            self.sec(i, "iv", a.iv.name.clone(), b.iv.name.clone(), r, "Data is decrypted with another IV: the receiver cannot read it (Ret of a bad payload)");
            self.sec(
                i,
                "key encoding",
                format!("{:?}", a.key_encoding),
                format!("{:?}", b.key_encoding),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(
                i,
                "encrypted fields",
                a.fields.join(", "),
                b.fields.join(", "),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(
                i,
                "empty Data in plaintext",
                a.empty_data_plain.to_string(),
                b.empty_data_plain.to_string(),
                r,
                ENVELOPE_NOTE,
            );
        }
        if self.block(
            "security/signature",
            os.signature.as_ref(),
            ns.signature.as_ref(),
        ) && let (Some(a), Some(b)) = (&os.signature, &ns.signature)
        {
            let (a, b) = (&a.value, &b.value);
            let i = "security/signature";
            let wires = |f: &[crate::ir::FieldRef]| {
                f.iter()
                    .map(|f| f.wire.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            self.sec(
                i,
                "algorithm",
                format!("{:?}", a.algorithm),
                format!("{:?}", b.algorithm),
                r,
                "signatures do not verify (Ret of a bad signature)",
            );
            self.sec(
                i,
                "field",
                a.field.clone(),
                b.field.clone(),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(
                i,
                "key",
                a.key.name.clone(),
                b.key.name.clone(),
                r,
                "signatures do not verify (Ret of a bad signature)",
            );
            self.sec(
                i,
                "key encoding",
                format!("{:?}", a.key_encoding),
                format!("{:?}", b.key_encoding),
                r,
                "signatures do not verify (Ret of a bad signature)",
            );
            self.sec(
                i,
                "signed request fields (in order)",
                wires(&a.request_fields),
                wires(&b.request_fields),
                r,
                "signatures do not verify (Ret of a bad signature)",
            );
            self.sec(
                i,
                "signed response fields (in order)",
                wires(&a.response_fields),
                wires(&b.response_fields),
                r,
                "answer signatures do not verify",
            );
            self.sec(
                i,
                "separator",
                format!("{:?}", a.separator),
                format!("{:?}", b.separator),
                r,
                "signatures do not verify (Ret of a bad signature)",
            );
            self.sec(
                i,
                "hex case",
                format!("{:?}", a.hex_case),
                format!("{:?}", b.hex_case),
                r,
                "a receiver comparing case-sensitively refuses the signature",
            );
            self.sec(
                i,
                "verify before decrypt",
                a.verify_before_decrypt.to_string(),
                b.verify_before_decrypt.to_string(),
                Class::Compatible,
                "the receiver's order of checks",
            );
        }
        if self.block(
            "security/timestamp",
            os.timestamp.as_ref(),
            ns.timestamp.as_ref(),
        ) && let (Some(a), Some(b)) = (&os.timestamp, &ns.timestamp)
        {
            let (a, b) = (&a.value, &b.value);
            self.sec(
                "security/timestamp",
                "field",
                a.field.clone(),
                b.field.clone(),
                r,
                ENVELOPE_NOTE,
            );
            self.sec(
                "security/timestamp",
                "format",
                format!("{:?}", a.format),
                format!("{:?}", b.format),
                r,
                "the envelope's TimeStamp is refused (Ret of a bad envelope)",
            );
            self.sec(
                "security/timestamp",
                "UTC offset",
                a.utc_offset.clone(),
                b.utc_offset.clone(),
                r,
                "timestamps fall outside the receiver's window",
            );
        }
        if self.block("security/seq", os.seq.as_ref(), ns.seq.as_ref())
            && let (Some(a), Some(b)) = (&os.seq, &ns.seq)
        {
            let t = |s: &crate::ir::Seq| format!("{}..={} width {}", s.min, s.max, s.width);
            self.sec(
                "security/seq",
                "range",
                t(&a.value),
                t(&b.value),
                r,
                ENVELOPE_NOTE,
            );
        }
        if self.block("security/token", os.token.as_ref(), ns.token.as_ref())
            && let (Some(a), Some(b)) = (&os.token, &ns.token)
        {
            let (a, b) = (&a.value, &b.value);
            let i = "security/token";
            self.sec(
                i,
                "interface",
                a.interface.clone(),
                b.interface.clone(),
                r,
                "the token interface; compared with the interfaces",
            );
            self.sec(
                i,
                "header",
                format!("{}: {} <token>", a.header, a.scheme),
                format!("{}: {} <token>", b.header, b.scheme),
                r,
                "the token is not found (Ret of a bad token)",
            );
            let fields = |t: &crate::ir::Token| {
                format!(
                    "{} {} → {} {} {}{}",
                    t.operator.wire,
                    t.secret.wire,
                    t.token.wire,
                    t.lifetime.wire,
                    t.success.wire,
                    t.fail_reason
                        .as_ref()
                        .map_or_else(String::new, |f| format!(" {}", f.field.wire))
                )
            };
            self.sec(
                i,
                "token fields",
                fields(a),
                fields(b),
                r,
                "the token objects' fields are compared with their objects",
            );
            self.sec(
                i,
                "secret key",
                a.secret_key.name.clone(),
                b.secret_key.name.clone(),
                r,
                "the token is refused (wrong secret)",
            );
            self.sec(
                i,
                "lifetime unit",
                a.lifetime_unit.clone(),
                b.lifetime_unit.clone(),
                r,
                "the caller renews too early or too late",
            );
            self.sec(
                i,
                "success codes",
                format!("{}/{}", a.success_code, a.failure_code),
                format!("{}/{}", b.success_code, b.failure_code),
                r,
                "the caller misreads the outcome",
            );
        }
        if self.block("security/ret", os.ret.as_ref(), ns.ret.as_ref())
            && let (Some(a), Some(b)) = (&os.ret, &ns.ret)
        {
            let (a, b) = (&a.value, &b.value);
            let t = |x: &crate::ir::RetCodes| {
                format!(
                    "table {} ok {} busy {} signature {} token {} envelope {} payload {} system {}",
                    x.table,
                    x.success,
                    x.busy,
                    x.bad_signature,
                    x.bad_token,
                    x.bad_envelope,
                    x.bad_payload,
                    x.system_error
                )
            };
            self.sec("security/ret", "Ret codes", t(a), t(b), r, "a caller reading Ret misreads refusals; the Ret table's codes are compared with the code tables");
            let m = |x: &crate::ir::RetCodes| {
                x.messages
                    .iter()
                    .map(|m| format!("{} {}", m.value.ret, m.value.msg))
                    .collect::<Vec<_>>()
            };
            self.sec(
                "security/ret",
                "messages",
                list(&m(a)),
                list(&m(b)),
                Class::DocOnly,
                "Msg texts are for people",
            );
        }
        let steps = |s: &crate::ir::Security| {
            s.processing
                .iter()
                .map(|p| {
                    format!(
                        "{:?}{}",
                        p.value.step,
                        p.value.ret.map_or_else(String::new, |r| format!(" → {r}"))
                    )
                })
                .collect::<Vec<_>>()
        };
        self.sec(
            "security/processing",
            "receiver checks (in order)",
            list(&steps(os)),
            list(&steps(ns)),
            r,
            "which Ret answers which failure",
        );
        if self.block(
            "security/push_ack",
            os.push_ack.as_ref(),
            ns.push_ack.as_ref(),
        ) && let (Some(a), Some(b)) = (&os.push_ack, &ns.push_ack)
        {
            let t = |p: &crate::ir::PushAck| {
                format!(
                    "{}.{} ({}) accepted {} discarded {}",
                    p.object, p.field, p.table, p.accepted, p.discarded
                )
            };
            self.sec(
                "security/push_ack",
                "acknowledgement",
                t(&a.value),
                t(&b.value),
                r,
                "the pusher misreads the acknowledgement",
            );
        }
        if self.block("security/resend", os.resend.as_ref(), ns.resend.as_ref())
            && let (Some(a), Some(b)) = (&os.resend, &ns.resend)
        {
            let t = |x: &crate::ir::Resend| {
                format!("{} attempts every {} s", opt(x.attempts), opt(x.interval_s))
            };
            self.sec(
                "security/resend",
                "resend rule",
                t(&a.value),
                t(&b.value),
                Class::Compatible,
                "sender behaviour only: no message is refused for it",
            );
        }
        if self.block("security/paging", os.paging.as_ref(), ns.paging.as_ref())
            && let (Some(a), Some(b)) = (&os.paging, &ns.paging)
        {
            let t = |x: &crate::ir::PagingRule| {
                format!(
                    "PageNo {} PageSize {} max {}",
                    opt(x.default_page_no),
                    opt(x.default_page_size),
                    opt(x.max_page_size)
                )
            };
            self.sec(
                "security/paging",
                "paging rule",
                t(&a.value),
                t(&b.value),
                r,
                "a caller asking for more than the maximum page size gets fewer items",
            );
        }
        match (&os.replay, &ns.replay) {
            (None, Some(_)) => self.simple(&Group::Security, "security/replay", "block", Kind::Added, None, Some("present".into()), Class::NeedsTolerance("fixed-seq"), Class::Compatible, Some("a receiver of the new edition refuses repeated messages; a sender always sending the same Seq needs the fixed-seq profile")),
            (Some(_), None) => self.simple(&Group::Security, "security/replay", "block", Kind::Removed, Some("present".into()), None, Class::Compatible, Class::NeedsTolerance("fixed-seq"), Some("a receiver of the old edition refuses repeated messages; a sender always sending the same Seq needs the fixed-seq profile")),
            (Some(a), Some(b)) => {
                self.info_prov(&Group::Security, "security/replay", &a.info, &a.prov, &b.info, &b.prov);
                self.sec("security/replay", "window", opt(a.value.window_s), opt(b.value.window_s), r, "messages repeated within the window are refused");
            }
            (None, None) => {}
        }
        if self.block(
            "security/key_distribution",
            os.key_distribution.as_ref(),
            ns.key_distribution.as_ref(),
        ) && let (Some(a), Some(b)) = (&os.key_distribution, &ns.key_distribution)
        {
            let t = |k: &crate::ir::KeyDistribution| {
                format!(
                    "{} via {} ({})",
                    k.envelope,
                    k.interfaces.join(", "),
                    k.algorithms
                )
            };
            self.sec(
                "security/key_distribution",
                "key distribution",
                t(&a.value),
                t(&b.value),
                r,
                "how keys are exchanged",
            );
        }
        if self.block(
            "security/envelope",
            os.envelope.as_ref(),
            ns.envelope.as_ref(),
        ) && let (Some(a), Some(b)) = (&os.envelope, &ns.envelope)
        {
            let t =
                |e: &crate::ir::Envelope| format!("{} / {}", e.request.object, e.response.object);
            self.sec(
                "security/envelope",
                "objects",
                t(&a.value),
                t(&b.value),
                Class::Compatible,
                "the envelope objects' fields are compared with the objects",
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// Counts and output

/// Counts of classes per direction, in a stable order.
pub fn counts(d: &Diff) -> Vec<(String, usize, usize)> {
    let mut names: Vec<String> = [
        "breaking",
        "needs-review",
        "compatible",
        "doc-only",
        "provenance-only",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut profiles: BTreeSet<String> = BTreeSet::new();
    for c in &d.changes {
        for v in [&c.old_to_new, &c.new_to_old] {
            if let Class::NeedsTolerance(_) = v.class {
                profiles.insert(v.class.label());
            }
        }
    }
    names.splice(1..1, profiles);
    names
        .into_iter()
        .map(|n| {
            let count = |f: &dyn Fn(&Change) -> &Verdict| {
                d.changes.iter().filter(|c| f(c).class.label() == n).count()
            };
            let a = count(&|c| &c.old_to_new);
            let b = count(&|c| &c.new_to_old);
            (n, a, b)
        })
        .collect()
}

/// The changes grouped (groups in order of first appearance).
pub fn grouped(d: &Diff) -> Vec<(&Group, Vec<&Change>)> {
    let mut out: Vec<(&Group, Vec<&Change>)> = Vec::new();
    for c in &d.changes {
        match out.iter_mut().find(|(g, _)| *g == &c.group) {
            Some((_, v)) => v.push(c),
            None => out.push((&c.group, vec![c])),
        }
    }
    out
}

/// Options of the text and markdown reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct Render {
    /// ANSI colours (only on a terminal).
    pub colour: bool,
    /// Leave out doc-only and provenance-only changes.
    pub wire_only: bool,
}

fn shown(c: &Change, r: Render) -> bool {
    !r.wire_only
        || !matches!(
            (c.old_to_new.class, c.new_to_old.class),
            (
                Class::DocOnly | Class::ProvenanceOnly,
                Class::DocOnly | Class::ProvenanceOnly
            )
        )
}

fn value_text(v: Option<&String>) -> String {
    v.map_or_else(|| "—".to_owned(), |s| short(s, 100))
}

fn paint(colour: bool, c: Class, text: &str) -> String {
    if !colour {
        return text.to_owned();
    }
    let code = match c {
        Class::Breaking => "1;31",
        Class::NeedsTolerance(_) | Class::NeedsReview => "33",
        Class::Compatible => "32",
        Class::DocOnly | Class::ProvenanceOnly => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn witness_line(w: &Witness) -> String {
    let what = match &w.interface {
        Some(i) => format!(
            "{} {} of {i}",
            w.sender,
            if w.response { "response" } else { "request" }
        ),
        None => format!("{} {}", w.sender, w.object),
    };
    let mode = if w.mode == "strict" {
        String::new()
    } else {
        format!(" ({})", w.mode)
    };
    if w.pointer.is_empty() {
        return format!(
            "{what} {} → {}: {}{mode}",
            short(&w.payload.to_string(), 120),
            w.receiver,
            w.message
        );
    }
    let sent = w
        .payload
        .pointer(&w.pointer)
        .map_or_else(|| "absent".to_owned(), |v| short(&v.to_string(), 80));
    format!(
        "{what} with {} = {sent} → {} rejects: {} [{}]{mode}",
        w.pointer, w.receiver, w.message, w.rule
    )
}

/// The terminal report.
pub fn text(d: &Diff, r: Render) -> String {
    let mut out = format!("chargespec diff {} → {}\n", d.old, d.new);
    out.push_str(&format!(
        "  A = sender {} → receiver {};  B = sender {} → receiver {}\n",
        d.old, d.new, d.new, d.old
    ));
    for (g, changes) in grouped(d) {
        let changes: Vec<_> = changes.into_iter().filter(|c| shown(c, r)).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n{}\n",
            if r.colour {
                format!("\x1b[1m{}\x1b[0m", g.title())
            } else {
                g.title()
            }
        ));
        for c in changes {
            out.push_str(&format!(
                "  {} {} {}: {} → {}   A {}  B {}\n",
                c.item,
                c.aspect,
                c.kind.name(),
                value_text(c.old.as_ref()),
                value_text(c.new.as_ref()),
                paint(r.colour, c.old_to_new.class, &c.old_to_new.class.label()),
                paint(r.colour, c.new_to_old.class, &c.new_to_old.class.label()),
            ));
            for (dir, v) in [("A", &c.old_to_new), ("B", &c.new_to_old)] {
                if let Some(w) = &v.witness {
                    out.push_str(&format!(
                        "      witness {dir}: {}\n",
                        short(&witness_line(w), 400)
                    ));
                }
            }
            if let Some(n) = &c.note
                && (c.breaking()
                    || matches!(
                        c.old_to_new.class,
                        Class::NeedsReview | Class::NeedsTolerance(_)
                    )
                    || matches!(
                        c.new_to_old.class,
                        Class::NeedsReview | Class::NeedsTolerance(_)
                    ))
            {
                out.push_str(&format!("      note: {n}\n"));
            }
        }
    }
    out.push_str("\nSummary (changes per class):          A      B\n");
    for (n, a, b) in counts(d) {
        out.push_str(&format!("  {n:<36}{a:>5}  {b:>5}\n"));
    }
    out
}

/// `s` cut to `n` characters (with an ellipsis).
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The migration guide.
pub fn markdown(d: &Diff, r: Render) -> String {
    let mut out = format!("# Migration from {} to {}\n\n", d.old, d.new);
    out.push_str(&format!(
        "Generated by `chargespec diff {} {}`. Each change is classified for both directions of traffic: \
         **A** a sender built for {} talking to a receiver built for {}, **B** a sender built for {} talking to a receiver built for {}. \
         A breaking class always comes with a witness: a payload the sender's validator accepts and the receiver's rejects.\n\n",
        d.old, d.new, d.old, d.new, d.new, d.old
    ));
    out.push_str("| Class | A | B |\n|---|---:|---:|\n");
    for (n, a, b) in counts(d) {
        out.push_str(&format!("| {n} | {a} | {b} |\n"));
    }
    let breaking: Vec<&Change> = d.changes.iter().filter(|c| c.breaking()).collect();
    if !breaking.is_empty() {
        out.push_str("\n## Breaking changes\n\n");
        for c in breaking {
            out.push_str(&format!(
                "- **{}** {} {}: {} → {}\n",
                c.item,
                c.aspect,
                c.kind.name(),
                md_cell(&value_text(c.old.as_ref())),
                md_cell(&value_text(c.new.as_ref()))
            ));
            for (dir, v) in [("A", &c.old_to_new), ("B", &c.new_to_old)] {
                if let Some(w) = v.witness.as_ref().filter(|_| v.class == Class::Breaking) {
                    out.push_str(&format!(
                        "  - {dir}: {}; payload: `{}`\n",
                        md_cell(&witness_line(w)),
                        short(&w.payload.to_string(), 600)
                    ));
                }
            }
        }
    }
    out.push_str("\n## All changes\n");
    for (g, changes) in grouped(d) {
        let changes: Vec<_> = changes.into_iter().filter(|c| shown(c, r)).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {}\n\n| Item | Change | Old | New | A | B | Note |\n|---|---|---|---|---|---|---|\n", g.title()));
        for c in changes {
            out.push_str(&format!(
                "| `{}` | {} {} | {} | {} | {} | {} | {} |\n",
                c.item,
                c.aspect,
                c.kind.name(),
                md_cell(&value_text(c.old.as_ref())),
                md_cell(&value_text(c.new.as_ref())),
                c.old_to_new.class.label(),
                c.new_to_old.class.label(),
                md_cell(c.note.as_deref().unwrap_or("")),
            ));
        }
    }
    out
}

fn verdict_json(v: &Verdict) -> Value {
    serde_json::json!({
        "class": v.class.name(),
        "profile": v.class.profile(),
        "witness": v.witness.as_ref().map(|w| serde_json::json!({
            "sender": w.sender,
            "receiver": w.receiver,
            "interface": w.interface,
            "response": w.response,
            "object": w.object,
            "payload": w.payload,
            "pointer": w.pointer,
            "rule": w.rule,
            "message": w.message,
            "mode": w.mode,
        })),
    })
}

/// The report as JSON (schema in the README).
pub fn json(d: &Diff) -> Value {
    let counts: serde_json::Map<String, Value> = counts(d)
        .into_iter()
        .map(|(n, a, b)| (n, serde_json::json!({"old_to_new": a, "new_to_old": b})))
        .collect();
    let changes: Vec<Value> = d
        .changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "group": c.group.title(),
                "item": c.item,
                "aspect": c.aspect,
                "change": c.kind.name(),
                "old": c.old,
                "new": c.new,
                "old_to_new": verdict_json(&c.old_to_new),
                "new_to_old": verdict_json(&c.new_to_old),
                "note": c.note,
            })
        })
        .collect();
    serde_json::json!({
        "old": d.old,
        "new": d.new,
        "breaking": d.changes.iter().any(Change::breaking),
        "counts": counts,
        "changes": changes,
    })
}

/// Whether a value is one the tolerance names list.
pub fn is_profile(name: &str) -> bool {
    PROFILES.contains(&name)
}

// ------------------------------------------------------------------------------------------
// Cross-edition pages

/// The edition `ir` is compared with in its migration page: the one it replaces (by number),
/// else the one it builds on (another edition whose own provenance tag its objects carry).
pub fn predecessor<'e>(ir: &Edition, all: &'e [Edition]) -> Option<&'e Edition> {
    let others = || all.iter().filter(|e| e.meta.id != ir.meta.id);
    if let Some(r) = &ir.meta.replaces
        && let Some(e) = others().find(|e| &e.meta.number == r)
    {
        return Some(e);
    }
    let own = ir.meta.prov.tags.first();
    others().find(|e| {
        let tag = e.meta.prov.tags.first();
        tag.is_some()
            && tag != own
            && ir
                .objects
                .values()
                .any(|o| o.prov.tags.iter().any(|t| Some(t) == tag))
    })
}

/// The migration page of each edition from its predecessor (`docs/migration.md`, wire changes
/// only) and the edition × edition compatibility table (`docs/compatibility.md`, the same in
/// every edition).
pub fn cross_edition_files(all: &[Edition]) -> Vec<crate::emit::OutFile> {
    let mut out = Vec::new();
    if all.len() < 2 {
        return out;
    }
    let head = "<!-- @generated by chargespec from the editions under spec/. Do not edit. -->\n";
    let render = Render {
        colour: false,
        wire_only: true,
    };
    for ir in all {
        if let Some(p) = predecessor(ir, all) {
            let d = diff(p, ir);
            out.push(crate::emit::OutFile::new(
                format!("{}/docs/migration.md", ir.meta.id),
                format!(
                    "{head}{}\nDocumentation-only and provenance-only changes are left out here; `chargespec diff {} {}` lists them too.\n",
                    markdown(&d, render),
                    p.meta.id,
                    ir.meta.id
                ),
            ));
        }
    }
    let mut table = format!(
        "{head}# Compatibility of the editions\n\nRows: the edition a **sender** is built for; columns: the edition the **receiver** is built for. \
         Each cell counts the changes between the two editions that are breaking / need a tolerance profile / need review for that direction \
         (`chargespec diff SENDER RECEIVER`, direction A). Every breaking change has a witness payload in the migration guide and in `chargespec diff`.\n\n| sender \\ receiver |"
    );
    for r in all {
        table.push_str(&format!(" {} |", r.meta.id));
    }
    table.push_str("\n|---|");
    table.push_str(&"---|".repeat(all.len()));
    table.push('\n');
    for s in all {
        table.push_str(&format!("| {} |", s.meta.id));
        for r in all {
            if s.meta.id == r.meta.id {
                table.push_str(" — |");
                continue;
            }
            let d = diff(s, r);
            let n = |f: &dyn Fn(Class) -> bool| {
                d.changes.iter().filter(|c| f(c.old_to_new.class)).count()
            };
            table.push_str(&format!(
                " {} / {} / {} |",
                n(&|c| c == Class::Breaking),
                n(&|c| matches!(c, Class::NeedsTolerance(_))),
                n(&|c| c == Class::NeedsReview)
            ));
        }
        table.push('\n');
    }
    for ir in all {
        out.push(crate::emit::OutFile::new(
            format!("{}/docs/compatibility.md", ir.meta.id),
            table.clone(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "edition:\n  id: ID\n  number: FIX 1\n  zh: 测试\n  en: Fixture\n  provenance: [db2024]\n  roles:\n    city: {zh: 市, en: City, provenance: [db2024]}\n    operator: {zh: 运营商, en: Operator, provenance: [db2024]}\n";

    /// An edition whose object `Station` has the given field lines, pushed by
    /// `notification_station`, with a closed table `T-Type` of the given codes.
    fn edition(id: &str, fields: &[&str], codes: &[i64]) -> Edition {
        let mut spec = String::from(
            "objects:\n  Station:\n    zh: 站\n    en: Station\n    provenance: [sz2020]\n    fields:\n",
        );
        for f in fields {
            spec.push_str(&format!("      - {{{f}, provenance: [sz2020]}}\n"));
        }
        spec.push_str("code_tables:\n  T-Type:\n    zh: 类型\n    en: Type\n    kind: integer\n    open: false\n    provenance: [sz2020]\n    codes:\n");
        for c in codes {
            spec.push_str(&format!(
                "      - {{code: {c}, zh: 码{c}, en: code {c}, provenance: [sz2020]}}\n"
            ));
        }
        spec.push_str("interfaces:\n  notification_station:\n    zh: 推送\n    en: Push\n    implementer: city\n    caller: operator\n    auth: none\n    provenance: [sz2020]\n    request:\n      fields:\n        - {wire: Station, zh: 站, en: Station, type: {object: Station}, required: true, provenance: [sz2020]}\n    response: {fields: []}\n");
        let checked = crate::check_texts(vec![
            ("standard.yaml".into(), BASE.replace("ID", id).into_bytes()),
            ("spec.yaml".into(), spec.into_bytes()),
        ]);
        checked
            .ir
            .unwrap_or_else(|| panic!("fixture checks: {:?}", checked.diags.sorted()))
    }

    const ID: &str =
        "wire: StationID, zh: 编码, en: ID, type: {string: {max_len: 20}}, required: true";
    const TYPE: &str = "wire: Type, zh: 类型, en: Type, type: {code: T-Type}, required: true";

    fn change<'d>(d: &'d Diff, item: &str, aspect: &str) -> &'d Change {
        d.changes
            .iter()
            .find(|c| c.item == item && c.aspect == aspect)
            .unwrap_or_else(|| panic!("no change {item} {aspect}: {:#?}", d.changes))
    }

    fn classes(c: &Change) -> (Class, Class) {
        (c.old_to_new.class, c.new_to_old.class)
    }

    /// Every breaking verdict has a strict witness, and the witness is really accepted by the
    /// sender's validator and rejected by the receiver's at its pointer.
    fn witnesses_hold(old: &Edition, new: &Edition, d: &Diff) {
        let (bo, bn) = (Bump::new(), Bump::new());
        let (so, sn) = (
            crate::descriptors::schema(old, &bo),
            crate::descriptors::schema(new, &bn),
        );
        for c in &d.changes {
            for (v, s, r, rir) in [
                (&c.old_to_new, &so, &sn, new),
                (&c.new_to_old, &sn, &so, old),
            ] {
                if v.class != Class::Breaking {
                    continue;
                }
                let w = v
                    .witness
                    .as_ref()
                    .unwrap_or_else(|| panic!("breaking without witness: {c:?}"));
                assert_eq!(w.mode, "strict");
                let si = s.object(&w.object).unwrap_or_else(|| panic!("{c:?}"));
                assert!(
                    check_json(s, si, &w.payload, Mode::strict()).is_ok(),
                    "{c:?}"
                );
                if w.rule == "interface" {
                    assert!(routed(rir, w.interface.as_deref().unwrap_or_default()).is_none());
                    continue;
                }
                let ro = match &w.interface {
                    Some(i) => {
                        let i = routed(rir, i).unwrap_or_else(|| panic!("{c:?}"));
                        if w.response {
                            &i.response.object
                        } else {
                            &i.request.object
                        }
                    }
                    None => d_obj(rir, &w.object, c),
                };
                let ri = r.object(ro).unwrap_or_else(|| panic!("{c:?}"));
                let report = check_json(r, ri, &w.payload, Mode::strict());
                assert!(
                    report
                        .errors()
                        .any(|e| e.path == w.pointer && e.rule.name() == w.rule),
                    "{c:?}\n{report:?}"
                );
            }
        }
    }

    fn d_obj<'e>(ir: &'e Edition, name: &str, c: &Change) -> &'e str {
        ir.objects
            .get_key_value(name)
            .map(|(k, _)| k.as_str())
            .unwrap_or_else(|| panic!("{c:?}"))
    }

    #[test]
    fn optional_to_required_breaks_old_to_new_only() {
        let opt = "wire: Name, zh: 名, en: Name, type: {string: {max_len: 9}}, required: false";
        let req = "wire: Name, zh: 名, en: Name, type: {string: {max_len: 9}}, required: true";
        let (o, n) = (
            edition("a", &[ID, opt], &[1]),
            edition("b", &[ID, req], &[1]),
        );
        let d = diff(&o, &n);
        let c = change(&d, "objects/Station/Name", "requirement");
        assert_eq!(classes(c), (Class::Breaking, Class::Compatible));
        let w = c
            .old_to_new
            .witness
            .as_ref()
            .unwrap_or_else(|| panic!("witness"));
        assert_eq!(
            (w.pointer.as_str(), w.rule.as_str()),
            ("/Station/Name", "required")
        );
        assert_eq!(w.interface.as_deref(), Some("notification_station"));
        witnesses_hold(&o, &n, &d);
        // The other way round, the same change is breaking NEW→OLD only.
        let d = diff(&n, &o);
        assert_eq!(
            classes(change(&d, "objects/Station/Name", "requirement")),
            (Class::Compatible, Class::Breaking)
        );
        witnesses_hold(&n, &o, &d);
    }

    #[test]
    fn a_tightened_max_length_breaks_old_to_new() {
        let short =
            "wire: StationID, zh: 编码, en: ID, type: {string: {max_len: 8}}, required: true";
        let (o, n) = (edition("a", &[ID], &[1]), edition("b", &[short], &[1]));
        let d = diff(&o, &n);
        let c = change(&d, "objects/Station/StationID", "length");
        assert_eq!(classes(c), (Class::Breaking, Class::Compatible));
        let w = c
            .old_to_new
            .witness
            .as_ref()
            .unwrap_or_else(|| panic!("witness"));
        let sent = w
            .payload
            .pointer("/Station/StationID")
            .and_then(Value::as_str)
            .unwrap_or_default();
        assert!((9..=20).contains(&sent.chars().count()), "{sent}");
        witnesses_hold(&o, &n, &d);
    }

    #[test]
    fn removed_and_added_codes_break_the_direction_that_sends_them() {
        let (o, n) = (
            edition("a", &[ID, TYPE], &[1, 2]),
            edition("b", &[ID, TYPE], &[1, 3]),
        );
        let d = diff(&o, &n);
        let removed = change(&d, "codes/T-Type/2", "code");
        assert_eq!(
            (removed.kind, classes(removed)),
            (Kind::Removed, (Class::Breaking, Class::Compatible))
        );
        let w = removed
            .old_to_new
            .witness
            .as_ref()
            .unwrap_or_else(|| panic!("witness"));
        assert_eq!(
            w.payload
                .pointer("/Station/Type")
                .map(ToString::to_string)
                .as_deref(),
            Some("2")
        );
        let added = change(&d, "codes/T-Type/3", "code");
        assert_eq!(
            (added.kind, classes(added)),
            (Kind::Added, (Class::Compatible, Class::Breaking))
        );
        witnesses_hold(&o, &n, &d);
    }

    #[test]
    fn a_rename_with_an_alias_is_not_a_removal() {
        let old =
            "wire: Busines, zh: 营业, en: Business, type: {string: {max_len: 9}}, required: true";
        let aliased = "wire: Business, zh: 营业, en: Business, aliases: [Busines], type: {string: {max_len: 9}}, required: true";
        let bare =
            "wire: Business, zh: 营业, en: Business, type: {string: {max_len: 9}}, required: true";
        let o = edition("a", &[ID, old], &[1]);
        let d = diff(&o, &edition("b", &[ID, aliased], &[1]));
        let c = change(&d, "objects/Station/Business", "wire name");
        assert_eq!(c.kind, Kind::Renamed);
        // OLD senders send Busines, which the new receiver reads; new senders send Business,
        // which the old receiver does not know, and it requires Busines.
        assert_eq!(classes(c), (Class::Compatible, Class::Breaking));
        assert!(
            !d.changes
                .iter()
                .any(|c| c.kind == Kind::Removed && c.aspect == "field")
        );
        // Without the alias the fields are not paired: a removal and an addition.
        let n = edition("b", &[ID, bare], &[1]);
        let d = diff(&o, &n);
        assert_eq!(
            change(&d, "objects/Station/Busines", "field").kind,
            Kind::Removed
        );
        assert_eq!(
            classes(change(&d, "objects/Station/Business", "field")),
            (Class::Breaking, Class::Compatible)
        );
        witnesses_hold(&o, &n, &d);
    }

    #[test]
    fn an_added_optional_field_is_compatible_both_ways_and_docs_are_doc_only() {
        let extra = "wire: Extra, zh: 附加, en: Extra, description: Something., type: {string: {max_len: 9}}, required: false";
        let id2 =
            "wire: StationID, zh: 站编码, en: ID, type: {string: {max_len: 20}}, required: true";
        let d = diff(
            &edition("a", &[ID], &[1]),
            &edition("b", &[id2, extra], &[1]),
        );
        assert_eq!(
            classes(change(&d, "objects/Station/Extra", "field")),
            (Class::Compatible, Class::Compatible)
        );
        assert_eq!(
            classes(change(&d, "objects/Station/StationID", "zh")),
            (Class::DocOnly, Class::DocOnly)
        );
        assert!(!d.changes.iter().any(Change::breaking));
    }

    #[test]
    fn a_provisional_rule_is_needs_review_not_breaking() {
        let prov = "wire: StationID, zh: 编码, en: ID, type: {string: {max_len: 8}}, required: true, provisional: true, note: A guess";
        let (o, n) = (edition("a", &[ID], &[1]), edition("b", &[prov], &[1]));
        let d = diff(&o, &n);
        let c = change(&d, "objects/Station/StationID", "length");
        assert_eq!(c.old_to_new.class, Class::NeedsReview);
        assert_eq!(
            c.old_to_new.witness.as_ref().map(|w| w.mode),
            Some("enforce-provisional")
        );
    }

    #[test]
    fn bounds_and_charsets_order_as_expected() {
        assert!(lower_max(None, Some(3)));
        assert!(lower_max(Some(5), Some(3)));
        assert!(!lower_max(Some(3), None));
        assert!(higher_min(Some(1), Some(2)));
        assert!(!higher_min(Some(2), None));
        assert!(charset_rank(Charset::Digits) < charset_rank(Charset::UpperHex));
        assert!(PROFILES.iter().all(|p| is_profile(p)));
    }
}
