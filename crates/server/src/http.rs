//! The HTTP listener: every request, whatever its path, goes to [`crate::dispatch::handle`].

use crate::dispatch::{self, HttpRequest, MAX_BODY};
use crate::service::Service;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, Request, Response, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// One log line: operation, principal, decision, status, latency. Never a secret.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
struct AppState {
    svc: Arc<Service>,
    log: Logger,
}

async fn answer(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request<Body>,
) -> Response<Body> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let (body, oversized) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => (b.to_vec(), false),
        Err(_) => (Vec::new(), true),
    };
    let request = HttpRequest {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        peer: peer.ip().to_string(),
        oversized,
    };
    let svc = state.svc.clone();
    let now = ssmgate_ssm::time::now();
    let handled = tokio::task::spawn_blocking(move || dispatch::handle(&svc, &request, now)).await;
    let (resp, outcome) = match handled {
        Ok(r) => r,
        Err(_) => {
            let mut r = Response::new(Body::from("internal error"));
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return r;
        }
    };
    (state.log)(&format!(
        "{} op={} principal={} decision={} status={} latency_ms={:.1}",
        ssmgate_ssm::time::iso8601(now),
        if outcome.operation.is_empty() {
            "-"
        } else {
            &outcome.operation
        },
        if outcome.principal.is_empty() {
            "-"
        } else {
            &outcome.principal
        },
        outcome.decision,
        resp.status,
        started.elapsed().as_secs_f64() * 1000.0
    ));
    let mut r = Response::new(Body::from(resp.body));
    *r.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::BAD_REQUEST);
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(resp.content_type));
    if let Ok(v) = HeaderValue::from_str(&resp.request_id) {
        r.headers_mut().insert("x-amzn-requestid", v);
    }
    r
}

/// Serve on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    svc: Arc<Service>,
    log: Logger,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(AppState { svc, log });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
