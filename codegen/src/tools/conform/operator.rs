//! The kit plays the caller of the system under test's query interfaces (the city against an
//! operator): pages through every paged query, learns the identifiers the answers carry (by
//! their named type: `StationID`, `ConnectorID`, …), then calls every other query with valid
//! requests built from the spec's samples and the learnt identifiers, and checks every answer.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::emit::samples::object_sample;
use crate::ir::{Edition, Interface, Requirement, Type};
use crate::tools::conform::catalogue::{Catalogue, IfaceCheck, Outcome};
use crate::tools::conform::probes::{answer_checks, probes};
use crate::tools::conform::report::{Check, Finding, bounded};
use crate::tools::conform::session::{Answer, Session};

/// The most pages walked per paged interface, whatever the peer announces.
pub const MAX_PAGES: i64 = 50;
/// The most identifiers learnt per named type.
pub const MAX_LEARNT: usize = 20;
/// How many learnt identifiers a list field of a request carries.
pub const LIST_IDS: usize = 3;

/// Identifiers learnt from answers, by named type, in first-seen order.
#[derive(Debug, Default)]
pub struct Learnt(pub BTreeMap<String, Vec<String>>);

impl Learnt {
    fn add(&mut self, ty: &str, v: &str) {
        let vals = self.0.entry(ty.to_owned()).or_default();
        if vals.len() < MAX_LEARNT && !vals.iter().any(|x| x == v) {
            vals.push(v.to_owned());
        }
    }
}

/// Collects the string values of named-type fields of `value`, read as `object`.
pub fn learn(ir: &Edition, object: &str, value: &Value, out: &mut Learnt, depth: usize) {
    let (Some(o), Value::Object(map)) = (ir.objects.get(object), value) else {
        return;
    };
    if depth > 8 {
        return;
    }
    for f in &o.fields {
        let Some(v) = map.get(&f.wire) else { continue };
        match (&f.ty, v) {
            (Type::String(_), Value::String(s)) => {
                if let Some(t) = &f.type_name {
                    out.add(t, s);
                }
            }
            (Type::Object(name), _) => learn(ir, name, v, out, depth + 1),
            (Type::Array(a), Value::Array(items)) => {
                for item in items.iter().take(1000) {
                    match (&a.items, item) {
                        (Type::Object(name), _) => learn(ir, name, item, out, depth + 1),
                        (Type::String(_), Value::String(s)) => {
                            if let Some(t) = &a.items_type_name {
                                out.add(t, s);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether an interface changes the state of its implementer: it is answered with the push
/// acknowledgement (a command, like setting a frequency) or distributes keys.
pub fn is_write(ir: &Edition, i: &Interface) -> bool {
    let Some(sec) = &ir.security else {
        return false;
    };
    let ack = sec
        .push_ack
        .as_ref()
        .is_some_and(|b| b.value.object == i.response.object);
    let keys = sec
        .key_distribution
        .as_ref()
        .is_some_and(|b| b.value.interfaces.contains(&i.name));
    ack || keys
}

/// A valid request of `i`: its sample's required fields (and the conditional ones), with the
/// learnt identifiers put in every field of a named type that has some.
pub fn request(ir: &Edition, i: &Interface, learnt: &Learnt) -> Value {
    let Some(o) = ir.objects.get(&i.request.object) else {
        return json!({});
    };
    let sample = object_sample(ir, o, 0)
        .map(|j| j.to_value())
        .unwrap_or_else(|| json!({}));
    let mut out = Map::new();
    for f in &o.fields {
        let known = match &f.ty {
            Type::String(_) => f
                .type_name
                .as_ref()
                .and_then(|t| learnt.0.get(t))
                .and_then(|v| v.first())
                .map(|v| Value::String(v.clone())),
            Type::Array(a) => a
                .items_type_name
                .as_ref()
                .and_then(|t| learnt.0.get(t))
                .map(|v| {
                    let max = a.max_items.map_or(LIST_IDS, |m| (m as usize).min(LIST_IDS));
                    Value::Array(v.iter().take(max).cloned().map(Value::String).collect())
                }),
            _ => None,
        };
        match (
            known,
            f.requirement == Requirement::Optional,
            sample.get(&f.wire),
        ) {
            (Some(v), _, _) => {
                out.insert(f.wire.clone(), v);
            }
            (None, false, Some(v)) => {
                out.insert(f.wire.clone(), v.clone());
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// The ANSWER check of one or more answers.
fn answer_check(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    i: &Interface,
    answers: &[&Answer],
) -> (Check, bool) {
    let success = s.profile.ret.success;
    let bad: Vec<&&Answer> = answers.iter().filter(|a| a.ret != Some(success)).collect();
    if bad.is_empty() {
        let n = answers.len();
        return (
            cat.iface(
                &i.name,
                IfaceCheck::Answer,
                Outcome::Pass(format!("{n} answer(s) with Ret {success}")),
                vec![],
            ),
            true,
        );
    }
    let first = bad[0];
    if i.optional && first.status == 404 {
        return (
            cat.iface(
                &i.name,
                IfaceCheck::Answer,
                Outcome::NotApplicable(
                    "not implemented (HTTP 404; the interface is optional)".into(),
                ),
                vec![],
            ),
            false,
        );
    }
    let f = Finding {
        interface: i.name.clone(),
        rule: "ret".into(),
        message: format!("expected Ret {success}"),
        value: first.describe(),
        provenance: i.prov.tags_text(),
        provisional: i.prov.provisional,
        ..Finding::default()
    };
    (
        cat.iface(
            &i.name,
            IfaceCheck::Answer,
            Outcome::Fail(format!("expected Ret {success}, got {}", first.describe())),
            vec![f],
        ),
        false,
    )
}

fn skipped(cat: &Catalogue<'_>, i: &str, checks: &[IfaceCheck], why: &str, out: &mut Vec<Check>) {
    for c in checks {
        out.push(cat.iface(i, *c, Outcome::Skip(why.to_owned()), vec![]));
    }
}

fn int(v: &Value, field: &str) -> Option<i64> {
    v.get(field).and_then(Value::as_i64)
}

/// Walks every page of a paged interface; its checks, and the items.
async fn page_walk(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    i: &Interface,
    learnt: &mut Learnt,
    out: &mut Vec<Check>,
) {
    let Some(p) = &i.paging else { return };
    let page_size = p
        .default_page_size
        .or_else(|| {
            s.ir.security
                .as_ref()
                .and_then(|sec| sec.paging.as_ref())
                .and_then(|b| b.value.default_page_size)
        })
        .unwrap_or(10);
    let first_page = p.default_page_no.unwrap_or(1).max(1);
    let base = request(s.ir, i, learnt);
    let mut answers = Vec::new();
    let mut paging = Vec::new();
    let mut announced: Option<(i64, i64)> = None;
    let mut items_seen: usize = 0;
    let mut page_no = first_page;
    let item_object =
        s.ir.objects
            .get(&i.response.object)
            .and_then(|o| o.fields.iter().find(|f| f.wire == p.items))
            .and_then(|f| match &f.ty {
                Type::Array(a) => match &a.items {
                    Type::Object(n) => Some(n.clone()),
                    _ => None,
                },
                _ => None,
            });
    loop {
        let mut req = base.clone();
        if let Value::Object(m) = &mut req {
            m.insert(p.page_no.clone(), json!(page_no));
            m.insert(p.page_size.clone(), json!(page_size));
        }
        let a = s.call(&i.name, &req).await;
        let body = a.json();
        let ok = a.ret == Some(s.profile.ret.success) && body.is_some();
        answers.push(a);
        let Some(body) = body.filter(|_| ok) else {
            break;
        };
        let mut bad = |pointer: &str, message: String, value: String| {
            paging.push(Finding {
                interface: i.name.clone(),
                pointer: pointer.to_owned(),
                rule: "paging".into(),
                message,
                value: bounded(&value),
                provenance: p.prov.tags_text(),
                provisional: p.prov.provisional,
                warning: false,
            })
        };
        let got_no = int(&body, &p.page_no);
        if got_no != Some(page_no) {
            bad(
                &format!("/{}", p.page_no),
                format!("page {page_no} was asked for"),
                format!("{got_no:?}"),
            );
        }
        let count = int(&body, &p.page_count);
        let total = int(&body, &p.item_count);
        let items = body
            .get(&p.items)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(obj) = &item_object {
            for it in items {
                learn(s.ir, obj, it, learnt, 0);
            }
        }
        items_seen += items.len();
        if items.len() as i64 > page_size {
            bad(
                &format!("/{}", p.items),
                format!("{} items on a page of {page_size}", items.len()),
                items.len().to_string(),
            );
        }
        match (count, total) {
            (Some(c), Some(t)) => {
                let want = if t <= 0 {
                    1
                } else {
                    (t + page_size - 1) / page_size
                };
                if c != want && !(t == 0 && c == 0) {
                    bad(
                        &format!("/{}", p.page_count),
                        format!("{t} items in pages of {page_size} make {want} page(s)"),
                        c.to_string(),
                    );
                }
                if let Some((c0, t0)) = announced
                    && (c0, t0) != (c, t)
                {
                    bad(
                        &format!("/{}", p.page_count),
                        format!("page 1 announced {c0} page(s) of {t0} item(s)"),
                        format!("{c} page(s) of {t} item(s)"),
                    );
                }
                announced.get_or_insert((c, t));
                let last = page_no >= c;
                if !last && (items.len() as i64) < page_size {
                    bad(
                        &format!("/{}", p.items),
                        format!("page {page_no} of {c} is not the last, yet not full"),
                        items.len().to_string(),
                    );
                }
            }
            _ => bad(
                "",
                format!("{} and {} are required to page", p.page_count, p.item_count),
                String::new(),
            ),
        }
        let pages = announced.map_or(1, |(c, _)| c);
        if page_no >= pages || page_no - first_page + 1 >= MAX_PAGES {
            break;
        }
        page_no += 1;
    }
    if let Some((_, t)) = announced
        && paging.is_empty()
        && items_seen as i64 != t
    {
        paging.push(Finding {
            interface: i.name.clone(),
            pointer: format!("/{}", p.item_count),
            rule: "paging".into(),
            message: format!("{items_seen} item(s) on all pages"),
            value: t.to_string(),
            provenance: p.prov.tags_text(),
            provisional: p.prov.provisional,
            warning: false,
        });
    }
    let refs: Vec<&Answer> = answers.iter().collect();
    let (check, ok) = answer_check(s, cat, i, &refs);
    out.push(check);
    if !ok && answers.len() == 1 {
        skipped(
            cat,
            &i.name,
            &[
                IfaceCheck::Signature,
                IfaceCheck::Schema,
                IfaceCheck::Paging,
            ],
            "no answer to check",
            out,
        );
        return;
    }
    answer_checks(s, cat, &i.name, &refs, out);
    let pages = answers.len();
    let outcome = if paging.is_empty() {
        Outcome::Pass(format!("{pages} page(s), {items_seen} item(s), consistent"))
    } else {
        Outcome::Fail(format!(
            "{} paging deviation(s) over {pages} page(s)",
            paging.len()
        ))
    };
    out.push(cat.iface(&i.name, IfaceCheck::Paging, outcome, paging));
}

/// The identifiers of each named type a request asks for as a list, and whether the answer
/// carries only those.
fn ids_check(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    i: &Interface,
    req: &Value,
    a: &Answer,
) -> Option<Check> {
    let o = s.ir.objects.get(&i.request.object)?;
    let mut asked: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &o.fields {
        if let (Type::Array(arr), Some(Value::Array(vals))) = (&f.ty, req.get(&f.wire))
            && let Some(t) = &arr.items_type_name
        {
            asked
                .entry(t.clone())
                .or_default()
                .extend(vals.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    if asked.is_empty() {
        return None;
    }
    let mut got = Learnt::default();
    if let Some(body) = a.json() {
        learn(s.ir, &i.response.object, &body, &mut got, 0);
    }
    let mut findings = Vec::new();
    for (ty, want) in &asked {
        for v in got.0.get(ty).into_iter().flatten() {
            if !want.contains(v) {
                findings.push(Finding {
                    interface: i.name.clone(),
                    rule: "identifiers".into(),
                    message: format!(
                        "a {ty} not asked for (asked: {})",
                        want.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                    value: bounded(v),
                    provenance: i.prov.tags_text(),
                    provisional: i.prov.provisional,
                    ..Finding::default()
                });
            }
        }
    }
    let outcome = if findings.is_empty() {
        Outcome::Pass(format!(
            "answered only the {} asked for",
            asked.keys().cloned().collect::<Vec<_>>().join(", ")
        ))
    } else {
        Outcome::Fail(format!("{} identifier(s) not asked for", findings.len()))
    };
    Some(cat.iface(&i.name, IfaceCheck::Identifiers, outcome, findings))
}

/// Runs every check against a system under test implementing `role`'s queries.
pub async fn run(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    role: &str,
    caller: &str,
    allow_writes: bool,
    out: &mut Vec<Check>,
) {
    let token_iface = s.profile.token.as_ref().map(|t| t.interface.clone());
    let queries: Vec<&Interface> =
        s.ir.interfaces
            .values()
            .filter(|i| i.implementer.includes(role) && i.caller.includes(caller))
            .filter(|i| Some(&i.name) != token_iface.as_ref())
            .collect();
    let mut learnt = Learnt::default();
    for i in queries.iter().filter(|i| i.paging.is_some()) {
        page_walk(s, cat, i, &mut learnt, out).await;
    }
    for i in queries.iter().filter(|i| i.paging.is_none()) {
        if is_write(s.ir, i) && !allow_writes {
            out.push(cat.iface(
                &i.name,
                IfaceCheck::Answer,
                Outcome::Skip("changes the peer's state; --allow-writes calls it".into()),
                vec![],
            ));
            continue;
        }
        let req = request(s.ir, i, &learnt);
        let a = s.call(&i.name, &req).await;
        let (check, ok) = answer_check(s, cat, i, &[&a]);
        out.push(check);
        if !ok {
            skipped(
                cat,
                &i.name,
                &[IfaceCheck::Signature, IfaceCheck::Schema],
                "no answer to check",
                out,
            );
            continue;
        }
        answer_checks(s, cat, &i.name, &[&a], out);
        if let Some(c) = ids_check(s, cat, i, &req, &a) {
            out.push(c);
        }
    }
    // The probes go through the first read-only query (a paged one first).
    let probe = queries
        .iter()
        .filter(|i| !is_write(s.ir, i))
        .min_by_key(|i| i.paging.is_none());
    if let Some(i) = probe {
        let mut req = request(s.ir, i, &learnt);
        if let (Some(p), Value::Object(m)) = (&i.paging, &mut req) {
            m.insert(
                p.page_no.clone(),
                json!(p.default_page_no.unwrap_or(1).max(1)),
            );
            m.insert(
                p.page_size.clone(),
                json!(p.default_page_size.unwrap_or(10)),
            );
        }
        probes(s, cat, &i.name, &req, out).await;
    }
}
