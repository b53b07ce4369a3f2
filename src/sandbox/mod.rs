//! The embedded Chorus Pro sandbox: an emulator of the PISTE gateway and of the Chorus Pro
//! API, served over HTTP/1.1 on loopback, for the demo, the tests and the benchmarks.
//!
//! It shares nothing with the client side (checks, einvoice, chorus, deposit): it reads the
//! deposited files with its own XML reader and judges them against its own directory, so
//! the client and the emulator cannot agree by accident.
//!
//! Default credentials (see [`SandboxConfig::default`]):
//! - PISTE client id `chorus-depot-sandbox`, client secret `sandbox-secret`;
//! - Chorus Pro technical account login `TECH_1_SANDBOX@cpro.fr`, password `sandbox-password`
//!   (header `cpro-account: base64("login:password")`).
//!
//! Routes: `POST /api/oauth/token`, `/cpro/...` (see `routes.rs`), `GET /sandbox/deposits`.
//!
//! Other defaults: token lifetime 3600 s; time scale 1 (real time; 1000 makes a day last
//! 86.4 s); seed 42; no faults, no latency. Sandbox durations (see `lifecycle.rs`): flux
//! integration 60 s; DEPOSEE → MISE_A_DISPOSITION 1 h → SERVICE_FAIT ~2 days → MANDATEE
//! ~5 days → MISE_EN_PAIEMENT ~3 days; 84 % of invoices are paid, 6 % go A_RECYCLER,
//! 6 % SUSPENDUE and 4 % REJETEE (from the seed and the invoice number, see
//! [`planned_fate`]).
//!
//! Faults (see `faults.rs`): each `/cpro/...` request except the health check is, with
//! probability `fault_rate`, answered 500, 503, 429 (`Retry-After: 1`), answered only after
//! `timeout_fault_delay` (35 s by default; the work is then done late), or processed and
//! then dropped without an answer (a deposit is recorded, the client never hears of it).
//! The draws depend only on the seed and the request's rank, so a run can be replayed.
//! The token endpoint and `/sandbox/...` are never faulted.

mod auth;
pub mod cli;
mod directory;
mod faults;
mod flux_reader;
mod http;
mod lifecycle;
mod persist;
mod routes;
mod state;
mod structures;

pub use directory::Directory;
pub use faults::FaultKind;
pub use lifecycle::{FLUX_INTEGRATION_SECS, Fate};
pub use structures::DEFAULT_SUPPLIER_SIRET;

/// Where an invoice's first pass ends with this seed (tests pick invoice numbers with it).
pub fn planned_fate(seed: u64, invoice_number: &str) -> Fate {
    lifecycle::fate(seed, invoice_number)
}

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub const DEFAULT_CLIENT_ID: &str = "chorus-depot-sandbox";
pub const DEFAULT_CLIENT_SECRET: &str = "sandbox-secret";
pub const DEFAULT_LOGIN: &str = "TECH_1_SANDBOX@cpro.fr";
pub const DEFAULT_PASSWORD: &str = "sandbox-password";

/// How the sandbox behaves. `Default` gives a real-time, fault-free sandbox on a free port
/// with the built-in directory and the default credentials.
#[derive(Clone)]
pub struct SandboxConfig {
    /// 0 = a free port chosen by the system.
    pub port: u16,
    /// SQLite file keeping fluxes and invoices across restarts; `None` = in memory only.
    pub db: Option<PathBuf>,
    /// Directory export files (CSV `;` or XLSX); empty = the built-in directory.
    pub directory_files: Vec<PathBuf>,
    /// Seeds the fault draws and every invoice's life.
    pub seed: u64,
    /// Probability, per `/cpro/...` request, of answering with a fault instead.
    pub fault_rate: f64,
    /// The faults drawn from when a request is faulted (all kinds when empty).
    pub fault_kinds: Vec<FaultKind>,
    /// How long a `Timeout` fault sleeps before answering (past the client's timeout).
    pub timeout_fault_delay: Duration,
    /// Latency added to every answer.
    pub latency: Duration,
    /// Sandbox time runs this many times faster than real time (1000: a day in 86.4 s).
    pub time_scale: f64,
    pub client_id: String,
    pub client_secret: String,
    pub login: String,
    pub password: String,
    /// Lifetime of the access tokens, in real seconds.
    pub token_lifetime_secs: u64,
    /// The supplier structures (SIRET, name) the technical account is attached to, besides
    /// the sellers of the invoices received and a default one.
    pub suppliers: Vec<(String, String)>,
    /// `dateExpirationMotPasseCompteTech` of the supplier structures: this many days after
    /// the sandbox started (Chorus Pro makes technical users change it every 14 months).
    pub password_expires_in_days: i64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            db: None,
            directory_files: Vec::new(),
            seed: 42,
            fault_rate: 0.0,
            fault_kinds: Vec::new(),
            timeout_fault_delay: Duration::from_secs(35),
            latency: Duration::ZERO,
            time_scale: 1.0,
            client_id: DEFAULT_CLIENT_ID.into(),
            client_secret: DEFAULT_CLIENT_SECRET.into(),
            login: DEFAULT_LOGIN.into(),
            password: DEFAULT_PASSWORD.into(),
            token_lifetime_secs: 3600,
            suppliers: Vec::new(),
            password_expires_in_days: 300,
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    // Secrets stay out of logs and Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("port", &self.port)
            .field("db", &self.db)
            .field("directory_files", &self.directory_files)
            .field("seed", &self.seed)
            .field("fault_rate", &self.fault_rate)
            .field("fault_kinds", &self.fault_kinds)
            .field("latency", &self.latency)
            .field("time_scale", &self.time_scale)
            .field("client_id", &self.client_id)
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("impossible d'ouvrir le port {port} sur 127.0.0.1 : {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("annuaire illisible : {0}")]
    Directory(String),
    #[error("base du bac à sable illisible : {0}")]
    Database(String),
    #[error("paramètre invalide : {0}")]
    Config(String),
}

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub directory: Directory,
    pub state: Mutex<state::State>,
    pub store: Option<Mutex<persist::Store>>,
    pub tokens: auth::Tokens,
    pub request_counter: AtomicU64,
    pub stopping: AtomicBool,
    /// Wall-clock start, for dates given relative to it.
    pub started_at: chrono::DateTime<chrono::Local>,
}

/// A running sandbox; stops its server on `shutdown()` or when dropped.
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`: the token URL is `{base}/api/oauth/token`, the API `{base}/cpro/...`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn token_url(&self) -> String {
        format!("{}/api/oauth/token", self.base_url())
    }

    pub fn shutdown(mut self) {
        self.stop();
    }

    /// Blocks until the server stops (the CLI serves until killed).
    pub fn wait(mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }

    fn stop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // The acceptor blocks in accept(): a connection wakes it up to see the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(500));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Loads the directory and the saved state, binds 127.0.0.1:port and serves in background
/// threads (one per connection).
pub fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    if !(0.0..=1.0).contains(&config.fault_rate) {
        return Err(SandboxError::Config(format!(
            "--fault-rate doit être entre 0 et 1 (reçu {})",
            config.fault_rate
        )));
    }
    if !(config.time_scale.is_finite() && config.time_scale > 0.0) {
        return Err(SandboxError::Config(format!(
            "--time-scale doit être un nombre positif (reçu {})",
            config.time_scale
        )));
    }
    let directory = if config.directory_files.is_empty() {
        Directory::built_in()
    } else {
        Directory::load(&config.directory_files).map_err(SandboxError::Directory)?
    };
    let (store, state) = match &config.db {
        Some(path) => {
            let store = persist::Store::open(path).map_err(SandboxError::Database)?;
            let state = store.load().map_err(SandboxError::Database)?;
            (Some(Mutex::new(store)), state)
        }
        None => (None, state::State::default()),
    };
    let listener =
        TcpListener::bind(("127.0.0.1", config.port)).map_err(|source| SandboxError::Bind {
            port: config.port,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        port: config.port,
        source,
    })?;
    let shared = Arc::new(Shared {
        tokens: auth::Tokens::default(),
        config,
        directory,
        state: Mutex::new(state),
        store,
        request_counter: AtomicU64::new(0),
        stopping: AtomicBool::new(false),
        started_at: chrono::Local::now(),
    });
    let acceptor_shared = Arc::clone(&shared);
    let acceptor = std::thread::Builder::new()
        .name("sandbox-accept".into())
        .spawn(move || accept_loop(listener, acceptor_shared))
        .map_err(|source| SandboxError::Bind {
            port: addr.port(),
            source,
        })?;
    Ok(SandboxHandle {
        addr,
        shared,
        acceptor: Some(acceptor),
    })
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let conn_shared = Arc::clone(&shared);
        let _ = std::thread::Builder::new()
            .name("sandbox-conn".into())
            .spawn(move || http::serve_connection(stream, &conn_shared));
    }
}

/// Milliseconds since the Unix epoch: stored times survive a restart of the sandbox.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    /// The app keeps the handle in its state and may move it to another thread.
    #[test]
    fn the_handle_can_move_between_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<super::SandboxHandle>();
        assert_send::<super::SandboxConfig>();
    }
}
