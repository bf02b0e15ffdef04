//! The story `cadence demo` tells: one sprint of team Atlas, written once against [`Chat`] and
//! played on Slack or Teams. An admin sets the team up, its manager sets a target and a level
//! and binds the retro to the Jira board; the sprint closes, the retro prompt arrives, the
//! manager logs a gap with a click and plans an intervention through the form; a member asks to
//! join a track and the manager approves it on its card; on Monday morning the weekly digest
//! arrives. Each step says what must be seen before the story goes on.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::DemoError;
use super::stage::Stage;
use super::transcript::{Expect, Seen, Transcript};
use crate::domain::card::Verb;
use crate::domain::schedule::{DEFAULT_DIGEST, Schedule};

/// Someone in the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    /// Their name, as Teams shows it; Slack shows it in lower case after `@`.
    pub name: &'static str,
    /// Their Slack user id.
    pub slack: &'static str,
    /// Their Entra ID object id, Teams' id for them.
    pub teams: &'static str,
}

/// The workspace admin who sets the team up (in `CADENCE_ADMINS`).
pub const ADA: Person = Person {
    name: "Ada",
    slack: "U07ADA",
    teams: "5f1c0a1e-0000-4000-8000-00000000a0da",
};
/// Atlas's manager.
pub const MAYA: Person = Person {
    name: "Maya",
    slack: "U07MAYA",
    teams: "5f1c0a1e-0000-4000-8000-0000000a11a0",
};
/// An engineer already at mastery in architecture trade-offs.
pub const SAM: Person = Person {
    name: "Sam",
    slack: "U07SAM",
    teams: "5f1c0a1e-0000-4000-8000-000000005a30",
};
/// An engineer the sprint shows a gap for.
pub const LEE: Person = Person {
    name: "Lee",
    slack: "U07LEE",
    teams: "5f1c0a1e-0000-4000-8000-00000000011e",
};
/// Everyone in the story.
pub const CAST: [Person; 4] = [ADA, MAYA, SAM, LEE];

/// `text` with each `@Name` of the story replaced by `mention(person)`.
pub fn mentions(text: &str, mention: impl Fn(Person) -> String) -> String {
    CAST.iter().fold(text.to_owned(), |text, person| {
        text.replace(&format!("@{}", person.name), &mention(*person))
    })
}

/// The team's time zone: the digest arrives at 09:00 there.
const ZONE: Tz = chrono_tz::Europe::London;
/// The capability the sprint shows a gap in.
const CAPABILITY: &str = "architecture trade-offs";

/// What a step's request is, for the route its header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// A typed command.
    Command,
    /// A click on a card.
    Click,
    /// A submitted form.
    Form,
}

/// The pickers a person sets on a card before pressing its button.
#[derive(Debug, Clone, Copy, Default)]
pub struct Picks {
    /// Who: a person picked by name.
    pub person: Option<Person>,
    /// Which capability, by its name.
    pub capability: Option<&'static str>,
}

/// One platform's way of taking part: it sends what people do, signed as the platform signs
/// it, and returns what they did and what they then saw, once `expect` holds (or the first
/// thing that did not, in words).
#[async_trait]
pub trait Chat: Send {
    /// The platform's name.
    fn platform(&self) -> &'static str;
    /// The route a kind of request goes to.
    fn route(&self, request: Request) -> &'static str;
    /// The stage the platform plays on.
    fn stage(&mut self) -> &mut Stage;
    /// `who` types a command in the team's channel; `@Name` mentions someone in the story.
    async fn command(
        &mut self,
        who: Person,
        text: &str,
        expect: &[Expect],
    ) -> Result<Played, DemoError>;
    /// `who` sets `picks` on `card` and presses its button for `verb`.
    async fn click(
        &mut self,
        who: Person,
        card: &Seen,
        verb: Verb,
        picks: Picks,
        expect: &[Expect],
    ) -> Result<Played, DemoError>;
    /// `who` fills in `form` (by its inputs' ids) and submits it.
    async fn submit(
        &mut self,
        who: Person,
        form: &Seen,
        answers: &[(&str, String)],
        expect: &[Expect],
    ) -> Result<Played, DemoError>;
    /// Runs the background jobs until `expect` holds; what was seen meanwhile.
    async fn settle(&mut self, expect: &[Expect]) -> Result<Played, DemoError>;
}

/// What a request led to: everything seen, and the first expectation it did not meet.
#[derive(Debug, Default)]
pub struct Played {
    /// In order.
    pub seen: Vec<Seen>,
    /// What was expected and never came, in words.
    pub missing: Option<String>,
}

/// Tells the story on `chat`, writing it to `out` as it goes.
pub async fn play(chat: &mut dyn Chat, out: &mut Transcript<'_>) -> Result<(), DemoError> {
    let mut story = Story { chat, out, step: 0 };
    story.set_up().await?;
    story.retro().await?;
    story.track().await?;
    story.digest().await
}

struct Story<'a, 'w> {
    chat: &'a mut dyn Chat,
    out: &'a mut Transcript<'w>,
    step: usize,
}

impl Story<'_, '_> {
    /// Starts a step: a pause (people take a minute between things), then its header.
    fn begin(&mut self, title: &str, route: &str) -> Result<(), DemoError> {
        self.step += 1;
        self.chat.stage().advance(Duration::minutes(2));
        let when = self.chat.stage().now().with_timezone(&ZONE);
        let when = when.format("%a %-d %b %H:%M").to_string();
        self.out
            .step(self.step, &when, title, route)
            .map_err(DemoError::Output)
    }

    /// Writes what a request led to; a step that missed what it expected ends the story.
    fn end(&mut self, title: &str, played: Played) -> Result<Vec<Seen>, DemoError> {
        self.out.seen(&played.seen).map_err(DemoError::Output)?;
        match played.missing {
            None => Ok(played.seen),
            Some(wanted) => Err(DemoError::Step {
                step: self.step,
                title: title.to_owned(),
                wanted,
            }),
        }
    }

    async fn commands(
        &mut self,
        title: &str,
        who: Person,
        each: &[(&str, &[Expect])],
    ) -> Result<Vec<Seen>, DemoError> {
        let route = self.chat.route(Request::Command);
        self.begin(title, route)?;
        let mut seen = Vec::new();
        for (text, expect) in each {
            let played = self.chat.command(who, text, expect).await?;
            seen.extend(self.end(title, played)?);
        }
        Ok(seen)
    }

    async fn set_up(&mut self) -> Result<(), DemoError> {
        self.commands(
            "Ada, a workspace admin, sets up team Atlas in its channel",
            ADA,
            &[(
                "team create Atlas managers @Maya members @Sam @Lee tz Europe/London",
                &[Expect::Told("Created team")],
            )],
        )
        .await?;
        self.commands(
            "Ada adds the capabilities the team plans for",
            ADA,
            &[
                (
                    r#"capability add "architecture trade-offs" "weighs options and records an ADR""#,
                    &[Expect::Told("Added capability")],
                ),
                (
                    r#"capability add "incident command" "leads a production incident to resolution""#,
                    &[Expect::Told("Added capability")],
                ),
            ],
        )
        .await?;
        self.commands(
            "Maya, Atlas's manager, sets a target and records Sam's level",
            MAYA,
            &[
                (
                    r#"target "architecture trade-offs" 2"#,
                    &[Expect::Told("aims for 2")],
                ),
                (
                    r#"level @Sam "architecture trade-offs" mastery "led the payments ADR end to end""#,
                    &[Expect::Told("at *mastery*")],
                ),
            ],
        )
        .await?;
        self.commands(
            "Maya binds the sprint retro to the team's Jira board",
            MAYA,
            &[(
                "ritual add retro on jira:board=12:sprint_closed",
                &[Expect::Told("Added ritual")],
            )],
        )
        .await?;
        Ok(())
    }

    /// The sprint closes, and the retro is answered from its card: a gap, an intervention.
    async fn retro(&mut self) -> Result<(), DemoError> {
        let title = "Jira closes the sprint; Cadence posts the retro prompt";
        self.begin(title, "POST /hooks/jira")?;
        let closed = self.chat.stage().sprint_closed("ATL Sprint 42", 12).await?;
        let mut played = self.chat.settle(&[Expect::CardWith(Verb::LogGap)]).await?;
        played.seen.insert(0, closed);
        let seen = self.end(title, played)?;
        let prompt = self.card_with(title, &seen, Verb::LogGap)?;

        let title = "Maya names a gap from the card: who, which capability, [Log gap]";
        self.begin(title, self.chat.route(Request::Click))?;
        let picks = Picks {
            person: Some(LEE),
            capability: Some(CAPABILITY),
        };
        let played = self
            .chat
            .click(
                MAYA,
                &prompt,
                Verb::LogGap,
                picks,
                &[Expect::Updated("(logged by")],
            )
            .await?;
        let seen = self.end(title, played)?;
        let prompt = latest(&seen).unwrap_or(prompt);

        let title = "Maya clicks [Plan intervention]; the form opens";
        self.begin(title, self.chat.route(Request::Click))?;
        let played = self
            .chat
            .click(
                MAYA,
                &prompt,
                Verb::PlanIntervention,
                Picks::default(),
                &[Expect::FormOpened],
            )
            .await?;
        let seen = self.end(title, played)?;
        let form = seen
            .iter()
            .find(|s| matches!(s.shown, super::transcript::Shown::Form { .. }))
            .cloned()
            .ok_or_else(|| self.missing(title, "a form to fill in"))?;

        let title = "Maya fills in the form and submits it";
        self.begin(title, self.chat.route(Request::Form))?;
        let due = (self.chat.stage().now() + Duration::days(21))
            .with_timezone(&ZONE)
            .format("%Y-%m-%d")
            .to_string();
        let answers = [
            ("person", LEE.name.to_owned()),
            ("capability", CAPABILITY.to_owned()),
            ("means", "pairing with Sam on the next two ADRs".to_owned()),
            ("due", due),
        ];
        let played = self
            .chat
            .submit(MAYA, &form, &answers, &[Expect::Updated("Intervention: ")])
            .await?;
        self.end(title, played)?;
        Ok(())
    }

    /// A member asks to join a track; the manager approves it on the request's card.
    async fn track(&mut self) -> Result<(), DemoError> {
        let seen = self
            .commands(
                "Lee asks to join the Architecture lead track",
                LEE,
                &[(
                    r#"request track "Architecture lead" "I'd like to run the design reviews""#,
                    &[
                        Expect::Told("Asked *Atlas*'s managers"),
                        Expect::CardWith(Verb::ApproveTrack),
                    ],
                )],
            )
            .await?;
        let title = "Maya approves Lee's request on its card";
        let request = self.card_with(title, &seen, Verb::ApproveTrack)?;
        self.begin(title, self.chat.route(Request::Click))?;
        let played = self
            .chat
            .click(
                MAYA,
                &request,
                Verb::ApproveTrack,
                Picks::default(),
                &[Expect::Updated("Approved")],
            )
            .await?;
        self.end(title, played)?;
        Ok(())
    }

    /// Time moves on to the team's digest hour, and the weekly digest arrives.
    async fn digest(&mut self) -> Result<(), DemoError> {
        let title = "Monday, 09:00 in London: the weekly digest";
        self.step += 1;
        let at = next_digest(self.chat.stage().now())?;
        self.chat.stage().set(at);
        let when = at
            .with_timezone(&ZONE)
            .format("%a %-d %b %H:%M")
            .to_string();
        self.out
            .step(self.step, &when, title, "Cadence's scheduler, no request")
            .map_err(DemoError::Output)?;
        let note = Seen::note(format!(
            "time passes: the story's clock moves to {when} ({ZONE}), the digest's hour"
        ));
        let mut played = self
            .chat
            .settle(&[Expect::Posted("capability digest")])
            .await?;
        played.seen.insert(0, note);
        self.end(title, played)?;
        Ok(())
    }

    fn missing(&self, title: &str, wanted: &str) -> DemoError {
        DemoError::Step {
            step: self.step,
            title: title.to_owned(),
            wanted: wanted.to_owned(),
        }
    }

    /// The newest message in `seen` offering `verb`, for the step `title` to act on.
    fn card_with(&self, title: &str, seen: &[Seen], verb: Verb) -> Result<Seen, DemoError> {
        seen.iter()
            .rev()
            .find(|s| s.verbs.contains(&verb) && s.handle.is_some())
            .cloned()
            .ok_or_else(|| self.missing(title, &format!("a card with a `{}` button", verb.code())))
    }
}

/// The newest message changed in place that can still be clicked.
fn latest(seen: &[Seen]) -> Option<Seen> {
    seen.iter()
        .rev()
        .find(|s| matches!(s.shown, super::transcript::Shown::Updated { .. }) && s.handle.is_some())
        .cloned()
}

/// When the story begins: the latest Thursday at 10:00 in the team's zone, so the retro is a
/// working morning's and the digest comes on the Monday after, whatever time the demo is run.
pub fn opening(now: DateTime<Utc>) -> Result<DateTime<Utc>, DemoError> {
    schedule("0 10 * * THU")?
        .next_after(now - Duration::days(7), ZONE)
        .ok_or_else(|| DemoError::Schedule("Thursday never comes round".to_owned()))
}

fn schedule(cron: &str) -> Result<Schedule, DemoError> {
    cron.parse()
        .map_err(|e: crate::domain::schedule::ScheduleError| DemoError::Schedule(e.0))
}

/// The first moment after `now` at which the team's digest is due: the default digest
/// schedule (the team sets none) in the team's zone.
fn next_digest(now: DateTime<Utc>) -> Result<DateTime<Utc>, DemoError> {
    schedule(DEFAULT_DIGEST)?
        .next_after(now + Duration::minutes(1), ZONE)
        .map(|at| at + Duration::seconds(5))
        .ok_or_else(|| DemoError::Schedule("the digest's schedule never comes round".to_owned()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used)]

    use std::sync::Arc;

    use super::*;
    use crate::config::Config;
    use crate::demo::stage::Scratch;
    use crate::demo::transcript::Shown;
    use crate::domain::clock::ManualClock;

    /// A platform that answers every command but never shows what Cadence posts.
    struct Mute {
        stage: Stage,
    }

    #[async_trait]
    impl Chat for Mute {
        fn platform(&self) -> &'static str {
            "nowhere"
        }
        fn route(&self, _request: Request) -> &'static str {
            "POST /nowhere"
        }
        fn stage(&mut self) -> &mut Stage {
            &mut self.stage
        }
        async fn command(
            &mut self,
            who: Person,
            text: &str,
            expect: &[Expect],
        ) -> Result<Played, DemoError> {
            // Says exactly what each command step waits for, and nothing else.
            let mut seen = vec![Seen::did(who.name, text.to_owned())];
            for expect in expect {
                if let Expect::Told(words) = expect {
                    let to = who.name.to_owned();
                    seen.push(Seen::plain(
                        Shown::Private { to },
                        vec![(*words).to_owned()],
                    ));
                }
            }
            let missing = super::super::transcript::unmet(expect, &seen);
            Ok(Played { seen, missing })
        }
        async fn click(
            &mut self,
            _who: Person,
            _card: &Seen,
            _verb: Verb,
            _picks: Picks,
            _expect: &[Expect],
        ) -> Result<Played, DemoError> {
            unreachable!("the story stops before any click")
        }
        async fn submit(
            &mut self,
            _who: Person,
            _form: &Seen,
            _answers: &[(&str, String)],
            _expect: &[Expect],
        ) -> Result<Played, DemoError> {
            unreachable!("the story stops before any form")
        }
        async fn settle(&mut self, expect: &[Expect]) -> Result<Played, DemoError> {
            Ok(Played {
                seen: Vec::new(),
                missing: super::super::transcript::unmet(expect, &[]),
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_prompt_that_never_arrives_ends_the_story_at_its_step() {
        let scratch = Scratch::new().expect("scratch directory");
        let mut config = Config::for_database(scratch.database_url());
        config
            .hook_secrets
            .set(crate::domain::event::Source::Jira, "demo-test-secret");
        let clock = Arc::new(ManualClock::new(opening(Utc::now()).expect("opening")));
        let stage = Stage::start(config, clock, "demo-test-secret".to_owned())
            .await
            .expect("stage");
        let mut chat = Mute { stage };
        let mut out = Vec::new();
        let played = {
            let mut transcript = Transcript::new(&mut out);
            play(&mut chat, &mut transcript).await
        };
        chat.stage.stop().await;
        let shown = String::from_utf8(out).expect("text");
        match played {
            Err(DemoError::Step { step, wanted, .. }) => {
                assert_eq!(step, 5, "{shown}");
                assert_eq!(wanted, "a new card with a `gap` button");
            }
            other => panic!("expected the retro step to fail, got {other:?}\n{shown}"),
        }
        assert!(
            shown.contains("━━ 5. Jira closes the sprint") && shown.contains("Jira: sprint"),
            "the transcript shows how far it got: {shown}"
        );
        assert!(!shown.contains("━━ 6."), "{shown}");
    }
}
