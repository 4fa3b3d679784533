//! Tokens of the distributed authentication (Appendix C): the callee issues opaque tokens with a
//! lifetime, checks `Authorization: Bearer` on every other call, and forgets expired ones; plus
//! the replay cache and timestamp window a server applies to envelopes. Times are seconds on one
//! clock (callers pass `now`), so expiry is testable without sleeping.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::Secret;

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// No `Authorization: Bearer <token>` header.
    Missing,
    /// Not a token this store issued.
    Unknown,
    /// Issued, but its lifetime is over.
    Expired,
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenError::Missing => "no bearer token",
            TokenError::Unknown => "unknown token",
            TokenError::Expired => "expired token",
        })
    }
}

impl std::error::Error for TokenError {}

#[derive(Debug)]
struct Entry {
    operator_id: String,
    expires_at: u64,
}

/// The tokens a platform has issued.
#[derive(Debug)]
pub struct TokenStore {
    lifetime_s: u64,
    tokens: Mutex<BTreeMap<String, Entry>>,
}

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A fresh random token of `len` alphanumeric characters (from the OS random source).
pub fn random_token(len: usize) -> Result<Secret, getrandom::Error> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes)?;
    // 62 letters: reject bytes ≥ 248 to keep the choice uniform.
    let mut out = String::with_capacity(len);
    let mut extra = [0u8; 1];
    for b in bytes {
        let mut b = b;
        while b >= 248 {
            getrandom::fill(&mut extra)?;
            b = extra[0];
        }
        out.push(char::from(ALPHABET[usize::from(b % 62)]));
    }
    Ok(Secret::new(out))
}

impl TokenStore {
    /// A store whose tokens live `lifetime_s` seconds (7200 in the published example).
    pub fn new(lifetime_s: u64) -> Self {
        TokenStore {
            lifetime_s,
            tokens: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn lifetime_s(&self) -> u64 {
        self.lifetime_s
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Entry>> {
        crate::lock(&self.tokens)
    }

    /// Issues a 64-character token for `operator_id`.
    pub fn issue(&self, operator_id: &str, now: u64) -> Result<Secret, getrandom::Error> {
        let token = random_token(64)?;
        let mut map = self.lock();
        map.retain(|_, e| e.expires_at > now);
        map.insert(
            token.expose().to_owned(),
            Entry {
                operator_id: operator_id.to_owned(),
                expires_at: now + self.lifetime_s,
            },
        );
        Ok(token)
    }

    /// The OperatorID a valid token was issued to.
    pub fn check(&self, token: &str, now: u64) -> Result<String, TokenError> {
        let map = self.lock();
        match map.get(token) {
            None => Err(TokenError::Unknown),
            Some(e) if e.expires_at <= now => Err(TokenError::Expired),
            Some(e) => Ok(e.operator_id.clone()),
        }
    }

    /// The token of an `Authorization` header value with the given scheme (`Bearer`).
    pub fn check_header(
        &self,
        header: Option<&str>,
        scheme: &str,
        now: u64,
    ) -> Result<String, TokenError> {
        let value = header.ok_or(TokenError::Missing)?.trim();
        let token = value
            .split_once(' ')
            .filter(|(s, _)| s.eq_ignore_ascii_case(scheme))
            .map(|(_, t)| t.trim())
            .filter(|t| !t.is_empty())
            .ok_or(TokenError::Missing)?;
        self.check(token, now)
    }
}

/// Refuses messages seen before within a window. The receiver pipeline keys a message on its
/// sender and its signature (which covers every signed field), so an identical resend is caught
/// and two different messages with the same TimeStamp and Seq are not confused.
#[derive(Debug)]
pub struct ReplayCache {
    window_s: u64,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    entries: BTreeMap<(String, String, String), u64>,
    /// When expired entries were last dropped: at most once per second, so a busy server does
    /// not scan the whole cache on every request.
    pruned_at: u64,
}

impl ReplayCache {
    pub fn new(window_s: u64) -> Self {
        ReplayCache {
            window_s,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Records the envelope; `false` if it was already seen within the window.
    pub fn first_seen(&self, operator_id: &str, timestamp: &str, seq: &str, now: u64) -> bool {
        let mut seen = crate::lock(&self.seen);
        let window = self.window_s;
        if now != seen.pruned_at {
            seen.entries.retain(|_, t| now.saturating_sub(*t) <= window);
            seen.pruned_at = now;
        }
        let key = (operator_id.to_owned(), timestamp.to_owned(), seq.to_owned());
        match seen.entries.get(&key) {
            Some(t) if now.saturating_sub(*t) <= window => false,
            _ => {
                seen.entries.insert(key, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_are_unguessable() {
        let store = TokenStore::new(7200);
        let t = store.issue("123456789", 1000).unwrap();
        assert_eq!(t.expose().len(), 64);
        assert!(t.expose().chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(store.check(t.expose(), 1000).as_deref(), Ok("123456789"));
        assert_eq!(store.check(t.expose(), 8199).as_deref(), Ok("123456789"));
        assert_eq!(store.check(t.expose(), 8200), Err(TokenError::Expired));
        assert_eq!(store.check("nope", 1000), Err(TokenError::Unknown));
        let header = format!("Bearer {}", t.expose());
        assert!(store.check_header(Some(&header), "Bearer", 1001).is_ok());
        assert_eq!(
            store.check_header(None, "Bearer", 1001),
            Err(TokenError::Missing)
        );
        assert_eq!(
            store.check_header(Some("Basic abc"), "Bearer", 1001),
            Err(TokenError::Missing)
        );
        let other = store.issue("123456789", 1000).unwrap();
        assert_ne!(other, t);
    }

    #[test]
    fn replays_are_refused_within_the_window() {
        let c = ReplayCache::new(300);
        assert!(c.first_seen("123456789", "20240101000000", "0001", 0));
        assert!(!c.first_seen("123456789", "20240101000000", "0001", 10));
        assert!(c.first_seen("123456789", "20240101000000", "0002", 10));
        assert!(c.first_seen("123456789", "20240101000000", "0001", 400));
    }
}
