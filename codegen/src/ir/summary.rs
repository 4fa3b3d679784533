//! A plain-text summary of the IR (snapshot-tested).

use std::fmt::Write;

use super::*;

fn prov(p: &Provenance) -> String {
    let mut s = format!("[{}]", p.tags_text());
    if p.provisional {
        s.push_str(" PROVISIONAL");
    }
    s
}

/// A compact text form of a type, e.g. `string(..=20)`, `decimal(scale 6, number)`.
pub fn type_text(t: &Type) -> String {
    match t {
        Type::String(s) => {
            let mut parts = Vec::new();
            match (s.min_len, s.max_len) {
                (Some(a), Some(b)) if a == b => parts.push(format!("len {a}")),
                (a, b) => {
                    if a.is_some() || b.is_some() {
                        parts.push(format!(
                            "len {}..={}",
                            a.map(|v| v.to_string()).unwrap_or_default(),
                            b.map(|v| v.to_string()).unwrap_or_default()
                        ));
                    }
                }
            }
            if let Some(p) = &s.pattern {
                parts.push(format!("pattern {p}"));
            }
            if s.charset != Charset::Any {
                parts.push(format!("charset {:?}", s.charset).to_lowercase());
            }
            if parts.is_empty() {
                "string".into()
            } else {
                format!("string({})", parts.join(", "))
            }
        }
        Type::Integer(i) => {
            let mut parts = Vec::new();
            if i.min.is_some() || i.max.is_some() {
                parts.push(format!(
                    "{}..={}",
                    i.min.map(|v| v.to_string()).unwrap_or_default(),
                    i.max.map(|v| v.to_string()).unwrap_or_default()
                ));
            }
            if let Some(m) = i.max_text_len {
                parts.push(format!("text ≤{m}"));
            }
            if parts.is_empty() {
                "integer".into()
            } else {
                format!("integer({})", parts.join(", "))
            }
        }
        Type::Decimal(d) => {
            let mut parts = vec![match d.scale {
                Some(s) => format!("scale {s}"),
                None => "scale unknown".into(),
            }];
            if d.min.is_some() || d.max.is_some() {
                parts.push(format!(
                    "{}..={}",
                    d.min.map(|v| v.to_string()).unwrap_or_default(),
                    d.max.map(|v| v.to_string()).unwrap_or_default()
                ));
            }
            if d.wire == DecimalWire::String {
                parts.push("as string".into());
            }
            if let Some(m) = d.max_text_len {
                parts.push(format!("text ≤{m}"));
            }
            format!("decimal({})", parts.join(", "))
        }
        Type::DateTime(f) => format!("datetime({})", f.pattern()),
        Type::Array(a) => {
            let mut s = format!(
                "array<{}>",
                a.items_type_name
                    .clone()
                    .unwrap_or_else(|| type_text(&a.items))
            );
            if a.min_items.is_some() || a.max_items.is_some() {
                let _ = write!(
                    s,
                    "({}..={})",
                    a.min_items.map(|v| v.to_string()).unwrap_or_default(),
                    a.max_items.map(|v| v.to_string()).unwrap_or_default()
                );
            }
            s
        }
        Type::Object(o) => format!("object {o}"),
        Type::Code(c) => format!("code {c}"),
    }
}

fn requirement(r: &Requirement) -> String {
    match r {
        Requirement::Required => "required".into(),
        Requirement::Optional => "optional".into(),
        Requirement::Conditional(c) => {
            let vals: Vec<String> = c.values.iter().map(ToString::to_string).collect();
            match c.op {
                CondOp::Equals => format!("required when {} = {}", c.field, vals.join(", ")),
                CondOp::In => format!("required when {} in [{}]", c.field, vals.join(", ")),
                CondOp::NotIn => format!("required when {} not in [{}]", c.field, vals.join(", ")),
            }
        }
    }
}

/// The summary of an edition: every item with its type, requirement and provenance, one per
/// line. Snapshot-tested, so any change to the IR shows in review.
#[allow(clippy::too_many_lines)]
pub fn summary(e: &Edition) -> String {
    let mut s = String::new();
    summary_head(&mut s, e);
    summary_objects(&mut s, e);
    summary_tables(&mut s, e);
    summary_interfaces(&mut s, e);
    summary_security(&mut s, e);
    summary_qr(&mut s, e);
    s
}

/// The edition, its counts, roles, contents and named types.
fn summary_head(s: &mut String, e: &Edition) {
    let m = &e.meta;
    let _ = writeln!(
        s,
        "edition {} — {} {} / {} {}",
        m.id,
        m.number,
        m.info.zh,
        m.info.en,
        prov(&m.prov)
    );
    let _ = writeln!(s, "counts: {}", Counts::of(e));
    let _ = writeln!(
        s,
        "roles: {}",
        e.roles.keys().cloned().collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(
        s,
        "contents: {}",
        m.contents
            .iter()
            .map(|c| c.number.clone())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(s, "\ntypes ({}):", e.types.len());
    for t in e.types.values() {
        let _ = writeln!(
            s,
            "  {} ({}) = {} {}",
            t.name,
            t.rust_name,
            type_text(&t.ty),
            prov(&t.prov)
        );
    }
}

/// Objects and their fields.
fn summary_objects(s: &mut String, e: &Edition) {
    let _ = writeln!(s, "\nobjects ({}):", e.objects.len());
    for o in e.objects.values() {
        let origin = match &o.origin {
            ObjectOrigin::Declared => String::new(),
            ObjectOrigin::Payload {
                interface,
                direction,
            } => format!(" (payload: {interface} {direction:?})"),
        };
        let _ = writeln!(
            s,
            "  {} ({}) {} / {}{} {}",
            o.name,
            o.rust_name,
            o.info.zh,
            o.info.en,
            origin,
            prov(&o.prov)
        );
        for f in &o.fields {
            let mut extra = String::new();
            if let Some(tn) = &f.type_name {
                let _ = write!(extra, " via {tn}");
            }
            if let Some(u) = &f.unit {
                let _ = write!(extra, " unit {u}");
            }
            if !f.aliases.is_empty() {
                let _ = write!(extra, " aliases [{}]", f.aliases.join(", "));
            }
            if let Some(c) = &f.misspelling_of {
                let _ = write!(extra, " misspelling of {c}");
            }
            if let Some(d) = &f.default {
                let _ = write!(extra, " default {d:?}");
            }
            if f.secret {
                extra.push_str(" secret");
            }
            let _ = writeln!(
                s,
                "    {} → {}: {}{} {} {}",
                f.wire,
                f.rust_ident,
                type_text(&f.ty),
                extra,
                requirement(&f.requirement),
                prov(&f.prov)
            );
        }
        for c in &o.constraints {
            let groups: Vec<String> = c
                .exactly_one_of
                .iter()
                .map(|g| format!("[{}]", g.join(", ")))
                .collect();
            let _ = writeln!(
                s,
                "    constraint exactly one of {} {}",
                groups.join(" | "),
                prov(&c.prov)
            );
        }
    }
}

/// Code tables, codes and ranges.
fn summary_tables(s: &mut String, e: &Edition) {
    let _ = writeln!(s, "\ncode tables ({}):", e.code_tables.len());
    for t in e.code_tables.values() {
        let mut extra = String::new();
        if let Some(a) = &t.appendix {
            let _ = write!(extra, " appendix {a}");
        }
        if let Some(n) = &t.table_no {
            let _ = write!(extra, " table {n}");
        }
        if let Some(c) = &t.category_table {
            let _ = write!(extra, " categories {c}");
        }
        let _ = writeln!(
            s,
            "  {} ({}) {} / {} {:?} {}{} {}",
            t.name,
            t.rust_name,
            t.info.zh,
            t.info.en,
            t.kind,
            if t.open { "open" } else { "closed" },
            extra,
            prov(&t.prov)
        );
        for c in &t.codes {
            let cat = c
                .category
                .as_ref()
                .map(|v| format!(" category {v}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "    {} {} {} / {}{} {}",
                c.value,
                c.rust_variant,
                c.info.zh,
                c.info.en,
                cat,
                prov(&c.prov)
            );
        }
        for r in &t.ranges {
            let _ = writeln!(
                s,
                "    {}..={} {} {} / {} {}",
                r.from,
                r.to,
                r.rust_variant,
                r.info.zh,
                r.info.en,
                prov(&r.prov)
            );
        }
    }
}

/// Interfaces and flows.
fn summary_interfaces(s: &mut String, e: &Edition) {
    let _ = writeln!(s, "\ninterfaces ({}):", e.interfaces.len());
    for i in e.interfaces.values() {
        let _ = writeln!(
            s,
            "  {} ({}, fn {}) {} / {}: {} ← {}, auth {:?}{}, request {}, response {}, flows [{}] {}",
            i.name,
            i.rust_name,
            i.fn_name,
            i.info.zh,
            i.info.en,
            i.implementer,
            i.caller,
            i.auth,
            if i.optional { ", optional" } else { "" },
            i.request.object,
            i.response.object,
            i.flows.join(", "),
            prov(&i.prov)
        );
        if let Some(p) = &i.paging {
            let _ = writeln!(
                s,
                "    paging {} {} → {} {} {} {}",
                p.page_no,
                p.page_size,
                p.page_count,
                p.item_count,
                p.items,
                prov(&p.prov)
            );
        }
        if !i.route_aliases.is_empty() {
            let _ = writeln!(s, "    route aliases {}", i.route_aliases.join(", "));
        }
    }
    let _ = writeln!(s, "\nflows ({}):", e.flows.len());
    for f in e.flows.values() {
        let _ = writeln!(
            s,
            "  {} {} {} / {} {}",
            f.number,
            f.key,
            f.info.zh,
            f.info.en,
            prov(&f.prov)
        );
        for st in &f.steps {
            let _ = writeln!(
                s,
                "    → {}{} {}",
                st.interface,
                if st.optional { " (optional)" } else { "" },
                prov(&st.prov)
            );
        }
    }
}

/// The security section.
fn summary_security(s: &mut String, e: &Edition) {
    if let Some(sec) = &e.security {
        let _ = writeln!(s, "\nsecurity {}:", prov(&sec.prov));
        if let Some(t) = &sec.transport {
            let _ = writeln!(
                s,
                "  transport {} {} {} {}",
                t.value.schemes.join("/"),
                t.value.method,
                t.value.content_type,
                prov(&t.prov)
            );
            if let Some(u) = &t.value.url {
                let _ = writeln!(
                    s,
                    "  url {} default base {:?} {}",
                    u.value.pattern,
                    u.value.default_base_path,
                    prov(&u.prov)
                );
            }
        }
        for h in &sec.headers {
            let _ = writeln!(
                s,
                "  header {}: {} except [{}] {}",
                h.value.name,
                h.value.value,
                h.value.except.join(", "),
                prov(&h.prov)
            );
        }
        if let Some(v) = &sec.envelope {
            let _ = writeln!(
                s,
                "  envelope {} / {} data {} {}",
                v.value.request.object,
                v.value.response.object,
                v.value.request.data.wire,
                prov(&v.prov)
            );
        }
        for k in &sec.keys {
            let _ = writeln!(
                s,
                "  key {}: {} {}",
                k.value.name,
                type_text(&k.value.ty),
                prov(&k.prov)
            );
        }
        if let Some(v) = &sec.encryption {
            let x = &v.value;
            let _ = writeln!(
                s,
                "  encryption {:?} key {} iv {} {:?} fields [{}] {}",
                x.algorithm,
                x.key.name,
                x.iv.name,
                x.key_encoding,
                x.fields.join(", "),
                prov(&v.prov)
            );
        }
        if let Some(v) = &sec.signature {
            let x = &v.value;
            let _ = writeln!(
                s,
                "  signature {:?} key {} request [{}] response [{}] {:?} {}",
                x.algorithm,
                x.key.name,
                wires(&x.request_fields),
                wires(&x.response_fields),
                x.hex_case,
                prov(&v.prov)
            );
        }
        if let Some(v) = &sec.timestamp {
            let _ = writeln!(
                s,
                "  timestamp {} {} {}",
                v.value.field,
                v.value.format.pattern(),
                prov(&v.prov)
            );
        }
        if let Some(v) = &sec.seq {
            let _ = writeln!(
                s,
                "  seq {} {}..={} width {} {}",
                v.value.field,
                v.value.min,
                v.value.max,
                v.value.width,
                prov(&v.prov)
            );
        }
        summary_rules(s, sec);
    }
}

/// The token, Ret, processing and rule blocks of the security section.
fn summary_rules(s: &mut String, sec: &Security) {
    if let Some(v) = &sec.token {
        let x = &v.value;
        let _ = writeln!(
            s,
            "  token {} {} {} lifetime {} ({}) {}",
            x.interface,
            x.header,
            x.scheme,
            x.lifetime.wire,
            x.lifetime_unit,
            prov(&v.prov)
        );
    }
    if let Some(v) = &sec.ret {
        let x = &v.value;
        let _ = writeln!(
            s,
            "  ret {} ok {} busy {} sig {} token {} envelope {} payload {} system {} {}",
            x.table,
            x.success,
            x.busy,
            x.bad_signature,
            x.bad_token,
            x.bad_envelope,
            x.bad_payload,
            x.system_error,
            prov(&v.prov)
        );
    }
    for p in &sec.processing {
        let _ = writeln!(
            s,
            "  step {:?} ret {:?} {}",
            p.value.step,
            p.value.ret,
            prov(&p.prov)
        );
    }
    if let Some(v) = &sec.push_ack {
        let _ = writeln!(
            s,
            "  push ack {}.{} {} {}",
            v.value.object,
            v.value.field,
            v.value.table,
            prov(&v.prov)
        );
    }
    if let Some(v) = &sec.resend {
        let _ = writeln!(s, "  resend {:?} {}", v.value, prov(&v.prov));
    }
    if let Some(v) = &sec.paging {
        let _ = writeln!(s, "  paging {:?} {}", v.value, prov(&v.prov));
    }
    if let Some(v) = &sec.replay {
        let _ = writeln!(s, "  replay {:?} {}", v.value, prov(&v.prov));
    }
    if let Some(v) = &sec.key_distribution {
        let _ = writeln!(s, "  key distribution {:?} {}", v.value, prov(&v.prov));
    }
}

/// The QR code.
fn summary_qr(s: &mut String, e: &Edition) {
    if let Some(q) = &e.qr_code {
        let parts: Vec<String> = q
            .parts
            .iter()
            .map(|p| match &p.kind {
                QrPartKind::Literal(l) => format!("{l:?}"),
                QrPartKind::Field { field, .. } => format!("{{{field}}}"),
                QrPartKind::Tail => "…".into(),
            })
            .collect();
        let _ = writeln!(s, "\nqr code {} {}", parts.join(" "), prov(&q.prov));
        for p in &q.patterns {
            let _ = writeln!(s, "  pattern {} {} {}", p.name, p.pattern, prov(&p.prov));
        }
    }
}

fn wires(fields: &[super::FieldRef]) -> String {
    fields
        .iter()
        .map(|f| f.wire.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}
