//! The event sources' secrets: one per source, each verifying that source's deliveries. A source
//! with no secret configured accepts nothing.

use std::fmt;

use secrecy::SecretString;

use crate::domain::event::Source;

/// The event sources' secrets, from `JIRA_WEBHOOK_SECRET`, `GITHUB_WEBHOOK_SECRET`,
/// `LINEAR_WEBHOOK_SECRET`, `ZOOM_WEBHOOK_SECRET_TOKEN` and `CADENCE_GENERIC_WEBHOOK_SECRET`.
#[derive(Clone, Default)]
pub struct HookSecrets {
    secrets: Vec<(Source, SecretString)>,
}

impl HookSecrets {
    /// The environment variable holding each source's secret.
    pub const VARIABLES: [(Source, &'static str); 5] = [
        (Source::Jira, "JIRA_WEBHOOK_SECRET"),
        (Source::Github, "GITHUB_WEBHOOK_SECRET"),
        (Source::Linear, "LINEAR_WEBHOOK_SECRET"),
        (Source::Zoom, "ZOOM_WEBHOOK_SECRET_TOKEN"),
        (Source::Generic, "CADENCE_GENERIC_WEBHOOK_SECRET"),
    ];

    /// The secret for `source`, if configured.
    pub fn get(&self, source: Source) -> Option<&SecretString> {
        self.secrets
            .iter()
            .find(|(s, _)| *s == source)
            .map(|(_, secret)| secret)
    }

    /// Sets a source's secret (tests and tools).
    pub fn set(&mut self, source: Source, secret: &str) {
        self.secrets.retain(|(s, _)| *s != source);
        self.secrets.push((source, SecretString::from(secret)));
    }
}

impl fmt::Debug for HookSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let configured: Vec<&str> = self.secrets.iter().map(|(s, _)| s.as_str()).collect();
        f.debug_struct("HookSecrets")
            .field("configured", &configured)
            .finish()
    }
}
