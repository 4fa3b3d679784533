//! The configuration of a mock platform: the edition-independent file format of
//! [`chargespec_runtime::config`] (documented in the README), checked against one edition and
//! read into that edition's keys, peers and the runtime's `ServerConfig`.

use std::net::SocketAddr;
use std::path::Path;

use chargespec_runtime::Mode;
use chargespec_runtime::config as shared;
use chargespec_runtime::endpoint::{Endpoint, ServerConfig};
use chargespec_runtime::protocol::Peers;

use crate::edition::{Adapter, Edition, Keys};

pub use shared::{KeyConfig, ModeName, PeerConfig};

/// A mock platform's configuration: the shared format, with the address it listens on, checked
/// for one edition.
#[derive(Debug)]
pub struct Config {
    /// The address to listen on (`listen`, required for a mock).
    pub listen: SocketAddr,
    /// The edition the configuration was checked for.
    pub edition: Edition,
    shared: shared::Config,
}

impl std::ops::Deref for Config {
    type Target = shared::Config;
    fn deref(&self) -> &shared::Config {
        &self.shared
    }
}

impl Config {
    /// Reads and checks a configuration file for the default edition.
    pub fn load(path: &Path) -> Result<Config, String> {
        Config::load_for(Edition::default(), path)
    }

    /// Reads and checks a configuration file for `edition`.
    pub fn load_for(edition: Edition, path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Config::parse_for(edition, &text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks a configuration for the default edition.
    pub fn parse(text: &str) -> Result<Config, String> {
        Config::parse_for(Edition::default(), text)
    }

    /// Parses and checks a configuration for `edition`: `listen` given, every peer's secrets
    /// usable by the edition's envelope, every tolerance name one the edition declares.
    pub fn parse_for(edition: Edition, text: &str) -> Result<Config, String> {
        let shared = shared::Config::parse(text)?;
        let listen = shared
            .listen
            .ok_or("missing field `listen` (the address a mock platform listens on)")?;
        for p in &shared.peers {
            for (direction, keys) in [
                ("inbound", Some(&p.keys)),
                ("outbound", p.outbound.as_ref()),
            ] {
                let Some(keys) = keys else { continue };
                edition
                    .check_keys(keys)
                    .map_err(|e| format!("peer {} ({direction}): {e}", p.operator_id))?;
            }
        }
        shared.check(edition.schema())?;
        Ok(Config {
            listen,
            edition,
            shared,
        })
    }

    /// The validation mode for the peer `operator_id`: the configured mode with that peer's
    /// tolerance profiles (none for a peer that is not configured).
    pub fn mode_for(&self, operator_id: &str) -> Mode {
        self.shared.mode_for(self.edition.schema(), operator_id)
    }

    /// The client settings for calling a peer with edition `A`: the edition's defaults; a peer
    /// with tolerance profiles also has its answers validated in its mode, so what it needs is
    /// accepted, logged and counted ([`chargespec_runtime::client::Client::deviations`]).
    pub fn client<A: Adapter>(
        &self,
        operator_id: &str,
    ) -> chargespec_runtime::client::ClientConfig {
        let mode = self.mode_for(operator_id);
        chargespec_runtime::client::ClientConfig {
            answers: (!mode.tolerances.is_empty()).then_some(mode),
            ..chargespec_runtime::client::default_config::<A::Profile>()
        }
    }

    /// A client of the configured peer `peer` (its `url`, our OperatorID, the outbound keys).
    pub fn client_of<A: Adapter>(
        &self,
        peer: &PeerConfig,
    ) -> Result<chargespec_runtime::client::Client<A::Profile>, String> {
        let url = peer
            .url
            .clone()
            .ok_or_else(|| format!("peer {} has no url", peer.operator_id))?;
        chargespec_runtime::client::Client::new(
            url,
            self.shared.operator_id.clone(),
            A::keys(peer.outbound())?,
            self.client::<A>(&peer.operator_id),
        )
        .map_err(|e| e.to_string())
    }

    /// Each configured peer's validation mode, by OperatorID.
    pub fn peer_modes(&self) -> std::collections::BTreeMap<String, Mode> {
        self.shared.peer_modes(self.edition.schema())
    }

    /// The peers' inbound keys in edition `A`.
    pub fn peers<A: Adapter>(&self) -> Result<Peers<Keys<A>>, String> {
        let mut peers = Peers::new();
        for p in &self.shared.peers {
            peers.insert(p.operator_id.clone(), A::keys(&p.keys)?);
            if !p.tolerances.is_empty() {
                peers.set_mode(p.operator_id.clone(), self.mode_for(&p.operator_id));
            }
        }
        Ok(peers)
    }

    /// The server settings; `plaintext` enables the test profile.
    pub fn server(&self, plaintext: bool) -> ServerConfig {
        let defaults = ServerConfig::default();
        ServerConfig {
            base_path: self.shared.base_path.clone(),
            body_limit: self.shared.body_limit,
            mode: self.shared.base_mode(),
            timestamp_window_s: shared::Config::nonzero(self.shared.timestamp_window_s),
            replay_window_s: shared::Config::nonzero(self.shared.replay_window_s),
            token_lifetime_s: self.shared.token_lifetime_s,
            tokens_per_peer: self.shared.tokens_per_peer,
            replay_capacity: self.shared.replay_capacity,
            plaintext,
            ..defaults
        }
    }

    /// The endpoint this configuration describes, in edition `A`: the one place a mock's
    /// [`Endpoint`] and [`ServerConfig`] are made, with the configured store (`store`:
    /// memory, or a Redis URL; a Redis store needs a Tokio runtime). Fails if this configuration
    /// was checked for another edition.
    pub fn endpoint<A: Adapter>(&self, plaintext: bool) -> Result<Endpoint<A::Profile>, String> {
        if self.edition != A::EDITION {
            return Err(format!(
                "the configuration was checked for {}, not {}",
                self.edition.number(),
                A::NUMBER
            ));
        }
        let server = self.server(plaintext);
        // The token store and replay cache: this process's memory, or a Redis server shared
        // by every instance (never logged with its password).
        let stores = match &self.shared.store {
            shared::StoreConfig::Memory => server.memory_stores(),
            shared::StoreConfig::Redis(url) => server
                .redis_stores(url.expose(), &self.shared.store_prefix)
                .map_err(|e| format!("store {}: {e}", self.shared.store.describe()))?,
        };
        chargespec_runtime::tracing::info!(store = %self.shared.store.describe(), prefix = %self.shared.store_prefix, "tokens and resend checks");
        Ok(Endpoint::with_stores(
            self.shared.operator_id.clone(),
            self.peers::<A>()?,
            server,
            stores,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chargespec_runtime::Tolerance;

    const PEER: &str = r#"
listen = "127.0.0.1:0"
operator_id = "MA5DA0001"

[[peers]]
operator_id = "MA5DAPY01"
operator_secret = "PyOp3r4t0rSecr01"
data_secret = "PyD4t4S3cr3tK3y1"
data_secret_iv = "PyD4t4S3cr3tIV01"
sig_secret = "PyS1gS3cr3tK3y01"
"#;

    #[test]
    fn tolerances_are_per_peer_and_off_by_default() {
        let text = format!("{PEER}tolerances = [\"numbers-as-strings\", \"fixed-seq\"]\n");
        let c = Config::parse(&text).unwrap_or_else(|e| panic!("{e}"));
        let m = c.mode_for("MA5DAPY01");
        assert!(m.tolerates(Tolerance::NumbersAsStrings) && m.tolerates(Tolerance::FixedSeq));
        assert!(!m.tolerates(Tolerance::TcecCoreStatus));
        assert_eq!(c.mode_for("MA5DAOTHR"), Mode::strict());
        let plain = Config::parse(PEER).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain.mode_for("MA5DAPY01"), Mode::strict());
        assert_eq!(plain.peer_modes().len(), 1);
    }

    #[test]
    fn an_unknown_tolerance_is_refused_at_start_up_with_the_declared_names() {
        let text = format!("{PEER}tolerances = [\"numbers_as_strings\"]\n");
        let e = Config::parse(&text).err().unwrap_or_default();
        assert!(e.contains("unknown tolerance `numbers_as_strings`"), "{e}");
        assert!(
            e.contains("numbers-as-strings, empty-string-as-absent"),
            "{e}"
        );
    }

    #[test]
    fn the_2020_iv_is_the_data_secret() {
        let e = Config::parse_for(Edition::Db4403_77_2020, PEER)
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("MA5DAPY01") && e.contains("data_secret_iv"),
            "{e}"
        );
        let same = PEER.replace("PyD4t4S3cr3tIV01", "PyD4t4S3cr3tK3y1");
        let c = Config::parse_for(Edition::Db4403_77_2020, &same).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.edition, Edition::Db4403_77_2020);
        assert!(c.endpoint::<crate::editions::Db4403_77_2020>(false).is_ok());
        let e = c
            .endpoint::<crate::editions::Db4403_77_2024>(false)
            .err()
            .unwrap_or_default();
        assert!(e.contains("checked for DB4403/T 77—2020"), "{e}");
    }

    #[test]
    fn a_mock_needs_an_address() {
        let text = PEER.replace("listen = \"127.0.0.1:0\"\n", "");
        let e = Config::parse(&text).err().unwrap_or_default();
        assert!(e.contains("listen"), "{e}");
    }
}
