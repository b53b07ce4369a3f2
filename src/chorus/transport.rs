//! One HTTP exchange over reqwest (blocking, rustls), timed and written to the audit log.
//! No Chorus Pro semantics here: statuses are interpreted by the client.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Method;
use reqwest::blocking::Client;

use super::audit::{Exchange, ExchangeLog, redact_body, redact_headers};
use super::error::ChorusError;

/// What came back.
#[derive(Debug, Clone)]
pub(crate) struct HttpAnswer {
    pub status: u16,
    pub www_authenticate: Option<String>,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

/// Why nothing usable came back, and whether the server may have acted on the request.
#[derive(Debug, Clone)]
pub(crate) enum TransportFailure {
    /// The connection could not be opened (refused, DNS, TLS handshake): the request never
    /// left this machine.
    NotSent(String),
    /// The request left; no complete answer in time.
    Timeout,
    /// The request (or part of it) left, then the connection broke.
    Broken(String),
}

/// The request to send. `audit_body` is the body as the log may show it.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub audit_body: String,
    pub attempt: u32,
}

pub(crate) struct Transport {
    http: Client,
    log: Arc<dyn ExchangeLog>,
}

impl Transport {
    pub fn new(
        connect_timeout: Duration,
        request_timeout: Duration,
        log: Arc<dyn ExchangeLog>,
    ) -> Result<Self, ChorusError> {
        let http = Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            .user_agent(concat!("chorus-depot/", env!("CARGO_PKG_VERSION")))
            // A redirect is given back to the client as it came: followed, a 307/308 would
            // send a deposit a second time behind the journal's back, and PISTE documents
            // none.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ChorusError::Configuration {
                detail: format!("client HTTP impossible à créer : {e}"),
            })?;
        Ok(Transport { http, log })
    }

    pub fn send(&self, outgoing: Outgoing<'_>) -> Result<HttpAnswer, TransportFailure> {
        let started_at = SystemTime::now();
        let start = Instant::now();
        let mut request = self.http.request(outgoing.method.clone(), outgoing.url);
        for (name, value) in &outgoing.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(body) = outgoing.body {
            request = request.body(body);
        }
        let result = request.send().map_err(classify).and_then(|response| {
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            };
            let www_authenticate = header("www-authenticate");
            let retry_after = header("retry-after");
            let content_type = header("content-type");
            // Reading the body can time out too: the request has left by then.
            let body = response.bytes().map_err(|e| {
                if e.is_timeout() {
                    TransportFailure::Timeout
                } else {
                    TransportFailure::Broken(error_chain(&e))
                }
            })?;
            Ok((
                HttpAnswer {
                    status,
                    www_authenticate,
                    retry_after,
                    body: body.to_vec(),
                },
                content_type,
            ))
        });

        let mut exchange = Exchange {
            started_at,
            method: if outgoing.method == Method::GET {
                "GET"
            } else {
                "POST"
            },
            route: outgoing.url.to_string(),
            attempt: outgoing.attempt,
            request_headers: redact_headers(&outgoing.headers),
            request_body: outgoing.audit_body,
            status: None,
            response_headers: Vec::new(),
            response_body: String::new(),
            duration: start.elapsed(),
            transport_error: None,
        };
        match &result {
            Ok((answer, content_type)) => {
                exchange.status = Some(answer.status);
                exchange.response_body = redact_body(&answer.body);
                for (name, value) in [
                    ("Content-Type", content_type),
                    ("WWW-Authenticate", &answer.www_authenticate),
                    ("Retry-After", &answer.retry_after),
                ] {
                    if let Some(value) = value {
                        exchange
                            .response_headers
                            .push((name.to_string(), value.clone()));
                    }
                }
            }
            Err(failure) => exchange.transport_error = Some(describe(failure)),
        }
        self.log.record(&exchange);
        result.map(|(answer, _)| answer)
    }
}

fn classify(error: reqwest::Error) -> TransportFailure {
    // A connect error (refused, DNS, TLS, connect timeout) means nothing was sent; check it
    // before `is_timeout`, which is also true for a connect timeout.
    if error.is_connect() {
        TransportFailure::NotSent(error_chain(&error))
    } else if error.is_timeout() {
        TransportFailure::Timeout
    } else {
        TransportFailure::Broken(error_chain(&error))
    }
}

/// The error and its causes on one line: reqwest's top message alone says little.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(" : ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

pub(crate) fn describe(failure: &TransportFailure) -> String {
    match failure {
        TransportFailure::NotSent(detail) => format!("connexion impossible : {detail}"),
        TransportFailure::Timeout => "délai dépassé".to_string(),
        TransportFailure::Broken(detail) => format!("connexion interrompue : {detail}"),
    }
}
