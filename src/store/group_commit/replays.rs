//! Replays of signed slash commands, caught on SQLite without a unique index entry per command.
//!
//! A slash command's idempotency key is its signed second and its signature
//! ([`command_key`]). Within a second the signatures are random, so a unique index on these
//! keys put each command of a group commit on a page of its own: under the acknowledgement
//! benchmark, 30 of the 57 WAL frames a commit wrote (3 with the index by second). Slack
//! accepts a signature only within five minutes of its timestamp, so such a key can only come
//! again for a few minutes. SQLite's migration 0019 therefore leaves these keys out of the
//! unique index and indexes them by second instead (an index that grows at its end), and the
//! writer, the one process writing the file, keeps a Bloom filter of the keys it committed in
//! each of the last [`HORIZON`] + 1 seconds of signed time. A key the filter of its second has
//! certainly not seen goes straight into the batch; any other (an older second, a key the
//! filter may hold) is looked up in the index, which decides whether it is a replay.
//! Every other idempotency key, and every key on PostgreSQL, stays unique in the database.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use sqlx::AnyPool;

use super::super::StoreResult;
use crate::domain::decision::NewDecision;
use crate::domain::ids::TenantId;

/// What every slash command's key starts with; migration 0019 names it too.
const PREFIX: &str = "slack-command:";
/// The key's prefix and its ten-digit second: the length the index by second reads.
const SECOND_END: usize = PREFIX.len() + 10;
/// How many seconds before the newest one seen the writer keeps the keys of. Commands reach
/// Cadence within a second of being signed; later ones are looked up in the database.
const HORIZON: i64 = 1;
/// Bits in a second's filter: 64 KiB, whatever the rate. At 20,000 commands in a second, one
/// new key in about 800 is taken for a possible replay and looked up; at 100,000, one in 12.
const FILTER_BITS: usize = 1 << 19;
/// Bits a key sets, and tests, in its second's filter.
const PROBES: u32 = 3;

/// The idempotency key of a slash command signed at `timestamp` (Unix seconds) with
/// `signature`: the same bytes sent again make the same key.
pub fn command_key(timestamp: i64, signature: &str) -> String {
    format!("{PREFIX}{timestamp:010}:{signature}")
}

/// The signed second of a slash command's key; `None` for any other key (or a key whose second
/// is not ten digits, which the database is asked about every time).
fn second_of(key: &str) -> Option<i64> {
    let digits = key.strip_prefix(PREFIX)?.get(..10)?;
    if key.as_bytes().get(SECOND_END) != Some(&b':') {
        return None;
    }
    digits.parse().ok()
}

/// Whether `key` is a slash command's key, kept out of the unique index.
fn is_command_key(key: &str) -> bool {
    key.starts_with(PREFIX)
}

/// The slash-command keys among `decisions`, with their tenants.
pub(super) fn command_keys(decisions: &[NewDecision]) -> impl Iterator<Item = (TenantId, &str)> {
    decisions
        .iter()
        .filter_map(|d| Some((d.tenant, d.idempotency_key.as_deref()?)))
        .filter(|(_, key)| is_command_key(key))
}

/// The keys the writer committed for the most recent seconds of signed time.
pub(super) struct RecentCommands {
    /// Every key of a second at or after this one that the database holds is in `seconds`;
    /// of earlier seconds the writer knows nothing.
    floor: i64,
    /// The committed keys, by second. A filter that holds a key may have had only other keys
    /// set its bits, so a match is confirmed in the database before anyone is told.
    seconds: BTreeMap<i64, Filter>,
    /// Keyed per process: no request can aim its key at the bits of another's.
    hashing: RandomState,
}

impl RecentCommands {
    /// Starts after the newest second the database holds a key of, so no key committed
    /// before (by an earlier run of the process) is taken for new.
    pub(super) async fn load(pool: &AnyPool) -> StoreResult<Self> {
        let newest: Option<String> = sqlx::query_scalar(
            "SELECT MAX(substr(idempotency_key, 1, 24)) FROM decisions \
             WHERE substr(idempotency_key, 1, 14) = 'slack-command:'",
        )
        .fetch_one(pool)
        .await?;
        // A newest key without a readable second leaves nothing to vouch for.
        let floor = newest.map_or(i64::MIN, |prefix| {
            second_of(&format!("{prefix}:")).map_or(i64::MAX, |s| s.saturating_add(1))
        });
        Ok(RecentCommands {
            floor,
            seconds: BTreeMap::new(),
            hashing: RandomState::new(),
        })
    }

    fn fingerprint(&self, tenant: TenantId, key: &str) -> u64 {
        self.hashing.hash_one((tenant.0, key))
    }

    /// Whether `key` is certainly not committed: its second is one the writer keeps, and that
    /// second's filter has not seen it.
    pub(super) fn is_new(&self, tenant: TenantId, key: &str) -> bool {
        let Some(second) = second_of(key).filter(|s| *s >= self.floor) else {
            return false;
        };
        let fingerprint = self.fingerprint(tenant, key);
        self.seconds
            .get(&second)
            .is_none_or(|filter| !filter.may_hold(fingerprint))
    }

    /// Notes a committed key, and forgets the seconds that fell behind the horizon.
    pub(super) fn remember(&mut self, tenant: TenantId, key: &str) {
        let Some(second) = second_of(key).filter(|s| *s >= self.floor) else {
            return;
        };
        let fingerprint = self.fingerprint(tenant, key);
        self.seconds
            .entry(second)
            .or_insert_with(Filter::empty)
            .insert(fingerprint);
        let Some(newest) = self.seconds.last_key_value().map(|(s, _)| *s) else {
            return;
        };
        let floor = newest.saturating_sub(HORIZON);
        if floor > self.floor {
            self.floor = floor;
            self.seconds = self.seconds.split_off(&floor);
        }
    }
}

/// A Bloom filter of one second's keys: it never takes a committed key for new, and takes a
/// new key for a possibly committed one only rarely (see [`FILTER_BITS`]).
struct Filter(Box<[u64]>);

impl Filter {
    fn empty() -> Self {
        Filter(vec![0; FILTER_BITS / 64].into_boxed_slice())
    }

    /// The bits a fingerprint stands for: its two halves combined as `h1 + i·h2`, which serves
    /// as well as that many independent hashes (Kirsch and Mitzenmacher).
    fn bits(fingerprint: u64) -> impl Iterator<Item = (usize, u64)> {
        let (h1, h2) = (fingerprint as u32, (fingerprint >> 32) as u32);
        (0..PROBES).map(move |i| {
            let bit = h1.wrapping_add(i.wrapping_mul(h2)) as usize % FILTER_BITS;
            (bit / 64, 1 << (bit % 64))
        })
    }

    fn insert(&mut self, fingerprint: u64) {
        for (word, mask) in Self::bits(fingerprint) {
            if let Some(word) = self.0.get_mut(word) {
                *word |= mask;
            }
        }
    }

    fn may_hold(&self, fingerprint: u64) -> bool {
        Self::bits(fingerprint).all(|(word, mask)| self.0.get(word).is_none_or(|w| w & mask != 0))
    }
}

/// Whether the database holds `key` for `tenant`, through the index by second.
pub(super) async fn recorded(pool: &AnyPool, tenant: TenantId, key: &str) -> StoreResult<bool> {
    // `+idempotency_key` keeps SQLite from rewriting the indexed expression with the bound
    // key, which would make it scan instead of seek.
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM decisions WHERE substr(idempotency_key, 1, 14) = 'slack-command:' \
         AND substr(idempotency_key, 1, 24) = $1 AND tenant_id = $2 AND +idempotency_key = $3 \
         LIMIT 1",
    )
    .bind(key.get(..SECOND_END).unwrap_or(key))
    .bind(tenant.0)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty(floor: i64) -> RecentCommands {
        RecentCommands {
            floor,
            seconds: BTreeMap::new(),
            hashing: RandomState::new(),
        }
    }

    #[test]
    fn keys_carry_their_ten_digit_second() {
        let key = command_key(1_764_643_200, "v0=ab");
        assert_eq!(key, "slack-command:1764643200:v0=ab");
        assert_eq!(second_of(&key), Some(1_764_643_200));
        assert_eq!(second_of("slack-command:17646432:v0=ab"), None);
        assert_eq!(second_of("teams:1764643200:x"), None);
        assert!(!is_command_key("teams-activity:1"));
    }

    #[test]
    fn a_remembered_key_is_not_new_and_others_of_its_second_are() {
        let mut recent = empty(i64::MIN);
        let tenant = TenantId(1);
        let key = command_key(1_764_643_200, "v0=ab");
        assert!(recent.is_new(tenant, &key));
        recent.remember(tenant, &key);
        assert!(!recent.is_new(tenant, &key));
        assert!(recent.is_new(TenantId(2), &key), "another workspace's key");
        assert!(recent.is_new(tenant, &command_key(1_764_643_200, "v0=cd")));
    }

    #[test]
    fn seconds_behind_the_horizon_are_forgotten_and_looked_up() {
        let mut recent = empty(i64::MIN);
        let tenant = TenantId(1);
        let old = command_key(1_764_643_200, "v0=ab");
        recent.remember(tenant, &old);
        recent.remember(tenant, &command_key(1_764_643_200 + HORIZON + 1, "v0=cd"));
        assert_eq!(recent.seconds.len(), 1);
        assert!(
            !recent.is_new(tenant, &old),
            "forgotten, so the database is asked"
        );
        assert!(
            !recent.is_new(tenant, &command_key(1_764_643_200, "v0=ef")),
            "nothing of that second is vouched for any more"
        );
    }

    #[test]
    fn a_second_filter_holds_every_key_it_saw_and_few_it_did_not() {
        let hashing = RandomState::new();
        let mut filter = Filter::empty();
        let seen: Vec<u64> = (0..20_000u32).map(|i| hashing.hash_one(i)).collect();
        for fingerprint in &seen {
            filter.insert(*fingerprint);
        }
        assert!(seen.iter().all(|f| filter.may_hold(*f)));
        let taken_for_seen = (20_000..40_000u32)
            .filter(|i| filter.may_hold(hashing.hash_one(i)))
            .count();
        // About 25 expected (one in 800); a hundred would mean the bits are not spread.
        assert!(taken_for_seen < 100, "{taken_for_seen} of 20,000 new keys");
    }

    #[test]
    fn nothing_before_the_floor_is_vouched_for() {
        let recent = empty(1_764_643_201);
        let tenant = TenantId(1);
        assert!(!recent.is_new(tenant, &command_key(1_764_643_200, "v0=ab")));
        assert!(recent.is_new(tenant, &command_key(1_764_643_201, "v0=ab")));
        assert!(!recent.is_new(tenant, "slack-command:oops"));
    }
}
