//! The cryptographic primitives of the T/CEC 102.4-style envelope: AES-128-CBC with PKCS#7 over
//! the payload bytes, standard Base64, HMAC-MD5 over concatenated envelope strings, upper- or
//! lower-case hex, constant-time verification, and a `Seq` counter that is safe under
//! concurrency. Which fields are signed, in which order, with which keys, is spec data: the
//! generated `protocol` module composes these primitives from the spec's `security` section.

use std::fmt;
use std::sync::Mutex;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine;
use hmac::{Hmac, Mac};

use crate::Secret;

type Aes128CbcEnc = cbc::Encryptor<aes::Aes128>;
type Aes128CbcDec = cbc::Decryptor<aes::Aes128>;
type HmacMd5 = Hmac<md5::Md5>;

/// How a key's text becomes key bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyEncoding {
    /// The text's own bytes (the published vectors use this).
    Ascii,
    /// The text decoded from hex.
    Hex,
}

/// What went wrong with an envelope. Never carries key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvelopeError {
    /// A key or IV has the wrong length for the cipher (lengths only are reported).
    KeyLength {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// A hex key is not hex.
    KeyHex { what: &'static str },
    /// `Data` is not valid Base64.
    Base64,
    /// The ciphertext does not decrypt (wrong key, wrong IV, bad padding, truncated).
    Decrypt,
    /// The signature is not the expected one.
    Signature,
    /// `Data` decrypts, but its payload does not decode: the keys are right, the payload is
    /// wrong (at `pointer`).
    Payload { pointer: String, reason: String },
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::KeyLength {
                what,
                expected,
                got,
            } => write!(f, "{what} must be {expected} bytes, got {got}"),
            EnvelopeError::KeyHex { what } => write!(f, "{what} is not hex"),
            EnvelopeError::Base64 => f.write_str("Data is not valid Base64"),
            EnvelopeError::Decrypt => f.write_str("Data cannot be decrypted (key, IV or padding)"),
            EnvelopeError::Signature => f.write_str("signature mismatch"),
            EnvelopeError::Payload { pointer, reason } => write!(
                f,
                "the payload in Data does not decode at {}: {reason} (the keys are right)",
                if pointer.is_empty() { "/" } else { pointer }
            ),
        }
    }
}

impl std::error::Error for EnvelopeError {}

/// The bytes of a key in the given encoding.
pub fn key_bytes(
    key: &Secret,
    encoding: KeyEncoding,
    what: &'static str,
) -> Result<Vec<u8>, EnvelopeError> {
    match encoding {
        KeyEncoding::Ascii => Ok(key.expose().as_bytes().to_vec()),
        KeyEncoding::Hex => {
            let t = key.expose();
            if !t.len().is_multiple_of(2) || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(EnvelopeError::KeyHex { what });
            }
            (0..t.len())
                .step_by(2)
                .map(|i| {
                    u8::from_str_radix(t.get(i..i + 2).unwrap_or("zz"), 16)
                        .map_err(|_| EnvelopeError::KeyHex { what })
                })
                .collect()
        }
    }
}

fn check16(b: &[u8], what: &'static str) -> Result<(), EnvelopeError> {
    if b.len() == 16 {
        Ok(())
    } else {
        Err(EnvelopeError::KeyLength {
            what,
            expected: 16,
            got: b.len(),
        })
    }
}

/// AES-128-CBC with PKCS#7 padding, then standard Base64.
pub fn encrypt_aes128_cbc_base64(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Result<String, EnvelopeError> {
    check16(key, "DataSecret")?;
    check16(iv, "DataSecretIV")?;
    let enc = Aes128CbcEnc::new_from_slices(key, iv).map_err(|_| EnvelopeError::KeyLength {
        what: "DataSecret",
        expected: 16,
        got: key.len(),
    })?;
    let ct = enc.encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    Ok(base64::engine::general_purpose::STANDARD.encode(ct))
}

/// The inverse of [`encrypt_aes128_cbc_base64`].
pub fn decrypt_aes128_cbc_base64(
    key: &[u8],
    iv: &[u8],
    data: &str,
) -> Result<Vec<u8>, EnvelopeError> {
    check16(key, "DataSecret")?;
    check16(iv, "DataSecretIV")?;
    let ct = base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|_| EnvelopeError::Base64)?;
    let dec = Aes128CbcDec::new_from_slices(key, iv).map_err(|_| EnvelopeError::KeyLength {
        what: "DataSecret",
        expected: 16,
        got: key.len(),
    })?;
    dec.decrypt_padded_vec_mut::<Pkcs7>(&ct)
        .map_err(|_| EnvelopeError::Decrypt)
}

fn mac(key: &[u8], parts: &[&str], separator: &str) -> Result<HmacMd5, EnvelopeError> {
    // HMAC takes keys of any length; the error arm exists only to avoid a panic path.
    let mut m = <HmacMd5 as Mac>::new_from_slice(key).map_err(|_| EnvelopeError::KeyLength {
        what: "SigSecret",
        expected: 64,
        got: key.len(),
    })?;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            m.update(separator.as_bytes());
        }
        m.update(p.as_bytes());
    }
    Ok(m)
}

/// HMAC-MD5 over the parts joined by `separator`, as hex.
pub fn hmac_md5_hex(
    key: &[u8],
    parts: &[&str],
    separator: &str,
    upper: bool,
) -> Result<String, EnvelopeError> {
    let bytes = mac(key, parts, separator)?.finalize().into_bytes();
    Ok(bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect())
}

/// Verifies a hex HMAC-MD5 signature in constant time (hex case-insensitive).
pub fn verify_hmac_md5_hex(
    key: &[u8],
    parts: &[&str],
    separator: &str,
    sig: &str,
) -> Result<(), EnvelopeError> {
    if sig.len() != 32 || !sig.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(EnvelopeError::Signature);
    }
    let mut expected = [0u8; 16];
    for (i, e) in expected.iter_mut().enumerate() {
        *e = u8::from_str_radix(sig.get(2 * i..2 * i + 2).unwrap_or("zz"), 16)
            .map_err(|_| EnvelopeError::Signature)?;
    }
    mac(key, parts, separator)?
        .verify_slice(&expected)
        .map_err(|_| EnvelopeError::Signature)
}

/// `Seq` values `min..=max`, zero-padded to `width`, restarting each `TimeStamp` second. Safe to
/// share between tasks: two requests of the same second never get the same `Seq`; when a second
/// runs out, [`SeqCounter::next`] returns `None` (the caller waits for the next second).
#[derive(Debug)]
pub struct SeqCounter {
    min: u32,
    max: u32,
    width: usize,
    state: Mutex<(String, u32)>,
}

impl SeqCounter {
    pub fn new(min: u32, max: u32, width: usize) -> Self {
        SeqCounter {
            min,
            max,
            width,
            state: Mutex::new((String::new(), min)),
        }
    }

    /// The next `Seq` for requests stamped `timestamp`.
    pub fn next(&self, timestamp: &str) -> Option<String> {
        let mut guard = crate::lock(&self.state);
        if guard.0 != timestamp {
            *guard = (timestamp.to_owned(), self.min);
        }
        let n = guard.1;
        if n > self.max {
            return None;
        }
        guard.1 = n + 1;
        Some(format!("{n:0width$}", width = self.width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_counts_per_second_and_runs_out() {
        let c = SeqCounter::new(1, 3, 4);
        assert_eq!(c.next("20240101000000").as_deref(), Some("0001"));
        assert_eq!(c.next("20240101000000").as_deref(), Some("0002"));
        assert_eq!(c.next("20240101000000").as_deref(), Some("0003"));
        assert_eq!(c.next("20240101000000"), None);
        assert_eq!(c.next("20240101000001").as_deref(), Some("0001"));
    }

    #[test]
    fn seq_is_unique_under_concurrency() {
        let c = std::sync::Arc::new(SeqCounter::new(1, 9999, 4));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    (0..500)
                        .filter_map(|_| c.next("20240101000000"))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<String> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        assert_eq!(all.len(), 4000);
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 4000);
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        let k = b"1234567890abcdef";
        assert_eq!(
            decrypt_aes128_cbc_base64(k, k, "not base64!"),
            Err(EnvelopeError::Base64)
        );
        assert_eq!(
            decrypt_aes128_cbc_base64(k, k, "AAAA"),
            Err(EnvelopeError::Decrypt)
        );
        assert!(matches!(
            encrypt_aes128_cbc_base64(b"short", k, b"x"),
            Err(EnvelopeError::KeyLength { .. })
        ));
        assert_eq!(
            verify_hmac_md5_hex(k, &["a"], "", "XYZ"),
            Err(EnvelopeError::Signature)
        );
        assert_eq!(
            key_bytes(&Secret::new("0g"), KeyEncoding::Hex, "k"),
            Err(EnvelopeError::KeyHex { what: "k" })
        );
        assert_eq!(
            key_bytes(&Secret::new("0aFF"), KeyEncoding::Hex, "k"),
            Ok(vec![0x0a, 0xff])
        );
    }
}
