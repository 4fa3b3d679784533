//! The token store and the replay cache behind traits, so that several instances of a platform
//! can share them: the in-memory [`TokenStore`]/[`ReplayCache`] (the default) and, with the
//! `redis` feature, [`redis::RedisStore`]. Futures are boxed and `Send`, so the traits are usable
//! as `Arc<dyn …>` from axum handlers. A backend that cannot answer (a Redis outage) returns
//! [`StoreError`]: the receiver answers "busy" and never accepts a request unchecked.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::Secret;
pub use crate::token::bearer;
use crate::token::{ReplayCache, Seen, TokenError, TokenStore};

/// A boxed `Send` future, as the traits return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The shared store could not answer (unreachable, timed out, refused the command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the shared store is unavailable: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// The tokens a platform issues (Appendix C), bounded per peer.
pub trait TokenBackend: Send + Sync + std::fmt::Debug {
    /// Issues a token for `operator_id`, retiring that peer's oldest beyond the bound.
    fn issue<'a>(
        &'a self,
        operator_id: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<Secret, StoreError>>;
    /// The OperatorID a token was issued to, or why it is refused.
    fn check<'a>(
        &'a self,
        token: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<Result<String, TokenError>, StoreError>>;
    /// The lifetime of the tokens issued, in seconds.
    fn lifetime_s(&self) -> u64;
    /// The token of an `Authorization` header value with `scheme`, checked.
    fn check_header<'a>(
        &'a self,
        header: Option<&'a str>,
        scheme: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<Result<String, TokenError>, StoreError>> {
        match bearer(header, scheme) {
            Ok(token) => self.check(token, now),
            Err(e) => Box::pin(std::future::ready(Ok(Err(e)))),
        }
    }
}

/// The messages seen within the replay window.
pub trait ReplayBackend: Send + Sync + std::fmt::Debug {
    /// Records message `key` of `sender` unless seen within the window or the cache is full.
    fn check<'a>(
        &'a self,
        sender: &'a str,
        key: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<Seen, StoreError>>;
}

/// The token store and replay cache of one endpoint, in memory or shared.
#[derive(Clone, Debug)]
pub struct Stores {
    pub tokens: Arc<dyn TokenBackend>,
    /// `None`: resends are not checked.
    pub replay: Option<Arc<dyn ReplayBackend>>,
}

impl Stores {
    /// In this process's memory: `tokens_per_peer` live tokens per peer, and with a replay
    /// window, a cache of at most `replay_capacity` messages.
    pub fn memory(
        token_lifetime_s: u64,
        tokens_per_peer: usize,
        replay: Option<(u64, usize)>,
    ) -> Self {
        Stores {
            tokens: Arc::new(TokenStore::with_limit(token_lifetime_s, tokens_per_peer)),
            replay: replay.map(|(window_s, capacity)| {
                Arc::new(ReplayCache::with_capacity(window_s, capacity)) as Arc<dyn ReplayBackend>
            }),
        }
    }

    /// On the Redis server at `url`, shared by every instance that uses the same server and
    /// `prefix` (see [`redis::RedisStore`]).
    #[cfg(feature = "redis")]
    pub fn redis(
        url: &str,
        prefix: &str,
        token_lifetime_s: u64,
        tokens_per_peer: usize,
        replay_window_s: Option<u64>,
    ) -> Result<Self, StoreError> {
        let store = Arc::new(redis::RedisStore::open(
            url,
            prefix,
            token_lifetime_s,
            tokens_per_peer,
            replay_window_s.unwrap_or(0),
        )?);
        Ok(Stores {
            tokens: store.clone(),
            replay: replay_window_s.map(|_| store as Arc<dyn ReplayBackend>),
        })
    }
}

impl TokenBackend for TokenStore {
    fn issue<'a>(
        &'a self,
        operator_id: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<Secret, StoreError>> {
        let issued =
            TokenStore::issue(self, operator_id, now).map_err(|e| StoreError(e.to_string()));
        Box::pin(std::future::ready(issued))
    }
    fn check<'a>(
        &'a self,
        token: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<Result<String, TokenError>, StoreError>> {
        Box::pin(std::future::ready(Ok(TokenStore::check(self, token, now))))
    }
    fn lifetime_s(&self) -> u64 {
        TokenStore::lifetime_s(self)
    }
}

impl ReplayBackend for ReplayCache {
    fn check<'a>(
        &'a self,
        sender: &'a str,
        key: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<Seen, StoreError>> {
        Box::pin(std::future::ready(Ok(ReplayCache::check(
            self, sender, key, now,
        ))))
    }
}

#[cfg(feature = "redis")]
pub mod redis {
    //! Tokens and the replay cache on a Redis server shared by several instances.
    //!
    //! Key layout (every key starts with the configured prefix, default `chargespec:`):
    //! - `<prefix>token:<token>` → `<OperatorID>\x1f<expires at, UNIX s>`, with the token's
    //!   lifetime as TTL;
    //! - `<prefix>peer:<OperatorID>` → sorted set of that peer's live tokens by issue order, and
    //!   `<prefix>peerseq:<OperatorID>` its counter (both with the lifetime as TTL);
    //! - `<prefix>replay:<sender>\x1f<key>` → `1`, with the replay window (+1 s) as TTL.
    //!
    //! A replay check is one `SET … NX PX`; issuing a token is one Lua script (atomic on the
    //! server). Run Redis with `maxmemory-policy noeviction`: an eviction would forget messages
    //! and tokens; when memory is full, the replay check answers [`Seen::Full`] (busy).

    use super::{BoxFuture, ReplayBackend, StoreError, TokenBackend};
    use crate::Secret;
    use crate::token::{Seen, TokenError, random_token};
    use crate::validate::bounded;

    /// The Lua script that issues a token within the per-peer bound.
    const ISSUE: &str = r"
local live = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, t in ipairs(live) do
  if redis.call('EXISTS', ARGV[5] .. t) == 0 then redis.call('ZREM', KEYS[1], t) end
end
local n = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[4])
if n >= max then
  local old = redis.call('ZRANGE', KEYS[1], 0, n - max)
  for _, t in ipairs(old) do
    redis.call('DEL', ARGV[5] .. t)
    redis.call('ZREM', KEYS[1], t)
  end
end
local seq = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
";

    /// Tokens and replay cache on one Redis server (a connection manager that reconnects).
    #[derive(Clone)]
    pub struct RedisStore {
        conn: ::redis::aio::ConnectionManager,
        prefix: String,
        lifetime_s: u64,
        max_per_peer: usize,
        window_s: u64,
        issue: ::redis::Script,
    }

    impl std::fmt::Debug for RedisStore {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("RedisStore")
                .field("prefix", &self.prefix)
                .finish_non_exhaustive()
        }
    }

    fn unavailable(e: &::redis::RedisError) -> StoreError {
        StoreError(bounded(&e.to_string()))
    }

    impl RedisStore {
        /// A store on the server at `url` (`redis://host:port/db`). Connects lazily: a server
        /// that is down at start-up (or later) makes each call fail with [`StoreError`], within
        /// about a second, until it is back.
        pub fn open(
            url: &str,
            prefix: &str,
            lifetime_s: u64,
            max_per_peer: usize,
            window_s: u64,
        ) -> Result<Self, StoreError> {
            // The connection manager runs a task on the current Tokio runtime.
            tokio::runtime::Handle::try_current()
                .map_err(|_| StoreError("RedisStore::open needs a Tokio runtime".to_owned()))?;
            let client = ::redis::Client::open(url).map_err(|e| unavailable(&e))?;
            let timeout = std::time::Duration::from_secs(1);
            let config = ::redis::aio::ConnectionManagerConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout))
                .set_number_of_retries(1);
            let conn = client
                .get_connection_manager_lazy(config)
                .map_err(|e| unavailable(&e))?;
            Ok(RedisStore {
                conn,
                prefix: prefix.to_owned(),
                lifetime_s,
                max_per_peer: max_per_peer.max(1),
                window_s,
                issue: ::redis::Script::new(ISSUE),
            })
        }
    }

    impl TokenBackend for RedisStore {
        fn issue<'a>(
            &'a self,
            operator_id: &'a str,
            now: u64,
        ) -> BoxFuture<'a, Result<Secret, StoreError>> {
            Box::pin(async move {
                let token = random_token(64).map_err(|e| StoreError(e.to_string()))?;
                let p = &self.prefix;
                let value = format!("{operator_id}\u{1f}{}", now.saturating_add(self.lifetime_s));
                let mut conn = self.conn.clone();
                let _: i64 = self
                    .issue
                    .key(format!("{p}peer:{operator_id}"))
                    .key(format!("{p}token:{}", token.expose()))
                    .key(format!("{p}peerseq:{operator_id}"))
                    .arg(token.expose())
                    .arg(value)
                    .arg(self.lifetime_s.max(1).saturating_mul(1000))
                    .arg(self.max_per_peer)
                    .arg(format!("{p}token:"))
                    .invoke_async(&mut conn)
                    .await
                    .map_err(|e| unavailable(&e))?;
                Ok(token)
            })
        }

        fn check<'a>(
            &'a self,
            token: &'a str,
            now: u64,
        ) -> BoxFuture<'a, Result<Result<String, TokenError>, StoreError>> {
            Box::pin(async move {
                let mut conn = self.conn.clone();
                let value: Option<String> = ::redis::cmd("GET")
                    .arg(format!("{}token:{token}", self.prefix))
                    .query_async(&mut conn)
                    .await
                    .map_err(|e| unavailable(&e))?;
                let Some(value) = value else {
                    return Ok(Err(TokenError::Unknown));
                };
                let (owner, expires) = value.split_once('\u{1f}').unwrap_or((value.as_str(), "0"));
                if expires.parse::<u64>().unwrap_or(0) <= now {
                    return Ok(Err(TokenError::Expired));
                }
                Ok(Ok(owner.to_owned()))
            })
        }

        fn lifetime_s(&self) -> u64 {
            self.lifetime_s
        }
    }

    impl ReplayBackend for RedisStore {
        fn check<'a>(
            &'a self,
            sender: &'a str,
            key: &'a str,
            _now: u64,
        ) -> BoxFuture<'a, Result<Seen, StoreError>> {
            Box::pin(async move {
                let mut conn = self.conn.clone();
                let set: Result<Option<String>, _> = ::redis::cmd("SET")
                    .arg(format!("{}replay:{sender}\u{1f}{key}", self.prefix))
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(self.window_s.saturating_add(1).saturating_mul(1000))
                    .query_async(&mut conn)
                    .await;
                match set {
                    Ok(Some(_)) => Ok(Seen::First),
                    Ok(None) => Ok(Seen::Again),
                    Err(e) if e.code() == Some("OOM") => Ok(Seen::Full),
                    Err(e) => Err(unavailable(&e)),
                }
            })
        }
    }

    /// The variable that makes a missing `redis-server` an error (set in CI).
    pub const REQUIRE_VAR: &str = "CHARGESPEC_REQUIRE_REDIS";

    /// A throwaway `redis-server` for tests and benchmarks: on a free loopback port, in a
    /// temporary directory, without persistence, with `maxmemory-policy noeviction`; stopped
    /// (and its directory removed) on drop.
    #[derive(Debug)]
    pub struct TestServer {
        url: String,
        port: u16,
        child: Option<std::process::Child>,
        dir: std::path::PathBuf,
    }

    impl TestServer {
        /// Starts one. `Ok(None)` (with a message on stderr) when `redis-server` is not
        /// installed, unless [`REQUIRE_VAR`] is set: then, as when it does not listen within
        /// five seconds, an error.
        pub fn start() -> Result<Option<TestServer>, String> {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free port: {e}"))?
                .port();
            let dir = std::env::temp_dir()
                .join(format!("chargespec-redis-{}-{port}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let child = std::process::Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .args(["--maxmemory-policy", "noeviction"])
                .current_dir(&dir)
                .stdout(std::process::Stdio::null())
                .spawn();
            let child = match child {
                Ok(c) => c,
                Err(e) if std::env::var_os(REQUIRE_VAR).is_none() => {
                    eprintln!(
                        "SKIPPED: redis-server not found ({e}); install the Debian package redis-server"
                    );
                    return Ok(None);
                }
                Err(e) => {
                    return Err(format!(
                        "redis-server is required ({REQUIRE_VAR}) but cannot start: {e}"
                    ));
                }
            };
            let server = TestServer {
                url: format!("redis://127.0.0.1:{port}/"),
                port,
                child: Some(child),
                dir,
            };
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Ok(Some(server));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(format!("redis-server did not listen on port {port}"))
        }

        /// Its URL (`redis://127.0.0.1:<port>/`).
        pub fn url(&self) -> &str {
            &self.url
        }

        /// Its port.
        pub fn port(&self) -> u16 {
            self.port
        }

        /// Its process id, while it runs.
        pub fn pid(&self) -> Option<u32> {
            self.child.as_ref().map(std::process::Child::id)
        }

        /// Stops it now: an outage, for the stores that use it.
        pub fn stop(&mut self) {
            if let Some(mut child) = self.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    impl Drop for TestServer {
        fn drop(&mut self) {
            self.stop();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
#[cfg(feature = "server")]
mod tests {
    use super::*;

    fn block_on<F: Future>(f: F) -> F::Output {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        rt.map(|rt| rt.block_on(f))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Both backends behave alike: bounded tokens per peer, expiry, replays.
    async fn exercise(tokens: &dyn TokenBackend, replay: &dyn ReplayBackend, peer: &str) {
        {
            let first = tokens.issue(peer, 1000).await.unwrap();
            let header = format!("Bearer {}", first.expose());
            assert_eq!(
                tokens.check_header(Some(&header), "Bearer", 1001).await,
                Ok(Ok(peer.to_owned()))
            );
            assert_eq!(
                tokens.check_header(None, "Bearer", 1001).await,
                Ok(Err(TokenError::Missing))
            );
            assert_eq!(
                tokens.check("nope", 1001).await,
                Ok(Err(TokenError::Unknown))
            );
            assert_eq!(
                tokens
                    .check(first.expose(), 1000 + tokens.lifetime_s())
                    .await,
                Ok(Err(TokenError::Expired))
            );
            // Two per peer: the third retires the first.
            let second = tokens.issue(peer, 1002).await.unwrap();
            let third = tokens.issue(peer, 1003).await.unwrap();
            assert_eq!(
                tokens.check(first.expose(), 1004).await,
                Ok(Err(TokenError::Unknown))
            );
            assert!(matches!(
                tokens.check(second.expose(), 1004).await,
                Ok(Ok(_))
            ));
            assert!(matches!(
                tokens.check(third.expose(), 1004).await,
                Ok(Ok(_))
            ));
            assert_eq!(replay.check(peer, "SIG1", 10).await, Ok(Seen::First));
            assert_eq!(replay.check(peer, "SIG1", 11).await, Ok(Seen::Again));
            assert_eq!(replay.check(peer, "SIG2", 11).await, Ok(Seen::First));
            assert_eq!(replay.check("other", "SIG1", 11).await, Ok(Seen::First));
        }
    }

    #[test]
    fn the_memory_backend_behind_the_traits() {
        block_on(exercise(
            &TokenStore::with_limit(60, 2),
            &ReplayCache::new(300),
            "MA5DA0053",
        ));
        assert_eq!(bearer(Some("bearer abc "), "Bearer"), Ok("abc"));
        assert_eq!(
            bearer(Some("Basic abc"), "Bearer"),
            Err(TokenError::Missing)
        );
    }

    #[cfg(feature = "redis")]
    mod redis_server {
        use super::*;
        use crate::store::redis::{RedisStore, TestServer};

        fn start() -> Option<TestServer> {
            TestServer::start().unwrap_or_else(|e| panic!("{e}"))
        }

        #[test]
        fn the_redis_backend_behaves_like_the_memory_one_and_an_outage_is_an_error() {
            let Some(server) = start() else { return };
            assert!(
                RedisStore::open(server.url(), "t:", 60, 2, 300).is_err(),
                "no runtime: an error, not a panic"
            );
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let store = RedisStore::open(server.url(), "t:", 60, 2, 300).unwrap();
                exercise(&store, &store, "MA5DA0053").await;
                // A second instance on the same server sees the tokens and the messages.
                let other = RedisStore::open(server.url(), "t:", 60, 2, 300).unwrap();
                let t = TokenBackend::issue(&store, "P", 5000).await.unwrap();
                assert_eq!(
                    TokenBackend::check(&other, t.expose(), 5001).await,
                    Ok(Ok("P".to_owned()))
                );
                assert_eq!(
                    ReplayBackend::check(&store, "P", "S", 1).await,
                    Ok(Seen::First)
                );
                assert_eq!(
                    ReplayBackend::check(&other, "P", "S", 1).await,
                    Ok(Seen::Again)
                );
                // A flood of issues keeps two tokens for the peer.
                let mut last = Vec::new();
                for i in 0..200 {
                    last.push(TokenBackend::issue(&store, "Q", 6000 + i).await.unwrap());
                }
                let live = {
                    let mut n = 0;
                    for t in &last {
                        n += usize::from(matches!(
                            TokenBackend::check(&other, t.expose(), 6200).await,
                            Ok(Ok(_))
                        ));
                    }
                    n
                };
                assert_eq!(live, 2);
                drop(server);
                // The server is gone: every call is an error, never an accepted token or message.
                assert!(TokenBackend::issue(&store, "P", 5002).await.is_err());
                assert!(TokenBackend::check(&store, t.expose(), 5002).await.is_err());
                assert!(ReplayBackend::check(&store, "P", "S2", 2).await.is_err());
            });
        }
    }
}
