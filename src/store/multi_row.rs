//! Multi-row `INSERT … VALUES (…), (…)` statements, cut into chunks of a fixed size.
//!
//! A batch of writes goes to the database in as few statements as possible, but not in one
//! statement of any size: SQLite looks up each numbered parameter's name by walking the list of
//! all of them (quadratic in the statement's parameters; with 13 columns and 60 rows it was a
//! fifth of the writer's time), and every distinct row count is a new statement to prepare and
//! cache. Chunks of at most [`ROWS`] rows bound both, and their SQL is built once per row count.

use std::sync::OnceLock;

/// Rows in one statement, at most.
pub(crate) const ROWS: usize = 16;

/// One statement's SQL for every row count from 1 to [`ROWS`], built on first use.
pub(crate) struct MultiRowSql {
    head: &'static str,
    columns: usize,
    tail: &'static str,
    built: OnceLock<Vec<String>>,
}

impl MultiRowSql {
    /// `{head} VALUES ($1, …), (…) {tail}` with `columns` parameters per row.
    pub(crate) const fn new(head: &'static str, columns: usize, tail: &'static str) -> Self {
        MultiRowSql {
            head,
            columns,
            tail,
            built: OnceLock::new(),
        }
    }

    /// The SQL for `rows` rows (1 to [`ROWS`]; callers cut their rows with `chunks(ROWS)`).
    pub(crate) fn for_rows(&self, rows: usize) -> &str {
        debug_assert!((1..=ROWS).contains(&rows), "{rows} rows in one statement");
        let built = self.built.get_or_init(|| {
            (1..=ROWS)
                .map(|n| {
                    format!(
                        "{} VALUES {} {}",
                        self.head,
                        placeholders(n, self.columns),
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

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` parameters.
fn placeholders(rows: usize, columns: usize) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=columns)
                .map(|col| format!("${}", row * columns + col))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    rows.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    static SQL: MultiRowSql = MultiRowSql::new("INSERT INTO t (a, b)", 2, "RETURNING id");

    #[test]
    fn numbers_parameters_row_by_row() {
        assert_eq!(
            SQL.for_rows(1),
            "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id"
        );
        assert_eq!(
            SQL.for_rows(3),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6) RETURNING id"
        );
        assert!(SQL.for_rows(ROWS).ends_with(&format!(
            "(${}, ${}) RETURNING id",
            2 * ROWS - 1,
            2 * ROWS
        )));
    }
}
