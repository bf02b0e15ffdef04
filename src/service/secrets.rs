//! `cadence rotate-key`: every secret Cadence stores (event sources' secrets, Slack
//! installations' tokens) sealed again with the newest key. Each row is replaced only if it is
//! still what was read, so a rotation or token refresh meanwhile wins.

use crate::crypto::{CryptoError, Sealer};
use crate::store::{EventSource, SlackInstallation, Store, StoreError};

/// Why the stored secrets could not all be sealed again.
#[derive(Debug, thiserror::Error)]
pub enum ResealError {
    /// A stored secret could not be opened (sealed with a key that is no longer given) or
    /// sealed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many rows were sealed again, of how many of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Event sources sealed again, and how many there are.
    pub sources: (usize, usize),
    /// Slack installations sealed again, and how many there are.
    pub installations: (usize, usize),
}

/// A secret and its previous (or refresh) partner sealed again where either needs it; `None`
/// when neither does.
fn reseal_pair(
    sealer: &Sealer,
    pair: (&str, Option<&str>),
    contexts: (&[u8], &[u8]),
) -> Result<Option<(String, Option<String>)>, CryptoError> {
    let first = sealer.reseal(pair.0, contexts.0)?;
    let second = match pair.1 {
        Some(second) => sealer.reseal(second, contexts.1)?,
        None => None,
    };
    if first.is_none() && second.is_none() {
        return Ok(None);
    }
    Ok(Some((
        first.unwrap_or_else(|| pair.0.to_owned()),
        second.or_else(|| pair.1.map(str::to_owned)),
    )))
}

/// Seals every stored secret with `sealer`'s newest key.
pub async fn reseal_stored_secrets(
    store: &Store,
    sealer: &Sealer,
) -> Result<Resealed, ResealError> {
    let mut resealed = Resealed::default();
    let sources = store.stored_source_secrets().await?;
    resealed.sources.1 = sources.len();
    for (id, secret, previous) in &sources {
        let context = EventSource::secret_context(id);
        let was = (secret.as_str(), previous.as_deref());
        let context = (context.as_bytes(), context.as_bytes());
        let Some(now) = reseal_pair(sealer, was, context)? else {
            continue;
        };
        if store
            .reseal_source_secrets(id, was, (&now.0, now.1.as_deref()))
            .await?
        {
            resealed.sources.0 += 1;
        }
    }
    let installations = store.stored_installation_tokens().await?;
    resealed.installations.1 = installations.len();
    for (tenant, bot, refresh) in &installations {
        let was = (bot.as_str(), refresh.as_deref());
        let contexts = (
            SlackInstallation::token_context(*tenant, "bot"),
            SlackInstallation::token_context(*tenant, "refresh"),
        );
        let Some(now) = reseal_pair(sealer, was, (&contexts.0, &contexts.1))? else {
            continue;
        };
        if store
            .reseal_installation_tokens(*tenant, was, (&now.0, now.1.as_deref()))
            .await?
        {
            resealed.installations.0 += 1;
        }
    }
    Ok(resealed)
}
