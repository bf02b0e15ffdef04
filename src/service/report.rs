//! The organisation's reports as use cases: read one tenant's log for a window and work out
//! the scoreboard or the scorecards. Shared by `cadence report …` and the `/cadence org` and
//! `/cadence scorecard` commands, so chat and the command line never disagree.

use crate::domain::ids::{PersonId, TenantId};
use crate::domain::outcomes::scoreboard::{OrgReport, org_report};
use crate::domain::outcomes::scorecard::{Scorecard, each_scorecard};
use crate::domain::outcomes::{OrgData, ReportDetail, Window};
use crate::store::{Store, StoreResult};

/// Reads what the window's reports need: the whole history up to its end (levels and targets
/// before the quarter decide where it starts), occurrences of the quarter, absences from the
/// quarter's first day; the words of the evidence only with [`ReportDetail::Evidence`].
pub async fn org_data(
    store: &Store,
    tenant: TenantId,
    window: Window,
    detail: ReportDetail,
) -> StoreResult<OrgData> {
    store
        .org_data(
            tenant,
            window.from(),
            window.quarter.first_day(),
            window.until(),
            detail,
        )
        .await
}

/// The organisation's scoreboard for `window`, limited to capabilities of `family` if given.
pub async fn org(
    store: &Store,
    tenant: TenantId,
    window: Window,
    family: Option<&str>,
) -> StoreResult<OrgReport> {
    // The trend's earlier quarters need only levels and targets, which are read in full. The
    // scoreboard shows no evidence, so none of its words are read.
    let data = org_data(store, tenant, window, ReportDetail::Figures).await?;
    Ok(org_report(&data, window, family))
}

/// Scorecards for `window`: every manager's, or only `manager`'s; their lines carry the words
/// of their evidence only with [`ReportDetail::Evidence`].
pub async fn manager_scorecards(
    store: &Store,
    tenant: TenantId,
    window: Window,
    manager: Option<PersonId>,
    detail: ReportDetail,
) -> StoreResult<Vec<Scorecard>> {
    let data = org_data(store, tenant, window, detail).await?;
    Ok(each_scorecard(&data, window, manager, detail).collect())
}
