//! Why an envelope does not open: the mistakes implementers of the T/CEC 102.4 envelope are known
//! to make, each tried against a message that failed, so a tool can say which one it is.
//!
//! Every function here is given a message that failed the spec's way (signature, decryption or
//! timestamp window) and retries it the mistaken way: the key text used hex-decoded instead of
//! as ASCII (or the reverse), the IV and the key swapped, zero or no padding instead of PKCS#7,
//! the signature computed over other fields, in another order, with a separator or over the
//! decrypted payload, the signature in the other hex case, a timestamp in UTC instead of the
//! spec's time zone. Nothing here prints key material.

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, KeyIvInit};
use base64::Engine;
use serde_json::{Map, Value};

use crate::envelope::{KeyEncoding, hmac_md5_hex, key_bytes};
use crate::spec_envelope::{Keys, Profile, field_text};

type Aes128CbcDec = cbc::Decryptor<aes::Aes128>;

/// A known mistake a failed message matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mistake {
    /// The key (`SigSecret`, `DataSecret`) was used in the `used` encoding instead of the spec's.
    KeyEncoding {
        key: &'static str,
        used: KeyEncoding,
    },
    /// `DataSecret` was used as the IV and `DataSecretIV` as the key.
    IvKeySwapped,
    /// The plaintext was padded with zero bytes (or spaces) instead of PKCS#7.
    ZeroPadding,
    /// The plaintext was not padded (its length is a multiple of the block size).
    NoPadding,
    /// The signature covers these fields in this order, joined by `separator`.
    SignedFields {
        fields: Vec<String>,
        separator: String,
    },
    /// The signature covers the decrypted payload instead of the Base64 `Data`.
    SignedPlaintext,
    /// The signature matches, but in the other hex case than the spec's.
    HexCase { upper_expected: bool },
    /// The timestamp is in UTC instead of the spec's time zone.
    TimestampUtc { offset_s: i64 },
}

impl Mistake {
    /// A stable name of the mistake (for reports and tests).
    pub fn name(&self) -> &'static str {
        match self {
            Mistake::KeyEncoding { .. } => "key-encoding",
            Mistake::IvKeySwapped => "iv-key-swapped",
            Mistake::ZeroPadding => "zero-padding",
            Mistake::NoPadding => "no-padding",
            Mistake::SignedFields { .. } => "signed-fields",
            Mistake::SignedPlaintext => "signed-plaintext",
            Mistake::HexCase { .. } => "hex-case",
            Mistake::TimestampUtc { .. } => "timestamp-utc",
        }
    }
}

fn encoding_name(e: KeyEncoding) -> &'static str {
    match e {
        KeyEncoding::Ascii => "its ASCII text",
        KeyEncoding::Hex => "hex-decoded",
    }
}

fn other(e: KeyEncoding) -> KeyEncoding {
    match e {
        KeyEncoding::Ascii => KeyEncoding::Hex,
        KeyEncoding::Hex => KeyEncoding::Ascii,
    }
}

impl std::fmt::Display for Mistake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mistake::KeyEncoding { key, used } => write!(
                f,
                "{key} was used {} instead of {} as the spec says",
                encoding_name(*used),
                encoding_name(other(*used))
            ),
            Mistake::IvKeySwapped => f.write_str(
                "DataSecret and DataSecretIV are swapped (the key was used as the IV and the IV as the key)",
            ),
            Mistake::ZeroPadding => {
                f.write_str("the plaintext was padded with zero bytes instead of PKCS#7 (PKCS#5)")
            }
            Mistake::NoPadding => f.write_str(
                "the plaintext was not padded at all; AES-CBC with PKCS#7 (PKCS#5) padding adds 1 to 16 bytes",
            ),
            Mistake::SignedFields { fields, separator } => {
                write!(f, "the signature covers {}", fields.join(" + "))?;
                if !separator.is_empty() {
                    write!(f, " joined by {separator:?}")?;
                }
                f.write_str(" instead of the spec's fields, in the spec's order, without separator")
            }
            Mistake::SignedPlaintext => f.write_str(
                "the signature covers the decrypted JSON instead of Data exactly as sent (Base64)",
            ),
            Mistake::HexCase { upper_expected } => write!(
                f,
                "the signature is in {} hex; the spec says {}",
                if *upper_expected { "lower-case" } else { "upper-case" },
                if *upper_expected { "upper-case" } else { "lower-case" }
            ),
            Mistake::TimestampUtc { offset_s } => write!(
                f,
                "the timestamp is in UTC, not in the spec's time zone (UTC{:+03}:{:02})",
                offset_s / 3600,
                (offset_s.abs() % 3600) / 60
            ),
        }
    }
}

/// The signature an envelope carries.
fn carried_sig(profile: &Profile, map: &Map<String, Value>, response: bool) -> Option<String> {
    let field = if response {
        profile.response.signature.as_ref()
    } else {
        profile.request.signature.as_ref()
    }?;
    map.get(field).and_then(Value::as_str).map(str::to_owned)
}

/// Every ordered selection of at least one element of `items` (all subsets, every order).
fn arrangements(items: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut used = vec![false; items.len()];
    fn walk(
        items: &[String],
        used: &mut [bool],
        current: &mut Vec<String>,
        out: &mut Vec<Vec<String>>,
    ) {
        if !current.is_empty() {
            out.push(current.clone());
        }
        for i in 0..items.len() {
            if used[i] {
                continue;
            }
            used[i] = true;
            current.push(items[i].clone());
            walk(items, used, current, out);
            current.pop();
            used[i] = false;
        }
    }
    walk(items, &mut used, &mut current, &mut out);
    out
}

/// Which known mistake explains a signature that does not verify with `keys`; `plaintext` is the
/// decrypted payload when it is known. `None`: no known mistake matches (a wrong `SigSecret`,
/// or the message was altered).
pub fn diagnose_signature(
    profile: &Profile,
    keys: &Keys,
    map: &Map<String, Value>,
    response: bool,
    plaintext: Option<&[u8]>,
) -> Option<Mistake> {
    let rule = profile.signature.as_ref()?;
    let sig = carried_sig(profile, map, response)?.to_ascii_uppercase();
    let spec_fields = if response {
        &rule.response_fields
    } else {
        &rule.request_fields
    };
    let matches = |key: &[u8], fields: &[String], separator: &str, data_plain: bool| {
        let parts: Vec<String> = fields
            .iter()
            .map(|f| match plaintext {
                Some(p) if data_plain && *f == data_field(profile, response) => {
                    String::from_utf8_lossy(p).into_owned()
                }
                _ => field_text(map, f),
            })
            .collect();
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        hmac_md5_hex(key, &refs, separator, true).is_ok_and(|h| h == sig)
    };
    // The key in the other encoding, over the spec's fields.
    let alt = other(rule.key_encoding);
    if let Ok(key) = key_bytes(&keys.sig_secret, alt, "SigSecret")
        && matches(&key, spec_fields, &rule.separator, false)
    {
        return Some(Mistake::KeyEncoding {
            key: "SigSecret",
            used: alt,
        });
    }
    let key = key_bytes(&keys.sig_secret, rule.key_encoding, "SigSecret").ok()?;
    if plaintext.is_some() && matches(&key, spec_fields, &rule.separator, true) {
        return Some(Mistake::SignedPlaintext);
    }
    // Other fields, orders and separators: every envelope field but the signature itself.
    let order = if response {
        &profile.response.order
    } else {
        &profile.request.order
    };
    let sig_field = if response {
        profile.response.signature.as_ref()
    } else {
        profile.request.signature.as_ref()
    };
    let candidates: Vec<String> = order
        .iter()
        .filter(|f| Some(*f) != sig_field)
        .cloned()
        .collect();
    let mut separators = vec![rule.separator.clone()];
    for s in ["", "&", "|", ",", "\n"] {
        if !separators.iter().any(|x| x == s) {
            separators.push(s.to_owned());
        }
    }
    for separator in &separators {
        for fields in arrangements(&candidates) {
            if fields == *spec_fields && *separator == rule.separator {
                continue;
            }
            if matches(&key, &fields, separator, false) {
                return Some(Mistake::SignedFields {
                    fields,
                    separator: separator.clone(),
                });
            }
        }
    }
    None
}

fn data_field(profile: &Profile, response: bool) -> &str {
    if response {
        &profile.response.data
    } else {
        &profile.request.data
    }
}

/// A signature that verifies but is not in the spec's hex case.
pub fn diagnose_hex_case(
    profile: &Profile,
    map: &Map<String, Value>,
    response: bool,
) -> Option<Mistake> {
    let rule = profile.signature.as_ref()?;
    (!profile.signature_case_ok(map, response)).then_some(Mistake::HexCase {
        upper_expected: rule.upper_hex,
    })
}

/// AES-128-CBC without removing any padding.
fn decrypt_unpadded(key: &[u8], iv: &[u8], data: &str) -> Option<Vec<u8>> {
    if key.len() != 16 || iv.len() != 16 {
        return None;
    }
    let ct = base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .ok()?;
    let dec = Aes128CbcDec::new_from_slices(key, iv).ok()?;
    dec.decrypt_padded_vec_mut::<NoPadding>(&ct).ok()
}

fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes).is_ok()
}

/// Which known mistake explains a `Data` that does not decrypt (or decrypts to something that is
/// not JSON) with `keys`, and the plaintext the mistake gives.
pub fn diagnose_decrypt(profile: &Profile, keys: &Keys, data: &str) -> Option<(Mistake, Vec<u8>)> {
    let enc = profile.encryption.key_encoding;
    let key = key_bytes(&keys.data_secret, enc, "DataSecret").ok();
    let iv = key_bytes(&keys.data_secret_iv, enc, "DataSecretIV").ok();
    let pkcs7 = |k: &[u8], i: &[u8]| {
        crate::envelope::decrypt_aes128_cbc_base64(k, i, data)
            .ok()
            .filter(|p| is_json(p))
    };
    if let (Some(k), Some(i)) = (&key, &iv)
        && k != i
        && let Some(p) = pkcs7(i, k)
    {
        return Some((Mistake::IvKeySwapped, p));
    }
    let alt = other(enc);
    if let (Ok(k), Ok(i)) = (
        key_bytes(&keys.data_secret, alt, "DataSecret"),
        key_bytes(&keys.data_secret_iv, alt, "DataSecretIV"),
    ) && let Some(p) = pkcs7(&k, &i)
    {
        return Some((
            Mistake::KeyEncoding {
                key: "DataSecret",
                used: alt,
            },
            p,
        ));
    }
    let (k, i) = (key?, iv?);
    let raw = decrypt_unpadded(&k, &i, data)?;
    if is_json(&raw) {
        return Some((Mistake::NoPadding, raw));
    }
    let trimmed = raw
        .iter()
        .rposition(|b| *b != 0 && *b != b' ')
        .map_or(&raw[..0], |end| &raw[..=end]);
    if trimmed.len() < raw.len() && is_json(trimmed) {
        return Some((Mistake::ZeroPadding, trimmed.to_vec()));
    }
    None
}

/// Whether a timestamp outside the window of `now_unix` would be inside it read as UTC.
pub fn diagnose_timestamp(
    profile: &Profile,
    text: &str,
    now_unix: i64,
    window_s: u64,
) -> Option<Mistake> {
    let rule = profile.timestamp?;
    if rule.utc_offset_s == 0 {
        return None;
    }
    let as_utc = rule.format.parse(text)?.to_unix();
    ((now_unix - as_utc).unsigned_abs() <= window_s).then_some(Mistake::TimestampUtc {
        offset_s: rule.utc_offset_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::envelope::encrypt_aes128_cbc_base64;
    use crate::spec_envelope::tests::{V1_DATA, V1_PLAIN, keys, tcec, v1};

    fn resign(map: &mut Map<String, Value>, key: &[u8], fields: &[&str], sep: &str, upper: bool) {
        let parts: Vec<String> = fields.iter().map(|f| field_text(map, f)).collect();
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let sig = hmac_md5_hex(key, &refs, sep, upper).unwrap_or_default();
        map.insert("Sig".into(), Value::String(sig));
    }

    #[test]
    fn a_signature_over_fields_in_another_order_is_named() {
        let mut m = v1();
        resign(
            &mut m,
            b"1234567890abcdef",
            &["OperatorID", "TimeStamp", "Seq", "Data"],
            "",
            true,
        );
        let got = diagnose_signature(&tcec(), &keys(), &m, false, None);
        assert_eq!(
            got,
            Some(Mistake::SignedFields {
                fields: ["OperatorID", "TimeStamp", "Seq", "Data"]
                    .map(str::to_owned)
                    .to_vec(),
                separator: String::new()
            })
        );
        resign(
            &mut m,
            b"1234567890abcdef",
            &["Data", "TimeStamp"],
            "&",
            true,
        );
        let text = diagnose_signature(&tcec(), &keys(), &m, false, None)
            .map(|m| m.to_string())
            .unwrap_or_default();
        assert!(text.contains("Data + TimeStamp joined by \"&\""), "{text}");
    }

    #[test]
    fn a_signature_key_used_hex_decoded_is_named() {
        let mut m = v1();
        let hex =
            key_bytes(&Secret::new("1234567890abcdef"), KeyEncoding::Hex, "k").unwrap_or_default();
        resign(
            &mut m,
            &hex,
            &["OperatorID", "Data", "TimeStamp", "Seq"],
            "",
            true,
        );
        assert_eq!(
            diagnose_signature(&tcec(), &keys(), &m, false, None),
            Some(Mistake::KeyEncoding {
                key: "SigSecret",
                used: KeyEncoding::Hex
            })
        );
    }

    #[test]
    fn a_signature_over_the_plaintext_is_named_and_an_altered_message_is_not_explained() {
        let mut m = v1();
        m.insert("Data".into(), Value::String(V1_PLAIN.into()));
        resign(
            &mut m,
            b"1234567890abcdef",
            &["OperatorID", "Data", "TimeStamp", "Seq"],
            "",
            true,
        );
        m.insert("Data".into(), Value::String(V1_DATA.into()));
        assert_eq!(
            diagnose_signature(&tcec(), &keys(), &m, false, Some(V1_PLAIN.as_bytes())),
            Some(Mistake::SignedPlaintext)
        );
        let mut altered = v1();
        altered.insert("Seq".into(), Value::String("0002".into()));
        assert_eq!(
            diagnose_signature(&tcec(), &keys(), &altered, false, None),
            None
        );
    }

    #[test]
    fn lower_case_hex_is_named() {
        let mut m = v1();
        let lower = field_text(&m, "Sig").to_ascii_lowercase();
        m.insert("Sig".into(), Value::String(lower));
        assert_eq!(
            diagnose_hex_case(&tcec(), &m, false),
            Some(Mistake::HexCase {
                upper_expected: true
            })
        );
        assert_eq!(diagnose_hex_case(&tcec(), &v1(), false), None);
    }

    #[test]
    fn swapped_iv_and_key_are_named() {
        let k = Keys {
            data_secret: Secret::new("D4t4S3cr3tK3y016"),
            data_secret_iv: Secret::new("D4t4S3cr3tIV0016"),
            ..keys()
        };
        let data = encrypt_aes128_cbc_base64(b"D4t4S3cr3tIV0016", b"D4t4S3cr3tK3y016", b"{}")
            .unwrap_or_default();
        assert_eq!(
            diagnose_decrypt(&tcec(), &k, &data),
            Some((Mistake::IvKeySwapped, b"{}".to_vec()))
        );
    }

    #[test]
    fn a_data_key_given_as_hex_is_named() {
        // The keys file holds the key's hex text; the sender used the 16 bytes it stands for.
        let k = Keys {
            data_secret: Secret::new("31323334353637383930616263646566"),
            data_secret_iv: Secret::new("31323334353637383930616263646566"),
            ..keys()
        };
        assert_eq!(
            diagnose_decrypt(&tcec(), &k, V1_DATA).map(|(m, _)| m),
            Some(Mistake::KeyEncoding {
                key: "DataSecret",
                used: KeyEncoding::Hex
            })
        );
    }

    #[test]
    fn zero_padding_and_no_padding_are_named() {
        use aes::cipher::BlockEncryptMut;
        type Enc = cbc::Encryptor<aes::Aes128>;
        let key = b"1234567890abcdef";
        let seal = |plain: &[u8]| {
            let enc = Enc::new_from_slices(key, key).ok();
            let ct = enc
                .map(|e| e.encrypt_padded_vec_mut::<NoPadding>(plain))
                .unwrap_or_default();
            base64::engine::general_purpose::STANDARD.encode(ct)
        };
        let mut zero = b"{\"A\":1}".to_vec();
        zero.resize(16, 0);
        assert_eq!(
            diagnose_decrypt(&tcec(), &keys(), &seal(&zero)),
            Some((Mistake::ZeroPadding, b"{\"A\":1}".to_vec()))
        );
        let exact = b"{\"A\":1234567890}";
        assert_eq!(exact.len(), 16);
        assert_eq!(
            diagnose_decrypt(&tcec(), &keys(), &seal(exact)),
            Some((Mistake::NoPadding, exact.to_vec()))
        );
        // Right keys, right padding: nothing to explain.
        assert_eq!(diagnose_decrypt(&tcec(), &keys(), "AAAA"), None);
    }

    #[test]
    fn a_timestamp_in_utc_is_named() {
        let p = tcec();
        let now = 1_700_000_000;
        let utc =
            crate::spec_envelope::format_time(crate::time::DateFormat::CompactDateTime, now, 0);
        let text = diagnose_timestamp(&p, &utc, now, 300)
            .map(|m| m.to_string())
            .unwrap_or_default();
        assert!(text.contains("UTC+08:00"), "{text}");
        assert_eq!(
            diagnose_timestamp(&p, &p.timestamp_at(now - 7200), now, 300),
            None
        );
    }

    #[test]
    fn arrangements_cover_every_ordered_subset() {
        let items = ["A", "B", "C"].map(str::to_owned);
        assert_eq!(arrangements(&items).len(), 3 + 6 + 6);
    }
}
