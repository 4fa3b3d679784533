//! Business flows: numbers, steps and the interfaces they name.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn flows(
        &mut self,
        names: &Names<'a>,
        interfaces: &mut IndexMap<String, Interface>,
    ) -> IndexMap<String, Flow> {
        let mut flows: Vec<Flow> = Vec::new();
        let mut numbers: BTreeMap<i64, Loc> = BTreeMap::new();
        let mut done: BTreeSet<&str> = BTreeSet::new();
        for f in &self.raw.flows {
            if !done.insert(&f.name.value) {
                continue;
            }
            let key = &f.name.value;
            if !ident::is_ident(key) || key.chars().any(|c| c.is_ascii_uppercase()) {
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        f.name.loc,
                        format!("flow key `{key}` must be a snake_case identifier"),
                    )
                    .label("bad flow key")
                    .hint("e.g. `update_operator_info`"),
                );
            }
            let prov = self.prov(&f.item.doc, &format!("flow `{key}`"), f.name.loc);
            if let Some(n) = &f.item.number {
                if let Some(first) = numbers.get(&n.value) {
                    self.err(
                        Diagnostic::new(
                            DCode::DuplicateFlowNumber,
                            n.loc,
                            format!("flow number {} is used twice", n.value),
                        )
                        .label("used again here")
                        .related(*first, "first used here")
                        .hint("flows are numbered as in chapter 8; renumber one"),
                    );
                } else {
                    numbers.insert(n.value, n.loc);
                }
            }
            let mut steps = Vec::new();
            for s in &f.item.steps {
                let sprov = self.prov(&s.doc, &format!("a step of flow `{key}`"), s.interface.loc);
                if !names.interfaces.contains(s.interface.value.as_str()) {
                    let hint = match closest_owned(&s.interface.value, names.interfaces.iter()) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "flow steps name interfaces defined under `interfaces:`".to_owned(),
                    };
                    self.unresolved(
                        Diagnostic::new(
                            DCode::UnknownInterface,
                            s.interface.loc,
                            format!(
                                "flow `{key}` names unknown interface `{}`",
                                s.interface.value
                            ),
                        )
                        .label("no such interface")
                        .hint(hint),
                    );
                    continue;
                }
                if let Some(i) = interfaces.get_mut(&s.interface.value)
                    && !i.flows.contains(key)
                {
                    i.flows.push(key.clone());
                }
                steps.push(Step {
                    interface: s.interface.value.clone(),
                    optional: s.optional.as_ref().is_some_and(|o| o.value),
                    info: self.info(&s.doc),
                    prov: sprov,
                });
            }
            flows.push(Flow {
                key: key.clone(),
                number: f.item.number.as_ref().map_or(i64::MAX, |n| n.value),
                info: self.info(&f.item.doc),
                prov,
                trigger: f.item.trigger.as_ref().map(|t| t.value.clone()),
                steps,
            });
        }
        flows.sort_by(|a, b| (a.number, &a.key).cmp(&(b.number, &b.key)));
        flows.into_iter().map(|f| (f.key.clone(), f)).collect()
    }
}
