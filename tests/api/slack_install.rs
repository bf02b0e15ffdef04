//! The multi-workspace install: a workspace installs Cadence through Slack's OAuth v2 and is
//! then served with its own bot token; the install's `state` is single-use, bound to the
//! browser and expiring; an org-wide install serves the organisation; a rotating token is
//! refreshed before it expires; an uninstalled workspace is posted to no more until it
//! reinstalls, and keeps its data; tokens are sealed at rest when keys are set.

use std::sync::Arc;
use std::time::Duration;

use cadence::crypto::{KeyRing, Sealer, generate_key};
use cadence::domain::clock::{Clock, ManualClock};
use cadence::inbound::slack::signature::sign;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::helpers::{CLIENT_ID, CLIENT_SECRET, Db, PUBLIC_URL, SECRET, TestApp, at};
use crate::slack_standin::SlackStandIn;

/// What Slack grants workspace `team` (`name`) for an install, with bot token `token`.
fn workspace_grant(team: &str, name: &str, token: &str) -> Value {
    json!({
        "access_token": token, "token_type": "bot", "scope": "commands,chat:write",
        "bot_user_id": format!("UBOT{team}"), "app_id": "A0CADENCE",
        "team": { "id": team, "name": name }, "enterprise": null,
        "authed_user": { "id": "UINSTALLER" }, "is_enterprise_install": false
    })
}

async fn installable(db: Db, sealer: Sealer) -> Option<(TestApp, SlackStandIn, Arc<ManualClock>)> {
    let slack = SlackStandIn::start().await;
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = TestApp::spawn_installable(db, &slack.base_url, sealer, clock.clone()).await?;
    Some((app, slack, clock))
}

/// An install started at `/slack/install`: the `state` in its Add to Slack link, and the
/// cookie it set.
struct Started {
    state: String,
    cookie: String,
    link: url::Url,
}

async fn start_install(app: &TestApp) -> Started {
    let response = app.get("/slack/install", &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Max-Age=600"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    let page = response.text().await.expect("page");
    let href = page
        .split("href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an Add to Slack link")
        .replace("&amp;", "&");
    let link = url::Url::parse(&href).expect("link");
    let state = query(&link, "state");
    Started {
        state,
        cookie,
        link,
    }
}

fn query(url: &url::Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Slack's redirect back to Cadence, from the browser holding `cookie`.
async fn callback(app: &TestApp, query: &str, cookie: Option<&str>) -> (u16, String) {
    let headers: Vec<(&str, String)> = cookie
        .map(|c| vec![("cookie", c.to_owned())])
        .unwrap_or_default();
    let response = app
        .get(&format!("/slack/oauth/callback?{query}"), &headers)
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("page"))
}

/// Installs Cadence in the workspace `code` was granted for; the finishing page.
async fn install(app: &TestApp, code: &str) -> String {
    let started = start_install(app).await;
    let (status, page) = callback(
        app,
        &format!("code={code}&state={}", started.state),
        Some(&started.cookie),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page
}

/// Slack opening `user`'s App Home in workspace `team` (or organisation-wide, `org`).
async fn home_opened(app: &TestApp, clock: &ManualClock, team: &str, org: Option<&str>, id: &str) {
    event(
        app,
        clock,
        team,
        org,
        json!({ "type": "app_home_opened", "user": "UMAYA", "channel": "D1", "tab": "home" }),
        id,
    )
    .await;
}

async fn event(
    app: &TestApp,
    clock: &ManualClock,
    team: &str,
    org: Option<&str>,
    event: Value,
    id: &str,
) {
    let body = json!({
        "token": "x", "team_id": team, "enterprise_id": org, "api_app_id": "A0CADENCE",
        "type": "event_callback", "event": event, "event_id": id, "event_time": 1700000000,
        "authorizations": [ { "team_id": team, "enterprise_id": org, "user_id": "UBOT", "is_bot": true, "is_enterprise_install": org.is_some() } ]
    })
    .to_string();
    let ts = clock.now().timestamp();
    let headers = [
        ("x-slack-request-timestamp", ts.to_string()),
        ("x-slack-signature", sign(SECRET, ts, body.as_bytes())),
        ("content-type", "application/json".to_owned()),
    ];
    assert_eq!(
        app.post("/slack/events", &headers, &body).await.status(),
        200
    );
}

/// Waits (bounded) until `views.publish` has been called `n` times in all: the home view is
/// built after the event is acknowledged, then queued.
async fn published(slack: &SlackStandIn, n: usize) -> Vec<String> {
    slack
        .wait_for("views.publish", n, Duration::from_secs(10))
        .await
        .into_iter()
        .map(|c| c.authorization)
        .collect()
}

/// Sets up a crew in workspace `team`, in channel `C{team}`, as an admin would from chat.
async fn set_up_crew(app: &TestApp, team: &str) {
    let create = format!(
        "team create Crew{team} managers {} members {} tz Europe/London channel <#C{team}|crew>",
        at("UMGR"),
        at("UMEMBER")
    );
    let answer = app
        .command_in(team, &format!("C{team}"), "UADMIN", &create)
        .await;
    assert!(answer.text.starts_with("Created team"), "{}", answer.text);
}

/// A member of workspace `team`'s crew asks to enter `track`: its card is queued while the
/// command is answered, so the next drain delivers it (or parks it) without waiting on anything.
async fn ask_for_track(app: &TestApp, team: &str, track: &str) {
    let ask = format!(r#"request track "{track}""#);
    let answer = app
        .command_in(team, &format!("C{team}"), "UMEMBER", &ask)
        .await;
    assert!(answer.text.contains("Asked"), "{}", answer.text);
}

/// The bot tokens `chat.postMessage` was called with, in order.
fn posted_with(slack: &SlackStandIn) -> Vec<String> {
    slack
        .calls_to("chat.postMessage")
        .into_iter()
        .map(|c| c.authorization)
        .collect()
}

/// Installs Cadence in T2 with a rotating token (`xoxe.xoxb-first`, refresh token
/// `xoxe-1-refresh-one`, twelve hours), which Slack refreshes once to `xoxe.xoxb-second`.
async fn install_rotating(app: &TestApp, slack: &SlackStandIn) {
    let mut grant = workspace_grant("T2", "Borealis", "xoxe.xoxb-first");
    grant["refresh_token"] = json!("xoxe-1-refresh-one");
    grant["expires_in"] = json!(43_200);
    slack.grant("code-T2", grant);
    // The refresh token works once, as Slack's do: a second refresh with it is refused.
    slack.grant(
        "xoxe-1-refresh-one",
        json!({
            "access_token": "xoxe.xoxb-second", "token_type": "bot",
            "refresh_token": "xoxe-1-refresh-two", "expires_in": 43_200
        }),
    );
    install(app, "code-T2").await;
}

crate::for_each_database! {
    workspaces_install_cadence_and_each_is_served_with_its_own_token(db) {
        let Some((app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        let started = start_install(&app).await;
        assert_eq!(started.link.as_str().split('?').next(), Some("https://slack.com/oauth/v2/authorize"));
        assert_eq!(query(&started.link, "client_id"), CLIENT_ID);
        assert_eq!(query(&started.link, "redirect_uri"), format!("{PUBLIC_URL}/slack/oauth/callback"));
        assert_eq!(
            query(&started.link, "scope"),
            cadence::platform::slack::oauth::BOT_SCOPES.join(",")
        );

        slack.grant("code-T2", workspace_grant("T2", "Borealis & Co", "xoxb-t2-token"));
        slack.grant("code-T3", workspace_grant("T3", "Cirrus", "xoxb-t3-token"));
        let page = install(&app, "code-T2").await;
        assert!(page.contains("installed in <b>Borealis &amp; Co</b>"), "{page}");
        assert!(page.contains("app_redirect?app=A0CADENCE&amp;team=T2"), "{page}");
        install(&app, "code-T3").await;
        let exchange = slack.calls_to("oauth.v2.access");
        assert_eq!(exchange.len(), 2);
        assert_eq!(exchange[0].body["client_id"], CLIENT_ID);
        assert_eq!(exchange[0].body["client_secret"], CLIENT_SECRET);
        assert_eq!(exchange[0].body["code"], "code-T2");
        assert_eq!(exchange[0].body["redirect_uri"], format!("{PUBLIC_URL}/slack/oauth/callback"));
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE revoked_at IS NULL").await, 2);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM slack_installations WHERE installed_by = 'UINSTALLER' AND bot_user_id = 'UBOTT2' AND team_id = 'T2'").await,
            1
        );

        home_opened(&app, &clock, "T2", None, "Ev1").await;
        home_opened(&app, &clock, "T3", None, "Ev2").await;
        let mut tokens = published(&slack, 2).await;
        tokens.sort();
        assert_eq!(tokens, ["Bearer xoxb-t2-token", "Bearer xoxb-t3-token"]);
        // Slack is asked whether the person is an admin with that workspace's own token.
        let asked: Vec<String> = slack.calls_to("users.info").into_iter().map(|c| c.authorization).collect();
        assert!(asked.contains(&"Bearer xoxb-t2-token".to_owned()), "{asked:?}");
        assert!(asked.contains(&"Bearer xoxb-t3-token".to_owned()), "{asked:?}");
        // A workspace that never installed Cadence is not posted to, with anyone's token.
        set_up_crew(&app, "T9").await;
        ask_for_track(&app, "T9", "Lead").await;
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND last_error LIKE '%not installed%'").await, 1);
        assert!(posted_with(&slack).is_empty(), "{:?}", posted_with(&slack));
    }

    an_install_state_is_single_use_bound_to_its_browser_and_expires(db) {
        let Some((app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        slack.grant("code-T2", workspace_grant("T2", "Borealis", "xoxb-t2-token"));

        let started = start_install(&app).await;
        let (status, page) = callback(&app, &format!("code=code-T2&state={}", started.state), None).await;
        assert_eq!((status, page.contains("started in another browser")), (400, true), "{page}");
        let forged = format!("{}0", started.state);
        let (status, page) = callback(&app, &format!("code=code-T2&state={forged}"), Some(&started.cookie)).await;
        assert_eq!((status, page.contains("not one this Cadence issued")), (400, true), "{page}");
        let (status, _) = callback(&app, "code=code-T2", Some(&started.cookie)).await;
        assert_eq!(status, 400);
        assert!(slack.calls_to("oauth.v2.access").is_empty(), "nothing is exchanged on a bad state");

        let (status, page) = callback(&app, &format!("code=code-T2&state={}", started.state), Some(&started.cookie)).await;
        assert_eq!(status, 200, "{page}");
        let (status, page) = callback(&app, &format!("code=code-T2&state={}", started.state), Some(&started.cookie)).await;
        assert_eq!((status, page.contains("used already")), (400, true), "{page}");

        let late = start_install(&app).await;
        clock.advance(chrono::Duration::minutes(11));
        let (status, page) = callback(&app, &format!("code=code-T2&state={}", late.state), Some(&late.cookie)).await;
        assert_eq!((status, page.contains("expired")), (400, true), "{page}");

        let cancelled = start_install(&app).await;
        let (status, page) = callback(&app, &format!("error=access_denied&state={}", cancelled.state), Some(&cancelled.cookie)).await;
        assert_eq!((status, page.contains("was not installed")), (200, true), "{page}");
        let refused = start_install(&app).await;
        let (status, page) = callback(&app, &format!("code=stale-code&state={}", refused.state), Some(&refused.cookie)).await;
        assert_eq!((status, page.contains("invalid_code")), (400, true), "{page}");
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations").await, 1);
    }

    an_org_wide_install_serves_the_whole_organisation(db) {
        let Some((app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        slack.grant("code-E1", json!({
            "access_token": "xoxb-e1-token", "token_type": "bot", "scope": "commands",
            "bot_user_id": "UBOTE1", "app_id": "A0CADENCE", "team": null,
            "enterprise": { "id": "E1", "name": "Acme Group" },
            "authed_user": { "id": "UINSTALLER" }, "is_enterprise_install": true
        }));
        let page = install(&app, "code-E1").await;
        assert!(page.contains("Acme Group"), "{page}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM slack_installations i JOIN tenants t ON t.id = i.tenant_id WHERE t.external_id = 'E1' AND i.is_enterprise_install = 1 AND i.team_id IS NULL").await,
            1
        );
        // A workspace of the organisation: its events name the organisation as the tenant.
        home_opened(&app, &clock, "T7", Some("E1"), "Ev1").await;
        assert_eq!(published(&slack, 1).await, ["Bearer xoxb-e1-token"]);
    }

    a_rotating_token_is_refreshed_before_it_expires(db) {
        let Some((app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        install_rotating(&app, &slack).await;

        home_opened(&app, &clock, "T2", None, "Ev1").await;
        published(&slack, 1).await;
        clock.advance(chrono::Duration::hours(11) + chrono::Duration::minutes(55));
        home_opened(&app, &clock, "T2", None, "Ev2").await;
        published(&slack, 2).await;
        home_opened(&app, &clock, "T2", None, "Ev3").await;
        assert_eq!(
            published(&slack, 3).await,
            ["Bearer xoxe.xoxb-first", "Bearer xoxe.xoxb-second", "Bearer xoxe.xoxb-second"]
        );
        let refreshes = slack.calls_to("oauth.v2.access");
        assert_eq!(refreshes.len(), 2, "one install, one refresh");
        assert_eq!(refreshes[1].body["grant_type"], "refresh_token");
        assert_eq!(refreshes[1].body["refresh_token"], "xoxe-1-refresh-one");
        assert_eq!(refreshes[1].body["client_secret"], CLIENT_SECRET);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM slack_installations WHERE refresh_token = 'plain:xoxe-1-refresh-two'").await,
            1
        );
    }

    an_uninstalled_workspace_is_posted_to_no_more_and_keeps_its_data(db) {
        let Some((app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        slack.grant("code-T2", workspace_grant("T2", "Borealis", "xoxb-t2-token"));
        install(&app, "code-T2").await;
        set_up_crew(&app, "T2").await;
        ask_for_track(&app, "T2", "Lead").await;
        app.drain().await;
        assert_eq!(posted_with(&slack), ["Bearer xoxb-t2-token"]);

        // Revoking user tokens only changes nothing: Cadence holds none.
        event(&app, &clock, "T2", None, json!({ "type": "tokens_revoked", "tokens": { "oauth": ["UINSTALLER"], "bot": [] } }), "Ev2").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE revoked_at IS NOT NULL").await, 0);
        event(&app, &clock, "T2", None, json!({ "type": "app_uninstalled" }), "Ev3").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE revoked_at IS NOT NULL").await, 1);

        // Past the channel's pacing gap, so the card is tried at once.
        clock.advance(chrono::Duration::seconds(2));
        ask_for_track(&app, "T2", "Architect").await;
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND last_error LIKE '%uninstalled%'").await, 1);
        assert_eq!(posted_with(&slack).len(), 1, "nothing posted after the uninstall");
        assert_eq!(app.count("SELECT COUNT(*) FROM tenants WHERE external_id = 'T2'").await, 1);

        // Installed again: served again, and the revocation is lifted.
        slack.grant("code-T2-again", workspace_grant("T2", "Borealis", "xoxb-t2-new"));
        install(&app, "code-T2-again").await;
        clock.advance(chrono::Duration::seconds(2));
        ask_for_track(&app, "T2", "Staff").await;
        app.drain().await;
        assert_eq!(posted_with(&slack).last().map(String::as_str), Some("Bearer xoxb-t2-new"));

        // The bot token revoked: the same as an uninstall.
        event(&app, &clock, "T2", None, json!({ "type": "tokens_revoked", "tokens": { "bot": ["UBOTT2"] } }), "Ev6").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE revoked_at IS NOT NULL").await, 1);
    }

    tokens_are_sealed_at_rest_when_keys_are_set(db) {
        let key = generate_key().expect("key");
        let ring = KeyRing::parse(key.expose_secret()).expect("ring");
        let Some((app, slack, clock)) = installable(db, Sealer::new(Some(ring))).await else { return };
        slack.grant("code-T2", workspace_grant("T2", "Borealis", "xoxb-t2-token"));
        install(&app, "code-T2").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE bot_token LIKE '%xoxb%'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE bot_token LIKE 'v1:%'").await, 1);
        home_opened(&app, &clock, "T2", None, "Ev1").await;
        assert_eq!(published(&slack, 1).await, ["Bearer xoxb-t2-token"]);
    }

    without_oauth_the_install_pages_say_how_to_turn_it_on(db) {
        let Some(app) = TestApp::spawn(db).await else { return };
        let response = app.get("/slack/install", &[]).await;
        assert_eq!(response.status(), 404);
        assert!(response.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/html"));
        let page = response.text().await.expect("page");
        assert!(page.contains("SLACK_CLIENT_ID"), "{page}");
        let response = app.get("/slack/oauth/callback?code=x&state=y", &[]).await;
        assert_eq!(response.status(), 404);
    }

    rotate_key_and_forget_reach_the_installations(db) {
        let Some((mut app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        install_rotating(&app, &slack).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE bot_token LIKE 'plain:%' AND refresh_token LIKE 'plain:%'").await, 1);

        let key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let said = crate::tenant_sources::rotate_key(&app, Some(key)).expect("rotates");
        assert!(said.contains("1 of 1 Slack installations' tokens"), "{said}");
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE bot_token LIKE 'v1:%' AND refresh_token LIKE 'v1:%'").await, 1);
        app.sealer = Sealer::new(Some(KeyRing::parse(key).expect("ring")));
        app.restart().await;
        home_opened(&app, &clock, "T2", None, "Ev1").await;
        assert_eq!(published(&slack, 1).await, ["Bearer xoxe.xoxb-first"]);

        // The installer, whom Cadence knows only as the installer, is forgotten.
        crate::forget::forget(&app, &["--user", "UINSTALLER", "--workspace", "T2"]).expect("forget");
        assert_eq!(app.count("SELECT COUNT(*) FROM slack_installations WHERE installed_by IS NULL").await, 1);
    }

    two_replicas_refreshing_at_once_lose_nothing(db) {
        let Some((app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        install_rotating(&app, &slack).await;
        set_up_crew(&app, "T2").await;
        app.drain().await;
        let before = posted_with(&slack).len();
        let second = app.another_instance().await;
        // Past the first token's expiry: every call needs the new one.
        clock.advance(chrono::Duration::hours(12) + chrono::Duration::minutes(5));
        ask_for_track(&app, "T2", "Lead").await;
        ask_for_track(&app, "T2", "Architect").await;
        // Both replicas deliver at once. A message put back after a refused refresh, or held by
        // the channel's pacing, is due again once the clock moves on.
        for _ in 0..10 {
            if posted_with(&slack).len() == before + 2 {
                break;
            }
            tokio::join!(app.drain(), async {
                second.drain().await.expect("the second replica drains");
            });
            clock.advance(chrono::Duration::minutes(1));
        }
        assert_eq!(posted_with(&slack)[before..], ["Bearer xoxe.xoxb-second", "Bearer xoxe.xoxb-second"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE state = 'dead'").await, 0);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM slack_installations WHERE refresh_token = 'plain:xoxe-1-refresh-two'").await,
            1
        );
        second.stop().await;
    }

    what_slack_says_is_escaped_on_the_page(db) {
        let Some((app, _slack, _clock)) = installable(db, Sealer::default()).await else { return };
        let started = start_install(&app).await;
        let (status, page) = callback(
            &app,
            &format!("error=%3Cscript%3Ealert(1)%3C/script%3E&state={}", started.state),
            Some(&started.cookie),
        )
        .await;
        assert_eq!(status, 400);
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
        assert!(!page.contains("<script>"), "{page}");
    }

    a_refresh_token_spent_by_another_replica_yields_that_replicas_token(db) {
        use cadence::platform::slack::oauth::SlackOAuth;
        use cadence::platform::slack::tokens::SlackTokens;
        use crate::slack_standin::Scripted;

        let Some((app, slack, clock)) = installable(db, Sealer::default()).await else { return };
        install_rotating(&app, &slack).await;
        clock.advance(chrono::Duration::hours(12) + chrono::Duration::minutes(5));

        // Two replicas' token sources over one database. The first's refresh is answered
        // slowly, so the second's, sent meanwhile, spends the refresh token first.
        let store = cadence::store::Store::open(&app.db.url, cadence::store::IfMissing::Refuse).await.expect("store");
        let tenant = store.find_tenant(cadence::domain::Platform::Slack, "T2").await.expect("read").expect("tenant");
        let replica = || {
            let oauth = SlackOAuth::new(
                &slack.base_url,
                CLIENT_ID,
                secrecy::SecretString::from(CLIENT_SECRET),
                &format!("{PUBLIC_URL}/slack/oauth/callback"),
            )
            .expect("client");
            SlackTokens::new(store.clone(), Sealer::default(), Some(oauth), None, clock.clone())
        };
        let (first, second) = (replica(), replica());
        slack.script("oauth.v2.access", [Scripted::Slow(Duration::from_millis(800))]);
        let slow = tokio::spawn(async move { first.for_tenant(tenant).await });
        slack.wait_for("oauth.v2.access", 2, Duration::from_secs(10)).await;
        let fast = second.for_tenant(tenant).await.expect("the second replica refreshes");
        let slow = slow.await.expect("task").expect("the first replica takes the stored token");
        assert_eq!(fast.secret().expose_secret(), "xoxe.xoxb-second");
        assert_eq!(slow.secret().expose_secret(), "xoxe.xoxb-second");
        assert_eq!(slack.calls_to("oauth.v2.access").len(), 3, "install, then one refresh each");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM slack_installations WHERE refresh_token = 'plain:xoxe-1-refresh-two'").await,
            1
        );
    }
}
