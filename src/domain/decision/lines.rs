//! Decisions in words: the one line a prompt card shows for each decision made on it.

use super::{Decision, RecordedDecision};
use crate::domain::text::Text;

impl Decision {
    /// What the prompt card shows for this decision, without who made it; `None` for kinds a
    /// prompt card does not list. `subject` is the person it is about.
    pub fn card_line(&self, subject: &str) -> Option<Text> {
        let line = match self {
            Decision::Gap(gap) => Text::new()
                .plain("Gap: ")
                .mention(subject)
                .plain(" — ")
                .strong(gap.capability.clone()),
            Decision::NoGaps(_) => Text::new().plain("Nothing this time"),
            Decision::Intervene(plan) => Text::new()
                .plain("Intervention: ")
                .mention(subject)
                .plain(" — ")
                .strong(plan.capability.clone())
                .plain(" via ")
                .plain(plan.means.clone()),
            Decision::Coach(moment) => {
                let line = Text::new()
                    .plain("Coaching moment: ")
                    .mention(subject)
                    .plain(" — ")
                    .strong(moment.capability.clone());
                match &moment.note {
                    Some(note) => line.plain(": ").plain(note.clone()),
                    None => line,
                }
            }
            _ => return None,
        };
        Some(line)
    }

    /// One line saying what was decided, for any kind: "level of @bob in *run EBR* set to
    /// mastery". `subject` is the person it is about, when it is about one.
    pub fn summary(&self, subject: Option<&str>) -> Text {
        let who = |text: Text| match subject {
            Some(id) => text.mention(id),
            None => text.plain("someone"),
        };
        match self {
            Decision::Gap(gap) => who(Text::new().plain("a skill gap for "))
                .plain(" in ")
                .strong(gap.capability.clone()),
            Decision::Coach(moment) => who(Text::new().plain("a coaching moment for "))
                .plain(" on ")
                .strong(moment.capability.clone()),
            Decision::Intervene(plan) => who(Text::new().plain("an intervention for "))
                .plain(" on ")
                .strong(plan.capability.clone())
                .plain(" via ")
                .plain(plan.means.clone()),
            Decision::Level(set) | Decision::Certify(set) => {
                who(Text::new().plain("the level of "))
                    .plain(" in ")
                    .strong(set.capability.clone())
                    .plain(format!(" set to {}", set.level))
            }
            Decision::RequestTrack(t) => Text::new()
                .plain("the request to enter the ")
                .strong(t.track.clone())
                .plain(" track"),
            Decision::ApproveTrack(t) | Decision::DeclineTrack(t) => {
                let verb = if matches!(self, Decision::ApproveTrack(_)) {
                    "approval of "
                } else {
                    "refusal of "
                };
                who(Text::new().plain(verb))
                    .plain(" for the ")
                    .strong(t.track.clone())
                    .plain(" track")
            }
            Decision::Sequence(s) => Text::new()
                .plain("the skill order for ")
                .strong(s.family.clone()),
            Decision::Hours(h) => who(Text::new().plain(format!(
                "{} learning hours for ",
                super::payload::format_hours(h.hours)
            )))
            .plain(format!(" in {} {}", h.period_kind.as_str(), h.period)),
            Decision::Mastery(c) => Text::new()
                .plain("the mastery criteria for ")
                .strong(c.capability.clone()),
            Decision::Target(t) => Text::new()
                .plain(format!("the target of {} at mastery of ", t.target))
                .strong(t.capability.clone()),
            Decision::Commission(c) => Text::new()
                .plain("the commission of ")
                .strong(c.title.clone()),
            Decision::Absence(a) => who(Text::new().plain("the absence of "))
                .plain(format!(" from {} to {}", a.from, a.to)),
            Decision::NoGaps(_) => Text::new().plain("\"nothing this time\""),
            Decision::SnoozeNudge(s) => Text::new().plain(format!(
                "a snooze until {}",
                s.until.format("%Y-%m-%d %H:%M UTC")
            )),
            Decision::Undo(u) => Text::new().plain(format!("an undo of a {} decision", u.kind)),
            Decision::BindRitual(b) => Text::new()
                .plain("the binding of the ritual ")
                .strong(b.name.clone()),
            learning => learning.learning_summary(subject).unwrap_or_default(),
        }
    }

    /// [`Decision::summary`] for the library, tracks and budgets; `None` for other kinds.
    fn learning_summary(&self, subject: Option<&str>) -> Option<Text> {
        let who = |text: Text| match subject {
            Some(id) => text.mention(id),
            None => text.plain("someone"),
        };
        Some(match self {
            Decision::ModuleAdd(m) => Text::new()
                .plain("the module ")
                .strong(m.title.clone())
                .plain(" added to the library"),
            Decision::ModuleUpdate(m) => Text::new()
                .plain("the change to the module ")
                .strong(m.title.clone()),
            Decision::ModuleApprove(m) => Text::new()
                .plain("the approval of the module ")
                .strong(m.title.clone()),
            Decision::ModuleRetire(m) => Text::new()
                .plain("the retirement of the module ")
                .strong(m.title.clone()),
            Decision::TrackModules(t) => Text::new()
                .plain("the modules of the track ")
                .strong(t.track.clone()),
            Decision::Pace(p) => match &p.person {
                Some(person) => Text::new()
                    .plain(format!("a pace of {} for ", p.pace))
                    .mention(person.clone())
                    .plain(" on ")
                    .strong(p.track.clone()),
                None => Text::new()
                    .plain(format!("a pace of {} for ", p.pace))
                    .strong(p.track.clone()),
            },
            Decision::ModuleDone(d) => who(Text::new())
                .plain(" finishing the module ")
                .strong(d.module.clone()),
            Decision::Budget(b) => {
                let mut figures = Vec::new();
                if let Some(hours) = b.hours {
                    figures.push(format!(
                        "{} learning hours",
                        super::payload::format_hours(hours)
                    ));
                }
                if let Some(spend) = b.spend {
                    figures.push(format!("{} to spend", crate::domain::budget::money(spend)));
                }
                Text::new().plain(format!(
                    "the {} budget of {}",
                    b.quarter,
                    figures.join(" and ")
                ))
            }
            Decision::RequestBudget(r) => Text::new()
                .plain("the over-budget request for ")
                .append(crate::domain::budget::allocation_words(&r.allocation, "")),
            Decision::ApproveBudget(a) | Decision::DeclineBudget(a) => {
                let verb = if matches!(self, Decision::ApproveBudget(_)) {
                    "the approval, over budget, of "
                } else {
                    "the refusal of "
                };
                Text::new()
                    .plain(verb)
                    .append(crate::domain::budget::allocation_words(&a.allocation, ""))
            }
            Decision::AcceptCommission(a) => Text::new()
                .plain("the acceptance of the commission ")
                .strong(a.title.clone()),
            Decision::ReviseCommission(a) => Text::new()
                .plain("the request for changes to the commission ")
                .strong(a.title.clone()),
            Decision::DeclineCommission(a) => Text::new()
                .plain("the refusal of the commission ")
                .strong(a.title.clone()),
            _ => return None,
        })
    }

    /// The card line, signed by `actor`: "Gap: @bob — run EBR (by @alice)".
    pub fn signed_card_line(&self, subject: &str, actor: &str) -> Option<Text> {
        self.card_line(subject)
            .map(|line| line.plain(" (by ").mention(actor).plain(")"))
    }
}

impl RecordedDecision {
    /// The line its prompt card shows, signed by who decided; `None` when reverted or not a
    /// kind prompt cards list.
    pub fn card_line(&self) -> Option<Text> {
        if self.reverted_by.is_some() {
            return None;
        }
        let subject = self.subject_user_id.clone().unwrap_or_default();
        self.decision
            .signed_card_line(&subject, &self.actor_user_id)
    }
}
