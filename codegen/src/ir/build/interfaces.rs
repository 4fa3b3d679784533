//! Interfaces: direction, payloads (inline payloads become objects) and paging.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn party(
        &mut self,
        names: &Names<'a>,
        v: Option<&Sp<String>>,
        key: &str,
        iname: &Sp<String>,
    ) -> Option<Party> {
        let Some(v) = v else {
            self.err(
                Diagnostic::new(
                    DCode::MissingDirection,
                    iname.loc,
                    format!("interface `{}` does not say its {key}", iname.value),
                )
                .label(format!("no `{key}`"))
                .hint("add `implementer:` (the callee) and `caller:`, each a role or `both`"),
            );
            return None;
        };
        if v.value == "both" {
            return Some(Party::Both);
        }
        if names.roles.contains(&v.value) {
            return Some(Party::Role(v.value.clone()));
        }
        if names.roles.is_empty() {
            return None; // no edition (reported): every role would be unknown
        }
        let hint = format!(
            "roles of this edition: {}, or `both`",
            names.roles.iter().cloned().collect::<Vec<_>>().join(", ")
        );
        self.unresolved(
            Diagnostic::new(
                DCode::UnknownRole,
                v.loc,
                format!("unknown role `{}`", v.value),
            )
            .label("no such role")
            .hint(hint),
        );
        None
    }

    pub(super) fn interface(
        &mut self,
        names: &Names<'a>,
        types: &IndexMap<String, NamedType>,
        tables: &IndexMap<String, CodeTable>,
        objects: &mut IndexMap<String, Object>,
        i: &Named<raw::RawInterface>,
    ) -> Interface {
        let r = &i.item;
        let iname = &i.name.value;
        let prov = self.prov(&r.doc, &format!("interface `{iname}`"), i.name.loc);
        let implementer = self.party(names, r.implementer.as_ref(), "implementer", &i.name);
        let caller = self.party(names, r.caller.as_ref(), "caller", &i.name);
        if let (Some(Party::Role(a)), Some(Party::Role(b))) = (&implementer, &caller)
            && a == b
            && let (Some(li), Some(lc)) = (&r.implementer, &r.caller)
        {
            self.err(
                Diagnostic::new(
                    DCode::SameDirection,
                    lc.loc,
                    format!("interface `{iname}` is implemented and called by `{a}`"),
                )
                .label("caller")
                .related(li.loc, "implementer")
                .hint("the implementer is the callee; the other party calls it"),
            );
        }
        let rust_name = ident::pascal(iname);
        let mut payload =
            |this: &mut Self, p: Option<&RawPayload>, dir: PayloadDirection| -> Payload {
                let suffix = if dir == PayloadDirection::Request {
                    "Request"
                } else {
                    "Response"
                };
                match p {
                    Some(RawPayload::Object {
                        name, description, ..
                    }) => {
                        this.object_ref(names, name);
                        Payload {
                            object: name.value.clone(),
                            inline: false,
                            description: description.as_ref().map(|d| d.value.clone()),
                        }
                    }
                    Some(RawPayload::Fields {
                        fields,
                        description,
                        loc,
                    }) => {
                        let pname = format!("{rust_name}{suffix}");
                        let doc = Doc {
                            zh: r.doc.zh.as_ref().map(|z| {
                                Sp::new(
                                    format!(
                                        "{}{}",
                                        z.value,
                                        if dir == PayloadDirection::Request {
                                            "请求"
                                        } else {
                                            "应答"
                                        }
                                    ),
                                    z.loc,
                                )
                            }),
                            en: r.doc.en.as_ref().map(|e| {
                                Sp::new(format!("{} ({})", e.value, suffix.to_lowercase()), e.loc)
                            }),
                            description: description.clone(),
                            section: r.doc.section.clone(),
                            provenance: r.doc.provenance.clone(),
                            provisional: r.doc.provisional.clone(),
                            note: r.doc.note.clone(),
                            loc: Some(*loc),
                        };
                        // The payload shares the interface's provenance, checked on the interface
                        // already (a second report would be a cascade).
                        let obj = this.object(
                            names,
                            types,
                            tables,
                            &Sp::new(pname.clone(), *loc),
                            &doc,
                            Some(prov.clone()),
                            fields,
                            &[],
                            ObjectOrigin::Payload {
                                interface: iname.clone(),
                                direction: dir,
                            },
                        );
                        objects.insert(pname.clone(), obj);
                        Payload {
                            object: pname,
                            inline: true,
                            description: description.as_ref().map(|d| d.value.clone()),
                        }
                    }
                    None => Payload {
                        object: String::new(),
                        inline: true,
                        description: None,
                    },
                }
            };
        let request = payload(self, r.request.as_ref(), PayloadDirection::Request);
        let response = payload(self, r.response.as_ref(), PayloadDirection::Response);
        let paging = r
            .paging
            .as_ref()
            .and_then(|p| self.paging(p, &request, &response, objects));
        Interface {
            name: iname.clone(),
            rust_name,
            fn_name: ident::snake(iname),
            info: self.info(&r.doc),
            prov,
            implementer: implementer.unwrap_or(Party::Both),
            caller: caller.unwrap_or(Party::Both),
            auth: r.auth.as_ref().map_or(Auth::Bearer, |a| a.value),
            optional: r.optional.as_ref().is_some_and(|o| o.value),
            trigger: r.trigger.as_ref().map(|t| t.value.clone()),
            frequency: r.frequency.as_ref().map(|t| t.value.clone()),
            section_2020: r.section_2020.as_ref().map(|t| t.value.clone()),
            route_aliases: r.route_aliases.iter().map(|a| a.value.clone()).collect(),
            request,
            response,
            paging,
            flows: Vec::new(),
        }
    }

    pub(super) fn paging(
        &mut self,
        p: &raw::RawPaging,
        req: &Payload,
        resp: &Payload,
        objects: &IndexMap<String, Object>,
    ) -> Option<Paging> {
        let prov = self.prov(&p.doc, "a paging block", p.loc);
        let mut ok = true;
        let mut check = |this: &mut Self,
                         f: Option<&Sp<String>>,
                         payload: &Payload,
                         want_array: bool|
         -> String {
            let Some(f) = f else {
                ok = false;
                return String::new();
            };
            let Some(obj) = objects.get(&payload.object) else {
                return f.value.clone();
            };
            match obj.fields.iter().find(|x| x.wire == f.value) {
                None => {
                    ok = false;
                    this.unresolved(
                        Diagnostic::new(DCode::UnknownField, f.loc, format!("the payload `{}` has no field `{}`", obj.name, f.value))
                            .label("no such field")
                            .hint("paging names fields of the request (page_no, page_size) and response (page_count, item_count, items)"),
                    );
                }
                Some(field) => {
                    let fits = if want_array {
                        matches!(field.ty, Type::Array(_))
                    } else {
                        matches!(field.ty, Type::Integer(_))
                    };
                    if !fits {
                        ok = false;
                        this.err(
                            Diagnostic::new(DCode::BadPaging, f.loc, format!("paging field `{}` must be {}", f.value, if want_array { "an array" } else { "an integer" }))
                                .label("wrong type for paging")
                                .hint("page numbers and counts are integers; `items` is the array of results"),
                        );
                    }
                }
            }
            f.value.clone()
        };
        let page_no = check(self, p.page_no.as_ref(), req, false);
        let page_size = check(self, p.page_size.as_ref(), req, false);
        let page_count = check(self, p.page_count.as_ref(), resp, false);
        let item_count = check(self, p.item_count.as_ref(), resp, false);
        let items = check(self, p.items.as_ref(), resp, true);
        ok.then(|| Paging {
            page_no,
            page_size,
            page_count,
            item_count,
            items,
            default_page_no: p.default_page_no.as_ref().map(|v| v.value),
            default_page_size: p.default_page_size.as_ref().map(|v| v.value),
            info: self.info(&p.doc),
            prov,
        })
    }
}
