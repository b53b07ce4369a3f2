//! One HTTP exchange over reqwest (blocking, rustls), timed and written to the audit log.
//! No Chorus Pro semantics here: statuses are interpreted by the client.

use std::io::Read as _;
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
    /// The `Location` of a 3xx: named in the error, never followed.
    pub location: Option<String>,
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
    /// The answer is longer than `limit` bytes: reading stopped there (its `Content-Length`
    /// said so, or that many bytes came without the end).
    TooLarge { limit: usize },
}

/// The request to send. `audit_body` is the body as the log may show it.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub audit_body: String,
    pub attempt: u32,
    /// The whole exchange, answer body included, must end within this time.
    pub timeout: Duration,
    /// The longest answer body read; beyond it the answer is `TooLarge`.
    pub max_body: usize,
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
            // A redirect is given back to the client, which makes it an error naming its
            // target: followed, it would carry the `cpro-account` header (the technical
            // login and password) or the token form's `client_secret` to another host, a
            // 307/308 would send a deposit a second time behind the journal's back, and the
            // other host's answer would be believed. PISTE documents none.
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
        let deadline = start + outgoing.timeout;
        let mut request = self
            .http
            .request(outgoing.method.clone(), outgoing.url)
            .timeout(outgoing.timeout);
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
            let location = header("location");
            let body = read_body(response, outgoing.max_body, deadline)?;
            Ok((
                HttpAnswer {
                    status,
                    www_authenticate,
                    retry_after,
                    location,
                    body,
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
                    ("Location", &answer.location),
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
        TransportFailure::TooLarge { limit } => {
            format!("réponse trop volumineuse (plus de {})", megabytes(*limit))
        }
    }
}

/// `20 Mo`, `512 Ko`, `300 octets`: a limit as the user reads it.
pub(crate) fn megabytes(bytes: usize) -> String {
    crate::model::format_size(bytes as u64)
}

/// Reads the answer body through a limit: never more than `max_body + 1` bytes buffered,
/// whatever `Content-Length` says or does not say, and never past `deadline` (a server
/// trickling one byte at a time gets no more time than a silent one).
fn read_body(
    mut response: reqwest::blocking::Response,
    max_body: usize,
    deadline: Instant,
) -> Result<Vec<u8>, TransportFailure> {
    if response
        .content_length()
        .is_some_and(|length| length > max_body as u64)
    {
        return Err(TransportFailure::TooLarge { limit: max_body });
    }
    let mut body = Vec::with_capacity(
        response
            .content_length()
            .map_or(8 * 1024, |l| l as usize)
            .min(max_body)
            .min(1024 * 1024),
    );
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        if Instant::now() >= deadline {
            return Err(TransportFailure::Timeout);
        }
        let read = match response.read(&mut chunk) {
            Ok(0) => return Ok(body),
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                    || e.get_ref()
                        .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                        .is_some_and(reqwest::Error::is_timeout)
                    || Instant::now() >= deadline;
                return Err(if timed_out {
                    TransportFailure::Timeout
                } else {
                    TransportFailure::Broken(error_chain(&e))
                });
            }
        };
        if body.len() + read > max_body {
            return Err(TransportFailure::TooLarge { limit: max_body });
        }
        body.extend_from_slice(&chunk[..read]);
    }
}
