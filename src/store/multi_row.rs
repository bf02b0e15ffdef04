//! Multi-row `INSERT … VALUES (…), (…)` statements, cut into chunks of a fixed size.
//!
//! A batch of writes goes to the database in as few statements as possible, but not in one
//! statement of any size: every distinct row count is a new statement to prepare and cache.
//! Chunks of at most [`ROWS`] rows bound that, and their SQL is built once per row count.
//!
//! SQLite's writer also sends a batch's rows in statements of a few fixed sizes, padded with
//! rows that are left out (see [`MultiRowSql::padded_for`]): one statement per kind of row
//! however many rows a batch holds, and a handful of statement texts to prepare and keep.
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

/// Rows in one padded statement, at most; its sizes are the powers of two up to it.
pub(crate) const PADDED_ROWS: usize = 64;

/// One statement's SQL for every row count from 1 to [`ROWS`], on each database, built on first
/// use.
pub(crate) struct MultiRowSql {
    head: &'static str,
    row: Row,
    tail: &'static str,
    numbered: OnceLock<Vec<String>>,
    anonymous: OnceLock<Vec<String>>,
    padded: OnceLock<Vec<String>>,
}

/// A padded statement's SQL and the rows of padding its parameters need.
pub(crate) struct Padded<'s> {
    /// The statement.
    pub(crate) sql: &'s str,
    /// Rows of padding to bind after the real rows.
    padding: usize,
    /// Parameters in a row.
    columns: usize,
}

impl Padded<'_> {
    /// Binds the padding rows, every parameter NULL, after the real rows' parameters.
    pub(crate) fn pad(&self, params: &mut Params<'_>) {
        for _ in 0..self.padding * self.columns {
            params.push(None::<i64>);
        }
    }
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
            padded: OnceLock::new(),
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
            padded: OnceLock::new(),
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
        let built = cell.get_or_init(|| (1..=ROWS).map(|n| self.values_sql(style, n)).collect());
        built
            .get(rows.clamp(1, ROWS) - 1)
            .map_or("", String::as_str)
    }

    /// SQLite's statement for `rows` rows (1 to [`PADDED_ROWS`]) in the smallest size that
    /// holds them, a power of two: the rows are selected from `VALUES` and the padding rows,
    /// whose first parameter is NULL, are left out, so a batch of any size needs one of seven
    /// statements instead of one per row count. A real row's first value must therefore never
    /// be NULL (the callers' are a tenant, a person and an event's source). SQLite reads a
    /// `VALUES` subquery as a co-routine, in order, so the rows are inserted in the order
    /// given, as `VALUES` alone inserts them (`tests/api/store.rs` holds the ids of a padded
    /// batch to that). Rows written out in full are not padded (their column count is not
    /// known here): their statement is the one for exactly `rows` rows, and each row count is
    /// a statement of its own.
    pub(crate) fn padded_for(&self, rows: usize) -> Padded<'_> {
        debug_assert!(
            (1..=PADDED_ROWS).contains(&rows),
            "{rows} rows in one statement"
        );
        let rows = rows.clamp(1, PADDED_ROWS);
        let built = self.padded.get_or_init(|| match self.row {
            Row::Columns(columns) => size_classes()
                .map(|size| self.padded_sql(columns, size))
                .collect(),
            Row::Written(_) => (1..=PADDED_ROWS)
                .map(|n| self.values_sql(Placeholders::Anonymous, n))
                .collect(),
        });
        let (index, padding, columns) = match self.row {
            Row::Columns(columns) => {
                let size = rows.next_power_of_two();
                (size.trailing_zeros() as usize, size - rows, columns)
            }
            Row::Written(_) => (rows - 1, 0, 0),
        };
        Padded {
            sql: built.get(index).map_or("", String::as_str),
            padding,
            columns,
        }
    }

    /// `{head} VALUES {row}, {row} {tail}` for `rows` rows.
    fn values_sql(&self, style: Placeholders, rows: usize) -> String {
        format!(
            "{} VALUES {} {}",
            self.head,
            style.rows(rows, self.row),
            self.tail
        )
    }

    /// `{head} SELECT column1, … FROM (VALUES (?, …), (?, …), …) WHERE column1 IS NOT NULL
    /// {tail}`. The `WHERE` also keeps SQLite from reading a tail's `ON CONFLICT` as a join's
    /// `ON`.
    fn padded_sql(&self, columns: usize, size: usize) -> String {
        let selected: Vec<String> = (1..=columns).map(|c| format!("column{c}")).collect();
        format!(
            "{} SELECT {} FROM (VALUES {}) WHERE column1 IS NOT NULL {}",
            self.head,
            selected.join(", "),
            Placeholders::Anonymous.rows(size, self.row),
            self.tail
        )
    }
}

/// The sizes of padded statements: 1, 2, 4, … [`PADDED_ROWS`].
fn size_classes() -> impl Iterator<Item = usize> {
    (0..=PADDED_ROWS.trailing_zeros()).map(|power| 1 << power)
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

    #[test]
    fn pads_to_the_next_power_of_two() {
        let three = SQL.padded_for(3);
        assert_eq!(
            three.sql,
            "INSERT INTO t (a, b) SELECT column1, column2 FROM (VALUES (?, ?), (?, ?), (?, ?), \
             (?, ?)) WHERE column1 IS NOT NULL RETURNING id"
        );
        let mut params = Params::default();
        for n in 0..3_i64 {
            params.push(n).push(n);
        }
        three.pad(&mut params);
        let args = params.finish().expect("encoded");
        assert_eq!(args.len(), 8, "three rows and one row of padding");

        assert_eq!(SQL.padded_for(4).sql, three.sql);
        assert_eq!(SQL.padded_for(1).sql.matches('?').count(), 2);
        assert_eq!(SQL.padded_for(33).sql, SQL.padded_for(PADDED_ROWS).sql);
        assert_eq!(
            SQL.padded_for(PADDED_ROWS).sql.matches('?').count(),
            2 * PADDED_ROWS
        );
        let sizes: std::collections::HashSet<&str> =
            (1..=PADDED_ROWS).map(|n| SQL.padded_for(n).sql).collect();
        assert_eq!(sizes.len(), 7, "1, 2, 4, … 64 rows");
    }

    #[test]
    fn written_rows_are_not_padded() {
        let two = WRITTEN.padded_for(2);
        assert_eq!(two.sql, WRITTEN.for_rows(Backend::Sqlite, 2));
        let mut params = Params::default();
        two.pad(&mut params);
        assert_eq!(params.finish().expect("encoded").len(), 0);
        assert_eq!(WRITTEN.padded_for(40).sql.matches('?').count(), 80);
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
