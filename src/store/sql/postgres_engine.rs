//! [`Sql`] on a PostgreSQL connection.

use super::{Engine, Row, Sql, SqlError, Value};
use ::postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::cell::RefCell;

/// A connection to the team base. The `postgres` client needs `&mut` for every call; the
/// store's functions share a connection (`&dyn Sql`) as they do a SQLite one, so the
/// client is borrowed for each statement.
pub struct PgSql {
    client: RefCell<::postgres::Client>,
    /// Inside `in_transaction`: nested calls run in the same transaction.
    in_transaction: std::cell::Cell<bool>,
}

impl PgSql {
    pub fn new(client: ::postgres::Client) -> PgSql {
        PgSql {
            client: RefCell::new(client),
            in_transaction: std::cell::Cell::new(false),
        }
    }

    /// The client itself, for what only PostgreSQL has (the change notices).
    pub fn with_client<R>(&self, work: impl FnOnce(&mut ::postgres::Client) -> R) -> R {
        work(&mut self.client.borrow_mut())
    }

    pub fn into_client(self) -> ::postgres::Client {
        self.client.into_inner()
    }
}

/// `?1` → `$1`, and a bare `?` numbered in order, outside quoted text and identifiers.
pub(crate) fn postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut next = 1;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                out.push('$');
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        out.push(d);
                    }
                } else {
                    out.push_str(&next.to_string());
                    next += 1;
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Real(r) => r.to_sql(ty, out),
            Value::Text(t) => t.as_str().to_sql(ty, out),
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool
    where
        Self: Sized,
    {
        // Checked per value in `to_sql` (a NULL fits any column); PostgreSQL's own types
        // then refuse a text where a number is expected, with its message.
        let _ = ty;
        true
    }

    to_sql_checked!();
}

fn read(row: &::postgres::Row, index: usize) -> Result<Value, SqlError> {
    let ty = row.columns()[index].type_().clone();
    let value = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(Value::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(index)?
            .map(|i| Value::Int(i.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(index)?
            .map(|i| Value::Int(i.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(index)?
            .map(|b| Value::Int(b.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(index)?.map(Value::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(index)?
            .map(|f| Value::Real(f.into())),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(index)?.map(Value::Bytes),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
            row.try_get::<_, Option<String>>(index)?.map(Value::Text)
        }
        other => {
            return Err(SqlError::Type {
                column: row.columns()[index].name().to_string(),
                expected: "un nombre entier, un texte ou des données binaires",
                found: format!(
                    "le type PostgreSQL {other} (convertissez-le dans la requête, \
                     par exemple CAST(… AS BIGINT))"
                ),
            });
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

impl Sql for PgSql {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, SqlError> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(self
            .client
            .borrow_mut()
            .execute(postgres_placeholders(sql).as_str(), &refs)?)
    }

    fn for_each_row(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Row) -> Result<(), SqlError>,
    ) -> Result<(), SqlError> {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = self
            .client
            .borrow_mut()
            .query(postgres_placeholders(sql).as_str(), &refs)?;
        let Some(first) = rows.first() else {
            return Ok(());
        };
        let names: std::sync::Arc<[String]> = first
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        for row in &rows {
            let values = (0..row.len())
                .map(|i| read(row, i))
                .collect::<Result<Vec<_>, _>>()?;
            each(Row::new(names.clone(), values))?;
        }
        Ok(())
    }

    fn in_transaction(
        &self,
        work: &mut dyn FnMut(&dyn Sql) -> Result<(), SqlError>,
    ) -> Result<(), SqlError> {
        if self.in_transaction.get() {
            return work(self);
        }
        self.client.borrow_mut().batch_execute("BEGIN")?;
        self.in_transaction.set(true);
        let outcome = work(self);
        self.in_transaction.set(false);
        match outcome {
            Ok(()) => {
                self.client.borrow_mut().batch_execute("COMMIT")?;
                Ok(())
            }
            Err(e) => {
                let _ = self.client.borrow_mut().batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::postgres_placeholders;

    #[test]
    fn numbered_and_bare_placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            postgres_placeholders("SELECT a FROM t WHERE b = ?2 AND c = ?1 AND d = '?3'"),
            "SELECT a FROM t WHERE b = $2 AND c = $1 AND d = '?3'"
        );
        assert_eq!(
            postgres_placeholders("INSERT INTO \"q?\" VALUES (?, ?)"),
            "INSERT INTO \"q?\" VALUES ($1, $2)"
        );
        assert_eq!(postgres_placeholders("'it''s ?'"), "'it''s ?'");
    }
}
