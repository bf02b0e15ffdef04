//! The payloads of answers to requests sent to L&D: an allocation over budget (what it would
//! record, the request, and the answer) and a commission's answer.

use serde::{Deserialize, Serialize};

use super::payload::{Commission, HoursAllocated, Invalid, check_name, check_optional_text};
use crate::domain::budget::Shortfall;
use crate::domain::ids::DecisionId;
use crate::domain::outcomes::Quarter;

/// `accept_commission`, `revise_commission` and `decline_commission`: L&D's answer to a
/// commission. Accepted, the module becomes `proposed`; asked to change or declined, the
/// commission is closed (its title and budget are freed) and the manager told why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissionAnswer {
    /// The commission answered.
    pub commission: DecisionId,
    /// The module's title.
    pub title: String,
    /// Who commissioned it: their platform user id.
    pub requester: String,
    /// Where they asked, to tell them there.
    #[serde(default)]
    pub asked_in: Option<String>,
    /// What should change, or why not; none for an acceptance.
    #[serde(default)]
    pub reason: Option<String>,
}

impl CommissionAnswer {
    /// An answer to the commission `commission` of `title`; `reason` is required unless it is
    /// an acceptance (`reason_required` false).
    pub fn new(
        commission: DecisionId,
        title: &str,
        requester: &str,
        asked_in: Option<&str>,
        reason: Option<&str>,
        reason_required: bool,
    ) -> Result<Self, Invalid> {
        check_name(title, "the module's title")?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason_required && reason.is_none() {
            return Err(Invalid("Say what should change, or why not.".to_owned()));
        }
        check_optional_text(reason, "the reason")?;
        Ok(CommissionAnswer {
            commission,
            title: title.to_owned(),
            requester: requester.to_owned(),
            asked_in: asked_in.map(str::to_owned),
            reason: reason.map(str::to_owned),
        })
    }
}

/// What an allocation over budget would record, kept whole so that an approval records exactly
/// what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Allocation {
    /// Learning hours (`hours`).
    Hours(HoursAllocated),
    /// A commissioned module with its budget (`commission`).
    Commission(Commission),
}

/// `request_budget`: an allocation over its team's budget, sent to L&D to approve or decline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetRequest {
    /// What would be recorded.
    pub allocation: Allocation,
    /// The budget it does not fit, as it stood when asked.
    pub shortfall: Shortfall,
    /// The channel the manager asked in, where the answer is told.
    #[serde(default)]
    pub asked_in: Option<String>,
}

/// `approve_budget` and `decline_budget`: L&D's answer to an over-budget request. An approval
/// records the allocation, over budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetAnswer {
    /// The request answered.
    pub request: DecisionId,
    /// What was asked.
    pub allocation: Allocation,
    /// The quarter whose budget it draws.
    pub quarter: Quarter,
    /// Who asked: their platform user id.
    pub requester: String,
    /// Where they asked, to tell them there.
    #[serde(default)]
    pub asked_in: Option<String>,
}
