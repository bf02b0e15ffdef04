//! Multi-row `INSERT … VALUES (…), (…)` statements, cut into chunks of a fixed size.
//!
//! A batch of writes goes to the database in as few statements as possible, but not in one
//! statement of any size: every distinct row count is a new statement to prepare and cache.
//! Chunks of at most [`ROWS`] rows bound that, and their SQL is built once per row count.
//!
//! Parameters are written the way each database binds them cheaply. PostgreSQL gets numbered
//! ones (`$1`, `$2`). SQLite gets anonymous ones (`?`): it reads `$1` as a *name*, and sqlx
//! binds a named parameter by asking SQLite for each one's name, which walks the list of all of
//! them — quadratic in a statement's parameters, and a tenth of the group-commit writer's time
//! with 13 columns and 16 rows. Anonymous parameters are bound in order, which is the order
//! the callers bind them in.

use std::sync::OnceLock;

use sqlx::any::AnyArguments;
use sqlx::encode::Encode;
use sqlx::error::BoxDynError;
use sqlx::{Any, Arguments, Type};

use super::{Backend, StoreError, StoreResult};

/// Rows in one statement, at most.
pub(crate) const ROWS: usize = 16;

/// One statement's SQL for every row count from 1 to [`ROWS`], on each database, built on first
/// use.
pub(crate) struct MultiRowSql {
    head: &'static str,
    row: Row,
    tail: &'static str,
    numbered: OnceLock<Vec<String>>,
    anonymous: OnceLock<Vec<String>>,
}

impl MultiRowSql {
    /// `{head} VALUES (…), (…) {tail}` with `columns` parameters per row. The tail must not
    /// hold parameters of its own: on SQLite they are bound in the order they appear.
    pub(crate) const fn new(head: &'static str, columns: usize, tail: &'static str) -> Self {
        MultiRowSql {
            head,
            row: Row::Columns(columns),
            tail,
            numbered: OnceLock::new(),
            anonymous: OnceLock::new(),
        }
    }

    /// `{head} VALUES {row}, {row} {tail}` where `row` is written out in full, e.g.
    /// `(?, ?, 'pending', (SELECT platform FROM tenants WHERE id = ?))`: each `?` is one
    /// parameter, numbered on PostgreSQL in order. For rows that hold constants or subqueries
    /// beside their parameters.
    pub(crate) const fn with_row(
        head: &'static str,
        row: &'static str,
        tail: &'static str,
    ) -> Self {
        MultiRowSql {
            head,
            row: Row::Written(row),
            tail,
            numbered: OnceLock::new(),
            anonymous: OnceLock::new(),
        }
    }

    /// The SQL for `rows` rows (1 to [`ROWS`]; callers cut their rows with `chunks(ROWS)`) on
    /// `backend`.
    pub(crate) fn for_rows(&self, backend: Backend, rows: usize) -> &str {
        debug_assert!((1..=ROWS).contains(&rows), "{rows} rows in one statement");
        let (cell, style) = match backend {
            Backend::Postgres => (&self.numbered, Placeholders::Numbered),
            Backend::Sqlite => (&self.anonymous, Placeholders::Anonymous),
        };
        let built = cell.get_or_init(|| {
            (1..=ROWS)
                .map(|n| {
                    format!(
                        "{} VALUES {} {}",
                        self.head,
                        style.rows(n, self.row),
                        self.tail
                    )
                })
                .collect()
        });
        built
            .get(rows.clamp(1, ROWS) - 1)
            .map_or("", String::as_str)
    }
}

/// A statement's parameters, added row by row in the order its SQL names them. Rows are added
/// by functions shared between the statement run alone and the same statement sent with others
/// in one go (see `group_commit::pipelined`).
#[derive(Default)]
pub(crate) struct Params<'q> {
    args: AnyArguments<'q>,
    /// The first value that did not encode; like `Query::bind`, it fails the statement.
    error: Option<BoxDynError>,
}

impl<'q> Params<'q> {
    /// Adds the next parameter.
    pub(crate) fn push<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        if self.error.is_none() {
            self.error = self.args.add(value).err();
        }
        self
    }

    /// The parameters, for `sqlx::query_with`, or the first that did not encode.
    pub(crate) fn finish(self) -> StoreResult<AnyArguments<'q>> {
        match self.error {
            None => Ok(self.args),
            Some(error) => Err(StoreError::Database(sqlx::Error::Encode(error))),
        }
    }
}

/// What one row of `VALUES` is.
#[derive(Clone, Copy)]
enum Row {
    /// Only parameters, this many.
    Columns(usize),
    /// Written out, with `?` for each parameter.
    Written(&'static str),
}

/// How a statement's parameters are written.
#[derive(Clone, Copy)]
enum Placeholders {
    /// `$1, $2`: PostgreSQL's.
    Numbered,
    /// `?, ?`: SQLite binds them in order without looking their names up.
    Anonymous,
}

impl Placeholders {
    /// `($1, $2), ($3, $4)` or `(?, ?), (?, ?)` for `rows` rows like `row`.
    fn rows(self, rows: usize, row: Row) -> String {
        let written = match row {
            Row::Columns(columns) => format!("({})", vec!["?"; columns].join(", ")),
            Row::Written(row) => row.to_owned(),
        };
        let all = vec![written.as_str(); rows].join(", ");
        match self {
            Placeholders::Anonymous => all,
            Placeholders::Numbered => {
                let mut numbered = String::with_capacity(all.len() * 2);
                for (n, part) in all.split('?').enumerate() {
                    if n > 0 {
                        numbered.push_str(&format!("${n}"));
                    }
                    numbered.push_str(part);
                }
                numbered
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SQL: MultiRowSql = MultiRowSql::new("INSERT INTO t (a, b)", 2, "RETURNING id");

    #[test]
    fn numbers_parameters_row_by_row_on_postgres() {
        assert_eq!(
            SQL.for_rows(Backend::Postgres, 1),
            "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id"
        );
        assert_eq!(
            SQL.for_rows(Backend::Postgres, 3),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6) RETURNING id"
        );
        assert!(SQL.for_rows(Backend::Postgres, ROWS).ends_with(&format!(
            "(${}, ${}) RETURNING id",
            2 * ROWS - 1,
            2 * ROWS
        )));
    }

    #[test]
    fn leaves_parameters_anonymous_on_sqlite() {
        assert_eq!(
            SQL.for_rows(Backend::Sqlite, 3),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) RETURNING id"
        );
        assert_eq!(
            SQL.for_rows(Backend::Sqlite, ROWS).matches('?').count(),
            2 * ROWS
        );
    }

    static WRITTEN: MultiRowSql = MultiRowSql::with_row(
        "INSERT INTO t (a, b, c)",
        "(?, 'x', (SELECT p FROM u WHERE id = ?))",
        "",
    );

    #[test]
    fn a_written_row_keeps_its_constants_and_numbers_its_parameters() {
        assert_eq!(
            WRITTEN.for_rows(Backend::Postgres, 2),
            "INSERT INTO t (a, b, c) VALUES ($1, 'x', (SELECT p FROM u WHERE id = $2)), \
             ($3, 'x', (SELECT p FROM u WHERE id = $4)) "
        );
        assert_eq!(
            WRITTEN.for_rows(Backend::Sqlite, 2),
            "INSERT INTO t (a, b, c) VALUES (?, 'x', (SELECT p FROM u WHERE id = ?)), \
             (?, 'x', (SELECT p FROM u WHERE id = ?)) "
        );
    }
}
