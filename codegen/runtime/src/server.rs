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
