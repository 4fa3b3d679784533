//! The sample corpus as JSON, for tools in any language: `samples/valid.json` (a valid sample of
//! every object, and the request and response payload of every interface) and
//! `samples/invalid.json` (every invalid case of [`crate::emit::cases`], with the mutated
//! sample and the violation expected). One entry per line, in IR order: deterministic and
//! readable in a diff. Numbers keep their exact text (`12.50`).

use crate::emit::cases::{Case, apply, cases};
use crate::emit::samples::{J, object_sample};
use crate::emit::{EmitError, OutFile};
use crate::ir::Edition;

fn s(text: &str) -> J {
    J::Str(text.to_owned())
}

fn b(v: bool) -> J {
    J::Num(v.to_string())
}

/// A JSON object with one `"key": value` member per line (values compact), indented by `indent`.
fn lines(members: &[(String, String)], indent: &str) -> String {
    if members.is_empty() {
        return "{}".to_owned();
    }
    let body = members
        .iter()
        .map(|(k, v)| format!("{indent}  {}: {v}", s(k).render()))
        .collect::<Vec<_>>()
        .join(",\n");
    format!("{{\n{body}\n{indent}}}")
}

fn valid(ir: &Edition) -> String {
    let objects: Vec<(String, String)> = ir
        .objects
        .values()
        .filter_map(|o| object_sample(ir, o, 0).map(|v| (o.name.clone(), v.render())))
        .collect();
    let interfaces: Vec<(String, String)> = ir
        .interfaces
        .values()
        .filter_map(|i| {
            let payload = |name: &str| ir.objects.get(name).and_then(|o| object_sample(ir, o, 0));
            let (rq, rs) = (payload(&i.request.object)?, payload(&i.response.object)?);
            let entry = J::Obj(vec![
                ("request_object".into(), s(&i.request.object)),
                ("request".into(), rq),
                ("response_object".into(), s(&i.response.object)),
                ("response".into(), rs),
            ]);
            Some((i.name.clone(), entry.render()))
        })
        .collect();
    lines(
        &[
            ("edition".into(), s(&ir.meta.id).render()),
            ("objects".into(), lines(&objects, "  ")),
            ("interfaces".into(), lines(&interfaces, "  ")),
        ],
        "",
    )
}

fn case_json(c: &Case, json: J) -> J {
    let mutations = c
        .mutations
        .iter()
        .map(|(p, v)| {
            J::Obj(match v {
                Some(v) => vec![("pointer".into(), s(p)), ("value".into(), v.clone())],
                None => vec![("pointer".into(), s(p)), ("remove".into(), b(true))],
            })
        })
        .collect();
    J::Obj(vec![
        ("object".into(), s(&c.object)),
        ("pointer".into(), s(&c.path)),
        ("rule".into(), s(c.rule)),
        ("severity".into(), s(c.severity.name())),
        ("provisional".into(), b(c.provisional)),
        ("json_schema".into(), b(c.json_schema)),
        ("mutations".into(), J::Arr(mutations)),
        ("json".into(), json),
    ])
}

fn invalid(ir: &Edition) -> Result<String, EmitError> {
    let mut entries = Vec::new();
    for o in ir.objects.values() {
        let Some(sample) = object_sample(ir, o, 0) else {
            continue;
        };
        for c in cases(ir, o) {
            let json = apply(&sample, &c.mutations).ok_or_else(|| {
                EmitError(format!(
                    "invalid case of {} ({} at `{}`) does not apply to its sample",
                    o.name, c.rule, c.path
                ))
            })?;
            entries.push(format!("    {}", case_json(&c, json).render()));
        }
    }
    let cases = if entries.is_empty() {
        "[]".to_owned()
    } else {
        format!("[\n{}\n  ]", entries.join(",\n"))
    };
    Ok(lines(
        &[
            ("edition".into(), s(&ir.meta.id).render()),
            (
                "mode".into(),
                s("strict, provisional designs enforced (Mode::strict().with_provisional(true))")
                    .render(),
            ),
            ("cases".into(), cases),
        ],
        "",
    ))
}

/// `samples/valid.json` and `samples/invalid.json`.
pub fn files(ir: &Edition) -> Result<Vec<OutFile>, EmitError> {
    Ok(vec![
        OutFile::new("samples/valid.json", valid(ir)),
        OutFile::new("samples/invalid.json", invalid(ir)?),
    ])
}
