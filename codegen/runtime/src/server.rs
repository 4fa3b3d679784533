//! What every generated server shares: reading a bounded body and writing a JSON answer. The
//! generated `server` module adds what the spec decides (envelope checks, Ret codes, token
//! interface, routes).

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why a body could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the limit (reading stopped there).
    TooLong { limit: usize },
    /// The transfer broke off or was malformed (a bad chunk size, a short body, a timeout).
    Broken,
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLong { limit } => write!(f, "the body exceeds {limit} bytes"),
            BodyError::Broken => f.write_str("the body could not be read (malformed or cut short)"),
        }
    }
}

/// The body, or why it could not be read.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_long = std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| {
            e.source()
        })
        .any(|e| e.is::<http_body_util::LengthLimitError>());
        if too_long {
            BodyError::TooLong { limit }
        } else {
            BodyError::Broken
        }
    })
}

/// A JSON answer with the given status and content type.
pub fn json_response(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// A future that turns a panic while polling its inner future into `Err(message)`, so a
/// panicking handler becomes an answer (Ret 500) instead of a dropped connection.
pub struct CatchPanic<F>(std::pin::Pin<Box<F>>);

impl<F: Future> CatchPanic<F> {
    pub fn new(inner: F) -> Self {
        CatchPanic(Box::pin(inner))
    }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, String>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(payload) => {
                let msg = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_owned());
                std::task::Poll::Ready(Err(msg))
            }
        }
    }
}

/// Limits on connections, for servers facing hostile clients: a cap on open connections, a
/// deadline for each request to arrive in full (headers and body, however slowly they trickle),
/// and an idle deadline for keep-alive connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most connections open at once; at the cap, a new connection sheds the open one that
    /// has waited longest for its next request.
    pub max_connections: usize,
    /// From the connection's start or its last answer, the time a request has to arrive.
    pub request_timeout: std::time::Duration,
    /// The time a connection may stay silent (no byte read) before it is closed.
    pub idle_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            request_timeout: std::time::Duration::from_secs(10),
            idle_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// Serves `router` on `listener` with `limits` (axum's server over a listener that enforces
/// them). Returns when the listener fails for good.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    limits: Limits,
) -> std::io::Result<()> {
    axum::serve(LimitedListener::new(listener, limits), router).await
}

/// A listener that holds a permit per open connection and wraps each in [`GuardedIo`]. At the
/// cap it keeps accepting: each new connection sheds the open one that has waited longest for
/// its next request (a silent or trickling connection, or an idle keep-alive one), so a flood of
/// connections that send nothing cannot lock valid clients out until their deadlines pass.
pub struct LimitedListener {
    inner: tokio::net::TcpListener,
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    limits: Limits,
    open: std::sync::Arc<Registry>,
    shed: u64,
    last_report: Option<std::time::Instant>,
}

impl LimitedListener {
    pub fn new(inner: tokio::net::TcpListener, limits: Limits) -> Self {
        LimitedListener {
            inner,
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(
                limits.max_connections.max(1),
            )),
            limits,
            open: std::sync::Arc::new(Registry::default()),
            shed: 0,
            last_report: None,
        }
    }

    /// A permit for a new connection: a free one, or the one of the connection shed for it.
    async fn permit(&mut self) -> tokio::sync::OwnedSemaphorePermit {
        loop {
            if let Ok(p) = self.permits.clone().try_acquire_owned() {
                return p;
            }
            if self.open.shed_longest_waiting() {
                self.shed += 1;
            }
            // Logged at most once a second, with the count since the last report.
            if self
                .last_report
                .is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1))
            {
                tracing::warn!(
                    max_connections = self.limits.max_connections,
                    shed = self.shed,
                    "connection limit reached: the longest-waiting connections are closed"
                );
                self.last_report = Some(std::time::Instant::now());
                self.shed = 0;
            }
            let wait = self.permits.clone().acquire_owned();
            if let Ok(Ok(p)) =
                tokio::time::timeout(std::time::Duration::from_millis(100), wait).await
            {
                return p;
            }
        }
    }
}

impl axum::serve::Listener for LimitedListener {
    type Io = GuardedIo<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        let permit = self.permit().await;
        let conn = self.open.register();
        (GuardedIo::new(stream, self.limits, permit, conn), addr)
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The open connections of a listener, by id, with the time each has waited for its request.
#[derive(Default)]
struct Registry {
    epoch: std::sync::OnceLock<std::time::Instant>,
    next: std::sync::atomic::AtomicU64,
    open: std::sync::Mutex<std::collections::HashMap<u64, std::sync::Arc<Conn>>>,
}

/// What the listener knows of one connection.
struct Conn {
    id: u64,
    /// Milliseconds from the registry's epoch to the start of the current wait for a request
    /// (the connection's start or its last answer).
    waiting_since_ms: std::sync::atomic::AtomicU64,
    /// Set when the listener sheds it: its next read or write fails.
    shed: std::sync::atomic::AtomicBool,
    /// The task reading it, to wake when it is shed.
    waker: std::sync::Mutex<Option<std::task::Waker>>,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        let epoch = self.epoch.get_or_init(std::time::Instant::now);
        u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn register(self: &std::sync::Arc<Self>) -> ConnHandle {
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let conn = std::sync::Arc::new(Conn {
            id,
            waiting_since_ms: std::sync::atomic::AtomicU64::new(self.now_ms()),
            shed: std::sync::atomic::AtomicBool::new(false),
            waker: std::sync::Mutex::new(None),
        });
        crate::lock(&self.open).insert(id, conn.clone());
        ConnHandle {
            registry: self.clone(),
            conn,
        }
    }

    /// Marks the connection that has waited longest for its request as shed and wakes it;
    /// `false` when every open connection is already shed.
    fn shed_longest_waiting(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let victim = crate::lock(&self.open)
            .values()
            .filter(|c| !c.shed.load(Relaxed))
            .min_by_key(|c| (c.waiting_since_ms.load(Relaxed), c.id))
            .cloned();
        let Some(victim) = victim else {
            return false;
        };
        victim.shed.store(true, Relaxed);
        if let Some(w) = crate::lock(&victim.waker).take() {
            w.wake();
        }
        true
    }
}

/// A connection's entry in the registry, removed when the connection is dropped.
struct ConnHandle {
    registry: std::sync::Arc<Registry>,
    conn: std::sync::Arc<Conn>,
}

impl ConnHandle {
    fn is_shed(&self) -> bool {
        self.conn.shed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn answered(&self) {
        let now = self.registry.now_ms();
        self.conn
            .waiting_since_ms
            .store(now, std::sync::atomic::Ordering::Relaxed);
    }

    fn park(&self, waker: &std::task::Waker) {
        let mut slot = crate::lock(&self.conn.waker);
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
    }
}

impl Drop for ConnHandle {
    fn drop(&mut self) {
        crate::lock(&self.registry.open).remove(&self.conn.id);
    }
}

fn shed_error() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "shed at the connection limit",
    )
}

/// A connection that fails its reads once a deadline passes: the request deadline (counted from
/// the start or the last answer written) and the idle deadline (counted from the last byte
/// read); and its reads and writes once the listener sheds it. Holds its connection permit until
/// dropped.
pub struct GuardedIo<S> {
    inner: S,
    limits: Limits,
    request_deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    idle_deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    conn: ConnHandle,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl<S> GuardedIo<S> {
    fn new(
        inner: S,
        limits: Limits,
        permit: tokio::sync::OwnedSemaphorePermit,
        conn: ConnHandle,
    ) -> Self {
        let now = tokio::time::Instant::now();
        GuardedIo {
            inner,
            limits,
            request_deadline: Box::pin(tokio::time::sleep_until(now + limits.request_timeout)),
            idle_deadline: Box::pin(tokio::time::sleep_until(now + limits.idle_timeout)),
            conn,
            _permit: permit,
        }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for GuardedIo<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        if self.conn.is_shed() {
            return Poll::Ready(Err(shed_error()));
        }
        let before = buf.filled().len();
        match std::pin::Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    let idle = tokio::time::Instant::now() + self.limits.idle_timeout;
                    self.idle_deadline.as_mut().reset(idle);
                }
                Poll::Ready(r)
            }
            Poll::Pending => {
                let request = self.request_deadline.as_mut().poll(cx).is_ready();
                let idle = self.idle_deadline.as_mut().poll(cx).is_ready();
                if request || idle {
                    let which = if request { "request" } else { "idle" };
                    tracing::warn!(limit = which, "connection closed: {which} timeout");
                    Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("{which} timeout"),
                    )))
                } else {
                    self.conn.park(cx.waker());
                    // Shed between the check above and parking: do not sleep through it.
                    if self.conn.is_shed() {
                        return Poll::Ready(Err(shed_error()));
                    }
                    Poll::Pending
                }
            }
        }
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for GuardedIo<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.conn.is_shed() {
            return std::task::Poll::Ready(Err(shed_error()));
        }
        // An answer is going out: the next request has its full time again.
        let next = tokio::time::Instant::now() + self.limits.request_timeout;
        self.request_deadline.as_mut().reset(next);
        self.conn.answered();
        std::pin::Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slow and silent connections are closed within their deadlines, and a valid client is
    /// served while the connection cap is taken by them.
    #[tokio::test]
    async fn hostile_connections_are_closed_and_valid_clients_served() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let limits = Limits {
            max_connections: 8,
            request_timeout: std::time::Duration::from_millis(600),
            idle_timeout: std::time::Duration::from_millis(400),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let router = axum::Router::new().route("/", axum::routing::post(|| async { "ok" }));
        tokio::spawn(serve(listener, router, limits));
        // Eight silent connections take every permit.
        let mut silent = Vec::new();
        for _ in 0..8 {
            silent.push(
                tokio::net::TcpStream::connect(addr)
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        // A trickling one: a byte every 200 ms never completes its headers.
        let mut trickle = tokio::net::TcpStream::connect(addr)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let started = std::time::Instant::now();
        let request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
        let valid = tokio::spawn(async move {
            let mut c = tokio::net::TcpStream::connect(addr)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            c.write_all(request).await.unwrap_or_else(|e| panic!("{e}"));
            let mut buf = vec![0u8; 1024];
            let n = c.read(&mut buf).await.unwrap_or(0);
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        for b in b"POST / HTTP/1.1\r\nHost:" {
            if trickle.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            if started.elapsed() > std::time::Duration::from_secs(3) {
                break;
            }
        }
        let answer = tokio::time::timeout(std::time::Duration::from_secs(5), valid)
            .await
            .unwrap_or_else(|_| panic!("the valid client was not served in time"))
            .unwrap_or_default();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        // The silent connections were closed by the server.
        for mut s in silent {
            let mut buf = [0u8; 16];
            let n = tokio::time::timeout(std::time::Duration::from_secs(2), s.read(&mut buf)).await;
            assert!(
                matches!(n, Ok(Ok(0) | Err(_))),
                "a silent connection stayed open: {n:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_long_body_and_a_broken_body_are_told_apart() {
        let long = read_body(Body::from(vec![b'x'; 100]), 10).await;
        assert_eq!(long, Err(BodyError::TooLong { limit: 10 }));
        let ok = read_body(Body::from("{}"), 10).await;
        assert_eq!(ok.ok().as_deref(), Some(&b"{}"[..]));
        let stream = futures_broken();
        assert_eq!(read_body(stream, 10).await, Err(BodyError::Broken));
    }

    /// A body whose transfer fails midway.
    fn futures_broken() -> Body {
        struct Broken;
        impl http_body::Body for Broken {
            type Data = Bytes;
            type Error = std::io::Error;
            fn poll_frame(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
                std::task::Poll::Ready(Some(Err(std::io::Error::other("cut short"))))
            }
        }
        Body::new(Broken)
    }

    #[tokio::test]
    async fn a_panic_becomes_an_error_and_other_outcomes_pass_through() {
        let ok = CatchPanic::new(async { 7 }).await;
        assert_eq!(ok, Ok(7));
        let boom = CatchPanic::new(async {
            tokio::task::yield_now().await;
            #[allow(clippy::panic)]
            if true {
                panic!("handler bug");
            }
            7
        })
        .await;
        assert_eq!(boom, Err("handler bug".to_owned()));
    }
}
