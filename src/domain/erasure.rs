//! Erasure: what `cadence forget` leaves of a person's personal data. Their platform id becomes
//! a stand-in that names nobody, their name goes, and free text they wrote, that is about them,
//! or that names them is replaced by [`ERASED`]. The decisions stay, with an anonymised actor
//! and subject, so the team's history (levels, coverage, participation) still adds up.

use serde_json::Value;

/// What erased text reads as.
pub const ERASED: &str = "[erased]";

/// The display name a forgotten person is left with.
pub const FORGOTTEN_NAME: &str = "Forgotten person";

/// Payload fields that hold free text someone wrote.
const FREE_TEXT: [&str; 4] = ["means", "note", "reason", "evidence"];

/// The person being forgotten, as their personal data shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgotten {
    /// Their platform user id.
    pub user_id: String,
    /// Their display name.
    pub name: String,
    /// The id that replaces theirs wherever an id is needed.
    pub stand_in: String,
}

impl Forgotten {
    /// The person with `user_id` and `name`, stored under `person_id`.
    pub fn new(user_id: &str, name: &str, person_id: i64) -> Self {
        Forgotten {
            user_id: user_id.to_owned(),
            name: name.to_owned(),
            stand_in: format!("forgotten-{person_id}"),
        }
    }

    /// Whether `text` names them: holds their user id, or their name as a whole word
    /// (ignoring case). Names shorter than two letters would match too much to mean them.
    pub fn is_named_in(&self, text: &str) -> bool {
        if text.contains(&self.user_id) {
            return true;
        }
        let name = self.name.trim().to_lowercase();
        if name.chars().count() < 2 {
            return false;
        }
        let lower = text.to_lowercase();
        lower.match_indices(&name).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + name.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    }

    /// A decision's payload with them erased. `theirs` says the decision is by or about them:
    /// then its free text goes too, whatever it says.
    pub fn erase_payload(&self, payload: &Value, theirs: bool) -> Value {
        self.erase(payload, theirs, None)
    }

    fn erase(&self, value: &Value, theirs: bool, key: Option<&str>) -> Value {
        match value {
            Value::String(text) if *text == self.user_id => Value::String(self.stand_in.clone()),
            Value::String(text) => {
                let free = key.is_some_and(|k| FREE_TEXT.contains(&k));
                if (free && theirs && !text.is_empty()) || self.is_named_in(text) {
                    Value::String(ERASED.to_owned())
                } else {
                    value.clone()
                }
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.erase(item, theirs, key))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.erase(v, theirs, Some(k))))
                    .collect(),
            ),
            _ => value.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn bob() -> Forgotten {
        Forgotten::new("UBOB", "Bob Stone", 7)
    }

    #[test]
    fn ids_become_the_stand_in_and_text_that_names_them_goes() {
        let payload = json!({
            "person": "UBOB",
            "capability": "run EBR",
            "means": "pair with <@UBOB> on the Initech EBR",
            "note": "Bob Stone asked for it",
            "other": ["UBOB", "UCAROL"]
        });
        assert_eq!(
            bob().erase_payload(&payload, false),
            json!({
                "person": "forgotten-7",
                "capability": "run EBR",
                "means": ERASED,
                "note": ERASED,
                "other": ["forgotten-7", "UCAROL"]
            })
        );
    }

    #[test]
    fn their_own_free_text_goes_whatever_it_says() {
        let payload = json!({ "person": "UCAROL", "means": "shadow the QBR", "capability": "QBR" });
        assert_eq!(
            bob().erase_payload(&payload, true),
            json!({ "person": "UCAROL", "means": ERASED, "capability": "QBR" })
        );
        assert_eq!(bob().erase_payload(&payload, false), payload);
    }

    #[test]
    fn a_name_counts_only_as_a_whole_word() {
        let ann = Forgotten::new("UANN", "Ann", 1);
        assert!(ann.is_named_in("ask ann"));
        assert!(ann.is_named_in("Ann: yes"));
        assert!(!ann.is_named_in("annual planning"));
        assert!(!ann.is_named_in("planned"));
        let x = Forgotten::new("UX", "X", 2);
        assert!(!x.is_named_in("X-ray"), "one letter names nobody");
    }
}
