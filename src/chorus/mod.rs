//! The PISTE / Chorus Pro HTTP client (reqwest blocking, rustls).
//!
//! One module per job: `environment` (where), `secret` and `token` (who), `transport` (one
//! HTTP exchange), `client` (headers, 401 replay, statuses, retries), `error` (French
//! messages), `retry`, `budget` (how long to wait for Chorus Pro), `audit` (what was said, secrets removed), and one module per API with
//! its typed requests and answers: `factures`, `structures`, `transverses`.
//!
//! Type fields mirror the API's names (`numero_flux_depot` ↔ `numeroFluxDepot`) so that they
//! can be checked word for word against the documentation and the official Swagger.

pub mod audit;
pub mod budget;
pub mod client;
pub mod clients;
pub mod environment;
pub mod error;
pub mod factures;
pub mod retry;
pub mod secret;
pub mod structures;
pub mod token;
mod transport;
pub mod transverses;
pub mod types;

pub use audit::{Exchange, ExchangeLog, MemoryLog, NoLog};
pub use budget::Patience;
pub use client::{ChorusClient, ClientOptions, Credentials, JSON_CONTENT_TYPE};
pub use clients::{ClientSource, Clients};
pub use environment::Environment;
pub use error::ChorusError;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use token::{Clock, ManualClock, SystemClock};
pub use types::{FluxState, FluxSyntax, InvoiceStatus, PageInfo, SortDirection};
