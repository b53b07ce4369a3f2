//! The structures requests and answers conform to the official PISTE Swagger of the
//! Structures API (tests/fixtures/piste-structures-swagger.json): every field the client
//! sends exists in the operation's request definition with the right JSON type, every field
//! it reads exists in the 200 answer definition, and the requests the client really sends
//! (captured on loopback) go to the Swagger's paths with conforming bodies.

#[path = "chorus_server.rs"]
mod server;

use std::sync::Arc;

use chorus_depot::chorus::structures::*;
use chorus_depot::chorus::types::{PageInfo, SortDirection};
use chorus_depot::chorus::{
    ChorusClient, ClientOptions, Credentials, Environment, MemoryLog, RetryPolicy, Secret,
};
use serde::Serialize;
use serde_json::{Value, json};

fn swagger() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/piste-structures-swagger.json"
    ))
    .expect("swagger fixture");
    serde_json::from_str(&text).expect("swagger JSON")
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
}

/// Request and 200-answer definition names of an operation, read from the Swagger's paths.
fn operation(swagger: &Value, path: &str) -> (String, String) {
    let op = &swagger["paths"][path]["post"];
    assert!(op.is_object(), "no POST {path} in the swagger");
    let request = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["in"] == "body")
        .and_then(|p| ref_name(&p["schema"]))
        .expect("body parameter")
        .to_string();
    let answer = ref_name(&op["responses"]["200"]["schema"])
        .expect("200 schema")
        .to_string();
    (request, answer)
}

/// Checks `value` against definition `definition`; `extra` lists "Definition.field" pairs
/// known from real answers but absent from the Swagger.
fn conform(
    swagger: &Value,
    definition: &str,
    value: &Value,
    at: &str,
    extra: &[&str],
    errors: &mut Vec<String>,
) {
    let Some(object) = value.as_object() else {
        errors.push(format!("{at}: objet attendu ({definition}), reçu {value}"));
        return;
    };
    let properties = &swagger["definitions"][definition]["properties"];
    for (key, item) in object {
        let here = format!("{at}.{key}");
        if extra.contains(&format!("{definition}.{key}").as_str()) {
            continue;
        }
        let Some(property) = properties.get(key) else {
            errors.push(format!(
                "{here}: champ absent de la définition {definition}"
            ));
            continue;
        };
        check_type(swagger, property, item, &here, extra, errors);
    }
}

fn check_type(
    swagger: &Value,
    property: &Value,
    item: &Value,
    at: &str,
    extra: &[&str],
    errors: &mut Vec<String>,
) {
    if item.is_null() {
        errors.push(format!(
            "{at}: null — le test doit remplir chaque champ pour le vérifier"
        ));
        return;
    }
    if let Some(name) = ref_name(property) {
        conform(swagger, name, item, at, extra, errors);
        return;
    }
    let ok = match property["type"].as_str() {
        Some("string") => match (item.as_str(), property["enum"].as_array()) {
            (Some(text), Some(values)) => {
                if !values.iter().any(|v| v == text) {
                    errors.push(format!("{at}: « {text} » hors de l'enum {values:?}"));
                }
                true
            }
            (Some(_), None) => true,
            (None, _) => false,
        },
        Some("integer") => item.is_i64() || item.is_u64(),
        Some("number") => item.is_number(),
        Some("boolean") => item.is_boolean(),
        Some("array") => match item.as_array() {
            Some(items) => {
                for (i, element) in items.iter().enumerate() {
                    check_type(
                        swagger,
                        &property["items"],
                        element,
                        &format!("{at}[{i}]"),
                        extra,
                        errors,
                    );
                }
                true
            }
            None => false,
        },
        other => {
            errors.push(format!("{at}: type Swagger inattendu {other:?}"));
            true
        }
    };
    if !ok {
        errors.push(format!(
            "{at}: type JSON {} attendu, reçu {item}",
            property["type"]
        ));
    }
}

/// A complete instance of a definition, built from the Swagger: our answer types must read it.
fn sample(swagger: &Value, schema: &Value) -> Value {
    if let Some(name) = ref_name(schema) {
        let mut object = serde_json::Map::new();
        if let Some(properties) = swagger["definitions"][name]["properties"].as_object() {
            for (key, property) in properties {
                object.insert(key.clone(), sample(swagger, property));
            }
        }
        return Value::Object(object);
    }
    match schema["type"].as_str() {
        Some("string") => schema["enum"]
            .as_array()
            .and_then(|v| v.first().cloned())
            .unwrap_or_else(|| json!("2016-10-25T17:42:00.000+02:00")),
        Some("integer") => json!(5000025350i64),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([sample(swagger, &schema["items"])]),
        _ => json!({}),
    }
}

fn assert_conforms<T: Serialize>(definition: &str, value: &T, extra: &[&str]) {
    let swagger = swagger();
    let value = serde_json::to_value(value).unwrap();
    let mut errors = Vec::new();
    conform(&swagger, definition, &value, definition, extra, &mut errors);
    assert!(errors.is_empty(), "{definition}:\n{}", errors.join("\n"));
}

fn assert_reads<T: serde::de::DeserializeOwned>(definition: &str) {
    let swagger = swagger();
    let instance = sample(
        &swagger,
        &json!({"$ref": format!("#/definitions/{definition}")}),
    );
    if let Err(e) = serde_json::from_value::<T>(instance.clone()) {
        panic!("{definition}: our type cannot read the Swagger's shape: {e}\n{instance}");
    }
}

/// Fields read from real answers although the Swagger lacks them (chorus-api.md §2.12).
const KNOWN_EXTRA: &[&str] = &[
    "ServiceExpose.dateDbtService",
    "ServiceExpose.dateFinService",
];

fn page_info() -> PageInfo {
    PageInfo {
        page_courante: Some(1),
        pages: Some(1),
        nb_resultats_par_page: Some(10),
        total: Some(1),
    }
}

fn address() -> PostalAddress {
    PostalAddress {
        adresse: Some("1 rue de la Paix".into()),
        complement_adresse1: Some("Bât. A".into()),
        complement_adresse2: Some("2e étage".into()),
        code_postal: Some("75001".into()),
        ville: Some("Paris".into()),
        pays: Some("FR".into()),
    }
}

// Every literal below names all fields (no `..Default::default()`), so a field added to a
// type without being added here fails to compile, and every field is checked.

#[test]
fn rechercher_structure_conforms() {
    let (request_def, answer_def) = operation(&swagger(), "/v1/rechercher");
    let request = RechercherStructureRequest {
        structure: RechercherStructureCriteria {
            identifiant_structure: Some("11000201100044".into()),
            type_identifiant_structure: Some("SIRET".into()),
            raison_sociale_structure: Some("MINISTERE".into()),
            adresse_code_postal: Some("75001".into()),
            adresse_ville: Some("Paris".into()),
            type_structure: Some("PUBLIQUE".into()),
            statut_structure: Some("ACTIF".into()),
        },
        restreindre_structures_privees: Some(false),
        parametres: Some(RechercherStructurePaging {
            nb_resultats_par_page: Some(10),
            page_resultat_demandee: Some(1),
            tri_colonne: Some("IdentifiantStructure".into()),
            tri_sens: Some(SortDirection::Ascending),
        }),
    };
    assert_conforms(&request_def, &request, &[]);
    let answer = RechercherStructureAnswer {
        code_retour: 0,
        libelle: "OK".into(),
        liste_structures: vec![StructureFound {
            id_structure_cpp: Some(5000025350),
            identifiant_structure: Some("11000201100044".into()),
            designation_structure: Some("MINISTERE".into()),
            type_identifiant_structure: Some("SIRET".into()),
            statut: Some("ACTIVE".into()),
        }],
        parametres_retour: Some(page_info()),
    };
    assert_conforms(&answer_def, &answer, &[]);
    assert_reads::<RechercherStructureAnswer>(&answer_def);
}

#[test]
fn consulter_structure_conforms() {
    let (request_def, answer_def) = operation(&swagger(), "/v1/consulter");
    let request = ConsulterStructureRequest {
        id_structure_cpp: 5000025350,
        code_langue: Some("FR".into()),
    };
    assert_conforms(&request_def, &request, &[]);
    let answer = ConsulterStructureAnswer {
        code_retour: 0,
        libelle: "OK".into(),
        adresse_postale_du_siege: Some(address()),
        information_generales: Some(StructureGeneralInformation {
            id_structure_cpp: Some(5000025350),
            identifiant_structure: Some("11000201100044".into()),
            type_identifiant_structure: Some("SIRET".into()),
            raison_sociale_structure: Some("MINISTERE".into()),
            libelle_structure: Some("Ministère".into()),
            email_structure: Some("a@b.fr".into()),
            numero_tva: Some("FR00110002011".into()),
            structure_privee_publique: Some("PUBLIQUE".into()),
            date_expiration_mot_passe_compte_tech: Some("2027-01-01T00:00:00.000+01:00".into()),
        }),
        parametres: Some(StructureRules {
            code_service_doit_etre_renseigne: Some(true),
            numero_ej_doit_etre_renseigne: Some(false),
            gestion_numero_ej_ou_code_service: Some(false),
            est_moa_uniquement: Some(false),
            geta_moa: Some(false),
            statut_mise_en_paiement_nest_pas_remonte: Some(false),
        }),
    };
    assert_conforms(&answer_def, &answer, &[]);
    assert_reads::<ConsulterStructureAnswer>(&answer_def);
}

#[test]
fn rechercher_services_conforms() {
    let (request_def, answer_def) = operation(&swagger(), "/v1/rechercher/services");
    let request = RechercherServicesRequest {
        id_structure: 5000025350,
        parametres_rechercher_services_structure: Some(RechercherServicesPaging {
            nb_resultats_par_page: Some(10000),
            page_resultat_demandee: Some(1),
            tri_colonne: Some("CodeService".into()),
            tri_sens: Some(SortDirection::Descending),
        }),
    };
    assert_conforms(&request_def, &request, &[]);
    let answer = RechercherServicesAnswer {
        code_retour: 0,
        libelle: "OK".into(),
        liste_services: vec![ServiceFound {
            id_service: Some(123),
            code_service: Some("SERV1".into()),
            libelle_service: Some("Service 1".into()),
            est_actif: Some(true),
            statut_service: Some("ACTIF".into()),
            date_dbt_service: Some("2016-10-25 17:42".into()),
            date_fin_service: Some("2099-12-31 00:00".into()),
        }],
        parametres_retour: Some(page_info()),
    };
    assert_conforms(&answer_def, &answer, KNOWN_EXTRA);
    assert_reads::<RechercherServicesAnswer>(&answer_def);
}

#[test]
fn known_extras_are_really_missing_from_the_swagger() {
    // If the Swagger ever gains them, the allowance must go.
    let swagger = swagger();
    for extra in KNOWN_EXTRA {
        let (definition, field) = extra.split_once('.').unwrap();
        assert!(swagger["definitions"][definition]["properties"][field].is_null());
    }
}

#[test]
fn consulter_service_conforms() {
    let (request_def, answer_def) = operation(&swagger(), "/v1/consulter/service");
    let request = ConsulterServiceRequest {
        id_structure: 5000025350,
        id_service: 123,
        code_langue: Some("FR".into()),
    };
    assert_conforms(&request_def, &request, &[]);
    let answer = ConsulterServiceAnswer {
        code_retour: 0,
        libelle: "OK".into(),
        adresse_postale: Some(address()),
        informations_generales: Some(ServiceGeneralInformation {
            code_service: Some("SERV1".into()),
            nom_service: Some("Service 1".into()),
            description_service: Some("Achats".into()),
        }),
        parametres: Some(ServiceRules {
            numero_engagement: Some(true),
            mise_en_paiement: Some(true),
            date_debut_validite: Some("2016-01-01T00:00:00.000+01:00".into()),
            date_fin_validite: Some("2099-01-01T00:00:00.000+01:00".into()),
        }),
    };
    assert_conforms(&answer_def, &answer, &[]);
    assert_reads::<ConsulterServiceAnswer>(&answer_def);
}

#[test]
fn a_misspelled_field_is_caught() {
    // The checker itself: a wrong name (the known `idStructure` bug of another client) fails.
    let swagger = swagger();
    let (request_def, _) = operation(&swagger, "/v1/consulter");
    let mut errors = Vec::new();
    conform(
        &swagger,
        &request_def,
        &json!({"idStructure": 1, "codeLangue": "FR"}),
        "x",
        &[],
        &mut errors,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    let mut errors = Vec::new();
    conform(
        &swagger,
        &request_def,
        &json!({"idStructureCPP": "1"}),
        "x",
        &[],
        &mut errors,
    );
    assert_eq!(
        errors.len(),
        1,
        "wrong JSON type must be caught: {errors:?}"
    );
}

/// What the client really sends, captured on loopback, goes to the Swagger's paths
/// (basePath + path) with conforming bodies.
#[test]
fn requests_on_the_wire_conform() {
    let swagger = swagger();
    let base_path = swagger["basePath"].as_str().unwrap().to_string();
    let server = server::ScriptedServer::start();
    server.on("/api/oauth/token", server::token("tok", 3600));
    for path in [
        "/v1/rechercher",
        "/v1/consulter",
        "/v1/rechercher/services",
        "/v1/consulter/service",
    ] {
        server.on(&format!("{base_path}{path}"), server::ok(json!({})));
    }
    let client = ChorusClient::new(
        Environment::Sandbox {
            api_base: server.url(),
            token_url: server.token_url(),
        },
        Credentials {
            client_id: "id".into(),
            client_secret: Secret::new("secret"),
            login: "login".into(),
            password: Secret::new("password"),
        },
        ClientOptions {
            retry: RetryPolicy::none(),
            log: Arc::new(MemoryLog::default()),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    client
        .rechercher_structure(&RechercherStructureRequest::by_siret("11000201100044"))
        .unwrap();
    client
        .consulter_structure(&ConsulterStructureRequest {
            id_structure_cpp: 5000025350,
            code_langue: Some("FR".into()),
        })
        .unwrap();
    client
        .rechercher_services(&RechercherServicesRequest {
            id_structure: 5000025350,
            parametres_rechercher_services_structure: None,
        })
        .unwrap();
    client
        .consulter_service(&ConsulterServiceRequest {
            id_structure: 5000025350,
            id_service: 12,
            code_langue: None,
        })
        .unwrap();
    let mut errors = Vec::new();
    let mut seen = 0;
    for request in server.requests() {
        let Some(path) = request.path.strip_prefix(&base_path) else {
            continue;
        };
        seen += 1;
        let (request_def, _) = operation(&swagger, path);
        conform(
            &swagger,
            &request_def,
            &request.json(),
            path,
            &[],
            &mut errors,
        );
    }
    assert_eq!(seen, 4);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
