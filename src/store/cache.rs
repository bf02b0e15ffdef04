//! In-memory caches of facts that never change once written: a tenant's id, a person's id, a
//! capability's id and description. They save a database round trip per lookup on the
//! acknowledgement path and cannot drift, because nothing updates or deletes those rows (a
//! display name is refreshed from every request that carries one). The one exception is a
//! capability's description and family, which `cadence apply` may change: the process that
//! changes them refreshes its own cache, and another running server shows the old text until it
//! restarts — the id, which is what lookups need, never changes. A channel's team and roster
//! does change; it is kept only for decisions, whose write checks it is still current. Anything
//! else that changes — levels, targets, absences — is always read from the database.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

use super::{Capability, Person, Roster};
use crate::domain::Platform;
use crate::domain::ids::TenantId;

/// A map behind a lock; a poisoned lock simply means "not cached".
#[derive(Debug)]
pub struct Cache<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K, V> Default for Cache<K, V> {
    fn default() -> Self {
        Cache {
            map: RwLock::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    /// The cached value, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        self.map.read().ok()?.get(key).cloned()
    }

    /// Remembers a value.
    pub fn put(&self, key: K, value: V) {
        if let Ok(mut map) = self.map.write() {
            map.insert(key, value);
        }
    }

    /// Forgets every value `keep` says no to.
    pub fn retain(&self, keep: impl FnMut(&K, &mut V) -> bool) {
        if let Ok(mut map) = self.map.write() {
            map.retain(keep);
        }
    }
}

/// The store's caches.
#[derive(Debug, Default)]
pub struct Caches {
    /// (platform, external id) → tenant.
    pub tenants: Cache<(Platform, String), TenantId>,
    /// (tenant, platform user id) → person.
    pub people: Cache<(TenantId, String), Person>,
    /// (tenant, name key) → capability.
    pub capabilities: Cache<(TenantId, String), Capability>,
    /// (tenant, channel) → the channel's team and roster, checked by the write of every
    /// decision made with it (see `rosters.rs`).
    pub rosters: Cache<(TenantId, String), Arc<Roster>>,
}
