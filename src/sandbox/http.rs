//! A small HTTP/1.1 server loop: parse requests (httparse), keep connections alive, write
//! answers. Written by hand rather than with a framework because the faults need raw
//! control of the socket (answer late, or drop the connection after the work is done).

use super::Shared;
use super::faults::{self, FaultKind};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Largest request accepted: a flux of 30 MB compressed, in base64, with room to spare.
const MAX_BODY: usize = 64 * 1024 * 1024;
const MAX_HEAD: usize = 64 * 1024;
/// An idle keep-alive connection is closed after this long.
const IDLE_LIMIT: Duration = Duration::from_secs(60);

pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

impl Response {
    pub fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: serde_json::to_vec(value).unwrap_or_default(),
            content_type: "application/json;charset=utf-8",
        }
    }

    /// An error answer in the Chorus shape: `codeRetour` non-zero and a French `libelle`.
    pub fn error(status: u16, code: i64, libelle: &str) -> Response {
        Response::json(status, &json!({ "codeRetour": code, "libelle": libelle }))
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// What the router decided: answer, or close the socket without a word.
pub enum Outcome {
    Respond(Response),
    Drop,
}

pub fn serve_connection(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(250)));
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buffer, shared) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(response) => {
                let _ = write_response(&mut stream, &response, false);
                return;
            }
        };
        let keep_alive = wants_keep_alive(&request);
        let outcome = answer(shared, &request);
        if !shared.config.latency.is_zero() {
            std::thread::sleep(shared.config.latency);
        }
        match &outcome {
            Outcome::Respond(r) => tracing::debug!(
                "bac à sable : {} {} → {}",
                request.method,
                request.path,
                r.status
            ),
            Outcome::Drop => {
                tracing::debug!("bac à sable : {} {} → coupé", request.method, request.path)
            }
        }
        match outcome {
            Outcome::Respond(response) => {
                if write_response(&mut stream, &response, keep_alive).is_err() || !keep_alive {
                    return;
                }
            }
            Outcome::Drop => {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                return;
            }
        }
    }
}

/// Faults first (only on the Chorus API, not on the token endpoint or the test routes),
/// then the router.
fn answer(shared: &Shared, request: &Request) -> Outcome {
    // A bug in a handler costs one 500 answer, not the connection thread.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        faulted_answer(shared, request)
    }))
    .unwrap_or_else(|_| {
        Outcome::Respond(Response::error(
            500,
            500,
            "Erreur interne du bac à sable (voir son journal)",
        ))
    })
}

fn faulted_answer(shared: &Shared, request: &Request) -> Outcome {
    let faultable = request.path.starts_with("/cpro/") && !request.path.ends_with("/health-check");
    if !faultable {
        return super::routes::route(shared, request);
    }
    let counter = shared.request_counter.fetch_add(1, Ordering::SeqCst);
    match faults::draw(&shared.config, counter) {
        None => super::routes::route(shared, request),
        Some(FaultKind::Http500) => Outcome::Respond(Response::error(
            500,
            500,
            "Erreur interne du serveur Chorus Pro (incident simulé)",
        )),
        Some(FaultKind::Http503) => Outcome::Respond(Response::error(
            503,
            503,
            "Service Chorus Pro momentanément indisponible (incident simulé)",
        )),
        Some(FaultKind::Http429) => Outcome::Respond(
            Response::error(429, 429, "Quota d'appels dépassé, réessayez plus tard")
                .with_header("Retry-After", "1"),
        ),
        Some(FaultKind::Timeout) => {
            sleep_unless_stopping(shared, shared.config.timeout_fault_delay);
            super::routes::route(shared, request)
        }
        Some(FaultKind::DropAfterRecord) => {
            // The work is done (a deposit is recorded), the client never hears of it.
            let _ = super::routes::route(shared, request);
            Outcome::Drop
        }
    }
}

fn sleep_unless_stopping(shared: &Shared, total: Duration) {
    let end = Instant::now() + total;
    while Instant::now() < end && !shared.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(
            Duration::from_millis(50).min(end.saturating_duration_since(Instant::now())),
        );
    }
}

fn wants_keep_alive(request: &Request) -> bool {
    match request.header("connection") {
        Some(v) if v.to_ascii_lowercase().contains("close") => false,
        Some(v) if v.to_ascii_lowercase().contains("keep-alive") => true,
        // HTTP/1.1 keeps the connection by default (HTTP/1.0 got `connection: close` above).
        _ => true,
    }
}

/// Reads one request. `Ok(None)`: the peer closed or went idle; `Err`: an answer to send
/// before closing (malformed request).
fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    shared: &Shared,
) -> Result<Option<Request>, Response> {
    let started = Instant::now();
    let mut chunk = [0u8; 16 * 1024];
    let (head_len, mut request, content_length, chunked) = loop {
        if !buffer.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut parsed = httparse::Request::new(&mut headers);
            match parsed.parse(buffer) {
                Ok(httparse::Status::Complete(len)) => {
                    let mut list = Vec::new();
                    for h in parsed.headers.iter() {
                        list.push((
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).trim().to_string(),
                        ));
                    }
                    if parsed.version == Some(0) && !list.iter().any(|(n, _)| n == "connection") {
                        list.push(("connection".into(), "close".into()));
                    }
                    let path = parsed.path.unwrap_or("/");
                    let path = path.split('?').next().unwrap_or("/").to_string();
                    let request = Request {
                        method: parsed.method.unwrap_or("").to_string(),
                        path,
                        headers: list,
                        body: Vec::new(),
                    };
                    let chunked = request
                        .header("transfer-encoding")
                        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
                    let length = match request.header("content-length") {
                        Some(v) => v.parse::<usize>().map_err(|_| {
                            Response::error(400, 400, "En-tête Content-Length invalide")
                        })?,
                        None => 0,
                    };
                    if length > MAX_BODY {
                        return Err(Response::error(413, 413, "Requête trop volumineuse"));
                    }
                    break (len, request, length, chunked);
                }
                Ok(httparse::Status::Partial) => {
                    if buffer.len() > MAX_HEAD {
                        return Err(Response::error(431, 431, "En-têtes trop volumineux"));
                    }
                }
                Err(_) => return Err(Response::error(400, 400, "Requête HTTP mal formée")),
            }
        }
        match fill(stream, buffer, &mut chunk, shared, started)? {
            true => {}
            false => return Ok(None),
        }
    };
    buffer.drain(..head_len);
    // curl-based clients (PHP, .NET) announce large bodies and wait for this before sending.
    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
        && buffer.is_empty()
    {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    if chunked {
        loop {
            if let Some((body, used)) = decode_chunked(buffer)? {
                buffer.drain(..used);
                request.body = body;
                break;
            }
            if buffer.len() > MAX_BODY * 2 {
                return Err(Response::error(413, 413, "Requête trop volumineuse"));
            }
            if !fill(stream, buffer, &mut chunk, shared, Instant::now())? {
                return Ok(None);
            }
        }
    } else {
        while buffer.len() < content_length {
            if !fill(stream, buffer, &mut chunk, shared, Instant::now())? {
                return Ok(None);
            }
        }
        request.body = buffer.drain(..content_length).collect();
    }
    Ok(Some(request))
}

/// One read into the buffer. `Ok(false)`: connection closed, idle for too long, or the
/// server is stopping.
fn fill(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    chunk: &mut [u8],
    shared: &Shared,
    since: Instant,
) -> Result<bool, Response> {
    loop {
        if shared.stopping.load(Ordering::SeqCst) {
            return Ok(false);
        }
        match stream.read(chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                buffer.extend_from_slice(&chunk[..n]);
                return Ok(true);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                if since.elapsed() > IDLE_LIMIT {
                    return Ok(false);
                }
            }
            Err(_) => return Ok(false),
        }
    }
}

/// A complete chunked body: (body, bytes used), or `None` when more input is needed.
fn decode_chunked(input: &[u8]) -> Result<Option<(Vec<u8>, usize)>, Response> {
    let bad = || Response::error(400, 400, "Corps « chunked » mal formé");
    let mut pos = 0;
    let mut body = Vec::new();
    loop {
        let Some(line_end) = find_crlf(&input[pos..]) else {
            return Ok(None);
        };
        let line = std::str::from_utf8(&input[pos..pos + line_end]).map_err(|_| bad())?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad())?;
        pos += line_end + 2;
        if size == 0 {
            // Trailers end with an empty line.
            loop {
                let Some(end) = find_crlf(&input[pos..]) else {
                    return Ok(None);
                };
                pos += end + 2;
                if end == 0 {
                    return Ok(Some((body, pos)));
                }
            }
        }
        if size > MAX_BODY || body.len() + size > MAX_BODY {
            return Err(Response::error(413, 413, "Requête trop volumineuse"));
        }
        if input.len() < pos + size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&input[pos..pos + size]);
        pos += size + 2;
    }
}

fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\r\n")
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    for (name, value) in &response.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_decoded() {
        let input = b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\nNEXT";
        let (body, used) = decode_chunked(input).ok().flatten().unwrap();
        assert_eq!(body, b"Wikipedia");
        assert_eq!(&input[used..], b"NEXT");
        assert!(decode_chunked(b"4\r\nWi").ok().flatten().is_none());
        assert!(decode_chunked(b"zz\r\n").is_err());
    }
}
