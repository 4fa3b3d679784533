//! The `security` section (chapter 10 and Appendix C): every name it mentions is resolved here
//! (envelope objects and the field of each role, signed fields, keys, token payload fields, Ret
//! codes, the UTC offset), so that emitters only read resolved data.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::diag::{Code as DCode, Diagnostic, Loc};
use crate::load::raw::Doc;
use crate::load::raw::RawSecurity;
use crate::load::reader::Sp;

use super::{Builder, Names, ustr};
use crate::ir::*;

/// The envelope objects named by `security.envelope`, when they resolved.
#[derive(Clone, Copy)]
struct EnvObjects<'o> {
    request: Option<&'o Object>,
    response: Option<&'o Object>,
}

/// The resolved keys: name → (where declared, `Keys` field).
pub(super) type KeyNames = BTreeMap<String, (Loc, String)>;

/// What a field must be to play its protocol role.
#[derive(Clone, Copy)]
pub(super) enum Want<'t> {
    String,
    Integer,
    /// An integer, or a code of an integer table.
    IntegerCode,
    /// A code of this table.
    CodeOf(&'t str),
    Date(DateFormat),
}

impl Want<'_> {
    fn text(&self) -> String {
        match self {
            Want::String => "a string".to_owned(),
            Want::Integer => "an integer".to_owned(),
            Want::IntegerCode => "an integer or a code of an integer table".to_owned(),
            Want::CodeOf(t) => format!("a code of `{t}`"),
            Want::Date(f) => format!("a `{}` date", f.pattern()),
        }
    }

    fn fits(&self, ty: &Type, tables: &IndexMap<String, CodeTable>) -> bool {
        match (self, ty) {
            (Want::String, Type::String(_)) | (Want::Integer, Type::Integer(_)) => true,
            (Want::IntegerCode, Type::Integer(_)) => true,
            (Want::IntegerCode, Type::Code(t)) => {
                tables.get(t).is_some_and(|t| t.kind == CodeKind::Integer)
            }
            (Want::CodeOf(w), Type::Code(t)) => {
                w == t && tables.get(t).is_some_and(|t| t.kind == CodeKind::Integer)
            }
            (Want::Date(f), Type::DateTime(g)) => f == g,
            _ => false,
        }
    }
}

fn type_text(ty: &Type) -> String {
    match ty {
        Type::String(_) => "a string".to_owned(),
        Type::Integer(_) => "an integer".to_owned(),
        Type::Decimal(_) => "a decimal".to_owned(),
        Type::DateTime(f) => format!("a `{}` date", f.pattern()),
        Type::Array(_) => "an array".to_owned(),
        Type::Object(o) => format!("the object `{o}`"),
        Type::Code(t) => format!("a code of `{t}`"),
    }
}

/// The field of `object` whose wire name is `wire`, without reporting (for references whose
/// block reports them).
pub(super) fn find_field(
    objects: &IndexMap<String, Object>,
    object: &str,
    wire: &str,
) -> Option<FieldRef> {
    let o = objects.get(object)?;
    let (index, f) = o.fields.iter().enumerate().find(|(_, f)| f.wire == wire)?;
    Some(FieldRef {
        object: object.to_owned(),
        index,
        wire: f.wire.clone(),
        rust_ident: f.rust_ident.clone(),
        ty: f.ty.clone(),
    })
}

/// Parses a UTC offset written `+HH:MM` or `-HH:MM` into seconds east of UTC.
fn parse_utc_offset(text: &str) -> Option<i64> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

impl<'a> Builder<'a> {
    pub(super) fn block_meta(
        &mut self,
        doc: &Doc,
        what: &str,
        fallback: Loc,
    ) -> (Info, Provenance) {
        (self.info(doc), self.prov(doc, what, fallback))
    }

    /// Resolves `f` to a field of `object`, reporting `E0205` when it has none.
    pub(super) fn resolve_field(
        &mut self,
        objects: &IndexMap<String, Object>,
        object: &str,
        f: &Sp<String>,
    ) -> Option<FieldRef> {
        objects.get(object)?;
        let found = find_field(objects, object, &f.value);
        if found.is_none() {
            self.field_ref(objects, object, f);
        }
        found
    }

    /// Resolves a field reference that plays a protocol role, checking its type (`E0704`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn role_field(
        &mut self,
        objects: &IndexMap<String, Object>,
        tables: &IndexMap<String, CodeTable>,
        object: Option<&Object>,
        f: Option<&Sp<String>>,
        role: &str,
        want: Want<'_>,
    ) -> Option<FieldRef> {
        let (object, f) = (object?, f?);
        let r = self.resolve_field(objects, &object.name, f)?;
        if !want.fits(&r.ty, tables) {
            self.err(
                Diagnostic::new(
                    DCode::RoleType,
                    f.loc,
                    format!(
                        "`{}.{}` is {} but {role} must be {}",
                        object.name,
                        r.wire,
                        type_text(&r.ty),
                        want.text()
                    ),
                )
                .label(format!("{role} named here"))
                .hint(format!(
                    "make `{}` {}, or name another field",
                    r.wire,
                    want.text()
                )),
            );
            return None;
        }
        Some(r)
    }

    pub(super) fn security(
        &mut self,
        names: &Names<'a>,
        tables: &IndexMap<String, CodeTable>,
        objects: &IndexMap<String, Object>,
        interfaces: &IndexMap<String, Interface>,
        s: &Sp<RawSecurity>,
    ) -> Security {
        let r = &s.value;
        let prov = self.prov(&r.doc, "the security section", s.loc);
        let env_objs = self.envelope_objects(names, objects, r);
        let (keys, key_names) = self.keys(names, r, s.loc);
        let transport = r.transport.as_ref().and_then(|t| self.transport(t, s.loc));
        let headers = r
            .headers
            .iter()
            .map(|h| self.header(names, h, s.loc))
            .collect();
        let encryption = r
            .encryption
            .as_ref()
            .and_then(|e| self.encryption(objects, env_objs, &key_names, e, s.loc));
        let signature = r
            .signature
            .as_ref()
            .and_then(|g| self.signature(objects, env_objs, &key_names, g, s.loc));
        let timestamp = r
            .timestamp
            .as_ref()
            .and_then(|t| self.timestamp(objects, tables, env_objs, t, s.loc));
        let seq = r
            .seq
            .as_ref()
            .and_then(|q| self.seq(objects, tables, env_objs, q, s.loc));
        let ret_table = r.ret.as_ref().and_then(|x| x.table.as_ref());
        let envelope = r.envelope.as_ref().and_then(|e| {
            self.envelope(
                objects,
                tables,
                env_objs,
                // An unknown Ret table is reported once (E0203), not again through the Ret field.
                ret_table
                    .map(|t| t.value.as_str())
                    .filter(|t| tables.contains_key(*t)),
                r,
                e,
                s.loc,
            )
        });
        let token = r
            .token
            .as_ref()
            .and_then(|t| self.token(names, objects, tables, interfaces, &key_names, t, s.loc));
        if let Some(t) = &token {
            self.check_token_header(r, &t.value, s.loc);
        }
        let ret_table = ret_table
            .filter(|t| names.tables.contains_key(t.value.as_str()))
            .and_then(|t| tables.get(&t.value));
        let ret = r
            .ret
            .as_ref()
            .and_then(|x| self.ret(names, ret_table, x, s.loc));
        let processing = self.processing(ret_table, &r.processing, s.loc);
        Security {
            info: self.info(&r.doc),
            prov,
            transport,
            headers,
            envelope,
            keys,
            encryption,
            signature,
            timestamp,
            seq,
            token,
            ret,
            processing,
            push_ack: r
                .push_ack
                .as_ref()
                .and_then(|p| self.push_ack(names, objects, p, s.loc)),
            resend: r.resend.as_ref().map(|x| self.resend(x, s.loc)),
            paging: r.paging.as_ref().map(|x| self.paging_rule(x, s.loc)),
            replay: r.replay.as_ref().map(|x| self.replay(x, s.loc)),
            key_distribution: r
                .key_distribution
                .as_ref()
                .map(|k| self.key_distribution(names, k, s.loc)),
        }
    }

    fn envelope_objects<'o>(
        &mut self,
        names: &Names<'a>,
        objects: &'o IndexMap<String, Object>,
        r: &RawSecurity,
    ) -> EnvObjects<'o> {
        let Some(e) = &r.envelope else {
            return EnvObjects {
                request: None,
                response: None,
            };
        };
        let mut get = |o: &Option<Sp<String>>| {
            o.as_ref()
                .filter(|o| self.object_ref(names, o))
                .and_then(|o| objects.get(&o.value))
        };
        EnvObjects {
            request: get(&e.request),
            response: get(&e.response),
        }
    }

    fn keys(
        &mut self,
        names: &Names<'a>,
        r: &RawSecurity,
        loc: Loc,
    ) -> (Vec<Block<Key>>, KeyNames) {
        let mut key_names = KeyNames::new();
        let keys = r
            .keys
            .iter()
            .filter_map(|k| {
                let (info, prov) = self.block_meta(&k.doc, "a key", loc);
                let name = k.name.as_ref()?;
                if let Some((first, _)) = key_names.get(&name.value) {
                    self.err(
                        Diagnostic::new(
                            DCode::DuplicateName,
                            name.loc,
                            format!("key `{}` is defined twice", name.value),
                        )
                        .label("defined again here")
                        .related(*first, "first defined here"),
                    );
                } else {
                    key_names.insert(name.value.clone(), (name.loc, ident::snake(&name.value)));
                }
                let mut stack = Vec::new();
                let ty =
                    k.ty.as_ref()
                        .and_then(|t| self.resolve_type(names, t, &mut stack))?;
                Some(Block {
                    info,
                    prov,
                    value: Key {
                        name: name.value.clone(),
                        rust_ident: ident::snake(&name.value),
                        ty,
                    },
                })
            })
            .collect();
        (keys, key_names)
    }

    /// Resolves a key name (`E0205` when it is not under `security.keys`).
    pub(super) fn key_ref(
        &mut self,
        key_names: &KeyNames,
        k: Option<&Sp<String>>,
    ) -> Option<KeyRef> {
        let k = k?;
        if let Some((_, rust_ident)) = key_names.get(&k.value) {
            return Some(KeyRef {
                name: k.value.clone(),
                rust_ident: rust_ident.clone(),
            });
        }
        let hint = format!(
            "keys of this edition: {}",
            key_names.keys().cloned().collect::<Vec<_>>().join(", ")
        );
        self.unresolved(
            Diagnostic::new(
                DCode::UnknownField,
                k.loc,
                format!("unknown key `{}`", k.value),
            )
            .label("not under `security.keys`")
            .hint(hint),
        );
        None
    }

    fn transport(
        &mut self,
        t: &crate::load::security::RawTransport,
        loc: Loc,
    ) -> Option<Block<Transport>> {
        let (info, prov) = self.block_meta(&t.doc, "security.transport", loc);
        let url = t.url.as_ref().map(|u| {
            let (info, prov) = self.block_meta(&u.doc, "security.transport.url", loc);
            let variants = u
                .variants
                .iter()
                .map(|v| {
                    let (info, prov) = self.block_meta(&v.doc, "a URL variant", loc);
                    Block {
                        info,
                        prov,
                        value: ustr(v.pattern.as_ref()),
                    }
                })
                .collect();
            if let Some(p) = &u.pattern
                && !p.value.contains("{interface}")
            {
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        p.loc,
                        "the URL pattern must contain `{interface}`".to_owned(),
                    )
                    .label("no `{interface}` placeholder")
                    .hint("e.g. `{base}/{interface}`"),
                );
            }
            Block {
                info,
                prov,
                value: Url {
                    pattern: ustr(u.pattern.as_ref()),
                    default_base_path: u.default_base_path.as_ref().map(|v| v.value.clone()),
                    variants,
                },
            }
        });
        let status = t.error_http_status.as_ref()?;
        let http_status = u16::try_from(status.value)
            .ok()
            .filter(|s| (100..=599).contains(s));
        if http_status.is_none() {
            self.err(
                Diagnostic::new(
                    DCode::InvalidValue,
                    status.loc,
                    format!("{} is not an HTTP status code", status.value),
                )
                .label("expected 100 to 599")
                .hint("the status every answer is sent with, usually 200"),
            );
        }
        Some(Block {
            info,
            prov,
            value: Transport {
                schemes: t.schemes.iter().map(|s| s.value.clone()).collect(),
                method: ustr(t.method.as_ref()),
                content_type: ustr(t.content_type.as_ref()),
                error_http_status: http_status?,
                url,
            },
        })
    }

    fn header(
        &mut self,
        names: &Names<'a>,
        h: &crate::load::security::RawHeader,
        loc: Loc,
    ) -> Block<Header> {
        let (info, prov) = self.block_meta(&h.doc, "a header", loc);
        for e in &h.except {
            self.interface_ref(names, e);
        }
        Block {
            info,
            prov,
            value: Header {
                name: ustr(h.name.as_ref()),
                value: ustr(h.value.as_ref()),
                except: h.except.iter().map(|e| e.value.clone()).collect(),
            },
        }
    }

    /// The two envelope objects with the field of each role. The fields named by the
    /// `timestamp`, `seq` and `signature` blocks are reported (and type-checked) by those blocks.
    #[allow(clippy::too_many_arguments)]
    fn envelope(
        &mut self,
        objects: &IndexMap<String, Object>,
        tables: &IndexMap<String, CodeTable>,
        env: EnvObjects<'_>,
        ret_table: Option<&str>,
        r: &RawSecurity,
        e: &crate::load::security::RawEnvelope,
        loc: Loc,
    ) -> Option<Block<Envelope>> {
        let (info, prov) = self.block_meta(&e.doc, "security.envelope", loc);
        let df = e.data_field.as_ref();
        let (rq, rs) = (env.request, env.response);
        let req_data = self.role_field(objects, tables, rq, df, "the data field", Want::String);
        let resp_data = self.role_field(objects, tables, rs, df, "the data field", Want::String);
        let sender = self.role_field(
            objects,
            tables,
            rq,
            e.sender_field.as_ref(),
            "the sender field",
            Want::String,
        );
        let ret_want = ret_table.map_or(Want::IntegerCode, Want::CodeOf);
        let ret = self.role_field(
            objects,
            tables,
            rs,
            e.ret_field.as_ref(),
            "the Ret field",
            ret_want,
        );
        let msg = self.role_field(
            objects,
            tables,
            rs,
            e.msg_field.as_ref(),
            "the message field",
            Want::String,
        );
        let (rq, rs) = (rq?, rs?);
        let quiet = |object: &Object, f: Option<&Sp<String>>| {
            f.and_then(|f| find_field(objects, &object.name, &f.value))
        };
        let ts = r.timestamp.as_ref().and_then(|t| t.field.as_ref());
        let seq = r.seq.as_ref().and_then(|q| q.field.as_ref());
        let sig = r.signature.as_ref().and_then(|g| g.field.as_ref());
        Some(Block {
            info,
            prov,
            value: Envelope {
                request: RequestEnvelope {
                    object: rq.name.clone(),
                    rust_name: rq.rust_name.clone(),
                    sender: sender?,
                    data: req_data?,
                    timestamp: quiet(rq, ts),
                    seq: quiet(rq, seq),
                    signature: quiet(rq, sig),
                },
                response: ResponseEnvelope {
                    object: rs.name.clone(),
                    rust_name: rs.rust_name.clone(),
                    ret: ret?,
                    msg: msg?,
                    data: resp_data?,
                    signature: quiet(rs, sig),
                },
            },
        })
    }

    fn encryption(
        &mut self,
        objects: &IndexMap<String, Object>,
        env: EnvObjects<'_>,
        key_names: &KeyNames,
        e: &crate::load::security::RawEncryption,
        loc: Loc,
    ) -> Option<Block<Encryption>> {
        let (info, prov) = self.block_meta(&e.doc, "security.encryption", loc);
        let key = self.key_ref(key_names, e.key.as_ref());
        let iv = self.key_ref(key_names, e.iv.as_ref());
        for f in &e.fields {
            for o in [env.request, env.response].into_iter().flatten() {
                self.resolve_field(objects, &o.name, f);
            }
        }
        Some(Block {
            info,
            prov,
            value: Encryption {
                algorithm: e.algorithm.as_ref()?.value,
                padding: e.padding.as_ref()?.value,
                plaintext: e.plaintext.as_ref()?.value,
                ciphertext: e.ciphertext.as_ref()?.value,
                key: key?,
                iv: iv?,
                key_encoding: e.key_encoding.as_ref()?.value,
                fields: e.fields.iter().map(|f| f.value.clone()).collect(),
                empty_data_plain: e.empty_data_plain.as_ref().is_some_and(|v| v.value),
            },
        })
    }

    fn signature(
        &mut self,
        objects: &IndexMap<String, Object>,
        env: EnvObjects<'_>,
        key_names: &KeyNames,
        g: &crate::load::security::RawSignature,
        loc: Loc,
    ) -> Option<Block<Signature>> {
        let (info, prov) = self.block_meta(&g.doc, "security.signature", loc);
        let mut ok = true;
        if let Some(f) = &g.field {
            for o in [env.request, env.response].into_iter().flatten() {
                ok &= self.resolve_field(objects, &o.name, f).is_some();
                // The signature is compared as text.
                if let Some(r) = find_field(objects, &o.name, &f.value)
                    && !matches!(r.ty, Type::String(_))
                {
                    ok = false;
                    self.err(
                        Diagnostic::new(
                            DCode::RoleType,
                            f.loc,
                            format!(
                                "`{}.{}` is {} but the signature field must be a string",
                                o.name,
                                r.wire,
                                type_text(&r.ty)
                            ),
                        )
                        .label("the signature field named here")
                        .hint(format!("make `{}` a string", r.wire)),
                    );
                }
            }
        }
        let key = self.key_ref(key_names, g.key.as_ref());
        let signed = |this: &mut Self, o: Option<&Object>, fields: &[Sp<String>]| {
            let o = o?;
            let v: Vec<Option<FieldRef>> = fields
                .iter()
                .map(|f| this.resolve_field(objects, &o.name, f))
                .collect();
            v.into_iter().collect::<Option<Vec<_>>>()
        };
        let request_fields = signed(self, env.request, &g.request_fields);
        let response_fields = signed(self, env.response, &g.response_fields);
        if !ok {
            return None;
        }
        Some(Block {
            info,
            prov,
            value: Signature {
                algorithm: g.algorithm.as_ref()?.value,
                field: g.field.as_ref()?.value.clone(),
                key: key?,
                key_encoding: g.key_encoding.as_ref()?.value,
                request_fields: request_fields?,
                response_fields: response_fields?,
                separator: g
                    .separator
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default(),
                hex_case: g.hex_case.as_ref()?.value,
                verify_before_decrypt: g.verify_before_decrypt.as_ref().is_some_and(|v| v.value),
            },
        })
    }

    fn timestamp(
        &mut self,
        objects: &IndexMap<String, Object>,
        tables: &IndexMap<String, CodeTable>,
        env: EnvObjects<'_>,
        t: &crate::load::security::RawTimestamp,
        loc: Loc,
    ) -> Option<Block<Timestamp>> {
        let (info, prov) = self.block_meta(&t.doc, "security.timestamp", loc);
        let format = t.format.as_ref()?.value;
        let field = self.role_field(
            objects,
            tables,
            env.request,
            t.field.as_ref(),
            "the timestamp field",
            Want::Date(format),
        );
        let offset = t.utc_offset.as_ref()?;
        let utc_offset_s = parse_utc_offset(&offset.value);
        if utc_offset_s.is_none() {
            self.err(
                Diagnostic::new(
                    DCode::BadUtcOffset,
                    offset.loc,
                    format!("`{}` is not a UTC offset", offset.value),
                )
                .label("expected ±HH:MM")
                .hint("write the offset of the envelope time zone as ±HH:MM, e.g. `+08:00`"),
            );
        }
        (env.request.is_none() || field.is_some()).then_some(())?;
        Some(Block {
            info,
            prov,
            value: Timestamp {
                field: ustr(t.field.as_ref()),
                format,
                utc_offset: offset.value.clone(),
                utc_offset_s: utc_offset_s?,
            },
        })
    }

    fn seq(
        &mut self,
        objects: &IndexMap<String, Object>,
        tables: &IndexMap<String, CodeTable>,
        env: EnvObjects<'_>,
        q: &crate::load::security::RawSeq,
        loc: Loc,
    ) -> Option<Block<Seq>> {
        let (info, prov) = self.block_meta(&q.doc, "security.seq", loc);
        let field = self.role_field(
            objects,
            tables,
            env.request,
            q.field.as_ref(),
            "the sequence field",
            Want::String,
        );
        self.non_negative(q.min.as_ref(), "min");
        self.bounds(q.min.as_ref(), q.max.as_ref(), "min", "max");
        let (min, max, width) = (q.min.as_ref()?, q.max.as_ref()?, q.width.as_ref()?);
        let digits = max.value.max(0).to_string().len();
        let width_ok = (1..=10).contains(&width.value)
            && usize::try_from(width.value).is_ok_and(|w| w >= digits);
        if !width_ok {
            self.err(
                Diagnostic::new(
                    DCode::ImpossibleBounds,
                    width.loc,
                    format!(
                        "a width of {} cannot hold the sequence number {} (1 to 10 digits)",
                        width.value, max.value
                    ),
                )
                .label("width")
                .related(max.loc, "the largest sequence number")
                .hint("make the width at least the number of digits of `max`"),
            );
        }
        (env.request.is_none() || field.is_some()).then_some(())?;
        Some(Block {
            info,
            prov,
            value: Seq {
                field: ustr(q.field.as_ref()),
                min: u32::try_from(min.value).ok()?,
                max: u32::try_from(max.value).ok()?,
                width: u32::try_from(width.value).ok().filter(|_| width_ok)?,
            },
        })
    }
}
