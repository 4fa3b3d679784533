//! The configuration of a mock platform: the edition-independent file format of
//! [`chargespec_runtime::config`] (documented in the README), read into the 2024 edition's
//! `Keys`, `Peers` and `ServerConfig`.

use std::net::SocketAddr;
use std::path::Path;

use chargespec_runtime::Mode;
use chargespec_runtime::config as shared;
use db4403_77_2024::protocol::{Keys, Peers};
use db4403_77_2024::server::ServerConfig;

pub use shared::{KeyConfig, ModeName, PeerConfig};

/// A mock platform's configuration: the shared format, with the address it listens on.
#[derive(Debug)]
pub struct Config {
    /// The address to listen on (`listen`, required for a mock).
    pub listen: SocketAddr,
    shared: shared::Config,
}

impl std::ops::Deref for Config {
    type Target = shared::Config;
    fn deref(&self) -> &shared::Config {
        &self.shared
    }
}

/// The edition's key types of a configured peer.
pub trait EditionKeys {
    /// The secrets this peer uses to call us.
    fn keys(&self) -> Keys;
    /// The secrets for calling this peer.
    fn outbound_keys(&self) -> Keys;
}

/// The edition's `Keys` of a configured key set.
pub fn keys(k: &KeyConfig) -> Keys {
    Keys {
        operator_secret: k.operator_secret.clone(),
        data_secret: k.data_secret.clone(),
        data_secret_iv: k.data_secret_iv.clone(),
        sig_secret: k.sig_secret.clone(),
    }
}

impl EditionKeys for PeerConfig {
    fn keys(&self) -> Keys {
        keys(&self.keys)
    }
    fn outbound_keys(&self) -> Keys {
        keys(self.outbound())
    }
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks a configuration: `listen` given, every peer's secrets usable by the
    /// edition's envelope, every tolerance name one the edition declares.
    pub fn parse(text: &str) -> Result<Config, String> {
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
                // Encrypting and signing once proves the secrets have usable sizes and alphabets.
                self::keys(keys)
                    .encrypt(b"{}")
                    .map_err(|e| format!("peer {} ({direction}): {e}", p.operator_id))?;
            }
        }
        shared.check(&db4403_77_2024::schema::SCHEMA)?;
        Ok(Config { listen, shared })
    }

    /// The validation mode for the peer `operator_id`: the configured mode with that peer's
    /// tolerance profiles (none for a peer that is not configured).
    pub fn mode_for(&self, operator_id: &str) -> Mode {
        self.shared
            .mode_for(&db4403_77_2024::schema::SCHEMA, operator_id)
    }

    /// The client settings for calling a peer: the edition's defaults; a peer with tolerance
    /// profiles also has its answers validated in its mode, so what it needs is accepted, logged
    /// and counted ([`chargespec_runtime::client::Client::deviations`]).
    pub fn client(&self, operator_id: &str) -> chargespec_runtime::client::ClientConfig {
        let mode = self.mode_for(operator_id);
        chargespec_runtime::client::ClientConfig {
            answers: (!mode.tolerances.is_empty()).then_some(mode),
            ..db4403_77_2024::client::default_config()
        }
    }

    /// Each configured peer's validation mode, by OperatorID.
    pub fn peer_modes(&self) -> std::collections::BTreeMap<String, Mode> {
        self.shared.peer_modes(&db4403_77_2024::schema::SCHEMA)
    }

    /// The peers' inbound keys.
    pub fn peers(&self) -> Peers {
        let mut peers = Peers::new();
        for p in &self.shared.peers {
            peers.insert(p.operator_id.clone(), keys(&p.keys));
            if !p.tolerances.is_empty() {
                peers.set_mode(p.operator_id.clone(), self.mode_for(&p.operator_id));
            }
        }
        peers
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
            plaintext,
            ..defaults
        }
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
    fn a_mock_needs_an_address() {
        let text = PEER.replace("listen = \"127.0.0.1:0\"\n", "");
        let e = Config::parse(&text).err().unwrap_or_default();
        assert!(e.contains("listen"), "{e}");
    }
}
