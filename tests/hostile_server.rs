//! The `deposit` and `sync` commands against a hostile HTTP server on loopback: garbage
//! JSON, 200 without `codeRetour`, huge bodies (announced or endless), a body trickled
//! byte by byte, a server that accepts and never answers, redirects to a second server,
//! 202, an HTML error page, a truncated body, a dropped connection.
//!
//! Each run is the real binary on a real SQLite file, with short timeouts through the
//! environment. Whatever the server does: no panic, a French message, no invoice recorded
//! « déposée » on a doubtful answer, the second server receives nothing (not even a
//! connection), the technical password and the PISTE secret appear neither in the output
//! nor in `api_exchanges`, and the audit keeps a few KB of each body at most.

mod common;

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use chorus_depot::store::Store;

const TOKEN_PATH: &str = "/api/oauth/token";
const DEPOSIT: &str = "/cpro/factures/v1/deposer/flux";
const FLUX_REPORT: &str = "/cpro/transverses/v1/consulterCRDetaille";
const SEARCH_INVOICES: &str = "/cpro/factures/v1/rechercher/fournisseur";

const CLIENT_SECRET: &str = "CS-hostile-7f3a9e";
const LOGIN: &str = "TECH_hostile@cpro.fr";
const PASSWORD: &str = "PW-hostile-c41e77";

/// A body over the client's 20 MB limit.
const HUGE: usize = 25 * 1024 * 1024;

// ---- the hostile server -------------------------------------------------------------------

/// What the server does with a request.
#[derive(Debug, Clone)]
enum Act {
    /// A status and a body, `Content-Length` right.
    Respond(u16, &'static str, String),
    /// A 3xx to this address.
    Redirect(u16, String),
    /// 25 MB of JSON-looking bytes: announced by `Content-Length`, or sent without one
    /// until the client hangs up (an endless body).
    Huge { announced: bool },
    /// The body, one byte at a time, `every` apart (`Content-Length` right).
    Trickle(String, Duration),
    /// Reads the request, answers nothing, keeps the connection open.
    Hang,
    /// Announces `declared` bytes, sends `sent`, closes.
    Truncated { declared: usize, sent: String },
    /// Reads the request, closes without a word.
    Drop,
}

fn json(status: u16, body: &str) -> Act {
    Act::Respond(status, "application/json;charset=utf-8", body.to_string())
}

fn token() -> Act {
    json(
        200,
        r#"{"access_token":"tok-hostile","token_type":"Bearer","expires_in":3600,"scope":"openid"}"#,
    )
}

#[derive(Default)]
struct Routes {
    /// Replies per path, in order; the last one is repeated.
    acts: HashMap<String, VecDeque<Act>>,
    /// The path of every request, in order.
    seen: Vec<String>,
}

struct Hostile {
    port: u16,
    routes: Arc<Mutex<Routes>>,
}

impl Hostile {
    fn start() -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes = Arc::new(Mutex::new(Routes::default()));
        let shared = routes.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let routes = shared.clone();
                thread::spawn(move || serve(stream, &routes));
            }
        });
        let server = Hostile { port, routes };
        server.set(TOKEN_PATH, vec![token()]);
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn set(&self, path: &str, acts: Vec<Act>) {
        self.routes
            .lock()
            .unwrap()
            .acts
            .insert(path.to_string(), acts.into());
    }

    fn hits(&self, path: &str) -> usize {
        let routes = self.routes.lock().unwrap();
        routes.seen.iter().filter(|p| *p == path).count()
    }
}

fn serve(stream: TcpStream, routes: &Mutex<Routes>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace().skip(1);
        let path = parts
            .next()
            .unwrap_or_default()
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let act = {
            let mut routes = routes.lock().unwrap();
            routes.seen.push(path.clone());
            match routes.acts.get_mut(&path) {
                Some(queue) if queue.len() > 1 => queue.pop_front(),
                Some(queue) => queue.front().cloned(),
                None => None,
            }
        }
        .unwrap_or_else(|| json(404, r#"{"error":"route inconnue"}"#));
        if !act_on(&mut writer, &mut reader, act) {
            return;
        }
    }
}

/// Writes the reply; false when the connection is over.
fn act_on(w: &mut TcpStream, r: &mut BufReader<TcpStream>, act: Act) -> bool {
    let head = |status: u16, extra: &str, length: Option<usize>| {
        let mut h = format!("HTTP/1.1 {status} Status\r\n{extra}");
        if let Some(l) = length {
            h.push_str(&format!("Content-Length: {l}\r\n"));
        } else {
            h.push_str("Connection: close\r\n");
        }
        h.push_str("\r\n");
        h
    };
    match act {
        Act::Respond(status, content_type, body) => {
            let h = head(
                status,
                &format!("Content-Type: {content_type}\r\n"),
                Some(body.len()),
            );
            w.write_all(h.as_bytes()).is_ok() && w.write_all(body.as_bytes()).is_ok()
        }
        Act::Redirect(status, location) => {
            let h = head(status, &format!("Location: {location}\r\n"), Some(0));
            w.write_all(h.as_bytes()).is_ok()
        }
        Act::Huge { announced } => {
            let h = head(
                200,
                "Content-Type: application/json\r\n",
                announced.then_some(HUGE),
            );
            if w.write_all(h.as_bytes()).is_err()
                || w.write_all(br#"{"codeRetour":0,"x":""#).is_err()
            {
                return false;
            }
            // Until the client hangs up; 4 times the limit at most, so that a client
            // that reads it all fails its test instead of hanging.
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..(4 * HUGE / chunk.len()) {
                if w.write_all(&chunk).is_err() {
                    return false;
                }
            }
            false
        }
        Act::Trickle(body, every) => {
            let h = head(200, "Content-Type: application/json\r\n", Some(body.len()));
            if w.write_all(h.as_bytes()).is_err() {
                return false;
            }
            for byte in body.bytes() {
                thread::sleep(every);
                if w.write_all(&[byte]).and_then(|_| w.flush()).is_err() {
                    return false;
                }
            }
            true
        }
        Act::Hang => {
            // Until the client gives up and closes.
            let mut sink = [0u8; 1024];
            while matches!(r.read(&mut sink), Ok(n) if n > 0) {}
            false
        }
        Act::Truncated { declared, sent } => {
            let h = head(200, "Content-Type: application/json\r\n", Some(declared));
            let _ = w.write_all(h.as_bytes());
            let _ = w.write_all(sent.as_bytes());
            let _ = w.shutdown(std::net::Shutdown::Both);
            false
        }
        Act::Drop => {
            let _ = w.shutdown(std::net::Shutdown::Both);
            false
        }
    }
}

/// The second server, where redirects point: counts the connections it receives.
struct Elsewhere {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Elsewhere {
    fn start() -> Elsewhere {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                count.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut s) = stream {
                    // Believable enough to be dangerous if anyone listened to it.
                    let body =
                        r#"{"codeRetour":0,"numeroFluxDepot":"CPP-ELSEWHERE","access_token":"t"}"#;
                    let _ = write!(
                        s,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                }
            }
        });
        Elsewhere { port, connections }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

// ---- the bases ----------------------------------------------------------------------------

/// A demo base whose first 3 conformant invoices were deposited (one flux each) against a
/// well-behaved script; made once, copied by each test. Gives the base and the conformant
/// invoices not deposited yet.
fn template() -> &'static (PathBuf, Vec<String>, Vec<String>) {
    static TEMPLATE: OnceLock<(PathBuf, Vec<String>, Vec<String>)> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("hostile-template-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("base.sqlite");
        chorus_depot::demo::write_demo(
            &db,
            &chorus_depot::demo::DemoOptions {
                invoices: 30,
                seed: 7,
            },
            &chorus_depot::progress::Silent,
        )
        .unwrap();
        let mut store = Store::open(&db).unwrap();
        let conformant: Vec<String> =
            chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent)
                .unwrap()
                .checks
                .iter()
                .filter(|c| c.is_conformant())
                .map(|c| c.invoice.number.clone())
                .collect();
        drop(store);
        assert!(conformant.len() >= 6, "{conformant:?}");
        let (deposited, fresh) = conformant.split_at(3);
        let server = Hostile::start();
        server.set(
            DEPOSIT,
            (1..=3)
                .map(|k| {
                    json(
                        200,
                        &format!(
                            r#"{{"codeRetour":0,"libelle":"TRA_MSG_00.000","numeroFluxDepot":"CPP-H-{k}"}}"#
                        ),
                    )
                })
                .collect(),
        );
        let run = depot(
            &db,
            &server,
            &[
                "deposit",
                "--mode",
                "sequential",
                "--wait-ms",
                "0",
                "--invoices",
                &deposited.join(","),
            ],
        );
        assert!(run.ok, "{}", run.text);
        for n in deposited {
            assert_eq!(journal_state(&db, n), "DEPOSEE", "{}", run.text);
        }
        (db, deposited.to_vec(), fresh.to_vec())
    })
}

/// A copy of the template base (its files beside it too) in a fresh directory.
fn copy_of_template() -> (tempfile::TempDir, PathBuf) {
    let (db, ..) = template();
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(db.parent().unwrap(), dir.path());
    let copy = dir.path().join(db.file_name().unwrap());
    (dir, copy)
}

fn journal_state(db: &Path, number: &str) -> String {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row(
            "SELECT state FROM deposit_journal WHERE invoice_number = ?1 ORDER BY id DESC LIMIT 1",
            [number],
            |r| r.get(0),
        )
        .unwrap_or_else(|_| "AUCUN".into())
}

/// Every row of `api_exchanges`, all columns, and the longest response kept.
fn audit(db: &Path) -> (String, usize) {
    let store = Store::open(db).unwrap();
    let mut stmt = store
        .conn()
        .prepare("SELECT route, request_json, response_json, error FROM api_exchanges")
        .unwrap();
    let rows: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let longest = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    let text = rows
        .iter()
        .map(|r| format!("{} {} {} {}", r.0, r.1, r.2, r.3))
        .collect::<Vec<_>>()
        .join("\n");
    (text, longest)
}

// ---- the binary -----------------------------------------------------------------------------

struct Run {
    ok: bool,
    /// stdout then stderr.
    text: String,
    took: Duration,
}

/// `chorus-depot ARGS --db DB` against `server`, with short timeouts: 1 s an attempt,
/// 1.5 s a call, 2 s of silence for the run.
fn depot(db: &Path, server: &Hostile, args: &[&str]) -> Run {
    depot_at(
        db,
        &server.url(),
        &format!("{}{TOKEN_PATH}", server.url()),
        args,
    )
}

fn depot_at(db: &Path, api: &str, token_url: &str, args: &[&str]) -> Run {
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env("CHORUS_DEPOT_API_URL", api)
        .env("CHORUS_DEPOT_TOKEN_URL", token_url)
        .env("CHORUS_DEPOT_CLIENT_ID", "depot-app")
        .env("CHORUS_DEPOT_CLIENT_SECRET", CLIENT_SECRET)
        .env("CHORUS_DEPOT_LOGIN", LOGIN)
        .env("CHORUS_DEPOT_PASSWORD", PASSWORD)
        .env("CHORUS_DEPOT_NO_KEYRING", "1")
        .env("CHORUS_DEPOT_HTTP_TIMEOUT_MS", "1000")
        .env("CHORUS_DEPOT_CALL_BUDGET_MS", "1500")
        .env("CHORUS_DEPOT_SILENCE_MS", "2000")
        .env("CHORUS_DEPOT_LOG", "error")
        .output()
        .unwrap();
    Run {
        ok: out.status.success(),
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        took: started.elapsed(),
    }
}

/// What every hostile run must respect, whatever the scenario.
fn assert_clean(what: &str, db: &Path, run: &Run) {
    assert!(
        !run.text.contains("panicked") && !run.text.contains("RUST_BACKTRACE"),
        "{what}: panic\n{}",
        run.text
    );
    let cpro_account =
        base64::engine::general_purpose::STANDARD.encode(format!("{LOGIN}:{PASSWORD}"));
    let (audit, longest) = audit(db);
    for secret in [
        CLIENT_SECRET,
        PASSWORD,
        cpro_account.as_str(),
        "tok-hostile",
    ] {
        assert!(!run.text.contains(secret), "{what}: {secret} in the output");
        assert!(!audit.contains(secret), "{what}: {secret} in api_exchanges");
    }
    assert!(
        longest <= 4096 + 64,
        "{what}: a body of {longest} bytes kept in api_exchanges"
    );
    assert!(
        !run.text.contains("CPP-ELSEWHERE"),
        "{what}: the redirect target was believed\n{}",
        run.text
    );
}

// ---- deposits ---------------------------------------------------------------------------------

/// One hostile answer to `deposer/flux` per scenario: the invoice is never « déposée »,
/// the output says why in French.
#[test]
fn a_hostile_answer_to_a_deposit_never_records_it_deposited() {
    let elsewhere = Elsewhere::start();
    let (_, _, fresh) = template();
    let scenarios: Vec<(&str, Act, &str, &str)> = vec![
        (
            "JSON illisible",
            json(200, r#"{"codeRetour": 0, "numeroFluxDepot": "#),
            "A_VERIFIER",
            "sans codeRetour lisible",
        ),
        (
            "200 sans codeRetour",
            json(200, r#"{"numeroFluxDepot":"CPP-EVIL"}"#),
            "A_VERIFIER",
            "sans codeRetour lisible",
        ),
        (
            "202 avec numéro",
            json(202, r#"{"codeRetour":0,"numeroFluxDepot":"CPP-EVIL"}"#),
            "A_VERIFIER",
            "HTTP 202 au lieu de 200",
        ),
        (
            "page d'erreur HTML 502",
            Act::Respond(
                502,
                "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>".into(),
            ),
            "A_VERIFIER",
            "Chorus Pro est indisponible",
        ),
        (
            "page HTML en 200",
            Act::Respond(200, "text/html", "<html>maintenance</html>".into()),
            "A_VERIFIER",
            "Résultat du dépôt inconnu",
        ),
        (
            "corps tronqué",
            Act::Truncated {
                declared: 200,
                sent: r#"{"codeRetour":0,"numeroFl"#.into(),
            },
            "A_VERIFIER",
            "connexion interrompue",
        ),
        (
            "connexion coupée",
            Act::Drop,
            "A_VERIFIER",
            "Résultat du dépôt inconnu",
        ),
        (
            "réponse énorme annoncée",
            Act::Huge { announced: true },
            "A_VERIFIER",
            "trop volumineuse (plus de 20 Mo)",
        ),
        (
            "réponse énorme sans fin",
            Act::Huge { announced: false },
            "A_VERIFIER",
            "trop volumineuse (plus de 20 Mo)",
        ),
        (
            "réponse au compte-gouttes",
            Act::Trickle(
                r#"{"codeRetour":0,"numeroFluxDepot":"CPP-SLOW"}"#.into(),
                Duration::from_millis(150),
            ),
            "A_VERIFIER",
            "n'a pas répondu dans le délai",
        ),
        (
            "redirection 302",
            Act::Redirect(302, elsewhere.url(DEPOSIT)),
            "A_VERIFIER",
            "redirection (HTTP 302)",
        ),
        (
            "redirection 307",
            Act::Redirect(307, elsewhere.url(DEPOSIT)),
            "A_VERIFIER",
            "redirection (HTTP 307)",
        ),
    ];
    let invoice = &fresh[0];
    thread::scope(|scope| {
        for chunk in scenarios.chunks(scenarios.len().div_ceil(3)) {
            let elsewhere = &elsewhere;
            scope.spawn(move || {
                for (name, act, state, message) in chunk {
                    let (_dir, db) = copy_of_template();
                    let server = Hostile::start();
                    server.set(DEPOSIT, vec![act.clone()]);
                    let run = depot(
                        &db,
                        &server,
                        &["deposit", "--mode", "sequential", "--invoices", invoice],
                    );
                    assert_clean(name, &db, &run);
                    // « à vérifier » is no failure of the command (the journal keeps it);
                    // a refusal is.
                    assert_eq!(run.ok, *state == "A_VERIFIER", "{name}\n{}", run.text);
                    assert_eq!(journal_state(&db, invoice), *state, "{name}\n{}", run.text);
                    assert!(
                        run.text.contains(message),
                        "{name}: « {message} » expected\n{}",
                        run.text
                    );
                    assert!(!run.text.contains("déposée : flux"), "{name}\n{}", run.text);
                    assert_eq!(server.hits(DEPOSIT), 1, "{name}: sent once only");
                    assert!(run.took < Duration::from_secs(10), "{name}: {:?}", run.took);
                    if message.contains("redirection") {
                        assert!(
                            run.text.contains(&elsewhere.url(DEPOSIT)),
                            "{name}: the target is named\n{}",
                            run.text
                        );
                    }
                }
            });
        }
    });
    assert_eq!(
        elsewhere.connections(),
        0,
        "the redirect target was reached"
    );
}

/// A redirect on the token endpoint: the form with `client_secret` is not posted again
/// elsewhere, the deposit is not sent at all (« non reçue »: it may be sent later).
#[test]
fn a_redirected_token_endpoint_gets_nothing_sent_elsewhere() {
    let elsewhere = Elsewhere::start();
    let (_, deposited, fresh) = template();
    for status in [302, 307] {
        let (_dir, db) = copy_of_template();
        let server = Hostile::start();
        server.set(
            TOKEN_PATH,
            vec![Act::Redirect(status, elsewhere.url(TOKEN_PATH))],
        );
        let run = depot(
            &db,
            &server,
            &["deposit", "--mode", "sequential", "--invoices", &fresh[1]],
        );
        assert_clean("jeton redirigé", &db, &run);
        assert!(!run.ok);
        assert_eq!(server.hits(DEPOSIT), 0, "no token, no deposit");
        assert_eq!(journal_state(&db, &fresh[1]), "ECHEC", "{}", run.text);
        assert!(
            run.text.contains(&format!("redirection (HTTP {status})"))
                && run.text.contains(&elsewhere.url(TOKEN_PATH)),
            "{}",
            run.text
        );

        let run = depot(&db, &server, &["sync"]);
        assert_clean("jeton redirigé (sync)", &db, &run);
        assert!(!run.ok);
        assert!(
            run.text.contains(&format!("redirection (HTTP {status})")),
            "{}",
            run.text
        );
        assert_eq!(server.hits(FLUX_REPORT), 0);
        for n in deposited {
            assert_eq!(journal_state(&db, n), "DEPOSEE");
        }
    }
    assert_eq!(
        elsewhere.connections(),
        0,
        "the redirect target was reached"
    );
}

/// A server that accepts and never answers: the deposit run stops sending once Chorus Pro
/// has been silent for the run's patience; what was sent is « à vérifier », what was not
/// stays « non envoyée » (no journal row: it may be sent later).
#[test]
fn a_silent_server_stops_a_deposit_run() {
    let (_, _, fresh) = template();
    let (_dir, db) = copy_of_template();
    let server = Hostile::start();
    server.set(DEPOSIT, vec![Act::Hang]);
    let run = depot(
        &db,
        &server,
        &[
            "deposit",
            "--mode",
            "sequential",
            "--wait-ms",
            "0",
            "--invoices",
            &fresh[..3].join(","),
        ],
    );
    assert_clean("serveur muet", &db, &run);
    assert!(!run.ok);
    assert!(run.took < Duration::from_secs(10), "{:?}", run.took);
    assert!(
        run.text.contains("Chorus Pro ne répond pas"),
        "{}",
        run.text
    );
    let states: Vec<String> = fresh[..3].iter().map(|n| journal_state(&db, n)).collect();
    assert_eq!(states[0], "A_VERIFIER", "{}", run.text);
    assert!(!states.contains(&"DEPOSEE".to_string()), "{states:?}");
    assert_eq!(states[2], "AUCUN", "{}", run.text);
    assert!(
        run.text.contains(&format!(
            "{}\t\tnon envoyée : Chorus Pro ne répond pas",
            fresh[2]
        )),
        "{}",
        run.text
    );
    assert!(server.hits(DEPOSIT) <= 2);
}

// ---- syncs ---------------------------------------------------------------------------------

/// Hostile answers to the flux reports: the sync ends with a French message for each, the
/// deposits stay as they were.
#[test]
fn a_hostile_answer_to_a_sync_changes_nothing_and_says_why() {
    let elsewhere = Elsewhere::start();
    let (_, deposited, _) = template();
    let scenarios: Vec<(&str, Act, &str)> = vec![
        (
            "JSON illisible",
            json(200, r#"{"codeRetour":0,"etatCourantDepotFlux":"#),
            "Réponse inattendue de Chorus Pro",
        ),
        (
            "200 sans codeRetour",
            json(200, r#"{"etatCourantDepotFlux":"IN_REJETE"}"#),
            "codeRetour absent",
        ),
        (
            "202",
            json(
                202,
                r#"{"codeRetour":0,"etatCourantDepotFlux":"IN_REJETE"}"#,
            ),
            "HTTP 202",
        ),
        (
            "page HTML 502",
            Act::Respond(502, "text/html", "<html>502</html>".into()),
            "Chorus Pro est indisponible",
        ),
        (
            "corps tronqué",
            Act::Truncated {
                declared: 300,
                sent: r#"{"codeRetour":0,"#.into(),
            },
            "connexion interrompue",
        ),
        ("connexion coupée", Act::Drop, "Chorus Pro est indisponible"),
        (
            "réponse énorme",
            Act::Huge { announced: false },
            "trop volumineuse (plus de 20 Mo)",
        ),
        (
            "redirection 302",
            Act::Redirect(302, elsewhere.url(FLUX_REPORT)),
            "redirection (HTTP 302)",
        ),
        (
            "redirection 307",
            Act::Redirect(307, elsewhere.url(FLUX_REPORT)),
            "redirection (HTTP 307)",
        ),
    ];
    thread::scope(|scope| {
        for chunk in scenarios.chunks(scenarios.len().div_ceil(3)) {
            scope.spawn(move || {
                for (name, act, message) in chunk {
                    let (_dir, db) = copy_of_template();
                    let server = Hostile::start();
                    server.set(FLUX_REPORT, vec![act.clone()]);
                    server.set(SEARCH_INVOICES, vec![act.clone()]);
                    let run = depot(&db, &server, &["sync"]);
                    assert_clean(name, &db, &run);
                    assert!(!run.ok, "{name}: errors are reported\n{}", run.text);
                    assert!(
                        run.text.contains(message),
                        "{name}: « {message} » expected\n{}",
                        run.text
                    );
                    assert!(run.took < Duration::from_secs(15), "{name}: {:?}", run.took);
                    for n in deposited {
                        assert_eq!(journal_state(&db, n), "DEPOSEE", "{name}");
                    }
                    let store = Store::open(&db).unwrap();
                    let rejected: i64 = store
                        .conn()
                        .query_row("SELECT COUNT(*) FROM flux_errors", [], |r| r.get(0))
                        .unwrap();
                    assert_eq!(rejected, 0, "{name}: an unreadable answer rejected nothing");
                }
            });
        }
    });
    assert_eq!(
        elsewhere.connections(),
        0,
        "the redirect target was reached"
    );
}

/// A server that accepts and never answers, or trickles: the sync of 3 fluxes stops
/// within its patience and says « Chorus Pro ne répond pas », what it did and what not.
#[test]
fn a_silent_or_trickling_server_stops_the_sync_within_its_budget() {
    let (_, deposited, _) = template();
    for (name, act) in [
        ("muet", Act::Hang),
        (
            "compte-gouttes",
            Act::Trickle(
                r#"{"codeRetour":0,"etatCourantDepotFlux":"IN_INTEGRE"}"#.into(),
                Duration::from_millis(200),
            ),
        ),
    ] {
        let (_dir, db) = copy_of_template();
        let server = Hostile::start();
        server.set(FLUX_REPORT, vec![act]);
        let run = depot(&db, &server, &["sync"]);
        assert_clean(name, &db, &run);
        assert!(!run.ok, "{name}\n{}", run.text);
        assert!(
            run.took < Duration::from_secs(8),
            "{name}: the sync took {:?}",
            run.took
        );
        assert!(
            run.text.contains("Synchronisation interrompue"),
            "{name}\n{}",
            run.text
        );
        assert!(
            run.text
                .contains("Chorus Pro ne répond pas (aucune réponse depuis"),
            "{name}\n{}",
            run.text
        );
        assert!(
            run.text
                .contains("Non fait : 3 comptes rendus de flux sur 3 non lus"),
            "{name}\n{}",
            run.text
        );
        assert!(server.hits(FLUX_REPORT) <= 2, "{name}: stopped asking");
        for n in deposited {
            assert_eq!(journal_state(&db, n), "DEPOSEE", "{name}");
        }
    }
}

/// The lookup of a deposit left « à vérifier » (`rechercher/fournisseur`, before a sync or
/// a deposit run) redirected: the second server gets nothing, the deposit stays « à
/// vérifier » (never « déposée » under the target's flux number, never resent).
#[test]
fn a_redirected_lookup_leaves_the_deposit_to_verify() {
    let elsewhere = Elsewhere::start();
    let (_, _, fresh) = template();
    let (_dir, db) = copy_of_template();
    let server = Hostile::start();
    server.set(DEPOSIT, vec![Act::Drop]);
    let run = depot(
        &db,
        &server,
        &["deposit", "--mode", "sequential", "--invoices", &fresh[2]],
    );
    assert_clean("dépôt coupé", &db, &run);
    assert_eq!(journal_state(&db, &fresh[2]), "A_VERIFIER", "{}", run.text);
    for status in [302, 307] {
        server.set(
            SEARCH_INVOICES,
            vec![Act::Redirect(status, elsewhere.url(SEARCH_INVOICES))],
        );
        let run = depot(&db, &server, &["sync"]);
        assert_clean("recherche redirigée", &db, &run);
        assert!(
            run.text
                .contains("Dépôts sans réponse recherchés sur Chorus Pro : 1")
                && run.text.contains(&format!("redirection (HTTP {status})")),
            "{}",
            run.text
        );
        assert_eq!(journal_state(&db, &fresh[2]), "A_VERIFIER", "{}", run.text);
        let run = depot(
            &db,
            &server,
            &["deposit", "--mode", "sequential", "--invoices", &fresh[2]],
        );
        assert_clean("recherche redirigée (dépôt)", &db, &run);
        assert_eq!(journal_state(&db, &fresh[2]), "A_VERIFIER", "{}", run.text);
    }
    assert_eq!(server.hits(DEPOSIT), 1, "never resent");
    assert_eq!(
        elsewhere.connections(),
        0,
        "the redirect target was reached"
    );
}
