//! Reading the `security` section (chapter 10 and Appendix C as data).

use crate::diag::{Diagnostics, Loc};
use crate::ir::vocab::{Cipher, HexCase, KeyEncoding, Mac, Padding, ProcessingStep, TextEncoding};

use super::node::Node;
use super::raw::{Doc, RawSecurity, RawType};
use super::reader::{MapView, Sp, boolean, int, keyword, list, name, name_list, text};
use super::{read_doc, read_type};
use crate::ir::vocab::DateFormat;

#[derive(Clone, Debug)]
pub struct RawUrlVariant {
    pub doc: Doc,
    pub pattern: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct RawUrl {
    pub doc: Doc,
    pub pattern: Option<Sp<String>>,
    pub default_base_path: Option<Sp<String>>,
    pub variants: Vec<RawUrlVariant>,
}

#[derive(Clone, Debug)]
pub struct RawTransport {
    pub doc: Doc,
    pub schemes: Vec<Sp<String>>,
    pub method: Option<Sp<String>>,
    pub content_type: Option<Sp<String>>,
    pub error_http_status: Option<Sp<i64>>,
    pub url: Option<RawUrl>,
}

#[derive(Clone, Debug)]
pub struct RawHeader {
    pub doc: Doc,
    pub name: Option<Sp<String>>,
    pub value: Option<Sp<String>>,
    pub except: Vec<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct RawEnvelope {
    pub doc: Doc,
    pub request: Option<Sp<String>>,
    pub response: Option<Sp<String>>,
    pub data_field: Option<Sp<String>>,
    pub sender_field: Option<Sp<String>>,
    pub ret_field: Option<Sp<String>>,
    pub msg_field: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct RawKey {
    pub doc: Doc,
    pub name: Option<Sp<String>>,
    pub ty: Option<RawType>,
}

#[derive(Clone, Debug)]
pub struct RawEncryption {
    pub doc: Doc,
    pub algorithm: Option<Sp<Cipher>>,
    pub padding: Option<Sp<Padding>>,
    pub plaintext: Option<Sp<TextEncoding>>,
    pub ciphertext: Option<Sp<TextEncoding>>,
    pub key: Option<Sp<String>>,
    pub iv: Option<Sp<String>>,
    pub key_encoding: Option<Sp<KeyEncoding>>,
    pub fields: Vec<Sp<String>>,
    pub empty_data_plain: Option<Sp<bool>>,
}

#[derive(Clone, Debug)]
pub struct RawSignature {
    pub doc: Doc,
    pub algorithm: Option<Sp<Mac>>,
    pub field: Option<Sp<String>>,
    pub key: Option<Sp<String>>,
    pub key_encoding: Option<Sp<KeyEncoding>>,
    pub request_fields: Vec<Sp<String>>,
    pub response_fields: Vec<Sp<String>>,
    pub separator: Option<Sp<String>>,
    pub hex_case: Option<Sp<HexCase>>,
    pub verify_before_decrypt: Option<Sp<bool>>,
}

#[derive(Clone, Debug)]
pub struct RawTimestamp {
    pub doc: Doc,
    pub field: Option<Sp<String>>,
    pub format: Option<Sp<DateFormat>>,
    pub utc_offset: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct RawSeq {
    pub doc: Doc,
    pub field: Option<Sp<String>>,
    pub min: Option<Sp<i64>>,
    pub max: Option<Sp<i64>>,
    pub width: Option<Sp<i64>>,
}

#[derive(Clone, Debug)]
pub struct RawToken {
    pub doc: Doc,
    pub interface: Option<Sp<String>>,
    pub header: Option<Sp<String>>,
    pub scheme: Option<Sp<String>>,
    pub operator_field: Option<Sp<String>>,
    pub secret_field: Option<Sp<String>>,
    pub token_field: Option<Sp<String>>,
    pub lifetime_field: Option<Sp<String>>,
    pub lifetime_unit: Option<Sp<String>>,
    pub success_field: Option<Sp<String>>,
    pub success_code: Option<Sp<i64>>,
    pub fail_reason_field: Option<Sp<String>>,
    pub failure_code: Option<Sp<i64>>,
    pub fail_reason_none: Option<Sp<i64>>,
    pub fail_reason_unknown_operator: Option<Sp<i64>>,
    pub fail_reason_wrong_secret: Option<Sp<i64>>,
}

#[derive(Clone, Debug)]
pub struct RawRetMessage {
    pub doc: Doc,
    pub ret: Option<Sp<i64>>,
    pub msg: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct RawRet {
    pub doc: Doc,
    pub table: Option<Sp<String>>,
    /// (role, code): success, busy, bad_signature, bad_token, bad_envelope, bad_payload, system_error.
    pub roles: Vec<(&'static str, Sp<i64>)>,
    pub messages: Vec<RawRetMessage>,
}

pub const RET_ROLES: [&str; 7] = [
    "success",
    "busy",
    "bad_signature",
    "bad_token",
    "bad_envelope",
    "bad_payload",
    "system_error",
];

#[derive(Clone, Debug)]
pub struct RawStepRule {
    pub doc: Doc,
    pub step: Option<Sp<ProcessingStep>>,
    pub ret: Option<Sp<i64>>,
}

#[derive(Clone, Debug)]
pub struct RawPushAck {
    pub doc: Doc,
    pub object: Option<Sp<String>>,
    pub field: Option<Sp<String>>,
    pub table: Option<Sp<String>>,
    pub accepted: Option<Sp<i64>>,
    pub discarded: Option<Sp<i64>>,
}

#[derive(Clone, Debug)]
pub struct RawResend {
    pub doc: Doc,
    pub attempts: Option<Sp<i64>>,
    pub interval_s: Option<Sp<i64>>,
}

#[derive(Clone, Debug)]
pub struct RawPagingRule {
    pub doc: Doc,
    pub default_page_no: Option<Sp<i64>>,
    pub default_page_size: Option<Sp<i64>>,
    pub max_page_size: Option<Sp<i64>>,
}

#[derive(Clone, Debug)]
pub struct RawReplay {
    pub doc: Doc,
    pub window_s: Option<Sp<i64>>,
}

#[derive(Clone, Debug)]
pub struct RawKeyDistribution {
    pub doc: Doc,
    pub interfaces: Vec<Sp<String>>,
    pub envelope: Option<Sp<String>>,
    pub algorithms: Option<Sp<String>>,
}

const ENCODINGS: [(&str, KeyEncoding); 2] =
    [("ascii", KeyEncoding::Ascii), ("hex", KeyEncoding::Hex)];

fn opt_name(
    d: &mut Diagnostics,
    m: &mut MapView<'_>,
    key: &'static str,
    what: &str,
) -> Option<Sp<String>> {
    m.get(key).and_then(|n| name(d, n, what))
}

fn req_name(
    d: &mut Diagnostics,
    m: &mut MapView<'_>,
    key: &'static str,
    what: &str,
) -> Option<Sp<String>> {
    m.req(key, what).and_then(|n| name(d, n, what))
}

fn req_int(
    d: &mut Diagnostics,
    m: &mut MapView<'_>,
    key: &'static str,
    what: &str,
) -> Option<Sp<i64>> {
    m.req(key, what).and_then(|n| int(d, n, what))
}

fn opt_int(
    d: &mut Diagnostics,
    m: &mut MapView<'_>,
    key: &'static str,
    what: &str,
) -> Option<Sp<i64>> {
    m.get(key).and_then(|n| int(d, n, what))
}

/// Reads a block: a mapping with the common keys plus the block's own keys.
fn block<T>(
    d: &mut Diagnostics,
    node: &Node,
    what: &str,
    read: impl FnOnce(&mut Diagnostics, &mut MapView<'_>, Doc) -> T,
) -> Option<T> {
    let mut m = MapView::new(d, node, what)?;
    let doc = read_doc(d, &mut m, node.loc, what);
    let v = read(d, &mut m, doc);
    m.finish(d, what);
    Some(v)
}

fn blocks<T>(
    d: &mut Diagnostics,
    node: &Node,
    what: &str,
    mut read: impl FnMut(&mut Diagnostics, &mut MapView<'_>, Doc) -> T,
) -> Vec<T> {
    let Some(items) = list(d, node, what) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|n| block(d, n, what, &mut read))
        .collect()
}

fn read_transport(d: &mut Diagnostics, n: &Node) -> Option<RawTransport> {
    block(d, n, "security.transport", |d, m, doc| RawTransport {
        doc,
        schemes: m
            .get("schemes")
            .map(|n| name_list(d, n, "a URL scheme"))
            .unwrap_or_default(),
        method: req_name(d, m, "method", "the HTTP method"),
        content_type: m
            .req("content_type", "security.transport")
            .and_then(|n| text(d, n, "content_type")),
        error_http_status: req_int(d, m, "error_http_status", "security.transport"),
        url: m.get("url").and_then(|n| {
            block(d, n, "security.transport.url", |d, m, doc| RawUrl {
                doc,
                pattern: m
                    .req("pattern", "the URL block")
                    .and_then(|n| text(d, n, "the URL pattern")),
                default_base_path: m
                    .get("default_base_path")
                    .and_then(|n| text(d, n, "default_base_path")),
                variants: m
                    .get("variants")
                    .map(|n| {
                        blocks(d, n, "a URL variant", |d, m, doc| RawUrlVariant {
                            doc,
                            pattern: m
                                .req("pattern", "a URL variant")
                                .and_then(|n| text(d, n, "pattern")),
                        })
                    })
                    .unwrap_or_default(),
            })
        }),
    })
}

fn read_headers(d: &mut Diagnostics, n: &Node) -> Vec<RawHeader> {
    blocks(d, n, "a header", |d, m, doc| RawHeader {
        doc,
        name: req_name(d, m, "name", "the header name"),
        value: m
            .req("value", "a header")
            .and_then(|n| text(d, n, "the header value")),
        except: m
            .get("except")
            .map(|n| name_list(d, n, "an interface name"))
            .unwrap_or_default(),
    })
}

fn read_envelope(d: &mut Diagnostics, n: &Node) -> Option<RawEnvelope> {
    block(d, n, "security.envelope", |d, m, doc| RawEnvelope {
        doc,
        request: req_name(d, m, "request", "the request envelope object"),
        response: req_name(d, m, "response", "the response envelope object"),
        data_field: req_name(d, m, "data_field", "the data field"),
        sender_field: req_name(d, m, "sender_field", "the sender field"),
        ret_field: req_name(d, m, "ret_field", "the Ret field"),
        msg_field: req_name(d, m, "msg_field", "the message field"),
    })
}

fn read_keys(d: &mut Diagnostics, n: &Node) -> Vec<RawKey> {
    blocks(d, n, "a key", |d, m, doc| RawKey {
        doc,
        name: req_name(d, m, "name", "the key name"),
        ty: m.req("type", "a key").and_then(|n| read_type(d, n)),
    })
}

fn read_encryption(d: &mut Diagnostics, n: &Node) -> Option<RawEncryption> {
    block(d, n, "security.encryption", |d, m, doc| RawEncryption {
        doc,
        algorithm: m.req("algorithm", "security.encryption").and_then(|n| {
            keyword(
                d,
                n,
                "cipher",
                &[
                    ("AES-128-CBC", Cipher::Aes128Cbc),
                    ("SM4-CBC", Cipher::Sm4Cbc),
                ],
            )
        }),
        padding: m
            .req("padding", "security.encryption")
            .and_then(|n| keyword(d, n, "padding", &[("PKCS7", Padding::Pkcs7)])),
        plaintext: m
            .req("plaintext", "security.encryption")
            .and_then(|n| keyword(d, n, "plaintext encoding", &[("utf-8", TextEncoding::Utf8)])),
        ciphertext: m.req("ciphertext", "security.encryption").and_then(|n| {
            keyword(
                d,
                n,
                "ciphertext encoding",
                &[("base64", TextEncoding::Base64)],
            )
        }),
        key: req_name(d, m, "key", "the encryption key"),
        iv: req_name(d, m, "iv", "the IV"),
        key_encoding: m
            .req("key_encoding", "security.encryption")
            .and_then(|n| keyword(d, n, "key encoding", &ENCODINGS)),
        fields: m
            .req("fields", "security.encryption")
            .map(|n| name_list(d, n, "a field"))
            .unwrap_or_default(),
        empty_data_plain: m
            .get("empty_data_plain")
            .and_then(|n| boolean(d, n, "empty_data_plain")),
    })
}

fn read_signature(d: &mut Diagnostics, n: &Node) -> Option<RawSignature> {
    block(d, n, "security.signature", |d, m, doc| RawSignature {
        doc,
        algorithm: m
            .req("algorithm", "security.signature")
            .and_then(|n| keyword(d, n, "signature algorithm", &[("HMAC-MD5", Mac::HmacMd5)])),
        field: req_name(d, m, "field", "the signature field"),
        key: req_name(d, m, "key", "the signature key"),
        key_encoding: m
            .req("key_encoding", "security.signature")
            .and_then(|n| keyword(d, n, "key encoding", &ENCODINGS)),
        request_fields: m
            .req("request_fields", "security.signature")
            .map(|n| name_list(d, n, "a field"))
            .unwrap_or_default(),
        response_fields: m
            .req("response_fields", "security.signature")
            .map(|n| name_list(d, n, "a field"))
            .unwrap_or_default(),
        separator: m.get("separator").and_then(|n| name(d, n, "the separator")),
        hex_case: m.req("hex_case", "security.signature").and_then(|n| {
            keyword(
                d,
                n,
                "hex case",
                &[("upper", HexCase::Upper), ("lower", HexCase::Lower)],
            )
        }),
        verify_before_decrypt: m
            .get("verify_before_decrypt")
            .and_then(|n| boolean(d, n, "verify_before_decrypt")),
    })
}

fn read_timestamp(d: &mut Diagnostics, n: &Node) -> Option<RawTimestamp> {
    block(d, n, "security.timestamp", |d, m, doc| RawTimestamp {
        doc,
        field: req_name(d, m, "field", "the timestamp field"),
        format: m
            .req("format", "security.timestamp")
            .and_then(|n| keyword(d, n, "date format", &DateFormat::ALL)),
        utc_offset: m
            .req("utc_offset", "security.timestamp")
            .and_then(|n| text(d, n, "utc_offset")),
    })
}

fn read_seq(d: &mut Diagnostics, n: &Node) -> Option<RawSeq> {
    block(d, n, "security.seq", |d, m, doc| RawSeq {
        doc,
        field: req_name(d, m, "field", "the sequence field"),
        min: req_int(d, m, "min", "security.seq"),
        max: req_int(d, m, "max", "security.seq"),
        width: req_int(d, m, "width", "security.seq"),
    })
}

fn read_token(d: &mut Diagnostics, n: &Node) -> Option<RawToken> {
    block(d, n, "security.token", |d, m, doc| RawToken {
        doc,
        interface: req_name(d, m, "interface", "the token interface"),
        header: req_name(d, m, "header", "the token header"),
        scheme: req_name(d, m, "scheme", "the token scheme"),
        operator_field: req_name(d, m, "operator_field", "security.token"),
        secret_field: req_name(d, m, "secret_field", "security.token"),
        token_field: req_name(d, m, "token_field", "security.token"),
        lifetime_field: req_name(d, m, "lifetime_field", "security.token"),
        lifetime_unit: req_name(d, m, "lifetime_unit", "security.token"),
        success_field: req_name(d, m, "success_field", "security.token"),
        success_code: req_int(d, m, "success_code", "security.token"),
        fail_reason_field: opt_name(d, m, "fail_reason_field", "security.token"),
        failure_code: req_int(d, m, "failure_code", "security.token"),
        fail_reason_none: opt_int(d, m, "fail_reason_none", "security.token"),
        fail_reason_unknown_operator: opt_int(
            d,
            m,
            "fail_reason_unknown_operator",
            "security.token",
        ),
        fail_reason_wrong_secret: opt_int(d, m, "fail_reason_wrong_secret", "security.token"),
    })
}

fn read_ret(d: &mut Diagnostics, n: &Node) -> Option<RawRet> {
    block(d, n, "security.ret", |d, m, doc| {
        let table = req_name(d, m, "table", "the Ret code table");
        let mut roles = Vec::new();
        for role in RET_ROLES {
            if let Some(v) = req_int(d, m, role, "security.ret") {
                roles.push((role, v));
            }
        }
        let messages = m
            .get("messages")
            .map(|n| {
                blocks(d, n, "a Ret message", |d, m, doc| RawRetMessage {
                    doc,
                    ret: req_int(d, m, "ret", "a Ret message"),
                    msg: m
                        .req("msg", "a Ret message")
                        .and_then(|n| text(d, n, "msg")),
                })
            })
            .unwrap_or_default();
        RawRet {
            doc,
            table,
            roles,
            messages,
        }
    })
}

fn read_processing(d: &mut Diagnostics, n: &Node) -> Vec<RawStepRule> {
    blocks(d, n, "a processing step", |d, m, doc| RawStepRule {
        doc,
        step: m
            .req("step", "a processing step")
            .and_then(|n| keyword(d, n, "processing step", &ProcessingStep::ALL)),
        ret: opt_int(d, m, "ret", "the Ret of a failed step"),
    })
}

fn read_push_ack(d: &mut Diagnostics, n: &Node) -> Option<RawPushAck> {
    block(d, n, "security.push_ack", |d, m, doc| RawPushAck {
        doc,
        object: req_name(d, m, "object", "the acknowledgement object"),
        field: req_name(d, m, "field", "the status field"),
        table: req_name(d, m, "table", "the status code table"),
        accepted: req_int(d, m, "accepted", "security.push_ack"),
        discarded: req_int(d, m, "discarded", "security.push_ack"),
    })
}

fn read_resend(d: &mut Diagnostics, n: &Node) -> Option<RawResend> {
    block(d, n, "security.resend", |d, m, doc| RawResend {
        doc,
        attempts: opt_int(d, m, "attempts", "resend attempts"),
        interval_s: opt_int(d, m, "interval_s", "resend interval"),
    })
}

fn read_paging(d: &mut Diagnostics, n: &Node) -> Option<RawPagingRule> {
    block(d, n, "security.paging", |d, m, doc| RawPagingRule {
        doc,
        default_page_no: opt_int(d, m, "default_page_no", "default_page_no"),
        default_page_size: opt_int(d, m, "default_page_size", "default_page_size"),
        max_page_size: opt_int(d, m, "max_page_size", "max_page_size"),
    })
}

fn read_replay(d: &mut Diagnostics, n: &Node) -> Option<RawReplay> {
    block(d, n, "security.replay", |d, m, doc| RawReplay {
        doc,
        window_s: opt_int(d, m, "window_s", "the replay window"),
    })
}

fn read_key_distribution(d: &mut Diagnostics, n: &Node) -> Option<RawKeyDistribution> {
    block(d, n, "security.key_distribution", |d, m, doc| {
        RawKeyDistribution {
            doc,
            interfaces: m
                .req("interfaces", "security.key_distribution")
                .map(|n| name_list(d, n, "an interface name"))
                .unwrap_or_default(),
            envelope: req_name(d, m, "envelope", "the key envelope object"),
            algorithms: req_name(d, m, "algorithms", "the algorithm code table"),
        }
    })
}

pub fn read_security(d: &mut Diagnostics, node: &Node) -> Option<Sp<RawSecurity>> {
    let loc: Loc = node.loc;
    block(d, node, "the security section", |d, m, doc| {
        let mut s = RawSecurity {
            doc,
            ..RawSecurity::default()
        };
        if let Some(n) = m.get("transport") {
            s.transport = read_transport(d, n);
        }
        if let Some(n) = m.get("headers") {
            s.headers = read_headers(d, n);
        }
        if let Some(n) = m.get("envelope") {
            s.envelope = read_envelope(d, n);
        }
        if let Some(n) = m.get("keys") {
            s.keys = read_keys(d, n);
        }
        if let Some(n) = m.get("encryption") {
            s.encryption = read_encryption(d, n);
        }
        if let Some(n) = m.get("signature") {
            s.signature = read_signature(d, n);
        }
        if let Some(n) = m.get("timestamp") {
            s.timestamp = read_timestamp(d, n);
        }
        if let Some(n) = m.get("seq") {
            s.seq = read_seq(d, n);
        }
        if let Some(n) = m.get("token") {
            s.token = read_token(d, n);
        }
        if let Some(n) = m.get("ret") {
            s.ret = read_ret(d, n);
        }
        if let Some(n) = m.get("processing") {
            s.processing = read_processing(d, n);
        }
        if let Some(n) = m.get("push_ack") {
            s.push_ack = read_push_ack(d, n);
        }
        if let Some(n) = m.get("resend") {
            s.resend = read_resend(d, n);
        }
        if let Some(n) = m.get("paging") {
            s.paging = read_paging(d, n);
        }
        if let Some(n) = m.get("replay") {
            s.replay = read_replay(d, n);
        }
        if let Some(n) = m.get("key_distribution") {
            s.key_distribution = read_key_distribution(d, n);
        }
        Sp::new(s, loc)
    })
}
