//! One way to run SQL on either engine (issue 11): the embedded SQLite file of a single
//! user, or the team's PostgreSQL base. The store's modules take a `&dyn Sql` and write
//! their SQL once; nothing outside `store/` sees an engine's types.
//!
//! The SQL written for both:
//! - parameters are `?1`, `?2`… (SQLite's numbered form; rewritten `$1`… for PostgreSQL);
//! - `INSERT … ON CONFLICT … DO NOTHING / DO UPDATE` rather than `INSERT OR IGNORE/REPLACE`,
//!   `RETURNING id` rather than `last_insert_rowid()`, `COALESCE` rather than `IFNULL`;
//! - integers are 64-bit (BIGINT on PostgreSQL), flags 0/1, amounts and dates text (the
//!   migrations say why); an aggregate that PostgreSQL widens (`SUM` of integers is NUMERIC
//!   there) is cast back: `CAST(SUM(x) AS BIGINT)`.
//!
//! Rows are read into [`Row`]s of [`Value`]s, whose getters say in French what was found
//! where something else was expected.

mod postgres_engine;
mod sqlite_engine;

pub use postgres_engine::PgSql;

/// A value bound to a parameter or read from a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(v.into())
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v.into())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(i64::from(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// `sql_params![a, b]`: the parameters `?1`, `?2` of a statement.
#[macro_export]
macro_rules! sql_params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::sql::Value::from($value)),*][..]
    };
}

/// Which engine runs the statements (for the rare statement that must differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// What went wrong, said in French.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("erreur de la base de données : {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("erreur de la base d'équipe : {}", crate::store::postgres::error::describe(.0))]
    Postgres(#[from] ::postgres::Error),
    #[error("colonne {column} : {found} là où {expected} est attendu")]
    Type {
        column: String,
        expected: &'static str,
        found: String,
    },
    #[error("colonne n° {0} absente du résultat")]
    NoColumn(usize),
    /// Raised by the caller's code inside a transaction (the transaction is rolled back).
    #[error("{0}")]
    Other(String),
}

impl SqlError {
    /// A unique constraint or index refused the statement (on either engine): the row is
    /// already there, written by this session or another.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            SqlError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::ConstraintViolation
                    && matches!(
                        e.extended_code,
                        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    )
            }
            SqlError::Postgres(e) => {
                e.code() == Some(&::postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }
}

impl SqlError {
    /// The team base refused the statement to this user's role (grants).
    pub fn is_permission_denied(&self) -> bool {
        matches!(self, SqlError::Postgres(e)
            if e.code() == Some(&::postgres::error::SqlState::INSUFFICIENT_PRIVILEGE))
    }
}

/// While the store moves to `Sql` module by module, callers not moved yet still speak
/// rusqlite's error: a moved module's error reaches them unchanged when it came from
/// SQLite, and as its French sentence otherwise.
impl From<SqlError> for rusqlite::Error {
    fn from(error: SqlError) -> rusqlite::Error {
        match error {
            SqlError::Sqlite(e) => e,
            other => rusqlite::Error::ToSqlConversionFailure(other.to_string().into()),
        }
    }
}

/// One row read.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    names: std::sync::Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub fn new(names: std::sync::Arc<[String]>, values: Vec<Value>) -> Row {
        Row { names, values }
    }

    pub fn value(&self, index: usize) -> Result<&Value, SqlError> {
        self.values.get(index).ok_or(SqlError::NoColumn(index))
    }

    fn mismatch(&self, index: usize, expected: &'static str) -> SqlError {
        let found = match &self.values[index] {
            Value::Null => "une valeur absente (NULL)".to_string(),
            Value::Int(i) => format!("le nombre entier {i}"),
            Value::Real(r) => format!("le nombre {r}"),
            Value::Text(t) => format!("le texte « {t} »"),
            Value::Bytes(b) => format!("{} octets de données binaires", b.len()),
        };
        SqlError::Type {
            column: self.names.get(index).cloned().unwrap_or_default(),
            expected,
            found,
        }
    }

    pub fn int(&self, index: usize) -> Result<i64, SqlError> {
        match self.value(index)? {
            Value::Int(i) => Ok(*i),
            _ => Err(self.mismatch(index, "un nombre entier")),
        }
    }

    pub fn opt_int(&self, index: usize) -> Result<Option<i64>, SqlError> {
        match self.value(index)? {
            Value::Null => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            _ => Err(self.mismatch(index, "un nombre entier ou rien")),
        }
    }

    /// An integer that must fit `T` (a count of days, of pages).
    pub fn int_as<T: TryFrom<i64>>(&self, index: usize) -> Result<T, SqlError> {
        let i = self.int(index)?;
        T::try_from(i).map_err(|_| self.mismatch(index, "un nombre entier de cette taille"))
    }

    pub fn opt_int_as<T: TryFrom<i64>>(&self, index: usize) -> Result<Option<T>, SqlError> {
        match self.opt_int(index)? {
            None => Ok(None),
            Some(i) => T::try_from(i)
                .map(Some)
                .map_err(|_| self.mismatch(index, "un nombre entier de cette taille")),
        }
    }

    /// A flag kept as 0/1 (SQLite) or a comparison's boolean (PostgreSQL).
    pub fn flag(&self, index: usize) -> Result<bool, SqlError> {
        Ok(self.int(index)? != 0)
    }

    /// How many columns the row has.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The column's name as the query gave it.
    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("?", String::as_str)
    }

    /// A text, borrowed from the row (no copy for a value only parsed).
    pub fn text_ref(&self, index: usize) -> Result<&str, SqlError> {
        match self.value(index)? {
            Value::Text(t) => Ok(t),
            _ => Err(self.mismatch(index, "un texte")),
        }
    }

    pub fn text(&self, index: usize) -> Result<String, SqlError> {
        match self.value(index)? {
            Value::Text(t) => Ok(t.clone()),
            _ => Err(self.mismatch(index, "un texte")),
        }
    }

    pub fn opt_text(&self, index: usize) -> Result<Option<String>, SqlError> {
        match self.value(index)? {
            Value::Null => Ok(None),
            Value::Text(t) => Ok(Some(t.clone())),
            _ => Err(self.mismatch(index, "un texte ou rien")),
        }
    }

    pub fn bytes(&self, index: usize) -> Result<Vec<u8>, SqlError> {
        match self.value(index)? {
            Value::Bytes(b) => Ok(b.clone()),
            _ => Err(self.mismatch(index, "des données binaires")),
        }
    }
}

/// Statements on one connection of either engine.
pub trait Sql {
    fn engine(&self) -> Engine;

    /// Runs one statement; the number of rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, SqlError>;

    /// Runs a query and hands each row to `each`, in order; stops at its first error.
    fn for_each_row(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Row) -> Result<(), SqlError>,
    ) -> Result<(), SqlError>;

    /// Runs `work` in a transaction: committed if it returns Ok, rolled back otherwise.
    fn in_transaction(
        &self,
        work: &mut dyn FnMut(&dyn Sql) -> Result<(), SqlError>,
    ) -> Result<(), SqlError>;
}

impl dyn Sql + '_ {
    /// Every row, mapped.
    pub fn rows<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut map: impl FnMut(&Row) -> Result<T, SqlError>,
    ) -> Result<Vec<T>, SqlError> {
        let mut out = Vec::new();
        self.for_each_row(sql, params, &mut |row| {
            out.push(map(&row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Runs `work` in a transaction, for work whose errors are the caller's own (a refused
    /// row, a cancellation): committed if it returns Ok; rolled back on its error, which
    /// comes back unchanged.
    pub fn transaction<T, E: From<SqlError>>(
        &self,
        mut work: impl FnMut(&dyn Sql) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut outcome: Option<Result<T, E>> = None;
        let result = self.in_transaction(&mut |tx| match work(tx) {
            Ok(value) => {
                outcome = Some(Ok(value));
                Ok(())
            }
            Err(error) => {
                outcome = Some(Err(error));
                Err(SqlError::Other("travail annulé".into()))
            }
        });
        match (result, outcome) {
            (Ok(()), Some(Ok(value))) => Ok(value),
            (_, Some(Err(error))) => Err(error),
            // The work was done but the commit failed (or the transaction never began).
            (Err(error), _) => Err(error.into()),
            (Ok(()), None) => Err(SqlError::Other("transaction sans résultat".into()).into()),
        }
    }

    /// The first row, mapped, if any. The query's other rows are still read: use it for a
    /// key lookup or a query with `LIMIT 1`.
    pub fn first_row<T>(
        &self,
        sql: &str,
        params: &[Value],
        map: impl FnOnce(&Row) -> Result<T, SqlError>,
    ) -> Result<Option<T>, SqlError> {
        let mut first = None;
        self.for_each_row(sql, params, &mut |row| {
            if first.is_none() {
                first = Some(row);
            }
            Ok(())
        })?;
        first.as_ref().map(map).transpose()
    }
}
