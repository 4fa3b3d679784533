//! The catalogue of checks: every check's stable id, title and clause, built from the IR (the
//! section of the security block or interface it tests, the provenance of the rule, whether the
//! rule is provisional). Ids are `ENV-…` for the envelope and token rules and
//! `Q-<interface>-<ASPECT>` / `P-<interface>-<ASPECT>` for a query or push interface.

use crate::ir::{Edition, Provenance};
use crate::tools::conform::report::{Check, Clause, Finding, Verdict};
use crate::tools::profile::{Aspect, section_of};

/// A check of the envelope, token and processing rules (chapter 10 and the token appendix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvCheck {
    /// A token is issued for the right secret.
    TokenRightSecret,
    /// No token is issued for a wrong secret.
    TokenWrongSecret,
    /// A call without a token is refused with the bad-token Ret.
    NoToken,
    /// A call with an unknown token is refused with the bad-token Ret.
    UnknownToken,
    /// A request with a wrong signature is refused with the bad-signature Ret.
    BadSignature,
    /// A request with a stale timestamp is refused with the bad-envelope Ret.
    StaleTimestamp,
    /// An identical resend is refused with the bad-envelope Ret.
    Resend,
    /// An undecryptable `Data` is refused with the bad-envelope Ret.
    Undecryptable,
    /// A payload that violates the spec is refused with the bad-payload Ret.
    InvalidPayload,
}

impl EnvCheck {
    pub const ALL: [EnvCheck; 9] = [
        EnvCheck::TokenRightSecret,
        EnvCheck::TokenWrongSecret,
        EnvCheck::NoToken,
        EnvCheck::UnknownToken,
        EnvCheck::BadSignature,
        EnvCheck::StaleTimestamp,
        EnvCheck::Resend,
        EnvCheck::Undecryptable,
        EnvCheck::InvalidPayload,
    ];

    pub fn id(self) -> &'static str {
        match self {
            EnvCheck::TokenRightSecret => "ENV-TOKEN-RIGHT-SECRET",
            EnvCheck::TokenWrongSecret => "ENV-TOKEN-WRONG-SECRET",
            EnvCheck::NoToken => "ENV-NO-TOKEN",
            EnvCheck::UnknownToken => "ENV-UNKNOWN-TOKEN",
            EnvCheck::BadSignature => "ENV-BAD-SIGNATURE",
            EnvCheck::StaleTimestamp => "ENV-STALE-TIMESTAMP",
            EnvCheck::Resend => "ENV-RESEND",
            EnvCheck::Undecryptable => "ENV-UNDECRYPTABLE-DATA",
            EnvCheck::InvalidPayload => "ENV-INVALID-PAYLOAD",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            EnvCheck::TokenRightSecret => "a token is issued for the right OperatorSecret",
            EnvCheck::TokenWrongSecret => "no token is issued for a wrong OperatorSecret",
            EnvCheck::NoToken => "a call without a token is refused",
            EnvCheck::UnknownToken => "a call with an unknown token is refused",
            EnvCheck::BadSignature => "a request with a wrong signature is refused",
            EnvCheck::StaleTimestamp => "a request with a stale timestamp is refused",
            EnvCheck::Resend => "an identical resend of a request is refused",
            EnvCheck::Undecryptable => "a request whose Data cannot be decrypted is refused",
            EnvCheck::InvalidPayload => "a request whose payload violates the spec is refused",
        }
    }

    fn aspect(self) -> Aspect {
        match self {
            EnvCheck::TokenRightSecret
            | EnvCheck::TokenWrongSecret
            | EnvCheck::NoToken
            | EnvCheck::UnknownToken => Aspect::Token,
            EnvCheck::BadSignature => Aspect::Signature,
            EnvCheck::StaleTimestamp => Aspect::Timestamp,
            EnvCheck::Resend => Aspect::Replay,
            EnvCheck::Undecryptable => Aspect::Encryption,
            EnvCheck::InvalidPayload => Aspect::Processing,
        }
    }
}

/// A check of one interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfaceCheck {
    /// The interface answers with the success Ret.
    Answer,
    /// The answer's signature verifies (in the spec's hex case).
    Signature,
    /// The answer's payload validates against the spec.
    Schema,
    /// The paging fields agree with the request and with each other.
    Paging,
    /// The identifiers asked for are the ones answered.
    Identifiers,
}

impl IfaceCheck {
    fn suffix(self) -> &'static str {
        match self {
            IfaceCheck::Answer => "ANSWER",
            IfaceCheck::Signature => "SIGNATURE",
            IfaceCheck::Schema => "SCHEMA",
            IfaceCheck::Paging => "PAGING",
            IfaceCheck::Identifiers => "IDS",
        }
    }

    fn title(self) -> &'static str {
        match self {
            IfaceCheck::Answer => "answers a valid request with the success Ret",
            IfaceCheck::Signature => "the answer's signature verifies",
            IfaceCheck::Schema => "the answer's payload follows the spec",
            IfaceCheck::Paging => {
                "PageNo answered = requested; PageCount, ItemSize and PageSize agree"
            }
            IfaceCheck::Identifiers => "the identifiers asked for are the ones answered",
        }
    }
}

/// The checks of an edition, with the verdict rule (provisional rules only WARN unless
/// enforced).
#[derive(Clone, Copy, Debug)]
pub struct Catalogue<'a> {
    pub ir: &'a Edition,
    pub enforce_provisional: bool,
    /// `Q` when the kit queries the system under test, `P` when it pushes to it.
    pub prefix: &'static str,
}

fn clause_of(section: String, interface: Option<&str>, prov: Option<&Provenance>) -> Clause {
    Clause {
        section,
        interface: interface.map(str::to_owned),
        provenance: prov.map(Provenance::tags_text).unwrap_or_default(),
        provisional: prov.is_some_and(|p| p.provisional),
    }
}

impl Catalogue<'_> {
    /// The provenance of the security block a check tests.
    fn block_prov(&self, aspect: Aspect) -> Option<&Provenance> {
        let sec = self.ir.security.as_ref()?;
        match aspect {
            Aspect::Envelope => sec.envelope.as_ref().map(|b| &b.prov),
            Aspect::Encryption => sec.encryption.as_ref().map(|b| &b.prov),
            Aspect::Signature => sec.signature.as_ref().map(|b| &b.prov),
            Aspect::Timestamp => sec.timestamp.as_ref().map(|b| &b.prov),
            Aspect::Token => sec.token.as_ref().map(|b| &b.prov),
            Aspect::Ret => sec.ret.as_ref().map(|b| &b.prov),
            Aspect::Replay => sec.replay.as_ref().map(|b| &b.prov),
            Aspect::Paging => sec.paging.as_ref().map(|b| &b.prov),
            Aspect::Processing => sec.processing.first().map(|b| &b.prov),
        }
        .or(Some(&sec.prov))
    }

    /// The clause of an envelope check, exercised through `interface`.
    pub fn env_clause(&self, c: EnvCheck, interface: Option<&str>) -> Clause {
        clause_of(
            section_of(self.ir, c.aspect()),
            interface,
            self.block_prov(c.aspect()),
        )
    }

    /// The id of an interface check.
    pub fn iface_id(&self, interface: &str, c: IfaceCheck) -> String {
        format!("{}-{interface}-{}", self.prefix, c.suffix())
    }

    /// The clause of an interface check: the interface's section (the signature and paging
    /// rules' own sections for those), and the provenance of the interface (or of the rule).
    pub fn iface_clause(&self, interface: &str, c: IfaceCheck) -> Clause {
        let i = self.ir.interfaces.get(interface);
        let iface_section = i.and_then(|i| i.info.section.clone()).unwrap_or_default();
        match c {
            IfaceCheck::Signature => {
                let mut cl = clause_of(
                    section_of(self.ir, Aspect::Signature),
                    Some(interface),
                    self.block_prov(Aspect::Signature),
                );
                cl.provisional |= i.is_some_and(|i| i.prov.provisional);
                cl
            }
            IfaceCheck::Paging => {
                let p = i.and_then(|i| i.paging.as_ref());
                let mut cl = clause_of(
                    section_of(self.ir, Aspect::Paging),
                    Some(interface),
                    p.map(|p| &p.prov).or(self.block_prov(Aspect::Paging)),
                );
                cl.provisional |= i.is_some_and(|i| i.prov.provisional);
                cl
            }
            _ => clause_of(iface_section, Some(interface), i.map(|i| &i.prov)),
        }
    }

    /// A check of the envelope rules.
    pub fn env(
        &self,
        c: EnvCheck,
        interface: Option<&str>,
        outcome: Outcome,
        findings: Vec<Finding>,
    ) -> Check {
        self.check(
            c.id().to_owned(),
            c.title().to_owned(),
            self.env_clause(c, interface),
            outcome,
            findings,
        )
    }

    /// A check of an interface.
    pub fn iface(
        &self,
        interface: &str,
        c: IfaceCheck,
        outcome: Outcome,
        findings: Vec<Finding>,
    ) -> Check {
        self.check(
            self.iface_id(interface, c),
            format!("{interface}: {}", c.title()),
            self.iface_clause(interface, c),
            outcome,
            findings,
        )
    }

    fn check(
        &self,
        id: String,
        title: String,
        clause: Clause,
        outcome: Outcome,
        mut findings: Vec<Finding>,
    ) -> Check {
        let (verdict, message) = match outcome {
            Outcome::Pass(m) => (Verdict::Pass, m),
            Outcome::Warn(m) => (Verdict::Warn, m),
            Outcome::Skip(m) => (Verdict::Skip, m),
            Outcome::NotApplicable(m) => (Verdict::NotApplicable, m),
            Outcome::Fail(m) => {
                // A finding on a provisional rule, or a check of a provisional clause, warns.
                let hard = findings
                    .iter()
                    .any(|f| !f.warning && (!f.provisional || self.enforce_provisional));
                let provisional_clause = clause.provisional && !self.enforce_provisional;
                if provisional_clause || (!findings.is_empty() && !hard) {
                    for f in &mut findings {
                        f.warning = true;
                    }
                    (
                        Verdict::Warn,
                        format!("{m} (provisional rule: --enforce-provisional fails it)"),
                    )
                } else {
                    (Verdict::Fail, m)
                }
            }
        };
        findings.sort_by(|a, b| {
            (&a.interface, &a.pointer, &a.rule).cmp(&(&b.interface, &b.pointer, &b.rule))
        });
        findings.dedup_by(|a, b| {
            a.interface == b.interface && a.pointer == b.pointer && a.rule == b.rule
        });
        findings.truncate(MAX_FINDINGS);
        Check {
            id,
            title,
            clause,
            verdict,
            message,
            findings,
        }
    }
}

/// The most findings a check lists (the rest are summed up by the message).
pub const MAX_FINDINGS: usize = 20;

/// What a check found, before the provisional rule decides FAIL or WARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass(String),
    Fail(String),
    Warn(String),
    Skip(String),
    NotApplicable(String),
}
