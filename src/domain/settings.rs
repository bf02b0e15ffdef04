//! A workspace's own settings, chosen by its admins: where L&D is reached (the channel that
//! receives commissions and over-budget requests), the currency budgets are kept in, and what
//! an allocation over budget does.

use std::fmt;
use std::str::FromStr;

use super::model::UnknownWord;

/// The currency a workspace starts with, until an admin picks another.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// A workspace's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSettings {
    /// The channel L&D works in, if one was chosen.
    pub ld_channel: Option<String>,
    /// An ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    /// What an allocation over budget does.
    pub over_budget: OverBudget,
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        WorkspaceSettings {
            ld_channel: None,
            currency: DEFAULT_CURRENCY.to_owned(),
            over_budget: OverBudget::Refuse,
        }
    }
}

/// What an allocation (hours, a commission's budget) over its team's budget does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverBudget {
    /// Refused, with what remains.
    Refuse,
    /// Sent to L&D as a request to approve or decline.
    Request,
}

impl OverBudget {
    /// The word used in commands and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            OverBudget::Refuse => "refuse",
            OverBudget::Request => "request",
        }
    }
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OverBudget {
    type Err = UnknownWord;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        match word.to_ascii_lowercase().as_str() {
            "refuse" => Ok(OverBudget::Refuse),
            "request" => Ok(OverBudget::Request),
            _ => Err(UnknownWord(word.to_owned())),
        }
    }
}

/// Whether `code` is written as an ISO 4217 currency code: three letters (`EUR`, `usd`).
/// Returned in capitals.
pub fn currency_code(code: &str) -> Option<String> {
    (code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| code.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_three_letters_in_capitals() {
        assert_eq!(currency_code("eur").as_deref(), Some("EUR"));
        assert_eq!(currency_code("GBP").as_deref(), Some("GBP"));
        for bad in ["", "EU", "EURO", "E1R", "€"] {
            assert_eq!(currency_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn over_budget_reads_its_two_words() {
        assert_eq!("Request".parse(), Ok(OverBudget::Request));
        assert_eq!("refuse".parse(), Ok(OverBudget::Refuse));
        assert!("allow".parse::<OverBudget>().is_err());
    }
}
