//! `chorus-depot sandbox` prints where it listens on its first line and serves there.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

#[test]
fn the_sandbox_command_prints_its_address_first_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args([
            "sandbox",
            "--port",
            "0",
            "--seed",
            "3",
            "--time-scale",
            "1000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    let result = std::panic::catch_unwind(|| {
        let base = first
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .unwrap_or_else(|| panic!("première ligne : {first:?}"));
        let port: u16 = base.parse().unwrap();
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .write_all(b"GET /sandbox/deposits HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("{\"deposits\":[]}"), "{answer}");
    });
    let _ = child.kill();
    let _ = child.wait();
    result.unwrap();
}

#[test]
fn bad_options_are_refused_in_french() {
    let output = Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(["sandbox", "--fault-rate", "2"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--fault-rate doit être entre 0 et 1"),
        "{stderr}"
    );
}
