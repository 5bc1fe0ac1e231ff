//! WeChat-shaped error answers: HTTP 200 with `{"errcode":…,"errmsg":"… rid: …"}`.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError {
    pub errcode: i64,
    pub errmsg: String,
}

impl SimError {
    pub fn new(errcode: i64, errmsg: impl Into<String>) -> Self {
        Self {
            errcode,
            errmsg: errmsg.into(),
        }
    }

    pub fn busy() -> Self {
        Self::new(-1, "system error")
    }

    /// 47001: the body is not the JSON the endpoint expects.
    pub fn bad_body(detail: impl std::fmt::Display) -> Self {
        Self::new(47001, format!("data format error hint: {detail}"))
    }
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        // WeChat appends a request id to every error message.
        let rid = format!(
            "{:08x}-{:08x}",
            rand::random::<u32>(),
            rand::random::<u32>()
        );
        Json(json!({
            "errcode": self.errcode,
            "errmsg": format!("{} rid: {rid}", self.errmsg),
        }))
        .into_response()
    }
}

pub type SimResult = Result<Json<Value>, SimError>;

/// What the control API (`/__sim/…`) answers: JSON, or a refusal.
pub type ControlResult = Result<Json<Value>, (axum::http::StatusCode, Json<Value>)>;

/// A refused control call: 400 with the errcode and errmsg (never WeChat's HTTP 200).
pub fn control_error(e: SimError) -> (axum::http::StatusCode, Json<Value>) {
    (
        axum::http::StatusCode::BAD_REQUEST,
        Json(json!({"errcode": e.errcode, "errmsg": e.errmsg})),
    )
}

/// `{"errcode":0,"errmsg":"ok"}` merged with `extra`'s fields.
pub fn ok(extra: Value) -> SimResult {
    let mut body = json!({"errcode": 0, "errmsg": "ok"});
    if let (Some(target), Value::Object(fields)) = (body.as_object_mut(), extra) {
        target.extend(fields);
    }
    Ok(Json(body))
}

/// Decodes a request body the way WeChat does: malformed JSON is 47001.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, SimError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(SimError::bad_body)
}
