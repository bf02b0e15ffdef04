//! Bot Framework token verification against the loopback stand-in: every rule of Microsoft's
//! "Connector to Bot" checks, the key cache and its refetch limits, the split between the
//! header check and the activity check, and a single-tenant bot's Entra ID tokens, verified with
//! its tenant's own keys.
//!
//! Time is a fixed instant long past, so a verifier that read the system clock would fail.

use cadence::inbound::teams::auth::{
    BOT_FRAMEWORK_ISSUER, BotAuthenticator, Issuer, TeamsAuthError, VerifiedToken,
};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::teams_standin::{
    APP_ID, ENTRA_KID, KID, TeamsStandIn, TestKey, claims, entra_claims, sign, sign_with,
};

const TENANT: &str = "11111111-2222-3333-4444-555555555555";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-03-04T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

async fn setup() -> (TeamsStandIn, BotAuthenticator) {
    let standin = TeamsStandIn::start().await;
    let auth = BotAuthenticator::new(standin.auth_config(None), reqwest::Client::new());
    (standin, auth)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn verify_claims(
    auth: &BotAuthenticator,
    claims: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<VerifiedToken, TeamsAuthError> {
    auth.verify(Some(&bearer(&sign(claims, KID))), at).await
}

#[tokio::test]
async fn a_valid_token_passes_and_vouches_for_its_activity() {
    let (standin, auth) = setup().await;
    let service_url = standin.service_url();
    let verified = verify_claims(&auth, claims(now(), &service_url), now())
        .await
        .expect("valid token");
    assert_eq!(verified.app_id, APP_ID);
    assert_eq!(verified.issuer, "https://api.botframework.com");
    assert_eq!(verified.service_url.as_deref(), Some(service_url.as_str()));
    assert_eq!(verified.endorsements, vec!["msteams".to_owned()]);
    assert_eq!(verified.check_activity("msteams", &service_url), Ok(()));
    // One trailing slash more or less is the same service.
    let without_slash = service_url.trim_end_matches('/');
    assert_eq!(verified.check_activity("msteams", without_slash), Ok(()));
    assert_eq!((standin.metadata_fetches(), standin.key_fetches()), (1, 1));
}

#[tokio::test]
async fn the_service_url_claim_is_read_in_either_spelling() {
    let (standin, auth) = setup().await;
    let service_url = standin.service_url();
    let mut camel = claims(now(), &service_url);
    camel["serviceUrl"] = camel["serviceurl"].take();
    camel.as_object_mut().expect("object").remove("serviceurl");
    let verified = verify_claims(&auth, camel, now())
        .await
        .expect("valid token");
    assert_eq!(verified.check_activity("msteams", &service_url), Ok(()));

    let mut both = claims(now(), &service_url);
    both["serviceUrl"] = json!("https://elsewhere.example/");
    assert!(matches!(
        verify_claims(&auth, both, now()).await,
        Err(TeamsAuthError::Malformed(_))
    ));
}

#[tokio::test]
async fn a_wrong_issuer_is_refused() {
    let (standin, auth) = setup().await;
    let mut wrong = claims(now(), &standin.service_url());
    wrong["iss"] = json!("https://evil.example");
    assert_eq!(
        verify_claims(&auth, wrong, now()).await,
        Err(TeamsAuthError::WrongIssuer)
    );
    let mut missing = claims(now(), &standin.service_url());
    missing.as_object_mut().expect("object").remove("iss");
    assert_eq!(
        verify_claims(&auth, missing, now()).await,
        Err(TeamsAuthError::WrongIssuer)
    );
}

#[tokio::test]
async fn a_wrong_audience_is_refused() {
    let (standin, auth) = setup().await;
    let mut wrong = claims(now(), &standin.service_url());
    wrong["aud"] = json!("another-bot");
    assert_eq!(
        verify_claims(&auth, wrong, now()).await,
        Err(TeamsAuthError::WrongAudience)
    );
    let mut missing = claims(now(), &standin.service_url());
    missing.as_object_mut().expect("object").remove("aud");
    assert_eq!(
        verify_claims(&auth, missing, now()).await,
        Err(TeamsAuthError::WrongAudience)
    );
}

#[tokio::test]
async fn an_expired_token_is_refused_beyond_five_minutes() {
    let (standin, auth) = setup().await;
    let token = sign(claims(now(), &standin.service_url()), KID);
    let expiry = now() + Duration::hours(1);
    let header = bearer(&token);
    assert!(
        auth.verify(Some(&header), expiry + Duration::minutes(4))
            .await
            .is_ok()
    );
    assert_eq!(
        auth.verify(Some(&header), expiry + Duration::minutes(6))
            .await,
        Err(TeamsAuthError::Expired)
    );
}

#[tokio::test]
async fn a_token_not_yet_valid_is_refused_beyond_five_minutes() {
    let (standin, auth) = setup().await;
    let mut early = claims(now(), &standin.service_url());
    early["nbf"] = json!((now() + Duration::minutes(6)).timestamp());
    assert_eq!(
        verify_claims(&auth, early, now()).await,
        Err(TeamsAuthError::NotYetValid)
    );
}

#[tokio::test]
async fn clock_skew_within_five_minutes_is_tolerated() {
    let (standin, auth) = setup().await;
    let mut skewed = claims(now(), &standin.service_url());
    skewed["nbf"] = json!((now() + Duration::minutes(4)).timestamp());
    skewed["exp"] = json!((now() - Duration::minutes(4)).timestamp());
    assert!(verify_claims(&auth, skewed, now()).await.is_ok());
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_and_then_served_from_the_cache() {
    let (standin, auth) = setup().await;
    let service_url = standin.service_url();
    verify_claims(&auth, claims(now(), &service_url), now())
        .await
        .expect("first key");
    assert_eq!(standin.key_fetches(), 1);

    standin.rotate("test-key-2");
    let rotated = bearer(&sign(claims(now(), &service_url), "test-key-2"));
    let at = now() + Duration::minutes(1);
    auth.verify(Some(&rotated), at).await.expect("rotated key");
    assert_eq!(standin.key_fetches(), 2);
    auth.verify(Some(&rotated), at)
        .await
        .expect("rotated key, cached");
    assert_eq!(standin.key_fetches(), 2);
}

#[tokio::test]
async fn an_unknown_key_refetches_at_most_once_per_five_minutes() {
    let (standin, auth) = setup().await;
    let service_url = standin.service_url();
    verify_claims(&auth, claims(now(), &service_url), now())
        .await
        .expect("known key");
    let unknown = bearer(&sign(claims(now(), &service_url), "nobody-published-this"));

    assert_eq!(
        auth.verify(Some(&unknown), now()).await,
        Err(TeamsAuthError::UnknownKey)
    );
    assert_eq!(standin.key_fetches(), 2);
    for minutes in [0, 1, 4] {
        let at = now() + Duration::minutes(minutes);
        assert_eq!(
            auth.verify(Some(&unknown), at).await,
            Err(TeamsAuthError::UnknownKey)
        );
    }
    assert_eq!(standin.key_fetches(), 2, "no refetch within five minutes");
    // Known keys keep working meanwhile, from the cache.
    verify_claims(&auth, claims(now(), &service_url), now())
        .await
        .expect("known key");
    assert_eq!(standin.key_fetches(), 2);

    let later = now() + Duration::minutes(6);
    assert_eq!(
        auth.verify(Some(&unknown), later).await,
        Err(TeamsAuthError::UnknownKey)
    );
    assert_eq!(standin.key_fetches(), 3);
}

#[tokio::test]
async fn keys_are_refetched_after_a_day_and_kept_if_that_fails() {
    let (standin, auth) = setup().await;
    let service_url = standin.service_url();
    let header = bearer(&sign(claims(now(), &service_url), KID));
    let window = |at: DateTime<Utc>| {
        let mut c = claims(at, &service_url);
        c["exp"] = json!((at + Duration::hours(1)).timestamp());
        bearer(&sign(c, KID))
    };
    auth.verify(Some(&header), now()).await.expect("first");
    let hours = |h| now() + Duration::hours(h);
    auth.verify(Some(&window(hours(23))), hours(23))
        .await
        .expect("cached");
    assert_eq!(standin.key_fetches(), 1);
    auth.verify(Some(&window(hours(25))), hours(25))
        .await
        .expect("refreshed");
    assert_eq!(standin.key_fetches(), 2);

    standin.set_keys_down(true);
    auth.verify(Some(&window(hours(50))), hours(50))
        .await
        .expect("day-old keys still verify while Microsoft is down");
    assert_eq!(standin.key_fetches(), 3);
}

#[tokio::test]
async fn a_signature_by_another_key_under_a_published_kid_is_refused() {
    let (standin, auth) = setup().await;
    let forged = sign_with(
        TestKey::Impostor,
        claims(now(), &standin.service_url()),
        KID,
    );
    assert_eq!(
        auth.verify(Some(&bearer(&forged)), now()).await,
        Err(TeamsAuthError::BadSignature)
    );
    // A tampered payload fails the same way.
    let genuine = sign(claims(now(), &standin.service_url()), KID);
    let mut redirected = claims(now(), "https://attacker.example/amer/");
    redirected["iss"] = json!(BOT_FRAMEWORK_ISSUER);
    let other = sign(redirected, KID);
    let mut parts: Vec<&str> = genuine.split('.').collect();
    parts[1] = other.split('.').nth(1).expect("payload");
    assert_eq!(
        auth.verify(Some(&bearer(&parts.join("."))), now()).await,
        Err(TeamsAuthError::BadSignature)
    );
}

#[tokio::test]
async fn missing_and_non_bearer_headers_are_refused_before_any_fetch() {
    let (standin, auth) = setup().await;
    let token = sign(claims(now(), &standin.service_url()), KID);
    assert_eq!(
        auth.verify(None, now()).await,
        Err(TeamsAuthError::MissingHeader)
    );
    assert_eq!(
        auth.verify(Some(""), now()).await,
        Err(TeamsAuthError::MissingHeader)
    );
    for header in [
        format!("Basic {token}"),
        token.clone(),
        "Bearer".to_owned(),
        "Bearer not-a-jwt".to_owned(),
    ] {
        assert!(
            matches!(
                auth.verify(Some(&header), now()).await,
                Err(TeamsAuthError::Malformed(_))
            ),
            "{header:.20} should be malformed"
        );
    }
    assert_eq!(standin.key_fetches(), 0);
}

#[tokio::test]
async fn hs256_and_unsigned_tokens_are_refused() {
    let (standin, auth) = setup().await;
    let body = claims(now(), &standin.service_url());
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(KID.to_owned());
    let hs256 = jsonwebtoken::encode(&header, &body, &EncodingKey::from_secret(b"guessable"))
        .expect("hs256");
    assert!(matches!(
        auth.verify(Some(&bearer(&hs256)), now()).await,
        Err(TeamsAuthError::Malformed(_))
    ));

    // {"alg":"none","typ":"JWT","kid":"test-key-1"}, base64url, with the genuine payload and
    // no signature.
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIiwia2lkIjoidGVzdC1rZXktMSJ9";
    let genuine = sign(body, KID);
    let payload = genuine.split('.').nth(1).expect("payload");
    let unsigned = format!("{none_header}.{payload}.");
    assert!(matches!(
        auth.verify(Some(&bearer(&unsigned)), now()).await,
        Err(TeamsAuthError::Malformed(_))
    ));
    assert_eq!(standin.key_fetches(), 0);
}

#[tokio::test]
async fn an_activity_from_a_channel_the_key_is_not_endorsed_for_is_refused() {
    let (standin, auth) = setup().await;
    let service_url = standin.service_url();
    let verified = verify_claims(&auth, claims(now(), &service_url), now())
        .await
        .expect("valid token");
    assert_eq!(
        verified.check_activity("skype", &service_url),
        Err(TeamsAuthError::EndorsementMissing {
            channel: "skype".to_owned()
        })
    );
}

#[tokio::test]
async fn an_activity_naming_another_service_url_is_refused() {
    let (standin, auth) = setup().await;
    let service_url = standin.service_url();
    let verified = verify_claims(&auth, claims(now(), &service_url), now())
        .await
        .expect("valid token");
    assert_eq!(
        verified.check_activity("msteams", "https://attacker.example/amer/"),
        Err(TeamsAuthError::ServiceUrlMismatch)
    );

    let mut without = claims(now(), &service_url);
    without
        .as_object_mut()
        .expect("object")
        .remove("serviceurl");
    let verified = verify_claims(&auth, without, now())
        .await
        .expect("valid token");
    assert_eq!(
        verified.check_activity("msteams", &service_url),
        Err(TeamsAuthError::ServiceUrlMismatch)
    );
}

#[tokio::test]
async fn unreachable_keys_are_unavailable_not_unauthorised() {
    let (standin, auth) = setup().await;
    standin.set_keys_down(true);
    let header = bearer(&sign(claims(now(), &standin.service_url()), KID));
    let error = auth
        .verify(Some(&header), now())
        .await
        .expect_err("keys down");
    assert!(error.is_unavailable(), "{error}");
    assert!(!error.to_string().contains(&header[7..]));

    standin.set_keys_down(false);
    auth.verify(Some(&header), now())
        .await
        .expect("keys back up");

    // Nothing listening at all.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let mut config = standin.auth_config(None);
    config.openid_metadata_url =
        format!("http://127.0.0.1:{port}/v1/.well-known/openidconfiguration");
    let nowhere = BotAuthenticator::new(config, reqwest::Client::new());
    let error = nowhere
        .verify(Some(&header), now())
        .await
        .expect_err("down");
    assert!(error.is_unavailable(), "{error}");
}

const OTHER_TENANT: &str = "99999999-2222-3333-4444-555555555555";

/// A verifier for a single-tenant bot in [`TENANT`], and one for a bot with no tenant.
async fn setup_tenant() -> (TeamsStandIn, BotAuthenticator, BotAuthenticator) {
    let (standin, multi_tenant) = setup().await;
    let single_tenant =
        BotAuthenticator::new(standin.auth_config(Some(TENANT)), reqwest::Client::new());
    (standin, single_tenant, multi_tenant)
}

/// An Entra ID token as the tenant signs it.
fn entra_token(claims: serde_json::Value) -> String {
    bearer(&sign_with(TestKey::Entra, claims, ENTRA_KID))
}

#[tokio::test]
async fn an_entra_token_signed_with_the_tenants_own_key_is_accepted() {
    let (standin, single_tenant, _) = setup_tenant().await;
    let service_url = standin.service_url();
    for v2 in [true, false] {
        let claims = entra_claims(now(), TENANT, v2);
        let verified = single_tenant
            .verify(Some(&entra_token(claims.clone())), now())
            .await
            .expect("the configured tenant's token");
        assert_eq!(verified.issuer, claims["iss"].as_str().expect("iss"));
        assert_eq!(verified.issued_by, Issuer::EntraTenant);
        assert!(verified.endorsements.is_empty());
        // Entra ID issues no serviceurl claim; the activity still passes.
        assert_eq!(verified.service_url, None);
        assert_eq!(verified.check_activity("msteams", &service_url), Ok(()));
    }
    // The key came from the tenant's metadata, once, and the Bot Framework's were not asked.
    assert_eq!(standin.entra_key_fetches(), 1);
    assert_eq!((standin.metadata_fetches(), standin.key_fetches()), (0, 0));
}

#[tokio::test]
async fn an_entra_token_from_another_tenant_is_refused() {
    let (standin, single_tenant, multi_tenant) = setup_tenant().await;
    for v2 in [true, false] {
        let other = entra_token(entra_claims(now(), OTHER_TENANT, v2));
        assert_eq!(
            single_tenant.verify(Some(&other), now()).await,
            Err(TeamsAuthError::WrongIssuer)
        );
        // A bot with no tenant accepts no Entra issuer at all.
        let ours = entra_token(entra_claims(now(), TENANT, v2));
        assert_eq!(
            multi_tenant.verify(Some(&ours), now()).await,
            Err(TeamsAuthError::WrongIssuer)
        );
    }
    // Refused on the issuer alone: nothing was fetched for them.
    assert_eq!(standin.entra_key_fetches(), 0);
    assert_eq!(standin.key_fetches(), 0);

    // The tenant's issuer with another tenant's tid contradicts itself.
    let mut mixed = entra_claims(now(), TENANT, true);
    mixed["tid"] = json!(OTHER_TENANT);
    assert_eq!(
        single_tenant.verify(Some(&entra_token(mixed)), now()).await,
        Err(TeamsAuthError::WrongTenant)
    );
    // And the tenant's audience rule is the bot's, as for every token.
    let mut elsewhere = entra_claims(now(), TENANT, true);
    elsewhere["aud"] = json!("another-bot");
    assert_eq!(
        single_tenant
            .verify(Some(&entra_token(elsewhere)), now())
            .await,
        Err(TeamsAuthError::WrongAudience)
    );
}

#[tokio::test]
async fn each_issuer_is_verified_only_with_its_own_keys() {
    let (standin, single_tenant, _) = setup_tenant().await;
    // The tenant's issuer, signed with the key the Bot Framework publishes.
    let borrowed = bearer(&sign(entra_claims(now(), TENANT, true), KID));
    assert_eq!(
        single_tenant.verify(Some(&borrowed), now()).await,
        Err(TeamsAuthError::UnknownKey)
    );
    // The Bot Framework's issuer, signed with the key only the tenant publishes.
    let borrowed = bearer(&sign_with(
        TestKey::Entra,
        claims(now(), &standin.service_url()),
        ENTRA_KID,
    ));
    assert_eq!(
        single_tenant.verify(Some(&borrowed), now()).await,
        Err(TeamsAuthError::UnknownKey)
    );
    // A signature by another key under the tenant's key id.
    let forged = bearer(&sign_with(
        TestKey::Impostor,
        entra_claims(now(), TENANT, true),
        ENTRA_KID,
    ));
    assert_eq!(
        single_tenant.verify(Some(&forged), now()).await,
        Err(TeamsAuthError::BadSignature)
    );
}

#[tokio::test]
async fn a_bot_framework_token_still_needs_its_service_url_in_a_single_tenant_bot() {
    let (standin, single_tenant, _) = setup_tenant().await;
    let service_url = standin.service_url();
    let verified = verify_claims(&single_tenant, claims(now(), &service_url), now())
        .await
        .expect("a Bot Framework token");
    assert_eq!(verified.issued_by, Issuer::BotFramework);
    assert_eq!(verified.check_activity("msteams", &service_url), Ok(()));

    let mut without = claims(now(), &service_url);
    without
        .as_object_mut()
        .expect("object")
        .remove("serviceurl");
    let verified = verify_claims(&single_tenant, without, now())
        .await
        .expect("valid token");
    assert_eq!(
        verified.check_activity("msteams", &service_url),
        Err(TeamsAuthError::ServiceUrlMismatch)
    );

    // An Entra token that does name a service URL must name the activity's.
    let mut claimed = entra_claims(now(), TENANT, true);
    claimed["serviceurl"] = json!("https://attacker.example/amer/");
    let verified = single_tenant
        .verify(Some(&entra_token(claimed)), now())
        .await
        .expect("valid token");
    assert_eq!(
        verified.check_activity("msteams", &service_url),
        Err(TeamsAuthError::ServiceUrlMismatch)
    );
}
