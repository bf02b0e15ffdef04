//! Capability suggestions for a picker that holds more than a platform can list (Slack's
//! `external_select` options load, Teams' `Data.Query` search): the tenant's capabilities whose
//! name contains what was typed, the team's targeted ones first when the picker belongs to a
//! ritual's card. Reads only; anyone in the workspace sees the same library the card offers.

use crate::domain::card::{Action, Choice, Verb};
use crate::domain::ids::OccurrenceId;
use crate::store::StoreError;

/// What a picker asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// What the person has typed so far (may be empty).
    pub query: String,
    /// The action of the card or form the picker is on, when the platform said.
    pub action: Option<Action>,
}

impl Suggestion {
    /// A suggestion request from the typed `query` and the picker's or form's action id as the
    /// platform sent it (Slack makes a repeated id unique with `#2`, which is not part of it).
    pub fn new(query: &str, action_id: Option<&str>) -> Self {
        let action = action_id
            .map(|id| id.split('#').next().unwrap_or(id))
            .and_then(Action::decode);
        Suggestion {
            query: query.trim().to_owned(),
            action,
        }
    }
}

impl super::Commands {
    /// The capabilities to offer for `suggestion` in `invocation`'s workspace.
    pub async fn suggest(
        &self,
        invocation: &super::Invocation,
        suggestion: &Suggestion,
    ) -> Result<Vec<Choice>, StoreError> {
        let now = self.clock.now();
        let tenant = self
            .store
            .tenant(invocation.platform, &invocation.tenant, now)
            .await?;
        // Ritual cards and forms name their occurrence, and so their team.
        let occurrence = suggestion
            .action
            .as_ref()
            .filter(|a| {
                matches!(
                    a.verb,
                    Verb::LogGap
                        | Verb::PickCapability
                        | Verb::PlanIntervention
                        | Verb::PlanInterventions
                        | Verb::CoachingMoment
                )
            })
            .and_then(|a| a.record);
        let team = match occurrence {
            Some(id) => self
                .store
                .occurrence(tenant, OccurrenceId(id))
                .await?
                .map(|o| o.ritual.team),
            None => None,
        };
        self.store
            .search_capabilities(tenant, team, &suggestion.query)
            .await
    }
}
