//! Tokens of the distributed authentication (Appendix C): the callee issues opaque tokens with a
//! lifetime, checks `Authorization: Bearer` on every other call, and forgets expired ones; plus
//! the replay cache and timestamp window a server applies to envelopes. Times are seconds on one
//! clock (callers pass `now`), so expiry is testable without sleeping.

use std::collections::{HashMap, VecDeque};
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

/// The live tokens of the store: by token (O(1) lookup) and, per OperatorID, in the order they
/// were issued (so that issuing retires the oldest beyond the bound in O(1)).
#[derive(Debug, Default)]
struct Tokens {
    by_token: HashMap<String, Entry>,
    by_peer: HashMap<String, VecDeque<String>>,
}

/// The tokens a platform has issued. Each OperatorID holds at most
/// [`TokenStore::max_per_peer`] live tokens: issuing another retires its oldest, so a peer that
/// asks again and again cannot grow the store (tokens are only issued to configured peers that
/// presented their secret, so the store is bounded by peers × that number).
#[derive(Debug)]
pub struct TokenStore {
    lifetime_s: u64,
    max_per_peer: usize,
    tokens: Mutex<Tokens>,
}

/// The default number of live tokens per peer: a few, so a platform that runs several clients
/// (or renews before expiry) keeps its earlier tokens for a while.
pub const DEFAULT_TOKENS_PER_PEER: usize = 4;

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
    /// A store whose tokens live `lifetime_s` seconds (7200 in the published example), with
    /// [`DEFAULT_TOKENS_PER_PEER`] live tokens per peer.
    pub fn new(lifetime_s: u64) -> Self {
        Self::with_limit(lifetime_s, DEFAULT_TOKENS_PER_PEER)
    }

    /// A store holding at most `max_per_peer` (at least 1) live tokens per OperatorID.
    pub fn with_limit(lifetime_s: u64, max_per_peer: usize) -> Self {
        TokenStore {
            lifetime_s,
            max_per_peer: max_per_peer.max(1),
            tokens: Mutex::new(Tokens::default()),
        }
    }

    pub fn lifetime_s(&self) -> u64 {
        self.lifetime_s
    }

    /// How many live tokens one OperatorID may hold.
    pub fn max_per_peer(&self) -> usize {
        self.max_per_peer
    }

    /// The number of tokens held (live or not yet pruned), for monitoring and tests.
    pub fn len(&self) -> usize {
        crate::lock(&self.tokens).by_token.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Issues a 64-character token for `operator_id`, retiring that peer's expired tokens and,
    /// beyond the bound, its oldest one.
    pub fn issue(&self, operator_id: &str, now: u64) -> Result<Secret, getrandom::Error> {
        let token = random_token(64)?;
        let mut guard = crate::lock(&self.tokens);
        let Tokens { by_token, by_peer } = &mut *guard;
        let queue = by_peer.entry(operator_id.to_owned()).or_default();
        while let Some(oldest) = queue.front() {
            let expired = by_token.get(oldest).is_none_or(|e| e.expires_at <= now);
            if expired || queue.len() >= self.max_per_peer {
                if let Some(t) = queue.pop_front() {
                    by_token.remove(&t);
                }
            } else {
                break;
            }
        }
        queue.push_back(token.expose().to_owned());
        by_token.insert(
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
        let guard = crate::lock(&self.tokens);
        match guard.by_token.get(token) {
            None => Err(TokenError::Unknown),
            Some(e) if e.expires_at <= now => Err(TokenError::Expired),
            Some(e) => Ok(e.operator_id.clone()),
        }
    }
}

/// The token of an `Authorization` header value (`<scheme> <token>`, scheme case-insensitive).
pub fn bearer<'h>(header: Option<&'h str>, scheme: &str) -> Result<&'h str, TokenError> {
    header
        .ok_or(TokenError::Missing)?
        .trim()
        .split_once(' ')
        .filter(|(s, _)| s.eq_ignore_ascii_case(scheme))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or(TokenError::Missing)
}

/// Refuses messages seen before within a window. The receiver pipeline keys a message on its
/// sender and its signature (which covers every signed field), so an identical resend is caught
/// and two different messages with the same TimeStamp and Seq are not confused.
///
/// The cache holds at most `capacity` messages. When it is full of messages still inside the
/// window, a new message is **refused** ([`Seen::Full`]: the receiver answers "system busy",
/// and the sender's resend rule tries again later) — never accepted unchecked.
#[derive(Debug)]
pub struct ReplayCache {
    window_s: u64,
    capacity: usize,
    seen: Mutex<SeenSet>,
}

/// What the cache says of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Not seen within the window: recorded now.
    First,
    /// Seen within the window: a resend.
    Again,
    /// The cache is full of messages inside the window: refuse, retry later.
    Full,
}

#[derive(Debug, Default)]
struct SeenSet {
    at: HashMap<(String, String), u64>,
    /// Keys in the order they were recorded (times never decrease), so expired ones are
    /// dropped from the front without scanning the cache.
    order: VecDeque<(u64, (String, String))>,
}

/// The default capacity of a replay cache: at 300 s of window, about 330 messages a second.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

impl ReplayCache {
    /// A cache of [`DEFAULT_REPLAY_CAPACITY`] messages over `window_s` seconds.
    pub fn new(window_s: u64) -> Self {
        Self::with_capacity(window_s, DEFAULT_REPLAY_CAPACITY)
    }

    pub fn with_capacity(window_s: u64, capacity: usize) -> Self {
        ReplayCache {
            window_s,
            capacity: capacity.max(1),
            seen: Mutex::new(SeenSet::default()),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The number of messages held.
    pub fn len(&self) -> usize {
        crate::lock(&self.seen).at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records the message `key` of `sender` at `now`, unless it was seen within the window or
    /// the cache is full.
    pub fn check(&self, sender: &str, key: &str, now: u64) -> Seen {
        let mut guard = crate::lock(&self.seen);
        let SeenSet { at, order } = &mut *guard;
        let window = self.window_s;
        while let Some((t, _)) = order.front() {
            if now.saturating_sub(*t) <= window {
                break;
            }
            if let Some((t, k)) = order.pop_front()
                && at.get(&k) == Some(&t)
            {
                at.remove(&k);
            }
        }
        let k = (sender.to_owned(), key.to_owned());
        match at.get(&k) {
            Some(t) if now.saturating_sub(*t) <= window => Seen::Again,
            _ if at.len() >= self.capacity => Seen::Full,
            _ => {
                at.insert(k.clone(), now);
                order.push_back((now, k));
                Seen::First
            }
        }
    }

    /// Records the envelope (`false` if it was already seen within the window, or the cache is
    /// full). Prefer [`ReplayCache::check`], which tells the two apart.
    pub fn first_seen(&self, operator_id: &str, timestamp: &str, seq: &str, now: u64) -> bool {
        self.check(operator_id, &format!("{timestamp}\u{1f}{seq}"), now) == Seen::First
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
        // The header check of the pipeline (`TokenBackend::check_header`): the bearer token,
        // then the store.
        let check_header = |h: Option<&str>| bearer(h, "Bearer").and_then(|t| store.check(t, 1001));
        assert!(check_header(Some(&header)).is_ok());
        assert_eq!(check_header(None), Err(TokenError::Missing));
        assert_eq!(check_header(Some("Basic abc")), Err(TokenError::Missing));
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

    #[test]
    fn the_tokens_of_a_peer_are_bounded_and_the_oldest_retired() {
        let store = TokenStore::with_limit(7200, 2);
        let first = store.issue("A", 0).unwrap();
        let second = store.issue("A", 1).unwrap();
        let other = store.issue("B", 1).unwrap();
        let third = store.issue("A", 2).unwrap();
        assert_eq!(store.check(first.expose(), 3), Err(TokenError::Unknown));
        assert!(store.check(second.expose(), 3).is_ok());
        assert!(store.check(third.expose(), 3).is_ok());
        assert!(store.check(other.expose(), 3).is_ok());
        for i in 0..10_000 {
            store.issue("A", 3 + i).unwrap();
        }
        assert_eq!(store.len(), 3, "two of A, one of B");
        // Expired tokens of a peer go when it asks again.
        store.issue("B", 10_000_000).unwrap();
        assert!(store.check(other.expose(), 10_000_000).is_err());
    }

    #[test]
    fn a_full_replay_cache_refuses_and_recovers_when_messages_expire() {
        let c = ReplayCache::with_capacity(10, 3);
        assert_eq!(c.check("A", "s1", 0), Seen::First);
        assert_eq!(c.check("A", "s2", 0), Seen::First);
        assert_eq!(c.check("B", "s1", 1), Seen::First);
        assert_eq!(c.check("A", "s1", 2), Seen::Again);
        assert_eq!(c.check("A", "s3", 2), Seen::Full);
        assert_eq!(c.len(), 3);
        // After the window the first two expire and make room.
        assert_eq!(c.check("A", "s3", 11), Seen::First);
        assert_eq!(c.check("A", "s1", 11), Seen::First);
        assert!(c.len() <= 3);
    }
}
