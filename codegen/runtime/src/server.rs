//! What every generated server shares: reading a bounded body and writing a JSON answer. The
//! generated `server` module adds what the spec decides (envelope checks, Ret codes, token
//! interface, routes).

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The body, or `Err(limit)` when it is longer than `limit` bytes (reading stops there).
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, usize> {
    axum::body::to_bytes(body, limit).await.map_err(|_| limit)
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

#[cfg(test)]
mod tests {
    use super::*;

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
