//! `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET`: the app's OAuth credentials, which turn on the
//! multi-workspace install (`/slack/install`). Both or neither; the install's redirect address
//! is built from `CADENCE_PUBLIC_URL`, and what the installed workspaces send is verified with
//! `SLACK_SIGNING_SECRET`, so both must be set too. `SLACK_BOT_TOKEN` belongs to one workspace:
//! with the install on, every workspace (that one too) is served with its own installation's
//! token, so setting both is refused rather than risking one workspace's token for another.

use secrecy::SecretString;

use super::{ConfigError, Lookup};

/// The Slack app's OAuth credentials and where Slack sends installers back to.
#[derive(Debug, Clone)]
pub struct SlackOAuthConfig {
    /// `SLACK_CLIENT_ID`.
    pub client_id: String,
    /// `SLACK_CLIENT_SECRET`: exchanges install codes and refresh tokens, and signs install
    /// `state`s.
    pub client_secret: SecretString,
    /// `CADENCE_PUBLIC_URL` + `/slack/oauth/callback`: the redirect address, as registered in
    /// the app's manifest.
    pub redirect_uri: String,
}

/// The OAuth settings when `SLACK_CLIENT_ID` is set, checked against what the install needs.
pub(super) fn slack_oauth(
    get: Lookup<'_>,
    public_url: Option<&str>,
    signing_secret_set: bool,
) -> Result<Option<SlackOAuthConfig>, ConfigError> {
    let (client_id, client_secret) = match (get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")) {
        (None, None) => return Ok(None),
        (Some(id), Some(secret)) => (id, secret),
        (Some(_), None) => {
            return Err(ConfigError {
                variable: "SLACK_CLIENT_SECRET",
                problem: "SLACK_CLIENT_ID is set without it; give both, from the app's Basic \
                          Information page, or neither"
                    .to_owned(),
            });
        }
        (None, Some(_)) => {
            return Err(ConfigError {
                variable: "SLACK_CLIENT_ID",
                problem: "SLACK_CLIENT_SECRET is set without it; give both or neither".to_owned(),
            });
        }
    };
    let Some(public_url) = public_url else {
        return Err(ConfigError {
            variable: "CADENCE_PUBLIC_URL",
            problem: "the multi-workspace install (SLACK_CLIENT_ID) needs the public address \
                      Slack sends installers back to, e.g. https://cadence.example.com"
                .to_owned(),
        });
    };
    if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
        return Err(ConfigError {
            variable: "CADENCE_PUBLIC_URL",
            problem: format!("`{public_url}` is not an http(s) address"),
        });
    }
    if get("SLACK_BOT_TOKEN").is_some() {
        return Err(ConfigError {
            variable: "SLACK_BOT_TOKEN",
            problem: "set with SLACK_CLIENT_ID: choose one. For many workspaces, unset \
                      SLACK_BOT_TOKEN and install Cadence in its workspace at /slack/install \
                      like any other; for one, unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
                .to_owned(),
        });
    }
    if !signing_secret_set {
        return Err(ConfigError {
            variable: "SLACK_SIGNING_SECRET",
            problem: "the multi-workspace install (SLACK_CLIENT_ID) needs it, to verify what \
                      installed workspaces send"
                .to_owned(),
        });
    }
    Ok(Some(SlackOAuthConfig {
        client_id,
        client_secret: SecretString::from(client_secret),
        redirect_uri: format!("{public_url}/slack/oauth/callback"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<SlackOAuthConfig>, ConfigError> {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let public = lookup("CADENCE_PUBLIC_URL");
        slack_oauth(
            &lookup,
            public.as_deref(),
            lookup("SLACK_SIGNING_SECRET").is_some(),
        )
    }

    #[test]
    fn builds_the_redirect_from_the_public_address() {
        let oauth = read(&[
            ("SLACK_CLIENT_ID", "123.456"),
            ("SLACK_CLIENT_SECRET", "s3cret"),
            ("CADENCE_PUBLIC_URL", "https://cadence.example.com"),
            ("SLACK_SIGNING_SECRET", "sig"),
        ])
        .expect("valid")
        .expect("configured");
        assert_eq!(oauth.client_id, "123.456");
        assert_eq!(
            oauth.redirect_uri,
            "https://cadence.example.com/slack/oauth/callback"
        );
        assert!(read(&[]).expect("valid").is_none());
    }

    #[test]
    fn names_what_is_missing() {
        let half = read(&[("SLACK_CLIENT_ID", "1")]).expect_err("half");
        assert_eq!(half.variable, "SLACK_CLIENT_SECRET");
        let no_public = read(&[("SLACK_CLIENT_ID", "1"), ("SLACK_CLIENT_SECRET", "s")])
            .expect_err("no public url");
        assert_eq!(no_public.variable, "CADENCE_PUBLIC_URL");
        let no_signing = read(&[
            ("SLACK_CLIENT_ID", "1"),
            ("SLACK_CLIENT_SECRET", "s"),
            ("CADENCE_PUBLIC_URL", "https://c.example"),
        ])
        .expect_err("no signing secret");
        assert_eq!(no_signing.variable, "SLACK_SIGNING_SECRET");
        let both = read(&[
            ("SLACK_CLIENT_ID", "1"),
            ("SLACK_CLIENT_SECRET", "s"),
            ("CADENCE_PUBLIC_URL", "https://c.example"),
            ("SLACK_SIGNING_SECRET", "sig"),
            ("SLACK_BOT_TOKEN", "xoxb-1"),
        ])
        .expect_err("both modes");
        assert_eq!(both.variable, "SLACK_BOT_TOKEN");
        let ftp = read(&[
            ("SLACK_CLIENT_ID", "1"),
            ("SLACK_CLIENT_SECRET", "s"),
            ("CADENCE_PUBLIC_URL", "ftp://c.example"),
            ("SLACK_SIGNING_SECRET", "sig"),
        ])
        .expect_err("not http");
        assert_eq!(ftp.variable, "CADENCE_PUBLIC_URL");
    }
}
