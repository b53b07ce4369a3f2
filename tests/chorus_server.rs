//! A scripted HTTP/1.1 server on loopback for the Chorus client's tests: each path answers
//! its pre-set replies in order, and every request is recorded.
//! Included by `chorus_http.rs` and `chorus_swagger.rs` with `#[path]`; built alone, it is an
//! empty test crate (it lives at the top of tests/ to keep the Chorus tests in `chorus_*`).

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the server does with the next request to a path.
#[derive(Debug, Clone)]
pub enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read the request, then close the connection without a word.
    Drop,
    /// Wait, then do the inner reply (past the client's timeout: it has gone by then).
    Delay(Duration, Box<Reply>),
    /// Wait until the test opens the gate, then do the inner reply: to interleave two
    /// sessions deterministically.
    Gated(Gate, Box<Reply>),
    /// Write these bytes as they are (a status line nobody documents…), then close.
    Raw(String),
}

/// A gate a reply waits on until the test opens it.
#[derive(Debug, Clone, Default)]
pub struct Gate(Arc<(Mutex<bool>, std::sync::Condvar)>);

impl Gate {
    pub fn open(&self) {
        let (open, wake) = &*self.0;
        *open.lock().unwrap() = true;
        wake.notify_all();
    }

    fn wait(&self) {
        let (open, wake) = &*self.0;
        let mut is_open = open.lock().unwrap();
        while !*is_open {
            is_open = wake.wait(is_open).unwrap();
        }
    }
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON request body")
    }
}

#[derive(Default)]
struct State {
    scripts: Mutex<HashMap<String, VecDeque<Reply>>>,
    requests: Mutex<Vec<Recorded>>,
}

pub struct ScriptedServer {
    port: u16,
    state: Arc<State>,
}

impl ScriptedServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        let shared = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                thread::spawn(move || serve(stream, &state));
            }
        });
        ScriptedServer { port, state }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn token_url(&self) -> String {
        format!("{}/api/oauth/token", self.url())
    }

    /// Queues a reply for `path`.
    pub fn on(&self, path: &str, reply: Reply) -> &Self {
        self.state
            .scripts
            .lock()
            .unwrap()
            .entry(path.to_string())
            .or_default()
            .push_back(reply);
        self
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }
}

pub fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.to_string(),
    }
}

pub fn json(status: u16, body: serde_json::Value) -> Reply {
    respond(
        status,
        &[("Content-Type", "application/json;charset=utf-8")],
        &body.to_string(),
    )
}

pub fn token(value: &str, expires_in: u64) -> Reply {
    json(
        200,
        serde_json::json!({
            "access_token": value, "token_type": "Bearer",
            "expires_in": expires_in, "scope": "openid"
        }),
    )
}

pub fn ok(fields: serde_json::Value) -> Reply {
    let mut body = serde_json::json!({"codeRetour": 0, "libelle": "TRA_MSG_00.000"});
    if let (Some(target), serde_json::Value::Object(extra)) = (body.as_object_mut(), fields) {
        target.extend(extra);
    }
    json(200, body)
}

fn serve(stream: TcpStream, state: &State) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        match reader.read_line(&mut request_line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default();
        let path = target.split('?').next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        state.requests.lock().unwrap().push(Recorded {
            method,
            path: path.clone(),
            headers,
            body,
        });
        let reply = state
            .scripts
            .lock()
            .unwrap()
            .get_mut(&path)
            .and_then(|queue| queue.pop_front())
            .unwrap_or_else(|| {
                json(
                    404,
                    serde_json::json!({"error": "script exhausted", "path": path}),
                )
            });
        if !answer(&mut writer, reply) {
            return;
        }
    }
}

/// Writes the reply; false when the connection must close.
fn answer(writer: &mut TcpStream, reply: Reply) -> bool {
    match reply {
        Reply::Drop => {
            let _ = writer.shutdown(std::net::Shutdown::Both);
            false
        }
        Reply::Delay(wait, inner) => {
            thread::sleep(wait);
            answer(writer, *inner)
        }
        Reply::Gated(gate, inner) => {
            gate.wait();
            answer(writer, *inner)
        }
        Reply::Raw(bytes) => {
            let _ = writer.write_all(bytes.as_bytes());
            let _ = writer.flush();
            let _ = writer.shutdown(std::net::Shutdown::Both);
            false
        }
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            writer.write_all(head.as_bytes()).is_ok()
                && writer.write_all(body.as_bytes()).is_ok()
                && writer.flush().is_ok()
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        303 => "See Other",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Content",
        502 => "Bad Gateway",
        401 => "Unauthorized",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
