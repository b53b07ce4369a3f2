//! TLS to the team base (issue 11): used when the server offers it, the server's
//! certificate always verified, refused with a French reason otherwise. The test server
//! offers TLS with a certificate signed by its own authority (`tests/common/postgres.rs`).

mod common;

use chorus_depot::store::postgres::address::TeamAddress;
use common::postgres::server;

fn address(query: &str) -> TeamAddress {
    let pg = server();
    let conninfo = pg.fresh_database("tls");
    let dbname = conninfo.rsplit("dbname=").next().unwrap();
    TeamAddress::parse_with(
        &format!(
            "postgresql://postgres@127.0.0.1:{}/{dbname}{query}",
            pg.port()
        ),
        None,
        None,
    )
    .unwrap()
}

fn encrypted(client: &mut postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0)
}

#[test]
fn the_connection_is_encrypted_when_the_server_offers_it() {
    let pg = server();
    for query in [
        "",
        "?sslmode=prefer",
        "?sslmode=require",
        "?sslmode=verify-full",
    ] {
        let mut client = address(query)
            .with_root_certificate(&pg.ca_file())
            .connect()
            .unwrap();
        assert!(encrypted(&mut client), "{query}");
    }
    let mut plain = address("?sslmode=disable").connect().unwrap();
    assert!(!encrypted(&mut plain));
}

#[test]
fn a_server_whose_certificate_no_trusted_authority_signed_is_refused_in_french() {
    let pg = server();
    for query in ["", "?sslmode=require"] {
        let error = address(query)
            .with_root_certificate(&pg.stranger_ca_file())
            .connect()
            .err()
            .expect("refused")
            .to_string();
        assert!(
            error.contains("n'est signé par aucune autorité de confiance"),
            "{query}: {error}"
        );
    }
}

#[test]
fn an_unreadable_authority_file_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("root.crt");
    std::fs::write(&file, "pas un certificat").unwrap();
    let error = address("")
        .with_root_certificate(&file)
        .connect()
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.contains("certificat d'autorité de la base d'équipe illisible"),
        "{error}"
    );
}
