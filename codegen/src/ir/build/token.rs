//! The token block of the security section (Appendix C): the token interface's payload fields,
//! the key presented as the secret, the outcome codes, and the header that carries the token.

use indexmap::IndexMap;

use crate::diag::{Code as DCode, Diagnostic, Loc};
use crate::load::raw::RawSecurity;
use crate::load::reader::Sp;
use crate::load::security::RawToken;

use super::security::{KeyNames, Want, find_field};
use super::{Builder, Names, ustr};
use crate::ir::*;

impl<'a> Builder<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn token(
        &mut self,
        names: &Names<'a>,
        objects: &IndexMap<String, Object>,
        tables: &IndexMap<String, CodeTable>,
        interfaces: &IndexMap<String, Interface>,
        key_names: &KeyNames,
        t: &RawToken,
        loc: Loc,
    ) -> Option<Block<Token>> {
        let (info, prov) = self.block_meta(&t.doc, "security.token", loc);
        let iface = t
            .interface
            .as_ref()
            .filter(|i| self.interface_ref(names, i))
            .and_then(|i| interfaces.get(&i.value));
        let req = iface.and_then(|i| objects.get(&i.request.object));
        let resp = iface.and_then(|i| objects.get(&i.response.object));
        let operator = self.role_field(
            objects,
            tables,
            req,
            t.operator_field.as_ref(),
            "the operator field",
            Want::String,
        );
        let secret = self.role_field(
            objects,
            tables,
            req,
            t.secret_field.as_ref(),
            "the secret field",
            Want::String,
        );
        let secret_key = self.key_ref(key_names, t.secret_field.as_ref());
        let token = self.role_field(
            objects,
            tables,
            resp,
            t.token_field.as_ref(),
            "the token field",
            Want::String,
        );
        let lifetime = self.role_field(
            objects,
            tables,
            resp,
            t.lifetime_field.as_ref(),
            "the lifetime field",
            Want::Integer,
        );
        let success = self.role_field(
            objects,
            tables,
            resp,
            t.success_field.as_ref(),
            "the success field",
            Want::IntegerCode,
        );
        let fail_field = t.fail_reason_field.as_ref();
        let fail = self.role_field(
            objects,
            tables,
            resp,
            fail_field,
            "the failure-reason field",
            Want::IntegerCode,
        );
        if let Some(s) = &success {
            for c in [&t.success_code, &t.failure_code].into_iter().flatten() {
                self.outcome_code(tables, s, c);
            }
        }
        let reasons = [
            &t.fail_reason_none,
            &t.fail_reason_unknown_operator,
            &t.fail_reason_wrong_secret,
        ];
        match (&fail, fail_field) {
            (Some(f), _) => {
                for c in reasons.into_iter().flatten() {
                    self.outcome_code(tables, f, c);
                }
            }
            (None, None) => {
                if let Some(c) = reasons.into_iter().flatten().next() {
                    self.err(
                        Diagnostic::new(
                            DCode::MissingKey,
                            c.loc,
                            "a failure-reason code without `fail_reason_field`".to_owned(),
                        )
                        .label("which field carries this code?")
                        .hint("add `fail_reason_field:` naming the field of the token response"),
                    );
                }
            }
            (None, Some(_)) => {}
        }
        let (req, resp) = (req?, resp?);
        let echo = resp
            .fields
            .iter()
            .filter_map(|f| {
                let q = find_field(objects, &req.name, &f.wire)?;
                Some((q, find_field(objects, &resp.name, &f.wire)?))
            })
            .collect();
        let fail_reason = match fail_field {
            Some(_) => Some(FailReason {
                field: fail?,
                none: t.fail_reason_none.as_ref().map(|v| v.value),
                unknown_operator: t.fail_reason_unknown_operator.as_ref().map(|v| v.value),
                wrong_secret: t.fail_reason_wrong_secret.as_ref().map(|v| v.value),
            }),
            None => None,
        };
        Some(Block {
            info,
            prov,
            value: Token {
                interface: ustr(t.interface.as_ref()),
                header: ustr(t.header.as_ref()),
                scheme: ustr(t.scheme.as_ref()),
                operator: operator?,
                secret: secret?,
                secret_key: secret_key?,
                token: token?,
                lifetime: lifetime?,
                lifetime_unit: ustr(t.lifetime_unit.as_ref()),
                success: success?,
                success_code: t.success_code.as_ref()?.value,
                failure_code: t.failure_code.as_ref()?.value,
                fail_reason,
                echo,
            },
        })
    }

    /// A token outcome code must be a code of its field's table, when the field is a code.
    fn outcome_code(&mut self, tables: &IndexMap<String, CodeTable>, f: &FieldRef, c: &Sp<i64>) {
        let Type::Code(t) = &f.ty else {
            return;
        };
        let Some(table) = tables.get(t) else {
            return;
        };
        if !table
            .codes
            .iter()
            .any(|x| x.value == CodeValue::Int(c.value))
        {
            self.err(
                Diagnostic::new(
                    DCode::CodeNotInTable,
                    c.loc,
                    format!(
                        "{} is not a code of `{t}`, the table of `{}`",
                        c.value, f.wire
                    ),
                )
                .label("not in the table")
                .hint(format!("list the code in `{t}`, or correct the value")),
            );
        }
    }

    /// The header that carries the token must be declared under `headers`, with the value
    /// `{scheme} {<token field>}`; and a placeholder in any header value must be the token field.
    pub(super) fn check_token_header(&mut self, r: &RawSecurity, t: &Token, loc: Loc) {
        let token = format!("{{{}}}", t.token.wire);
        for h in &r.headers {
            let Some(v) = &h.value else { continue };
            let mut rest = v.value.as_str();
            while let Some(start) = rest.find('{') {
                let end = rest[start..]
                    .find('}')
                    .map_or(rest.len(), |e| start + e + 1);
                let placeholder = &rest[start..end];
                if placeholder != token {
                    self.err(
                        Diagnostic::new(
                            DCode::TokenHeader,
                            v.loc,
                            format!("unknown placeholder `{placeholder}` in a header value"),
                        )
                        .label("not the token field")
                        .hint(format!(
                            "the only placeholder is the token field, `{token}`"
                        )),
                    );
                }
                rest = &rest[end..];
            }
        }
        let declared = r
            .headers
            .iter()
            .find(|h| h.name.as_ref().is_some_and(|n| n.value == t.header));
        let token_loc = r
            .token
            .as_ref()
            .and_then(|x| x.header.as_ref())
            .map_or(loc, |h| h.loc);
        let expected = format!("{} {token}", t.scheme);
        match declared.and_then(|h| h.value.as_ref()) {
            None => self.err(
                Diagnostic::new(
                    DCode::TokenHeader,
                    token_loc,
                    format!("the token header `{}` is not declared under `headers`", t.header),
                )
                .label("no such header")
                .hint(format!(
                    "add `{{name: {}, value: \"{expected}\"}}` under `headers`",
                    t.header
                )),
            ),
            Some(v) if v.value != expected => self.err(
                Diagnostic::new(
                    DCode::TokenHeader,
                    v.loc,
                    format!(
                        "the token header's value `{}` is not `{expected}` (the token block's scheme and token field)",
                        v.value
                    ),
                )
                .label("does not match the token block")
                .related(token_loc, "the token header")
                .hint(format!("write `{expected}`")),
            ),
            Some(_) => {}
        }
    }
}
