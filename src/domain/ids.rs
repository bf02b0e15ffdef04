//! Typed identifiers of stored records, so a person id can never be passed where a team id is
//! expected. They are opaque outside the store.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),+ $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
    )+};
}

id_type!(
    /// A tenant: one Slack workspace or organisation, or one Teams tenant.
    TenantId,
    /// A person within a tenant.
    PersonId,
    /// A team within a tenant.
    TeamId,
    /// A capability in a tenant's library.
    CapabilityId,
    /// A development track.
    TrackId,
    /// A row of the append-only decision log.
    DecisionId,
    /// A learning module in a tenant's library.
    ModuleId,
    /// A tenant's roster version, bumped by the database on every change to a team or membership.
    RosterVersion,
);

id_type!(
    /// A ritual a team runs.
    RitualId,
    /// One instance of a ritual.
    OccurrenceId,
    /// A row of the inbox of verified events.
    InboxId,
    /// A row of the outbox.
    OutboxId,
);
