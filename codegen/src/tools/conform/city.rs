//! The kit plays the caller of the system under test's push interfaces (an operator against a
//! city): sends every push with the spec's valid sample, checks each answer (Ret, signature,
//! payload), then probes the city's envelope checks through the first push.

use serde_json::Value;

use crate::emit::samples::object_sample;
use crate::ir::Interface;
use crate::tools::conform::catalogue::{Catalogue, IfaceCheck, Outcome};
use crate::tools::conform::probes::{answer_checks, probes};
use crate::tools::conform::report::{Check, Finding};
use crate::tools::conform::session::Session;

/// The valid sample request of an interface.
pub fn sample_request(s: &Session<'_>, i: &Interface) -> Option<Value> {
    let o = s.ir.objects.get(&i.request.object)?;
    object_sample(s.ir, o, 0).map(|j| j.to_value())
}

/// Runs every check against a system under test implementing `role`'s pushes.
pub async fn run(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    role: &str,
    caller: &str,
    out: &mut Vec<Check>,
) {
    let token_iface = s.profile.token.as_ref().map(|t| t.interface.clone());
    let pushes: Vec<&Interface> =
        s.ir.interfaces
            .values()
            .filter(|i| i.implementer.includes(role) && i.caller.includes(caller))
            .filter(|i| Some(&i.name) != token_iface.as_ref())
            .collect();
    let success = s.profile.ret.success;
    let mut probe = None;
    for i in &pushes {
        let Some(req) = sample_request(s, i) else {
            out.push(cat.iface(
                &i.name,
                IfaceCheck::Answer,
                Outcome::Skip("the spec has no valid sample of the request".into()),
                vec![],
            ));
            continue;
        };
        let a = s.call(&i.name, &req).await;
        if a.ret == Some(success) {
            out.push(cat.iface(
                &i.name,
                IfaceCheck::Answer,
                Outcome::Pass(format!("accepted with Ret {success}")),
                vec![],
            ));
            answer_checks(s, cat, &i.name, &[&a], out);
            probe.get_or_insert((i.name.clone(), req));
        } else if i.optional && a.status == 404 {
            out.push(cat.iface(
                &i.name,
                IfaceCheck::Answer,
                Outcome::NotApplicable(
                    "not implemented (HTTP 404; the interface is optional)".into(),
                ),
                vec![],
            ));
        } else {
            out.push(cat.iface(
                &i.name,
                IfaceCheck::Answer,
                Outcome::Fail(format!("expected Ret {success}, got {}", a.describe())),
                vec![Finding {
                    interface: i.name.clone(),
                    rule: "ret".into(),
                    message: format!("a valid sample was sent; expected Ret {success}"),
                    value: a.describe(),
                    provenance: i.prov.tags_text(),
                    provisional: i.prov.provisional,
                    ..Finding::default()
                }],
            ));
            for c in [IfaceCheck::Signature, IfaceCheck::Schema] {
                out.push(cat.iface(
                    &i.name,
                    c,
                    Outcome::Skip("no answer to check".into()),
                    vec![],
                ));
            }
        }
    }
    if let Some((name, req)) = probe {
        probes(s, cat, &name, &req, out).await;
    }
}
