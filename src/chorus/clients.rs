//! The client of each invoicing company (each has its own technical account), opened on
//! first use and kept for the run, token included. Shared by the deposits and the sync.

use super::ChorusClient;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Gives the Chorus Pro client of an invoicing company (each has its own technical account).
pub trait ClientSource: Sync {
    fn client(&self, company_code: &str) -> Result<Arc<ChorusClient>, String>;
}

type Opener = Box<dyn Fn(&str) -> Result<ChorusClient, String> + Send + Sync>;

/// Opens each company's client on first use and keeps it for the run (its token too).
pub struct Clients {
    open: Opener,
    single: Option<Arc<ChorusClient>>,
    opened: Mutex<HashMap<String, Arc<ChorusClient>>>,
}

impl Clients {
    pub fn new(
        open: impl Fn(&str) -> Result<ChorusClient, String> + Send + Sync + 'static,
    ) -> Clients {
        Clients {
            open: Box::new(open),
            single: None,
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// One client for every company (tests, benchmarks, a single account).
    pub fn single(client: ChorusClient) -> Clients {
        Clients {
            open: Box::new(|_| Err("client unique".into())),
            single: Some(Arc::new(client)),
            opened: Mutex::new(HashMap::new()),
        }
    }
}

impl ClientSource for Clients {
    fn client(&self, company_code: &str) -> Result<Arc<ChorusClient>, String> {
        if let Some(single) = &self.single {
            return Ok(single.clone());
        }
        let mut opened = self
            .opened
            .lock()
            .map_err(|_| "client Chorus Pro indisponible".to_string())?;
        if let Some(client) = opened.get(company_code) {
            return Ok(client.clone());
        }
        let client = Arc::new((self.open)(company_code)?);
        opened.insert(company_code.to_string(), client.clone());
        Ok(client)
    }
}
