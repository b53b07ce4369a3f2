//! A client written only from the public PISTE / Chorus Pro documentation (not the app's
//! client): raw HTTP/1.1 over `std::net::TcpStream`, JSON with serde_json.
#![allow(dead_code)]

use base64::Engine as _;
use chorus_depot::sandbox::{self, SandboxConfig, SandboxHandle};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

pub const COMMUNE: &str = "21690001900016"; // service code required
pub const HOSPITAL: &str = "26690002000017"; // engagement required
pub const LYCEE: &str = "19690555500019"; // nothing required
pub const INACTIVE: &str = "20000444400016";
pub const SELLER: &str = "90000000000011";

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "réponse non JSON ({e}) : HTTP {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn start(config: SandboxConfig) -> SandboxHandle {
    sandbox::start(config).expect("démarrage du bac à sable")
}

pub fn fast(time_scale: f64) -> SandboxConfig {
    SandboxConfig {
        time_scale,
        ..SandboxConfig::default()
    }
}

/// Sends one request on a new connection (`Connection: close`) and reads the whole answer.
pub fn raw(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    parse_answer(&bytes).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "réponse HTTP absente ou tronquée",
        )
    })
}

pub fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Answer {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    })
}

pub fn cpro_account(login: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))
}

pub fn token(base: &str) -> String {
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope=openid",
        sandbox::DEFAULT_CLIENT_ID,
        sandbox::DEFAULT_CLIENT_SECRET
    );
    let answer = raw(
        base,
        "POST",
        "/api/oauth/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
    .expect("jeton");
    assert_eq!(answer.status, 200);
    answer.json()["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// A POST to the API with the documented headers.
pub fn post(base: &str, token: &str, path: &str, body: &Value) -> Answer {
    let bearer = format!("Bearer {token}");
    let account = cpro_account(sandbox::DEFAULT_LOGIN, sandbox::DEFAULT_PASSWORD);
    raw(
        base,
        "POST",
        path,
        &[
            ("Authorization", &bearer),
            ("cpro-account", &account),
            ("Content-Type", "application/json;charset=utf-8"),
            ("Accept", "application/json;charset=utf-8"),
        ],
        body.to_string().as_bytes(),
    )
    .unwrap_or_else(|e| panic!("{path} : {e}"))
}

/// A POST expected to succeed (HTTP 200, codeRetour 0).
pub fn call(base: &str, token: &str, path: &str, body: &Value) -> Value {
    let answer = post(base, token, path, body);
    let value = answer.json();
    assert_eq!(answer.status, 200, "{path} : {value}");
    assert_eq!(value["codeRetour"], 0, "{path} : {value}");
    assert_eq!(value["libelle"], "TRA_MSG_00.000");
    value
}

pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/sandbox/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path} : {e}"))
}

/// A UBL invoice from the fixture; empty service or engagement = element left empty.
pub fn ubl(number: &str, buyer: &str, service: &str, engagement: &str) -> String {
    fixture("ubl_invoice.xml")
        .replace("{{NUMBER}}", number)
        .replace("{{BUYER}}", buyer)
        .replace("{{SELLER}}", SELLER)
        .replace("{{SERVICE}}", service)
        .replace("{{ENGAGEMENT}}", engagement)
}

pub fn cii(
    number: &str,
    buyer: &str,
    service: &str,
    engagement: &str,
    credit_note: bool,
) -> String {
    fixture("cii_invoice.xml")
        .replace("{{NUMBER}}", number)
        .replace("{{TYPE}}", if credit_note { "381" } else { "380" })
        .replace("{{BUYER}}", buyer)
        .replace("{{SELLER}}", SELLER)
        .replace("{{SERVICE}}", service)
        .replace("{{ENGAGEMENT}}", engagement)
}

pub fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut builder = tar::Builder::new(encoder);
    for (name, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *content).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

pub fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

pub fn deposit(base: &str, token: &str, file_name: &str, syntax: &str, bytes: &[u8]) -> String {
    let value = call(
        base,
        token,
        "/cpro/factures/v1/deposer/flux",
        &json!({
            "fichierFlux": base64::engine::general_purpose::STANDARD.encode(bytes),
            "nomFichier": file_name,
            "syntaxeFlux": syntax,
            "avecSignature": false,
        }),
    );
    value["numeroFluxDepot"].as_str().unwrap().to_string()
}

/// Polls consulterCRDetaille until the flux leaves the waiting state.
pub fn wait_flux(base: &str, token: &str, numero: &str) -> Value {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let report = call(
            base,
            token,
            "/cpro/transverses/v1/consulterCRDetaille",
            &json!({ "numeroFluxDepot": numero }),
        );
        if report["etatCourantDepotFlux"] != "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP" {
            return report;
        }
        assert!(Instant::now() < until, "flux jamais intégré : {report}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls consulter/historique until `statutCourantCode` is `status`.
pub fn wait_status(base: &str, token: &str, id: i64, status: &str) -> Value {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let history = call(
            base,
            token,
            "/cpro/factures/v1/consulter/historique",
            &json!({ "idFacture": id }),
        );
        if history["statutCourantCode"] == status {
            return history;
        }
        assert!(
            Instant::now() < until,
            "statut {status} jamais atteint : {history}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `identifiantFactureCPP` of an invoice, by its number.
pub fn invoice_id(base: &str, token: &str, number: &str) -> i64 {
    let found = call(
        base,
        token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFacture": number }),
    );
    found["listeFactures"][0]["identifiantFactureCPP"]
        .as_i64()
        .unwrap_or_else(|| panic!("facture {number} introuvable : {found}"))
}

/// Invoice numbers whose first pass ends with `status`, for a given seed.
pub fn numbers_with_fate(seed: u64, status: &str, count: usize) -> Vec<String> {
    (0..100_000)
        .map(|i| format!("FT-{i:05}"))
        .filter(|n| sandbox::planned_fate(seed, n).status() == status)
        .take(count)
        .collect()
}

/// A minimal PDF carrying `xml` as its embedded `factur-x.xml` (enough for the sandbox's
/// reader; not a PDF/A-3).
pub fn facturx_pdf(xml: Option<&str>) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if let Some(xml) = xml {
        let file_id = doc.add_object(Stream::new(
            dictionary! { "Type" => "EmbeddedFile" },
            xml.as_bytes().to_vec(),
        ));
        let spec_id = doc.add_object(dictionary! {
            "Type" => "Filespec",
            "F" => Object::string_literal("factur-x.xml"),
            "UF" => Object::string_literal("factur-x.xml"),
            "AFRelationship" => "Data",
            "EF" => dictionary! { "F" => file_id },
        });
        catalog.set(
            "Names",
            dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("factur-x.xml"), spec_id.into()] } },
        );
        catalog.set("AF", vec![Object::from(spec_id)]);
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The sandbox's built-in directory, imported into a database's cache as a refresh would.
pub fn import_sandbox_directory(store: &mut chorus_depot::store::Store, dir: &std::path::Path) {
    let zip_bytes = sandbox::Directory::built_in().export_zip().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let out = dir.join("annuaire");
    std::fs::create_dir_all(&out).unwrap();
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let path = out.join(entry.name().unwrap().into_owned());
        let mut file = std::fs::File::create(&path).unwrap();
        std::io::copy(&mut entry, &mut file).unwrap();
        files.push(path);
    }
    files.sort();
    chorus_depot::directory::import_directory(store, &files, &chorus_depot::progress::Silent)
        .unwrap();
}

/// Invoices the sandbox sends back, deposited in one UBL lot: (recycle, suspend, reject)
/// numbers for `seed`, the flux number and its archive (once integrated).
pub struct ReturnedLot {
    pub recycle: String,
    pub suspend: String,
    pub reject: String,
    pub flux_number: String,
    pub archive: Vec<u8>,
}

pub fn deposit_returned_lot(base: &str, token: &str, seed: u64) -> ReturnedLot {
    let recycle = numbers_with_fate(seed, "A_RECYCLER", 1).remove(0);
    let suspend = numbers_with_fate(seed, "SUSPENDUE", 1).remove(0);
    let reject = numbers_with_fate(seed, "REJETEE", 1).remove(0);
    let xmls: Vec<(String, String)> = [&recycle, &suspend, &reject]
        .iter()
        .map(|n| (format!("{n}.xml"), ubl(n, COMMUNE, "SERV-FIN", "")))
        .collect();
    let files: Vec<(&str, &[u8])> = xmls
        .iter()
        .map(|(n, x)| (n.as_str(), x.as_bytes()))
        .collect();
    let archive = zip(&files);
    let flux_number = deposit(base, token, "lot.zip", "IN_DP_E1_UBL_INVOICE", &archive);
    assert_eq!(
        wait_flux(base, token, &flux_number)["etatCourantDepotFlux"],
        "IN_INTEGRE"
    );
    ReturnedLot {
        recycle,
        suspend,
        reject,
        flux_number,
        archive,
    }
}

/// The ERP mirror of the sandbox's supplier: one company (SELLER), the commune as client,
/// and `numbers` as its invoices (100 € HT, service SERV-FIN).
pub fn bac_mirror(conn: &rusqlite::Connection, numbers: &[&str]) {
    conn.execute(
        "INSERT INTO companies (code, name, siret) VALUES ('S1', 'Fournisseur du bac', ?1)",
        [SELLER],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO clients (code, name, siret, client_type)
         VALUES ('C1', 'Commune de Ville-sur-Bac', ?1, 'PUBLIC')",
        [COMMUNE],
    )
    .unwrap();
    for n in numbers {
        conn.execute(
            "INSERT INTO invoices (number, company_code, client_code, kind, invoice_date,
                 total_excl_tax, total_tax, total_incl_tax, service_code)
             VALUES (?1, 'S1', 'C1', 'FACTURE', '2026-11-02', '100.00', '20.00', '120.00',
                 'SERV-FIN')",
            [n],
        )
        .unwrap();
    }
}

/// A base that deposited a [`ReturnedLot`] on the sandbox started with `config`, as the
/// deposit engine records it (company, client, the three invoices, the flux, each
/// invoice's journal row), its directory cache filled; no sync has read Chorus Pro's
/// answers yet. The invoices have reached their returned statuses on the sandbox.
pub struct ReturnedBase {
    pub db: std::path::PathBuf,
    pub sandbox: SandboxHandle,
    pub recycle: String,
    pub suspend: String,
    pub reject: String,
}

pub fn returned_lot_in_a_base(dir: &std::path::Path, config: SandboxConfig) -> ReturnedBase {
    use chorus_depot::store::deposits::{self, FluxMode, JournalState, NewFlux};
    let db = dir.join("base.sqlite");
    let seed = config.seed;
    let sandbox = start(config);
    let base = sandbox.base_url();
    let token = token(&base);
    let lot = deposit_returned_lot(&base, &token, seed);
    let numbers = [lot.recycle.clone(), lot.suspend.clone(), lot.reject.clone()];
    for (number, status) in numbers.iter().zip(["A_RECYCLER", "SUSPENDUE", "REJETEE"]) {
        let id = invoice_id(&base, &token, number);
        wait_status(&base, &token, id, status);
    }
    let mut store = chorus_depot::store::Store::open(&db).unwrap();
    import_sandbox_directory(&mut store, dir);
    let conn = store.conn();
    bac_mirror(
        conn,
        &numbers.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let flux = deposits::insert_flux(
        conn,
        &NewFlux {
            company_code: "S1".into(),
            mode: FluxMode::Lot,
            syntax: "IN_DP_E1_UBL_INVOICE".into(),
            name: "Factures de novembre".into(),
            file_path: dir.join("lot.zip").display().to_string(),
            file_sha256: "00".into(),
            file_size: lot.archive.len() as u64,
            invoice_count: 3,
            created_at: "2026-11-23T09:00:00+01:00".into(),
        },
    )
    .unwrap();
    deposits::flux_sent(conn, flux, &lot.flux_number, "2026-11-23T09:00:01+01:00").unwrap();
    for n in &numbers {
        let j = deposits::begin(conn, n, flux, "2026-11-23T09:00:00+01:00")
            .unwrap()
            .unwrap();
        deposits::finish(
            conn,
            j,
            JournalState::Deposited,
            "",
            "2026-11-23T09:00:01+01:00",
        )
        .unwrap();
    }
    drop(store);
    ReturnedBase {
        db,
        sandbox,
        recycle: lot.recycle,
        suspend: lot.suspend,
        reject: lot.reject,
    }
}
