//! The envelope of an edition as data, and the envelope operations over any JSON envelope.
//!
//! A [`Profile`] holds everything the spec's security section resolves: the envelope field names
//! of request and response, the fields each signature covers in order, the separator and hex
//! case, the key encodings, the timestamp format and time zone, the `Seq` range, the token
//! interface and its field names, and the Ret of each refusal. `chargespec` builds it from the
//! IR at run time, so the tools work for every edition without compiling one; the operations
//! here ([`Profile::seal_request`], [`Profile::open_request`], [`Profile::verify_response`], …)
//! work on `serde_json::Map` envelopes and compose the primitives of [`crate::envelope`].

use serde_json::{Map, Value};

use crate::Secret;
use crate::envelope::{
    EnvelopeError, KeyEncoding, decrypt_aes128_cbc_base64, encrypt_aes128_cbc_base64, hmac_md5_hex,
    key_bytes, verify_hmac_md5_hex,
};
use crate::time::{DateFormat, Parts};

/// The wire names of the request envelope's fields, in the object's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestFields {
    pub sender: String,
    pub data: String,
    pub timestamp: Option<String>,
    pub seq: Option<String>,
    pub signature: Option<String>,
    /// Every field of the envelope object, in declaration order (the order a sealed envelope
    /// is written in).
    pub order: Vec<String>,
}

/// The wire names of the response envelope's fields, in the object's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseFields {
    pub ret: String,
    pub msg: String,
    pub data: String,
    pub signature: Option<String>,
    /// Every field of the envelope object, in declaration order.
    pub order: Vec<String>,
}

/// How envelopes are signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureRule {
    /// The request fields the signature covers, in order (wire names).
    pub request_fields: Vec<String>,
    /// The response fields the signature covers, in order (wire names).
    pub response_fields: Vec<String>,
    /// Put between the signed fields.
    pub separator: String,
    /// Upper-case hex (the standard), else lower-case.
    pub upper_hex: bool,
    /// How the signature key's text becomes its bytes.
    pub key_encoding: KeyEncoding,
    /// The signature is checked before `Data` is decrypted.
    pub verify_before_decrypt: bool,
}

/// How `Data` is encrypted (AES-128-CBC, PKCS#7, Base64: the only scheme the editions use).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptionRule {
    /// How the key and IV texts become their bytes.
    pub key_encoding: KeyEncoding,
    /// An empty `Data` travels unencrypted (an answer with nothing to return).
    pub empty_data_plain: bool,
}

/// The envelope timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimestampRule {
    pub format: DateFormat,
    /// The time zone of the timestamp, in seconds east of UTC (China time: 28800).
    pub utc_offset_s: i64,
}

/// The `Seq` field's range and width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqRule {
    pub min: u32,
    pub max: u32,
    pub width: u32,
}

/// The token interface and the wire names of its payload fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRule {
    /// The interface that issues tokens (needs no token itself).
    pub interface: String,
    /// The header carrying the token, and the scheme before it (`Authorization: Bearer …`).
    pub header: String,
    pub scheme: String,
    /// Request: the caller's identity and secret (`OperatorID`, `OperatorSecret`).
    pub operator_field: String,
    pub secret_field: String,
    /// Response: the token, its lifetime and the outcome (`AccessToken`, `TokenAvailableTime`,
    /// `SuccStat`), with the outcome's success and failure codes.
    pub token_field: String,
    pub lifetime_field: String,
    pub success_field: String,
    pub success_code: i64,
    pub failure_code: i64,
    /// The failure reason field (`FailReason`) and its code for a wrong secret, when the spec has
    /// them.
    pub fail_reason_field: Option<String>,
    pub wrong_secret_code: Option<i64>,
}

/// The Ret codes with a protocol role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetCodes {
    pub success: i64,
    pub busy: i64,
    pub bad_signature: i64,
    pub bad_token: i64,
    pub bad_envelope: i64,
    pub bad_payload: i64,
    pub system_error: i64,
}

/// The envelope of an edition, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The edition's id.
    pub edition: String,
    /// The request and response envelope objects (their spec names).
    pub request_object: String,
    pub response_object: String,
    pub request: RequestFields,
    pub response: ResponseFields,
    pub signature: Option<SignatureRule>,
    pub encryption: EncryptionRule,
    pub timestamp: Option<TimestampRule>,
    pub seq: Option<SeqRule>,
    pub token: Option<TokenRule>,
    pub ret: RetCodes,
    /// The HTTP content type of requests and answers.
    pub content_type: String,
    /// The default base path of the interfaces (`/evcs/v1.0`).
    pub base_path: Option<String>,
}

/// The secrets of one direction, by role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    /// Presented to obtain a token.
    pub operator_secret: Secret,
    /// The AES key and IV.
    pub data_secret: Secret,
    pub data_secret_iv: Secret,
    /// The HMAC key.
    pub sig_secret: Secret,
}

/// Why an envelope could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// A field the profile needs is missing or not a string (or, for Ret, an integer).
    Field(String),
    /// A cryptographic step failed.
    Envelope(EnvelopeError),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Field(name) => {
                write!(f, "the envelope field {name} is missing or malformed")
            }
            OpenError::Envelope(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for OpenError {}

impl From<EnvelopeError> for OpenError {
    fn from(e: EnvelopeError) -> Self {
        OpenError::Envelope(e)
    }
}

/// The text a field contributes to a signature: a string as it is, a number in its JSON text
/// (`Ret` 0 → `0`), absent or null as nothing.
pub fn field_text(map: &Map<String, Value>, name: &str) -> String {
    match map.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A timestamp in `format` of the UNIX time `unix` shown in the time zone `offset_s`.
pub fn format_time(format: DateFormat, unix: i64, offset_s: i64) -> String {
    let p = Parts::from_unix(unix + offset_s);
    match format {
        DateFormat::CompactDateTime => {
            crate::time::CompactDateTime::from_parts(p).map(|t| t.to_string())
        }
        DateFormat::DateTime => crate::time::DateTime::from_parts(p).map(|t| t.to_string()),
        DateFormat::Date => crate::time::Date::from_parts(p).map(|t| t.to_string()),
        DateFormat::Time => crate::time::Time::from_parts(p).map(|t| t.to_string()),
    }
    .unwrap_or_default()
}

impl Profile {
    /// The AES key and IV bytes of `keys`.
    fn data_keys(&self, keys: &Keys) -> Result<(Vec<u8>, Vec<u8>), EnvelopeError> {
        let enc = self.encryption.key_encoding;
        Ok((
            key_bytes(&keys.data_secret, enc, "DataSecret")?,
            key_bytes(&keys.data_secret_iv, enc, "DataSecretIV")?,
        ))
    }

    fn sig_key(&self, keys: &Keys, rule: &SignatureRule) -> Result<Vec<u8>, EnvelopeError> {
        key_bytes(&keys.sig_secret, rule.key_encoding, "SigSecret")
    }

    /// Encrypts a payload into the text of `Data` (empty stays empty when the spec says so).
    pub fn encrypt(&self, keys: &Keys, plaintext: &[u8]) -> Result<String, EnvelopeError> {
        if plaintext.is_empty() && self.encryption.empty_data_plain {
            return Ok(String::new());
        }
        let (key, iv) = self.data_keys(keys)?;
        encrypt_aes128_cbc_base64(&key, &iv, plaintext)
    }

    /// Decrypts the text of `Data` into the payload bytes.
    pub fn decrypt(&self, keys: &Keys, data: &str) -> Result<Vec<u8>, EnvelopeError> {
        if data.is_empty() && self.encryption.empty_data_plain {
            return Ok(Vec::new());
        }
        let (key, iv) = self.data_keys(keys)?;
        decrypt_aes128_cbc_base64(&key, &iv, data)
    }

    /// The parts a signature covers, in order.
    pub fn signed_parts(&self, map: &Map<String, Value>, response: bool) -> Vec<String> {
        let Some(rule) = &self.signature else {
            return Vec::new();
        };
        let fields = if response {
            &rule.response_fields
        } else {
            &rule.request_fields
        };
        fields.iter().map(|f| field_text(map, f)).collect()
    }

    /// The signature of an envelope (`response`: a response envelope), in the spec's hex case;
    /// `None` when the edition signs nothing.
    pub fn sign(
        &self,
        keys: &Keys,
        map: &Map<String, Value>,
        response: bool,
    ) -> Result<Option<String>, EnvelopeError> {
        let Some(rule) = &self.signature else {
            return Ok(None);
        };
        let parts = self.signed_parts(map, response);
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let key = self.sig_key(keys, rule)?;
        hmac_md5_hex(&key, &refs, &rule.separator, rule.upper_hex).map(Some)
    }

    /// Checks an envelope's signature in constant time (hex case-insensitive, as receivers do;
    /// [`Profile::signature_case_ok`] tells whether the case is the spec's).
    pub fn verify(
        &self,
        keys: &Keys,
        map: &Map<String, Value>,
        response: bool,
    ) -> Result<(), OpenError> {
        let Some(rule) = &self.signature else {
            return Ok(());
        };
        let field = if response {
            &self.response.signature
        } else {
            &self.request.signature
        };
        let Some(field) = field else { return Ok(()) };
        let sig = map
            .get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| OpenError::Field(field.clone()))?;
        let parts = self.signed_parts(map, response);
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let key = self.sig_key(keys, rule)?;
        Ok(verify_hmac_md5_hex(&key, &refs, &rule.separator, sig)?)
    }

    /// Whether the signature's hex digits are in the spec's case (digits only count as both).
    pub fn signature_case_ok(&self, map: &Map<String, Value>, response: bool) -> bool {
        let (Some(rule), Some(field)) = (
            &self.signature,
            if response {
                &self.response.signature
            } else {
                &self.request.signature
            },
        ) else {
            return true;
        };
        let sig = field_text(map, field);
        if rule.upper_hex {
            !sig.bytes().any(|b| b.is_ascii_lowercase())
        } else {
            !sig.bytes().any(|b| b.is_ascii_uppercase())
        }
    }

    /// A signed request envelope from `sender`, carrying `payload` (JSON bytes) encrypted, with
    /// the given timestamp and `Seq` text.
    pub fn seal_request(
        &self,
        keys: &Keys,
        sender: &str,
        payload: &[u8],
        timestamp: &str,
        seq: &str,
    ) -> Result<Map<String, Value>, EnvelopeError> {
        let data = self.encrypt(keys, payload)?;
        let mut map = Map::new();
        for name in &self.request.order {
            let v = if *name == self.request.sender {
                sender.to_owned()
            } else if *name == self.request.data {
                data.clone()
            } else if self.request.timestamp.as_ref() == Some(name) {
                timestamp.to_owned()
            } else if self.request.seq.as_ref() == Some(name) {
                seq.to_owned()
            } else {
                String::new()
            };
            map.insert(name.clone(), Value::String(v));
        }
        if let (Some(field), Some(sig)) = (&self.request.signature, self.sign(keys, &map, false)?) {
            map.insert(field.clone(), Value::String(sig));
        }
        Ok(map)
    }

    /// A signed response envelope; `payload` (JSON bytes) is encrypted into `Data`, or `Data` is
    /// empty.
    pub fn seal_response(
        &self,
        keys: &Keys,
        ret: i64,
        msg: &str,
        payload: Option<&[u8]>,
    ) -> Result<Map<String, Value>, EnvelopeError> {
        let data = match payload {
            Some(p) => self.encrypt(keys, p)?,
            None => String::new(),
        };
        let mut map = Map::new();
        for name in &self.response.order {
            let v = if *name == self.response.ret {
                Value::from(ret)
            } else if *name == self.response.msg {
                Value::String(msg.to_owned())
            } else if *name == self.response.data {
                Value::String(data.clone())
            } else {
                Value::String(String::new())
            };
            map.insert(name.clone(), v);
        }
        if let (Some(field), Some(sig)) = (&self.response.signature, self.sign(keys, &map, true)?) {
            map.insert(field.clone(), Value::String(sig));
        }
        Ok(map)
    }

    /// Verifies a request envelope's signature, then decrypts its payload.
    pub fn open_request(
        &self,
        keys: &Keys,
        map: &Map<String, Value>,
    ) -> Result<Vec<u8>, OpenError> {
        self.verify(keys, map, false)?;
        let data = map
            .get(&self.request.data)
            .and_then(Value::as_str)
            .ok_or_else(|| OpenError::Field(self.request.data.clone()))?;
        Ok(self.decrypt(keys, data)?)
    }

    /// Verifies a response envelope's signature, then decrypts its payload (`None` when `Data`
    /// is empty).
    pub fn open_response(
        &self,
        keys: &Keys,
        map: &Map<String, Value>,
    ) -> Result<Option<Vec<u8>>, OpenError> {
        self.verify(keys, map, true)?;
        let data = map
            .get(&self.response.data)
            .and_then(Value::as_str)
            .ok_or_else(|| OpenError::Field(self.response.data.clone()))?;
        if data.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.decrypt(keys, data)?))
    }

    /// The Ret of a response envelope (a JSON integer).
    pub fn ret_of(&self, map: &Map<String, Value>) -> Option<i64> {
        map.get(&self.response.ret).and_then(Value::as_i64)
    }

    /// Whether a JSON envelope is a response (it has the Ret field and no sender field).
    pub fn is_response(&self, map: &Map<String, Value>) -> bool {
        map.contains_key(&self.response.ret) && !map.contains_key(&self.request.sender)
    }

    /// The envelope timestamp of the UNIX time `unix`, in the spec's format and time zone
    /// (empty when the edition has no timestamp).
    pub fn timestamp_at(&self, unix: i64) -> String {
        self.timestamp
            .map(|t| format_time(t.format, unix, t.utc_offset_s))
            .unwrap_or_default()
    }

    /// The UNIX time a timestamp text stands for, read in the spec's time zone.
    pub fn timestamp_unix(&self, text: &str) -> Option<i64> {
        let t = self.timestamp?;
        Some(t.format.parse(text)?.to_unix() - t.utc_offset_s)
    }

    /// The `Seq` text of the number `n` (zero-padded to the spec's width).
    pub fn seq_text(&self, n: u32) -> String {
        let width = self.seq.map_or(4, |s| s.width) as usize;
        format!("{n:0width$}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The T/CEC 102.4 envelope every edition of this repository uses.
    pub(crate) fn tcec() -> Profile {
        let s = |v: &str| v.to_owned();
        Profile {
            edition: s("test"),
            request_object: s("RequestEnvelope"),
            response_object: s("ResponseEnvelope"),
            request: RequestFields {
                sender: s("OperatorID"),
                data: s("Data"),
                timestamp: Some(s("TimeStamp")),
                seq: Some(s("Seq")),
                signature: Some(s("Sig")),
                order: ["OperatorID", "Data", "TimeStamp", "Seq", "Sig"]
                    .map(s)
                    .to_vec(),
            },
            response: ResponseFields {
                ret: s("Ret"),
                msg: s("Msg"),
                data: s("Data"),
                signature: Some(s("Sig")),
                order: ["Ret", "Msg", "Data", "Sig"].map(s).to_vec(),
            },
            signature: Some(SignatureRule {
                request_fields: ["OperatorID", "Data", "TimeStamp", "Seq"].map(s).to_vec(),
                response_fields: ["Ret", "Msg", "Data"].map(s).to_vec(),
                separator: String::new(),
                upper_hex: true,
                key_encoding: KeyEncoding::Ascii,
                verify_before_decrypt: true,
            }),
            encryption: EncryptionRule {
                key_encoding: KeyEncoding::Ascii,
                empty_data_plain: true,
            },
            timestamp: Some(TimestampRule {
                format: DateFormat::CompactDateTime,
                utc_offset_s: 28800,
            }),
            seq: Some(SeqRule {
                min: 1,
                max: 9999,
                width: 4,
            }),
            token: None,
            ret: RetCodes {
                success: 0,
                busy: -1,
                bad_signature: 4001,
                bad_token: 4002,
                bad_envelope: 4003,
                bad_payload: 4004,
                system_error: 500,
            },
            content_type: s("application/json;charset=utf-8"),
            base_path: Some(s("/evcs/v1.0")),
        }
    }

    pub(crate) fn keys() -> Keys {
        let k = Secret::new("1234567890abcdef");
        Keys {
            operator_secret: k.clone(),
            data_secret: k.clone(),
            data_secret_iv: k.clone(),
            sig_secret: k,
        }
    }

    /// Published vector 1 (T/CEC 102.4 as reproduced by the Xiaoju open-energy documentation
    /// §2.3.3; tests/vectors/published.json).
    pub(crate) const V1_DATA: &str =
        "mYvffpNoFf4E/ZTC1tOw41TC5OlkEobfAYCm5N8hEusaLUaUIqOrXtdbMrSck0DSmfM7mRuOGMoCQzH0nWPGuw==";
    pub(crate) const V1_PLAIN: &str =
        "{\"OperatorID\":\"123456789\",\n\"OperatorSecret\":\"1234567890abcdef\"}";

    pub(crate) fn v1() -> Map<String, Value> {
        let mut m = Map::new();
        for (k, v) in [
            ("OperatorID", "123456789"),
            ("Data", V1_DATA),
            ("TimeStamp", "20180120165755"),
            ("Seq", "0001"),
            ("Sig", "D2D584A14F3F284445DF85D0E8C0697C"),
        ] {
            m.insert(k.to_owned(), Value::String(v.to_owned()));
        }
        m
    }

    #[test]
    fn the_published_request_vector_opens_and_reseals_byte_for_byte() {
        let p = tcec();
        let plain = p.open_request(&keys(), &v1());
        assert_eq!(plain.as_deref(), Ok(V1_PLAIN.as_bytes()));
        let sealed = p
            .seal_request(
                &keys(),
                "123456789",
                V1_PLAIN.as_bytes(),
                "20180120165755",
                "0001",
            )
            .unwrap_or_default();
        assert_eq!(sealed, v1());
    }

    #[test]
    fn tampering_and_wrong_keys_fail_at_the_right_step() {
        let p = tcec();
        let mut m = v1();
        m.insert("Seq".into(), Value::String("0002".into()));
        assert_eq!(
            p.open_request(&keys(), &m),
            Err(OpenError::Envelope(EnvelopeError::Signature))
        );
        m.remove("Sig");
        assert_eq!(
            p.open_request(&keys(), &m),
            Err(OpenError::Field("Sig".into()))
        );
        let wrong = Keys {
            data_secret: Secret::new("fedcba0987654321"),
            ..keys()
        };
        assert_eq!(
            p.open_request(&wrong, &v1()),
            Err(OpenError::Envelope(EnvelopeError::Decrypt))
        );
    }

    #[test]
    fn responses_sign_ret_as_its_decimal_text_and_empty_data_stays_plain() {
        let p = tcec();
        let sealed = p
            .seal_response(&keys(), 4004, "bad", None)
            .unwrap_or_default();
        assert_eq!(sealed.get("Ret"), Some(&Value::from(4004)));
        assert_eq!(sealed.get("Data"), Some(&Value::String(String::new())));
        assert_eq!(p.open_response(&keys(), &sealed), Ok(None));
        assert!(p.is_response(&sealed) && !p.is_response(&v1()));
        let with = p
            .seal_response(&keys(), 0, "", Some(b"{\"A\":1}"))
            .unwrap_or_default();
        assert_eq!(
            p.open_response(&keys(), &with),
            Ok(Some(b"{\"A\":1}".to_vec()))
        );
        assert!(p.signature_case_ok(&with, true));
        let mut lower = with.clone();
        let sig = field_text(&with, "Sig").to_ascii_lowercase();
        lower.insert("Sig".into(), Value::String(sig));
        assert_eq!(p.verify(&keys(), &lower, true), Ok(()));
        assert!(!p.signature_case_ok(&lower, true));
    }

    #[test]
    fn timestamps_are_in_the_spec_time_zone() {
        let p = tcec();
        // 2018-01-20 08:57:55 UTC is 16:57:55 in China.
        let unix = Parts {
            year: 2018,
            month: 1,
            day: 20,
            hour: 8,
            minute: 57,
            second: 55,
        }
        .to_unix();
        assert_eq!(p.timestamp_at(unix), "20180120165755");
        assert_eq!(p.timestamp_unix("20180120165755"), Some(unix));
        assert_eq!(p.timestamp_unix("2018-01-20"), None);
        assert_eq!(p.seq_text(7), "0007");
    }
}
