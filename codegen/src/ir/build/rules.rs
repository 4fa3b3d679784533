//! The rule blocks of the security section: Ret codes and messages, the receiver's processing
//! order (the Ret of each check), push acknowledgement, resend, paging, replay and key
//! distribution.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::diag::{Code as DCode, Diagnostic, Loc};
use crate::load::reader::Sp;
use crate::load::security::{
    RET_ROLES, RawKeyDistribution, RawPagingRule, RawPushAck, RawReplay, RawResend, RawRet,
    RawStepRule,
};

use super::{Builder, Names, ustr};
use crate::ir::*;

impl<'a> Builder<'a> {
    /// A Ret named by the security section must be a code of the Ret table.
    fn ret_code(&mut self, table: Option<&CodeTable>, v: &Sp<i64>, what: &str) {
        if let Some(t) = table
            && !t.codes.iter().any(|c| c.value == CodeValue::Int(v.value))
        {
            self.err(
                Diagnostic::new(
                    DCode::CodeNotInTable,
                    v.loc,
                    format!("{what} is not a code of `{}`", t.name),
                )
                .label("not in the Ret table")
                .hint("list the code in the Ret code table first"),
            );
        }
    }

    pub(super) fn ret(
        &mut self,
        names: &Names<'a>,
        table: Option<&CodeTable>,
        rt: &RawRet,
        loc: Loc,
    ) -> Option<Block<RetCodes>> {
        let (info, prov) = self.block_meta(&rt.doc, "security.ret", loc);
        let name = rt.table.as_ref()?;
        if !names.tables.contains_key(name.value.as_str()) {
            self.unknown_table(names, name);
        }
        let mut vals = BTreeMap::new();
        for role in RET_ROLES {
            let v = rt.roles.iter().find(|(r, _)| *r == role).map(|(_, v)| v)?;
            self.ret_code(table, v, &format!("Ret {}", v.value));
            vals.insert(role, v.value);
        }
        let messages = rt
            .messages
            .iter()
            .filter_map(|m| {
                let (info, prov) = self.block_meta(&m.doc, "a Ret message", loc);
                let ret = m.ret.as_ref()?;
                self.ret_code(table, ret, &format!("the Ret of a message ({})", ret.value));
                Some(Block {
                    info,
                    prov,
                    value: RetMessage {
                        ret: ret.value,
                        msg: ustr(m.msg.as_ref()),
                    },
                })
            })
            .collect();
        let v = |k: &str| vals.get(k).copied();
        Some(Block {
            info,
            prov,
            value: RetCodes {
                table: name.value.clone(),
                success: v("success")?,
                busy: v("busy")?,
                bad_signature: v("bad_signature")?,
                bad_token: v("bad_token")?,
                bad_envelope: v("bad_envelope")?,
                bad_payload: v("bad_payload")?,
                system_error: v("system_error")?,
                messages,
            },
        })
    }

    /// The receiver's checks in order; every check but `handle` fails with a Ret of the table.
    pub(super) fn processing(
        &mut self,
        table: Option<&CodeTable>,
        steps: &[RawStepRule],
        loc: Loc,
    ) -> Vec<Block<ProcessingRule>> {
        steps
            .iter()
            .filter_map(|p| {
                let (info, prov) = self.block_meta(&p.doc, "a processing step", loc);
                let step = p.step.as_ref()?;
                match (&p.ret, step.value) {
                    (Some(r), _) => {
                        self.ret_code(table, r, &format!("the Ret of a failed check ({})", r.value));
                    }
                    (None, ProcessingStep::Handle) => {}
                    (None, _) => self.err(
                        Diagnostic::new(
                            DCode::MissingStepRet,
                            step.loc,
                            "a receiver check without a Ret".to_owned(),
                        )
                        .label("what does the receiver answer when this check fails?")
                        .hint("add `ret:` with the code of the Ret table this failure is answered with"),
                    ),
                }
                Some(Block {
                    info,
                    prov,
                    value: ProcessingRule {
                        step: step.value,
                        ret: p.ret.as_ref().map(|v| v.value),
                    },
                })
            })
            .collect()
    }

    pub(super) fn push_ack(
        &mut self,
        names: &Names<'a>,
        objects: &IndexMap<String, Object>,
        p: &RawPushAck,
        loc: Loc,
    ) -> Option<Block<PushAck>> {
        let (info, prov) = self.block_meta(&p.doc, "security.push_ack", loc);
        if let Some(o) = &p.object
            && self.object_ref(names, o)
            && let Some(f) = &p.field
        {
            self.field_ref(objects, &o.value, f);
        }
        if let Some(t) = &p.table
            && !names.tables.contains_key(t.value.as_str())
        {
            self.unknown_table(names, t);
        }
        Some(Block {
            info,
            prov,
            value: PushAck {
                object: ustr(p.object.as_ref()),
                field: ustr(p.field.as_ref()),
                table: ustr(p.table.as_ref()),
                accepted: p.accepted.as_ref()?.value,
                discarded: p.discarded.as_ref()?.value,
            },
        })
    }

    pub(super) fn resend(&mut self, x: &RawResend, loc: Loc) -> Block<Resend> {
        let (info, prov) = self.block_meta(&x.doc, "security.resend", loc);
        Block {
            info,
            prov,
            value: Resend {
                attempts: x.attempts.as_ref().map(|v| v.value),
                interval_s: x.interval_s.as_ref().map(|v| v.value),
            },
        }
    }

    pub(super) fn paging_rule(&mut self, x: &RawPagingRule, loc: Loc) -> Block<PagingRule> {
        let (info, prov) = self.block_meta(&x.doc, "security.paging", loc);
        Block {
            info,
            prov,
            value: PagingRule {
                default_page_no: x.default_page_no.as_ref().map(|v| v.value),
                default_page_size: x.default_page_size.as_ref().map(|v| v.value),
                max_page_size: x.max_page_size.as_ref().map(|v| v.value),
            },
        }
    }

    pub(super) fn replay(&mut self, x: &RawReplay, loc: Loc) -> Block<Replay> {
        let (info, prov) = self.block_meta(&x.doc, "security.replay", loc);
        Block {
            info,
            prov,
            value: Replay {
                window_s: x.window_s.as_ref().map(|v| v.value),
            },
        }
    }

    pub(super) fn key_distribution(
        &mut self,
        names: &Names<'a>,
        k: &RawKeyDistribution,
        loc: Loc,
    ) -> Block<KeyDistribution> {
        let (info, prov) = self.block_meta(&k.doc, "security.key_distribution", loc);
        for i in &k.interfaces {
            self.interface_ref(names, i);
        }
        if let Some(o) = &k.envelope {
            self.object_ref(names, o);
        }
        if let Some(t) = &k.algorithms
            && !names.tables.contains_key(t.value.as_str())
        {
            self.unknown_table(names, t);
        }
        Block {
            info,
            prov,
            value: KeyDistribution {
                interfaces: k.interfaces.iter().map(|i| i.value.clone()).collect(),
                envelope: ustr(k.envelope.as_ref()),
                algorithms: ustr(k.algorithms.as_ref()),
            },
        }
    }
}
