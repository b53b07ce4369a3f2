//! `ChorusClient`: credentials, token, headers, and the one path every call takes (401 replay,
//! status interpretation, retries of reads, the deposit's "outcome unknown").

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::audit::{ExchangeLog, NoLog, redact_body, redact_form};
use super::budget::Patience;
use super::environment::Environment;
use super::error::ChorusError;
use super::retry::{RetryPolicy, parse_retry_after};
use super::secret::Secret;
use super::token::{
    AccessToken, Clock, DEFAULT_RENEWAL_MARGIN, SystemClock, TokenAnswer, TokenCache,
    TokenErrorAnswer, renewal_instant, token_form,
};
use super::transport::{HttpAnswer, Outgoing, Transport, TransportFailure, describe};
use super::types::ReturnCode;

/// The content type PISTE documents for the JSON bodies (Swagger `consumes`).
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// What the client needs to log in: the PISTE application and the Chorus Pro technical user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// PISTE application client id.
    pub client_id: String,
    pub client_secret: Secret,
    /// Chorus Pro technical user login (`cpro-account`).
    pub login: String,
    pub password: Secret,
}

/// Tunables; `Default` is what the application uses.
#[derive(Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// Whole request, answer included. PISTE's own clients use 30 s.
    pub request_timeout: Duration,
    /// For reads only: deposits are never retried by the client.
    pub retry: RetryPolicy,
    /// One call in all: every attempt, the token request and the waits between attempts.
    /// An attempt never gets more than what is left of it.
    pub call_budget: Duration,
    /// The longest answer body read (a JSON answer; the directory download has its own,
    /// [`ClientOptions::max_file_answer_bytes`]). Beyond it: [`ChorusError::AnswerTooLarge`].
    pub max_answer_bytes: usize,
    /// The longest answer of the routes that return a base64 file (the directory export).
    pub max_file_answer_bytes: usize,
    /// How long Chorus Pro may stay silent before the calls stop being sent: shared by the
    /// clients of one run (clones of these options share it too).
    pub patience: Arc<Patience>,
    pub token_renewal_margin: Duration,
    pub clock: Arc<dyn Clock>,
    pub log: Arc<dyn ExchangeLog>,
}

/// The longest JSON answer read by default: the biggest search page or history is a few
/// hundred KB; 20 MB leaves room and bounds what a broken or hostile server can make the
/// application hold (and the audit trail keep).
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 20 * 1024 * 1024;

/// The longest answer of the file routes (`telecharger/annuaire/destinataire`): the
/// directory is a ~27 MB XLSX (reference/formats.md §A.1), 36 MB once in base64; the ZIP
/// of its XML version (~200 MB uncompressed) is of the same order. 100 MB leaves room.
pub const DEFAULT_MAX_FILE_ANSWER_BYTES: usize = 100 * 1024 * 1024;

/// One call's budget by default: an attempt at the full 30 s timeout, then what is left
/// for a retry — never the 4 × 30 s (+ waits) of the retry policy alone.
pub const DEFAULT_CALL_BUDGET: Duration = Duration::from_secs(45);

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            call_budget: DEFAULT_CALL_BUDGET,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            max_file_answer_bytes: DEFAULT_MAX_FILE_ANSWER_BYTES,
            patience: Arc::new(Patience::default()),
            token_renewal_margin: DEFAULT_RENEWAL_MARGIN,
            clock: Arc::new(SystemClock),
            log: Arc::new(NoLog),
        }
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .field("call_budget", &self.call_budget)
            .field("max_answer_bytes", &self.max_answer_bytes)
            .field("max_file_answer_bytes", &self.max_file_answer_bytes)
            .field("patience", &self.patience.limit())
            .field("token_renewal_margin", &self.token_renewal_margin)
            .finish_non_exhaustive()
    }
}

/// Whether a call may be repeated by the client itself (deposits have their own path,
/// [`ChorusClient::post_deposit`]: sent once, their answer read strictly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// Searches and consultations: retried on 5xx, 429 and timeouts.
    Read,
    /// Other changes (recycle, complete): sent once, the user decides what next.
    Action,
    /// A read whose answer carries a base64 file (the directory export): retried like a
    /// read, allowed a longer answer.
    FileDownload,
}

/// A failed attempt, and whether the server may have acted on the request anyway.
struct Failure {
    error: ChorusError,
    maybe_processed: bool,
}

impl Failure {
    fn refused(error: ChorusError) -> Self {
        Failure {
            error,
            maybe_processed: false,
        }
    }
}

/// The Chorus Pro client. Blocking: call it from a worker thread, never from the UI thread.
/// Cheap to share between threads (`&self` everywhere; the token cache is locked inside).
pub struct ChorusClient {
    environment: Environment,
    credentials: Credentials,
    cpro_account: Secret,
    options: ClientOptions,
    transport: Transport,
    tokens: TokenCache,
}

impl fmt::Debug for ChorusClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChorusClient")
            .field("environment", &self.environment)
            .field("credentials", &self.credentials)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ChorusClient {
    pub fn new(
        environment: Environment,
        credentials: Credentials,
        options: ClientOptions,
    ) -> Result<Self, ChorusError> {
        for (url, what) in [
            (environment.api_base(), "adresse de l'API"),
            (environment.token_url(), "adresse du jeton"),
        ] {
            if reqwest::Url::parse(url).is_err() {
                return Err(ChorusError::Configuration {
                    detail: format!("{what} invalide : « {url} »"),
                });
            }
        }
        let cpro_account = Secret::new(base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            credentials.login,
            credentials.password.expose()
        )));
        let transport = Transport::new(
            options.connect_timeout,
            options.request_timeout,
            options.log.clone(),
        )?;
        Ok(ChorusClient {
            environment,
            credentials,
            cpro_account,
            options,
            transport,
            tokens: TokenCache::default(),
        })
    }

    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The patience this client shares with the others of its run.
    pub fn patience(&self) -> &Arc<Patience> {
        &self.options.patience
    }

    /// Asks PISTE for a fresh token (the first step of "Tester la connexion").
    pub fn check_credentials(&self) -> Result<(), ChorusError> {
        self.tokens.invalidate();
        let mut attempt = 0;
        self.token(&mut attempt, self.limits(CallKind::Read))
            .map(|_| ())
    }

    // ---- token -------------------------------------------------------------------------

    fn token(&self, attempt: &mut u32, limits: Limits) -> Result<Secret, ChorusError> {
        if let Some(token) = self.tokens.valid_at(self.options.clock.now()) {
            return Ok(token);
        }
        let token = self.request_token(attempt, limits)?;
        Ok(token)
    }

    fn request_token(&self, attempt: &mut u32, limits: Limits) -> Result<Secret, ChorusError> {
        let url = self.environment.token_url();
        let form = token_form(
            &self.credentials.client_id,
            self.credentials.client_secret.expose(),
        );
        *attempt += 1;
        let requested_at = self.options.clock.now();
        // The token answer is small: a JSON answer's limit is plenty.
        let answer = self
            .send(
                Outgoing {
                    method: Method::POST,
                    url,
                    headers: vec![
                        (
                            "Content-Type".into(),
                            "application/x-www-form-urlencoded".into(),
                        ),
                        ("Accept".into(), "application/json".into()),
                    ],
                    audit_body: redact_form(&form),
                    body: Some(form.into_bytes()),
                    attempt: *attempt,
                    timeout: Duration::ZERO,
                    max_body: self.options.max_answer_bytes,
                },
                limits,
            )
            .map_err(|failure| failure.error)?;
        let (value, lifetime) = read_token_answer(
            url,
            answer.status,
            answer.retry_after.as_deref(),
            &answer.body,
        )?;
        self.tokens.store(AccessToken {
            value: value.clone(),
            renew_at: renewal_instant(requested_at, lifetime, self.options.token_renewal_margin),
        });
        Ok(value)
    }

    // ---- one exchange --------------------------------------------------------------------

    fn api_headers(&self, token: &Secret, with_body: bool) -> Vec<(String, String)> {
        let mut headers = vec![
            ("Authorization".into(), format!("Bearer {}", token.expose())),
            (
                "cpro-account".into(),
                self.cpro_account.expose().to_string(),
            ),
            ("Accept".into(), JSON_CONTENT_TYPE.into()),
        ];
        if with_body {
            headers.push(("Content-Type".into(), JSON_CONTENT_TYPE.into()));
        }
        headers
    }

    /// One attempt within the call's limits: refused at once when Chorus Pro has been
    /// silent for the whole patience, given no more time than is left of the call (nor of
    /// the patience while Chorus Pro is silent). A 3xx is an error naming its target: it is
    /// never followed, so the secrets only go to the configured addresses.
    fn send(&self, mut outgoing: Outgoing<'_>, limits: Limits) -> Result<HttpAnswer, Failure> {
        let url = outgoing.url;
        let patience = &self.options.patience;
        if let Some(silent_for) = patience.exhausted() {
            return Err(Failure::refused(ChorusError::NoAnswer {
                route: url.to_string(),
                silent_for,
            }));
        }
        let started = Instant::now();
        let mut timeout = self
            .options
            .request_timeout
            .min(limits.deadline.saturating_duration_since(started));
        if let Some(left) = patience.remaining() {
            timeout = timeout.min(left.max(Duration::from_millis(1)));
        }
        if timeout.is_zero() {
            // The call's budget is spent (retries, token, waits): nothing more is sent.
            return Err(Failure::refused(ChorusError::Timeout {
                route: url.to_string(),
                after: self.options.call_budget,
            }));
        }
        outgoing.timeout = timeout;
        match self.transport.send(outgoing) {
            Ok(answer) => {
                patience.answered();
                if (300..400).contains(&answer.status) {
                    return Err(Failure {
                        error: ChorusError::Redirected {
                            status: answer.status,
                            route: url.to_string(),
                            location: answer
                                .location
                                .as_deref()
                                .map(|l| excerpt(l.as_bytes()))
                                .unwrap_or_else(|| "(pas d'en-tête Location)".into()),
                        },
                        // Whoever answered may have acted on the request.
                        maybe_processed: true,
                    });
                }
                Ok(answer)
            }
            Err(failure) => {
                if !matches!(failure, TransportFailure::TooLarge { .. }) {
                    patience.no_answer(started);
                }
                Err(Failure {
                    maybe_processed: !matches!(failure, TransportFailure::NotSent(_)),
                    error: self.transport_error(url, &failure, timeout),
                })
            }
        }
    }

    /// Sends one request with a valid token; on a 401, renews the token and replays once.
    /// Returns the answer for 2xx and the 4xx the caller interprets; turns the gateway's
    /// 3xx/401/403/429/5xx and transport failures into errors.
    fn exchange(
        &self,
        method: Method,
        url: &str,
        body: Option<(&[u8], &str)>,
        attempt: &mut u32,
        limits: Limits,
    ) -> Result<HttpAnswer, Failure> {
        let mut replayed = false;
        loop {
            let token = self.token(attempt, limits).map_err(Failure::refused)?;
            *attempt += 1;
            let answer = self.send(
                Outgoing {
                    method: method.clone(),
                    url,
                    headers: self.api_headers(&token, body.is_some()),
                    body: body.map(|(bytes, _)| bytes.to_vec()),
                    audit_body: body.map(|(_, audit)| audit.to_string()).unwrap_or_default(),
                    attempt: *attempt,
                    timeout: Duration::ZERO,
                    max_body: limits.max_body,
                },
                limits,
            )?;
            match answer.status {
                401 if !replayed => {
                    // An expired or revoked token looks the same as a bad technical account:
                    // a fresh token tells them apart.
                    replayed = true;
                    self.tokens.invalidate();
                }
                401 => {
                    return Err(Failure::refused(ChorusError::BadTechnicalAccount {
                        www_authenticate: answer
                            .www_authenticate
                            .clone()
                            .unwrap_or_else(|| "(pas d'en-tête WWW-Authenticate)".into()),
                    }));
                }
                403 | 429 => return Err(Failure::refused(self.gateway_error(url, &answer))),
                500..=599 => {
                    return Err(Failure {
                        error: self.gateway_error(url, &answer),
                        maybe_processed: true,
                    });
                }
                _ => return Ok(answer),
            }
        }
    }

    /// 403, 429, 5xx and the statuses nobody documents.
    fn gateway_error(&self, url: &str, answer: &HttpAnswer) -> ChorusError {
        match answer.status {
            403 => ChorusError::ApiNotSubscribed {
                route: url.to_string(),
            },
            429 => ChorusError::QuotaExceeded {
                retry_after: answer
                    .retry_after
                    .as_deref()
                    .and_then(|v| parse_retry_after(v, std::time::SystemTime::now())),
            },
            status @ 500..=599 => ChorusError::Unavailable {
                status: Some(status),
                detail: format!("HTTP {status} sur {url}"),
            },
            status => ChorusError::HttpStatus {
                status,
                route: url.to_string(),
                excerpt: excerpt(&answer.body),
            },
        }
    }

    fn transport_error(
        &self,
        url: &str,
        failure: &TransportFailure,
        timeout: Duration,
    ) -> ChorusError {
        match failure {
            TransportFailure::Timeout => ChorusError::Timeout {
                route: url.to_string(),
                after: timeout,
            },
            TransportFailure::TooLarge { limit } => ChorusError::AnswerTooLarge {
                route: url.to_string(),
                limit: *limit,
            },
            other => ChorusError::Unavailable {
                status: None,
                detail: format!("{} ({url})", describe(other)),
            },
        }
    }

    /// HTTP 200 and `codeRetour` 0, then the typed answer; anything else an error.
    fn decode<T: DeserializeOwned>(url: &str, answer: &HttpAnswer) -> Result<T, Failure> {
        decode_answer(url, answer.status, &answer.body).map_err(|(error, maybe_processed)| {
            Failure {
                error,
                maybe_processed,
            }
        })
    }

    // ---- calls ---------------------------------------------------------------------------

    /// The limits of a call starting now.
    fn limits(&self, kind: CallKind) -> Limits {
        Limits {
            deadline: Instant::now() + self.options.call_budget,
            max_body: if kind == CallKind::FileDownload {
                self.options.max_file_answer_bytes
            } else {
                self.options.max_answer_bytes
            },
        }
    }

    /// Waits `delay` before another attempt if the call's budget allows it.
    fn wait_for_retry(&self, delay: Option<Duration>, limits: Limits) -> bool {
        match delay {
            Some(delay) if Instant::now() + delay < limits.deadline => {
                std::thread::sleep(delay);
                true
            }
            _ => false,
        }
    }

    fn one_post<Resp: DeserializeOwned>(
        &self,
        url: &str,
        body: &[u8],
        audit: &str,
        attempt: &mut u32,
        limits: Limits,
    ) -> Result<Resp, Failure> {
        let answer = self.exchange(Method::POST, url, Some((body, audit)), attempt, limits)?;
        Self::decode(url, &answer)
    }

    /// POST `{api_base}/cpro/{api}/v1/{operation}` with a JSON body: a read (retried) or
    /// an action (sent once). Deposits go through [`ChorusClient::post_deposit`].
    pub(crate) fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        api: &str,
        operation: &str,
        request: &Req,
        kind: CallKind,
    ) -> Result<Resp, ChorusError> {
        let url = self.environment.route(api, operation);
        let body = serde_json::to_vec(request).map_err(|e| ChorusError::Configuration {
            detail: format!("requête impossible à écrire : {e}"),
        })?;
        let audit = redact_body(&body);
        let limits = self.limits(kind);
        let mut attempt = 0;
        let mut failed = 0;
        loop {
            match self.one_post::<Resp>(&url, &body, &audit, &mut attempt, limits) {
                Ok(answer) => return Ok(answer),
                Err(failure) => {
                    failed += 1;
                    if kind == CallKind::Action {
                        return Err(failure.error);
                    }
                    let delay = self.options.retry.delay_after(failed, &failure.error);
                    if !self.wait_for_retry(delay, limits) {
                        return Err(failure.error);
                    }
                }
            }
        }
    }

    /// A deposit: sent once, never retried, its answer read by `classify` (which says
    /// whether Chorus Pro recorded it, refused it for sure, or may have recorded it). A
    /// failure before any answer is "not received" when the request never left (or the
    /// gateway stopped it: 401 after a fresh token, 403, 429), else "outcome unknown".
    pub(crate) fn post_deposit<Req: Serialize, Resp>(
        &self,
        api: &str,
        operation: &str,
        request: &Req,
        classify: impl FnOnce(&str, u16, &[u8]) -> Result<Resp, ChorusError>,
    ) -> Result<Resp, ChorusError> {
        let url = self.environment.route(api, operation);
        let body = serde_json::to_vec(request).map_err(|e| ChorusError::DepositNotReceived {
            cause: Box::new(ChorusError::Configuration {
                detail: format!("requête impossible à écrire : {e}"),
            }),
        })?;
        let audit = redact_body(&body);
        let mut attempt = 0;
        let limits = self.limits(CallKind::Action);
        match self.exchange(
            Method::POST,
            &url,
            Some((&body, &audit)),
            &mut attempt,
            limits,
        ) {
            Ok(answer) => classify(&url, answer.status, &answer.body),
            Err(failure) if failure.maybe_processed => Err(ChorusError::DepositOutcomeUnknown {
                cause: Box::new(failure.error),
            }),
            Err(failure) => Err(ChorusError::DepositNotReceived {
                cause: Box::new(failure.error),
            }),
        }
    }

    /// GET without a body (the health check), read as JSON, retried like a read.
    pub(crate) fn get_json(
        &self,
        api: &str,
        operation: &str,
    ) -> Result<serde_json::Value, ChorusError> {
        let url = self.environment.route(api, operation);
        let limits = self.limits(CallKind::Read);
        let mut attempt = 0;
        let mut failed = 0;
        loop {
            let result = self
                .exchange(Method::GET, &url, None, &mut attempt, limits)
                .and_then(|answer| {
                    if answer.status != 200 {
                        return Err(Failure::refused(ChorusError::HttpStatus {
                            status: answer.status,
                            route: url.clone(),
                            excerpt: excerpt(&answer.body),
                        }));
                    }
                    serde_json::from_slice(&answer.body).map_err(|e| {
                        Failure::refused(ChorusError::MalformedAnswer {
                            route: url.clone(),
                            detail: format!("réponse non JSON ({})", json_error_fr(&e)),
                        })
                    })
                });
            match result {
                Ok(value) => return Ok(value),
                Err(failure) => {
                    failed += 1;
                    let delay = self.options.retry.delay_after(failed, &failure.error);
                    if !self.wait_for_retry(delay, limits) {
                        return Err(failure.error);
                    }
                }
            }
        }
    }
}

/// When a call must be over and how long its answers may be.
#[derive(Debug, Clone, Copy)]
struct Limits {
    deadline: Instant,
    max_body: usize,
}

/// The token endpoint's answer read: the token and its lifetime, or the French error of a
/// refusal (a 3xx never gets here: it is an error already). Any bytes give one or the
/// other, never a panic (property-tested).
pub fn read_token_answer(
    url: &str,
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<(Secret, Duration), ChorusError> {
    match status {
        200 => {
            let parsed: TokenAnswer =
                serde_json::from_slice(body).map_err(|e| ChorusError::MalformedAnswer {
                    route: url.to_string(),
                    detail: format!("jeton illisible ({})", json_error_fr(&e)),
                })?;
            if parsed.access_token.trim().is_empty() {
                return Err(ChorusError::MalformedAnswer {
                    route: url.to_string(),
                    detail: "jeton vide".into(),
                });
            }
            Ok((Secret::new(parsed.access_token.trim()), parsed.lifetime()))
        }
        400 | 401 => {
            let parsed: TokenErrorAnswer = serde_json::from_slice(body).unwrap_or_default();
            let error = parsed.error.unwrap_or_default();
            let description = parsed.error_description.unwrap_or_default();
            if error == "invalid_client" || (status == 401 && error.is_empty()) {
                Err(ChorusError::InvalidClientCredentials {
                    detail: if description.is_empty() {
                        format!("HTTP {} {error}", status)
                    } else {
                        description
                    },
                })
            } else {
                Err(ChorusError::TokenRefused {
                    error: if error.is_empty() {
                        format!("HTTP {}", status)
                    } else {
                        error
                    },
                    description: if description.is_empty() {
                        excerpt(body)
                    } else {
                        description
                    },
                })
            }
        }
        403 => Err(ChorusError::ApiNotSubscribed {
            route: url.to_string(),
        }),
        429 => Err(ChorusError::QuotaExceeded {
            retry_after: retry_after
                .and_then(|v| parse_retry_after(v, std::time::SystemTime::now())),
        }),
        status @ 500..=599 => Err(ChorusError::Unavailable {
            status: Some(status),
            detail: format!("HTTP {status} sur {url}"),
        }),
        status => Err(ChorusError::HttpStatus {
            status,
            route: url.to_string(),
            excerpt: excerpt(body),
        }),
    }
}

/// A Chorus Pro answer to a read or an action: HTTP 200 and `codeRetour` 0, then the typed
/// answer; anything else an error, with whether Chorus Pro may have acted on the request.
/// Any bytes give one or the other, never a panic (property-tested).
pub fn decode_answer<T: DeserializeOwned>(
    url: &str,
    status: u16,
    body: &[u8],
) -> Result<T, (ChorusError, bool)> {
    let malformed = |detail: String| ChorusError::MalformedAnswer {
        route: url.to_string(),
        detail,
    };
    let code: Option<ReturnCode> = serde_json::from_slice(body).ok();
    if let Some(ReturnCode {
        code_retour: Some(code_retour),
        libelle,
    }) = &code
        && *code_retour != 0
    {
        // Chorus Pro read the request and refused it (on 200 or 4xx alike).
        return Err((
            ChorusError::Rejected {
                code_retour: *code_retour,
                libelle: libelle.clone().unwrap_or_default(),
                http_status: status,
            },
            false,
        ));
    }
    if status != 200 {
        return Err((
            ChorusError::HttpStatus {
                status,
                route: url.to_string(),
                excerpt: excerpt(body),
            },
            false,
        ));
    }
    // From here Chorus Pro said 200: if we cannot read it, it may still have acted.
    match code {
        None => Err((
            malformed(format!("réponse non JSON : {}", excerpt(body))),
            true,
        )),
        Some(ReturnCode {
            code_retour: None, ..
        }) => Err((malformed("codeRetour absent".into()), true)),
        Some(_) => serde_json::from_slice(body).map_err(|e| {
            (
                malformed(format!("champ illisible : {}", json_error_fr(&e))),
                true,
            )
        }),
    }
}

/// A JSON reading error in French, with its line and column: serde's own text is English.
pub fn json_error_fr(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = error.to_string();
    let place = format!("ligne {}, colonne {}", error.line(), error.column());
    let quoted = |from: &str| -> Option<String> {
        let start = text.find(from)? + from.len();
        let rest = &text[start..];
        let end = rest.find('`')?;
        Some(rest[..end].to_string())
    };
    let what = match error.classify() {
        Category::Eof => "JSON tronqué".to_string(),
        Category::Syntax => "JSON mal formé".to_string(),
        Category::Io => "lecture interrompue".to_string(),
        Category::Data => {
            if let Some(field) = quoted("missing field `") {
                format!("champ « {field} » absent")
            } else if text.starts_with("invalid type") {
                "valeur d'un type inattendu".to_string()
            } else if text.starts_with("invalid value") || text.contains("out of range") {
                "valeur hors des limites attendues".to_string()
            } else if let Some(field) = quoted("duplicate field `") {
                format!("champ « {field} » en double")
            } else if text.starts_with("invalid length") {
                "liste de longueur inattendue".to_string()
            } else {
                // The lenient readers' own messages are French already.
                let own = text.split(" at line ").next().unwrap_or_default();
                if own.is_empty() {
                    "valeur illisible".to_string()
                } else {
                    own.to_string()
                }
            }
        }
    };
    format!("{what}, {place}")
}

/// The start of a body, for an error message (never a secret: answers carry none but the
/// token, which is not read through here).
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(réponse vide)".to_string();
    }
    let mut cut = text.len().min(300);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    if cut < text.len() {
        format!("{}…", &text[..cut])
    } else {
        text.to_string()
    }
}
