//! The IR's security section as the runtime's envelope [`Profile`]: what `chargespec envelope`,
//! `conform` and `listen` seal, open and verify envelopes with, for any edition, at run time (as
//! [`crate::descriptors`] builds the validator's schema).

use chargespec_runtime::envelope::KeyEncoding as RtKeyEncoding;
use chargespec_runtime::spec_envelope::{
    EncryptionRule, Profile, RequestFields, ResponseFields, RetCodes, SeqRule, SignatureRule,
    TimestampRule, TokenRule,
};
use chargespec_runtime::time::DateFormat as RtDate;

use crate::ir::{Cipher, DateFormat, Edition, HexCase, KeyEncoding, Mac};

fn key_encoding(e: KeyEncoding) -> RtKeyEncoding {
    match e {
        KeyEncoding::Ascii => RtKeyEncoding::Ascii,
        KeyEncoding::Hex => RtKeyEncoding::Hex,
    }
}

fn date_format(f: DateFormat) -> RtDate {
    match f {
        DateFormat::Date => RtDate::Date,
        DateFormat::DateTime => RtDate::DateTime,
        DateFormat::Compact => RtDate::CompactDateTime,
        DateFormat::Time => RtDate::Time,
    }
}

/// The envelope profile of an edition, or why the tools cannot handle its envelope.
pub fn profile(ir: &Edition) -> Result<Profile, String> {
    let id = &ir.meta.id;
    let sec = ir
        .security
        .as_ref()
        .ok_or_else(|| format!("{id} has no security section: no envelope to work with"))?;
    let env = &sec
        .envelope
        .as_ref()
        .ok_or_else(|| format!("{id}: the security section has no envelope"))?
        .value;
    let enc = &sec
        .encryption
        .as_ref()
        .ok_or_else(|| format!("{id}: the security section has no encryption block"))?
        .value;
    if enc.algorithm != Cipher::Aes128Cbc {
        return Err(format!(
            "{id}: the envelope cipher {:?} is not supported by the tools (AES-128-CBC only)",
            enc.algorithm
        ));
    }
    let ret = &sec
        .ret
        .as_ref()
        .ok_or_else(|| format!("{id}: the security section has no Ret codes"))?
        .value;
    let order = |object: &str| -> Vec<String> {
        ir.objects
            .get(object)
            .map(|o| o.fields.iter().map(|f| f.wire.clone()).collect())
            .unwrap_or_default()
    };
    let signature = match &sec.signature {
        Some(b) => {
            let s = &b.value;
            let Mac::HmacMd5 = s.algorithm;
            Some(SignatureRule {
                request_fields: s.request_fields.iter().map(|f| f.wire.clone()).collect(),
                response_fields: s.response_fields.iter().map(|f| f.wire.clone()).collect(),
                separator: s.separator.clone(),
                upper_hex: s.hex_case == HexCase::Upper,
                key_encoding: key_encoding(s.key_encoding),
                verify_before_decrypt: s.verify_before_decrypt,
            })
        }
        None => None,
    };
    let token = sec.token.as_ref().map(|b| {
        let t = &b.value;
        TokenRule {
            interface: t.interface.clone(),
            header: t.header.clone(),
            scheme: t.scheme.clone(),
            operator_field: t.operator.wire.clone(),
            secret_field: t.secret.wire.clone(),
            token_field: t.token.wire.clone(),
            lifetime_field: t.lifetime.wire.clone(),
            success_field: t.success.wire.clone(),
            success_code: t.success_code,
            failure_code: t.failure_code,
            fail_reason_field: t.fail_reason.as_ref().map(|r| r.field.wire.clone()),
            wrong_secret_code: t.fail_reason.as_ref().and_then(|r| r.wrong_secret),
        }
    });
    let transport = sec.transport.as_ref().map(|b| &b.value);
    Ok(Profile {
        edition: id.clone(),
        request_object: env.request.object.clone(),
        response_object: env.response.object.clone(),
        request: RequestFields {
            sender: env.request.sender.wire.clone(),
            data: env.request.data.wire.clone(),
            timestamp: env.request.timestamp.as_ref().map(|f| f.wire.clone()),
            seq: env.request.seq.as_ref().map(|f| f.wire.clone()),
            signature: env.request.signature.as_ref().map(|f| f.wire.clone()),
            order: order(&env.request.object),
        },
        response: ResponseFields {
            ret: env.response.ret.wire.clone(),
            msg: env.response.msg.wire.clone(),
            data: env.response.data.wire.clone(),
            signature: env.response.signature.as_ref().map(|f| f.wire.clone()),
            order: order(&env.response.object),
        },
        signature,
        encryption: EncryptionRule {
            key_encoding: key_encoding(enc.key_encoding),
            empty_data_plain: enc.empty_data_plain,
        },
        timestamp: sec.timestamp.as_ref().map(|b| TimestampRule {
            format: date_format(b.value.format),
            utc_offset_s: b.value.utc_offset_s,
        }),
        seq: sec.seq.as_ref().map(|b| SeqRule {
            min: b.value.min,
            max: b.value.max,
            width: b.value.width,
        }),
        token,
        ret: RetCodes {
            success: ret.success,
            busy: ret.busy,
            bad_signature: ret.bad_signature,
            bad_token: ret.bad_token,
            bad_envelope: ret.bad_envelope,
            bad_payload: ret.bad_payload,
            system_error: ret.system_error,
        },
        content_type: transport
            .map(|t| t.content_type.clone())
            .unwrap_or_else(|| "application/json;charset=utf-8".to_owned()),
        base_path: transport
            .and_then(|t| t.url.as_ref())
            .and_then(|u| u.value.default_base_path.clone()),
    })
}

/// The section of the security section a check of `aspect` cites (`10.5` for the signature),
/// for the clause of a conformance check; the chapter's own section when the block has none.
pub fn section_of(ir: &Edition, aspect: Aspect) -> String {
    let Some(sec) = &ir.security else {
        return String::new();
    };
    let block = match aspect {
        Aspect::Envelope => sec.envelope.as_ref().map(|b| &b.info),
        Aspect::Encryption => sec.encryption.as_ref().map(|b| &b.info),
        Aspect::Signature => sec.signature.as_ref().map(|b| &b.info),
        Aspect::Timestamp => sec.timestamp.as_ref().map(|b| &b.info),
        Aspect::Token => sec.token.as_ref().map(|b| &b.info),
        Aspect::Ret => sec.ret.as_ref().map(|b| &b.info),
        Aspect::Replay => sec.replay.as_ref().map(|b| &b.info),
        Aspect::Paging => sec.paging.as_ref().map(|b| &b.info),
        Aspect::Processing => sec.processing.first().map(|b| &b.info),
    };
    block
        .and_then(|i| i.section.clone())
        .or_else(|| sec.info.section.clone())
        .unwrap_or_default()
}

/// A block of the security section, for [`section_of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    Envelope,
    Encryption,
    Signature,
    Timestamp,
    Token,
    Ret,
    Replay,
    Paging,
    Processing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edition_has_a_profile_with_the_t_cec_envelope() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        for dir in crate::edition_dirs(&root) {
            let ir = crate::check_dir(&dir)
                .ir
                .unwrap_or_else(|| panic!("{} checks", dir.display()));
            let p = profile(&ir).unwrap_or_else(|e| panic!("{e}"));
            let sig = p.signature.as_ref().unwrap_or_else(|| panic!("signed"));
            assert_eq!(
                sig.request_fields,
                ["OperatorID", "Data", "TimeStamp", "Seq"]
            );
            assert_eq!(sig.response_fields, ["Ret", "Msg", "Data"]);
            assert!(sig.upper_hex);
            assert_eq!(p.timestamp.map(|t| t.utc_offset_s), Some(28800));
            assert_eq!(p.ret.bad_signature, 4001);
            assert_eq!(
                p.token.as_ref().map(|t| t.token_field.as_str()),
                Some("AccessToken")
            );
            assert_eq!(p.request.order.len(), 5, "{}", p.edition);
            assert!(!section_of(&ir, Aspect::Signature).is_empty());
        }
    }
}
