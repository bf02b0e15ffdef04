//! Claiming rows with a lease, written once for every queue that has one (the outbox, the
//! scheduler's jobs): a claim sets `lease_until` and counts an attempt; a row whose lease ran
//! out may be claimed again. On PostgreSQL concurrent replicas skip each other's locked rows
//! (`FOR UPDATE SKIP LOCKED`); SQLite has one writer, so claims never race there.

use super::Backend;

/// One queue's claim: which rows are due and what a claim reads back.
pub(super) struct Claim<'a> {
    /// The table.
    pub(super) table: &'a str,
    /// More `column = value` assignments made by a claim (with a leading comma), or "".
    pub(super) also_set: &'a str,
    /// The condition a claimable row meets; `$2` is now (Unix ms).
    pub(super) due: &'a str,
    /// The order rows are claimed in.
    pub(super) order: &'a str,
    /// The columns read back.
    pub(super) returning: &'a str,
}

impl Claim<'_> {
    /// The statement: `$1` is the new lease's end, `$2` now, `$3` how many rows at most.
    pub(super) fn sql(&self, backend: Backend) -> String {
        let lock = match backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        format!(
            "UPDATE {table} SET lease_until = $1, attempts = attempts + 1{also_set} \
             WHERE id IN (SELECT id FROM {table} WHERE {due} ORDER BY {order} LIMIT $3 {lock}) \
             RETURNING {returning}",
            table = self.table,
            also_set = self.also_set,
            due = self.due,
            order = self.order,
            returning = self.returning,
        )
    }
}
