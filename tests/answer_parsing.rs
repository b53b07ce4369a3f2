//! Every reader of a Chorus Pro answer, fed arbitrary and mutated answers: the token, the
//! deposit's classification, flux reports, invoice searches, histories (statuses),
//! structures, services, bank details, the directory download. Never a panic; an error is a
//! typed `ChorusError` whose message is French; a deposit is « déposée » only on HTTP 200 +
//! `codeRetour` 0 + a non-blank flux number.
//!
//! The seeds are the files of `tests/fuzz_corpus/answers/` (answers as the sandbox and the
//! documentation give them, and the oddities found so far); `the_regression_corpus_replays`
//! reads each of them with every reader. A file is named `READER__STATUS__what.ext`.

use std::path::{Path, PathBuf};

use chorus_depot::chorus::ChorusError;
use chorus_depot::chorus::client::{decode_answer, read_token_answer};
use chorus_depot::chorus::factures::{
    ConsulterHistoriqueAnswer, RechercherFacturesFournisseurAnswer, classify_deposit_answer,
};
use chorus_depot::chorus::structures::{
    ConsulterServiceAnswer, ConsulterStructureAnswer, RechercherServicesAnswer,
    RechercherStructureAnswer,
};
use chorus_depot::chorus::transverses::{
    AnnuaireDestinataireAnswer, ConsulterCrDetailleAnswer, CoordonneesBancairesAnswer,
    StructuresActivesFournisseurAnswer,
};
use proptest::prelude::*;
use serde_json::Value;

const ROUTE: &str = "http://127.0.0.1:1/cpro/x/v1/y";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/answers")
}

/// (file name, bytes) of every corpus file, sorted.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The parsed JSON seeds, for structured mutation.
fn json_seeds() -> Vec<Value> {
    corpus()
        .into_iter()
        .filter_map(|(_, bytes)| serde_json::from_slice(&bytes).ok())
        .collect()
}

fn assert_french(reader: &str, error: &ChorusError) {
    let message = error.to_string();
    assert!(
        message.contains("Chorus Pro") || message.contains("PISTE"),
        "{reader}: message without context: {message}"
    );
    for english in ["expected", "invalid type", "missing field", "at line"] {
        assert!(
            !message.contains(english),
            "{reader}: English in the message: {message}"
        );
    }
}

fn typed<T: serde::de::DeserializeOwned>(reader: &str, status: u16, body: &[u8]) -> Option<T> {
    match decode_answer::<T>(ROUTE, status, body) {
        Ok(answer) => {
            assert_eq!(status, 200, "{reader}: a non-200 read as an answer");
            Some(answer)
        }
        Err((error, _maybe_processed)) => {
            assert_french(reader, &error);
            None
        }
    }
}

/// Every reader on one answer. Panics (the test fails) on a broken rule.
fn read_with_every_reader(status: u16, body: &[u8]) {
    match read_token_answer(ROUTE, status, Some("5"), body) {
        Ok((token, _lifetime)) => {
            assert_eq!(status, 200);
            assert!(!token.expose().trim().is_empty(), "blank token accepted");
        }
        Err(error) => assert_french("jeton", &error),
    }

    match classify_deposit_answer(ROUTE, status, body) {
        Ok(answer) => {
            assert_eq!(status, 200, "« déposée » on HTTP {status}");
            assert_eq!(answer.code_retour, 0, "« déposée » with codeRetour ≠ 0");
            let number = answer.numero_flux_depot.unwrap_or_default();
            assert!(
                !number.trim().is_empty(),
                "« déposée » without a flux number"
            );
            assert_eq!(number, number.trim());
        }
        Err(error) => {
            assert!(
                matches!(
                    error,
                    ChorusError::DepositOutcomeUnknown { .. }
                        | ChorusError::DepositNotReceived { .. }
                ),
                "a deposit error is « à vérifier » or « non reçue »: {error:?}"
            );
            assert_french("dépôt", &error);
        }
    }

    if let Some(report) = typed::<ConsulterCrDetailleAnswer>("compte rendu", status, body) {
        let _ = report
            .etat_courant_depot_flux
            .as_ref()
            .map(|s| s.code().len());
        for e in &report.liste_erreur_dp {
            let _ = e.says_already_received();
        }
    }
    if let Some(search) = typed::<RechercherFacturesFournisseurAnswer>("recherche", status, body) {
        for f in &search.liste_factures {
            let _ = f.statut.as_ref().map(|s| s.code().len());
        }
    }
    if let Some(history) = typed::<ConsulterHistoriqueAnswer>("historique", status, body) {
        let _ = history.statut_courant_code.map(|s| s.label().len());
    }
    typed::<RechercherStructureAnswer>("structures", status, body);
    typed::<ConsulterStructureAnswer>("structure", status, body);
    typed::<RechercherServicesAnswer>("services", status, body);
    typed::<ConsulterServiceAnswer>("service", status, body);
    typed::<CoordonneesBancairesAnswer>("coordonnées bancaires", status, body);
    typed::<StructuresActivesFournisseurAnswer>("structures du fournisseur", status, body);
    if let Some(directory) = typed::<AnnuaireDestinataireAnswer>("annuaire", status, body)
        && let Err(error) = directory.file(ROUTE)
    {
        assert_french("annuaire", &error);
    }
}

#[test]
fn the_regression_corpus_replays() {
    let files = corpus();
    assert!(files.len() >= 20, "corpus too small: {}", files.len());
    for (name, bytes) in &files {
        let status: u16 = name
            .split("__")
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{name}: READER__STATUS__what.ext expected"));
        for s in [status, 200, 400, 202, 302, 500] {
            read_with_every_reader(s, bytes);
        }
    }
}

/// What the corpus says, checked by name: the cases that once went wrong stay right.
#[test]
fn the_corpus_cases_read_as_documented() {
    let read = |name: &str| std::fs::read(corpus_dir().join(name)).unwrap();
    let deposit = |name: &str, status| classify_deposit_answer(ROUTE, status, &read(name));
    assert_eq!(
        deposit("deposit__200__ok.json", 200)
            .unwrap()
            .numero_flux_depot
            .as_deref(),
        Some("CPP0011117000000000300163")
    );
    for (name, status) in [
        ("deposit__200__no_number.json", 200),
        ("deposit__200__number_object.json", 200),
        ("deposit__200__code_float.json", 200),
        ("deposit__200__code_huge_float.json", 200),
        ("deposit__200__not_json.html", 200),
        ("deposit__202__accepted.json", 202),
        ("deposit__200__duplicate_keys.json", 200),
    ] {
        let error = deposit(name, status).unwrap_err();
        assert!(error.is_outcome_unknown(), "{name}: {error}");
    }
    let refused = deposit("deposit__400__refused.json", 400).unwrap_err();
    assert_eq!(refused.rejection(), Some((20001, "GDP_MSG_11.022")));
    // A float as big as 1e300 is no codeRetour: never saturated into a number.
    let error = deposit("deposit__200__code_huge_float.json", 200).unwrap_err();
    assert!(
        error.to_string().contains("sans codeRetour lisible"),
        "{error}"
    );
    // The token: blank refused, truncated refused in French with line and column.
    let token = |name: &str| read_token_answer(ROUTE, 200, None, &read(name));
    assert!(token("token__200__ok.json").is_ok());
    assert!(token("token__200__blank.json").is_err());
    let truncated = token("token__200__truncated.json").unwrap_err().to_string();
    assert!(
        truncated.contains("JSON tronqué, ligne 1, colonne"),
        "{truncated}"
    );
    // A search whose identifier overflows is refused, not rounded.
    let error = decode_answer::<RechercherFacturesFournisseurAnswer>(
        ROUTE,
        200,
        &read("search__200__identifier_overflow.json"),
    )
    .unwrap_err()
    .0;
    assert!(
        error
            .to_string()
            .contains("Réponse inattendue de Chorus Pro"),
        "{error}"
    );
    // The directory's file: not base64 is said in French.
    let directory: AnnuaireDestinataireAnswer =
        decode_answer(ROUTE, 200, &read("annuaire__200__not_base64.json")).unwrap();
    let error = directory.file(ROUTE).unwrap_err().to_string();
    assert!(error.contains("n'est pas du base64"), "{error}");
}

// ---- mutations ------------------------------------------------------------------------------

/// Any JSON value, a few levels deep, with the numbers and strings that hurt readers.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just(1e300),
            Just(-0.0),
            Just(0.5),
            Just(9.3e18),
            any::<f64>().prop_filter("finite", |f| f.is_finite())
        ]
        .prop_map(Value::from),
        prop_oneof![
            Just(String::new()),
            Just("   ".to_string()),
            Just("0".to_string()),
            Just("IN_INTEGRE".to_string()),
            Just("MISE_EN_PAIEMENT".to_string()),
            Just("2026-13-45T25:61:61+99:99".to_string()),
            Just("déjà reçue".to_string()),
            "\\PC{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{1,8}", inner), 0..4)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Replaces (or, with `None`, empties of its first field) the `index`-th node of `value`,
/// depth first; gives back what is left of `index` when the node is not in `value`.
fn edit(value: &mut Value, index: usize, replacement: &Option<Value>) -> Option<usize> {
    if index == 0 {
        match replacement {
            Some(new) => *value = new.clone(),
            None => {
                if let Value::Object(map) = value
                    && let Some(key) = map.keys().next().cloned()
                {
                    map.remove(&key);
                }
            }
        }
        return None;
    }
    let mut left = index - 1;
    let children: Vec<&mut Value> = match value {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(map) => map.values_mut().collect(),
        _ => Vec::new(),
    };
    for child in children {
        left = edit(child, left, replacement)?;
    }
    Some(left)
}

/// A seed with some of its nodes replaced or removed.
fn mutate(mut seed: Value, edits: &[(usize, Option<Value>)]) -> Value {
    for (index, replacement) in edits {
        let at = index % count_nodes(&seed);
        edit(&mut seed, at, replacement);
    }
    seed
}

fn statuses() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(200),
        Just(201),
        Just(202),
        Just(204),
        Just(301),
        Just(307),
        Just(400),
        Just(401),
        Just(404),
        Just(409),
        Just(429),
        Just(500),
        Just(503),
        100u16..600,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_answers_never_panic(
        seed in prop::sample::select(json_seeds()),
        edits in prop::collection::vec((any::<usize>(), prop::option::of(arb_json())), 1..4),
        status in statuses(),
    ) {
        let body = serde_json::to_vec(&mutate(seed, &edits)).unwrap();
        read_with_every_reader(status, &body);
    }

    #[test]
    fn arbitrary_json_never_panics(value in arb_json(), status in statuses()) {
        read_with_every_reader(status, &serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn damaged_bytes_never_panic(
        (file, bytes) in prop::sample::select(corpus()),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        status in statuses(),
    ) {
        let _ = file;
        let mut bytes = bytes;
        if !bytes.is_empty() {
            for (at, byte) in &flips {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        read_with_every_reader(status, &bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..256),
        status in statuses(),
    ) {
        read_with_every_reader(status, &bytes);
    }
}
