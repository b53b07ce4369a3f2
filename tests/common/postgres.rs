//! A throwaway PostgreSQL server for the team-mode tests (issue 11), from the Debian
//! packages `.ci/run` installs: `initdb` and `pg_ctl` in a temporary directory, listening on
//! a free loopback port, its Unix socket in that directory. Nothing is downloaded, nothing
//! outside the directory is touched.
//!
//! One server per test binary run: the tests share it through `server()` and each takes a
//! database of its own (`fresh_database`), so they stay independent and may run in
//! parallel. The test harness has no « after all tests » hook and statics are never
//! dropped, so the shared server is dropped from an `atexit` handler when the binary ends:
//! its `Drop` runs `pg_ctl stop -m immediate`, then the directory is removed. A watchdog
//! process does the same if the binary dies without exiting (Ctrl-C, SIGKILL), so no
//! server outlives its run.
//!
//! PostgreSQL refuses to run as root: when the tests run as root, the server's programs run
//! as the `postgres` user (created by the Debian package) through `runuser`.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// The running server; stopped and removed when dropped.
pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// `Some("postgres")` when the tests run as root.
    run_as: Option<&'static str>,
    port: u16,
    databases_made: AtomicU32,
}

/// The server shared by the tests of this binary run; `None` once the run is over.
static SHARED: Mutex<Option<Arc<PgServer>>> = Mutex::new(None);

/// The server of this test binary run, started on first use, stopped when the binary ends.
pub fn server() -> Arc<PgServer> {
    let mut shared = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(running) = shared.as_ref() {
        return Arc::clone(running);
    }
    let started = Arc::new(PgServer::start());
    *shared = Some(Arc::clone(&started));
    // SAFETY: registers a plain `extern "C" fn` taking no argument, as atexit expects.
    if unsafe { libc::atexit(stop_shared_server) } != 0 {
        eprintln!("atexit refused: the test PostgreSQL server is left to its watchdog");
    }
    started
}

/// Runs when the test binary exits: every test has returned, so this drops the last
/// reference and `PgServer::drop` stops the server.
extern "C" fn stop_shared_server() {
    let server = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    drop(server);
}

impl PgServer {
    fn start() -> PgServer {
        let bin = postgres_bin_dir();
        let run_as = running_as_root().then_some("postgres");
        let dir = tempfile::Builder::new()
            .prefix("chorus-depot-pg-")
            .tempdir()
            .expect("temporary directory for PostgreSQL");
        std::fs::create_dir(dir.path().join("sock")).unwrap();
        make_certificates(&dir.path().join("tls"));
        if let Some(user) = run_as {
            let status = Command::new("chown")
                .arg("-R")
                .arg(format!("{user}:"))
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown of {} failed", dir.path().display());
        }
        let mut server = PgServer {
            dir,
            bin,
            run_as,
            port: 0,
            databases_made: AtomicU32::new(0),
        };
        // Before anything else: a run killed during initdb must not leave its directory.
        server.spawn_watchdog();
        server.init_cluster();
        // A free port can be taken by someone else between the probe and the start.
        let mut last_failure = String::new();
        for _ in 0..5 {
            server.port = free_loopback_port();
            match server.start_on_port() {
                Ok(()) => return server,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("the test PostgreSQL server did not start:\n{last_failure}");
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command running one of the server's programs as the server's user.
    fn server_command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(path);
                command
            }
            None => Command::new(path),
        };
        // The server's user may not be allowed into the tests' working directory.
        command.current_dir(self.dir.path());
        command
    }

    fn init_cluster(&self) {
        let output = self
            .server_command("initdb")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"])
            .args(["--no-sync", "--no-instructions"])
            .output()
            .expect("initdb");
        assert!(
            output.status.success(),
            "initdb failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn start_on_port(&self) -> Result<(), String> {
        // Durability is of no use to a throwaway server: fsync off makes it fast.
        // TLS offered (not required): the team-mode client uses it when it can.
        let tls = self.dir.path().join("tls");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off \
             -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
            self.port,
            self.dir.path().join("sock").display(),
            tls.join("server.pem").display(),
            tls.join("server.key").display()
        );
        let log = self.dir.path().join("server.log");
        let output = self
            .server_command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        Err(format!(
            "{}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        ))
    }

    /// Stops the server (if it runs) and removes its directory once the test process is
    /// gone, however it ended. Harmless after a normal stop: the directory is gone by then.
    fn spawn_watchdog(&self) {
        let script = r#"pid=$1; dir=$2; data=$3; shift 3
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
if [ -f "$data/postmaster.pid" ]; then "$@" -D "$data" -m immediate stop; fi
rm -rf "$dir""#;
        let stop_words: Vec<String> = match self.run_as {
            Some(user) => vec!["runuser".into(), "-u".into(), user.into(), "--".into()],
            None => Vec::new(),
        };
        let _ = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(std::process::id().to_string())
            .arg(self.dir.path())
            .arg(self.data_dir())
            .args(stop_words)
            .arg(self.bin.join("pg_ctl"))
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// The authority that signed the server's TLS certificate (PEM).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls").join("ca.pem")
    }

    /// Another authority, which did not sign it.
    pub fn stranger_ca_file(&self) -> PathBuf {
        self.dir.path().join("tls").join("stranger.pem")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Connection string of the server's maintenance database.
    pub fn admin_conninfo(&self) -> String {
        self.conninfo("postgres")
    }

    pub fn conninfo(&self, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname={database}",
            self.port
        )
    }

    /// A new empty database for one test; returns its connection string. `purpose`
    /// (lower-case letters, digits, `_`) names it, to read the server's log.
    pub fn fresh_database(&self, purpose: &str) -> String {
        let n = self.databases_made.fetch_add(1, Ordering::Relaxed);
        let name = format!("t{n}_{purpose}");
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "database name {name}"
        );
        let mut admin = postgres::Client::connect(&self.admin_conninfo(), postgres::NoTls)
            .expect("connection to the test server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("CREATE DATABASE");
        self.conninfo(&name)
    }
}

/// A certificate authority, the server's certificate it signs (for 127.0.0.1 and
/// localhost), and a stranger authority, with the `openssl` program (a dependency of
/// Debian's `postgresql`, installed by `.ci/run`).
fn make_certificates(dir: &Path) {
    std::fs::create_dir(dir).unwrap();
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    for ca in ["ca", "stranger"] {
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=Chorus Depot test {ca}"),
            "-keyout",
            &format!("{ca}.key"),
            "-out",
            &format!("{ca}.pem"),
        ]);
    }
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    ]);
    // PostgreSQL refuses a key others can read.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
}

/// `conninfo` (from [`PgServer::fresh_database`]) for another user of the same database.
/// The test server trusts loopback connections: no password is asked.
pub fn as_user(conninfo: &str, user: &str) -> String {
    conninfo.replace("user=postgres", &format!("user={user}"))
}

/// What `psql` printed, and whether it succeeded.
pub struct PsqlRun {
    pub ok: bool,
    pub output: String,
}

impl PgServer {
    /// Runs `sql` with the server's own `psql` as `user`, stopping at the first error: what
    /// someone who bypasses the application can do.
    pub fn psql(&self, conninfo: &str, user: &str, sql: &str) -> PsqlRun {
        let output = Command::new(self.bin.join("psql"))
            .arg(as_user(conninfo, user))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .env("PGCONNECT_TIMEOUT", "10")
            .stdin(Stdio::null())
            .output()
            .expect("psql");
        PsqlRun {
            ok: output.status.success(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self
            .server_command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // The TempDir removes the directory after this.
    }
}

/// The newest installed PostgreSQL's programs, or `CHORUS_DEPOT_PG_BIN`.
fn postgres_bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CHORUS_DEPOT_PG_BIN") {
        return PathBuf::from(dir);
    }
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root).ok().and_then(|entries| {
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let version: u32 = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((version, bin))
            })
            .max_by_key(|(version, _)| *version)
    });
    match newest {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL's initdb was not found under /usr/lib/postgresql/*/bin: \
             install it with `apt-get install -y postgresql` (.ci/run does), \
             or set CHORUS_DEPOT_PG_BIN"
        ),
    }
}

fn running_as_root() -> bool {
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn free_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().unwrap().port()
}
