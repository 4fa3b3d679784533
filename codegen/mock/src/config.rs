//! The TOML configuration of a mock platform (format documented in the README).

use std::net::SocketAddr;
use std::path::Path;

use chargespec_runtime::{Mode, Secret, Tolerances};
use db4403_77_2024::protocol::{Keys, Peers};
use db4403_77_2024::server::ServerConfig;
use serde::Deserialize;

/// A mock platform's configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The address to listen on (`127.0.0.1:8701`).
    pub listen: SocketAddr,
    /// The platform's own OperatorID.
    pub operator_id: String,
    /// The path the interfaces are mounted under (default: the spec's default base path).
    pub base_path: Option<String>,
    /// `strict` (default) or `lenient` payload validation.
    #[serde(default)]
    pub mode: ModeName,
    /// Also enforce the provisional constraints (designs, not facts of the standard) as errors,
    /// as the OpenAPI documents state them.
    #[serde(default)]
    pub enforce_provisional: bool,
    /// Accepted distance of `TimeStamp` from the clock, in seconds; 0 turns the check off.
    #[serde(default = "default_window")]
    pub timestamp_window_s: u64,
    /// How long envelopes are remembered to refuse replays, in seconds; 0 turns it off.
    #[serde(default = "default_window")]
    pub replay_window_s: u64,
    /// Lifetime of the tokens this platform issues, in seconds.
    #[serde(default = "default_token_lifetime")]
    pub token_lifetime_s: u64,
    /// The largest request body accepted, in bytes.
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
    /// Stations in the operator's seeded data set (ignored by the city mock).
    #[serde(default = "default_stations")]
    pub stations: usize,
    /// The peer platforms.
    #[serde(default)]
    pub peers: Vec<PeerConfig>,
}

/// `strict` or `lenient`.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ModeName {
    #[default]
    Strict,
    Lenient,
}

/// One peer platform and the secrets shared with it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerConfig {
    /// The peer's OperatorID.
    pub operator_id: String,
    /// The peer's base URL (up to the interface name), to call it; optional.
    pub url: Option<String>,
    /// The secrets this peer uses to call us.
    #[serde(flatten)]
    pub keys: KeyConfig,
    /// The secrets we use to call this peer, when they differ.
    pub outbound: Option<KeyConfig>,
    /// The tolerance profiles switched on for this peer (`numbers-as-strings`, …): names the
    /// edition declares (`tolerances:` in its spec), checked at start-up. Off by default.
    #[serde(default)]
    pub tolerances: Vec<String>,
}

/// The four secrets of one direction (chapter 10).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
    pub operator_secret: Secret,
    pub data_secret: Secret,
    pub data_secret_iv: Secret,
    pub sig_secret: Secret,
}

impl KeyConfig {
    pub fn keys(&self) -> Keys {
        Keys {
            operator_secret: self.operator_secret.clone(),
            data_secret: self.data_secret.clone(),
            data_secret_iv: self.data_secret_iv.clone(),
            sig_secret: self.sig_secret.clone(),
        }
    }
}

fn default_window() -> u64 {
    300
}

fn default_token_lifetime() -> u64 {
    7200
}

fn default_body_limit() -> usize {
    4 * 1024 * 1024
}

fn default_stations() -> usize {
    25
}

impl PeerConfig {
    /// The peer's tolerance profiles, each checked against the profiles the edition declares.
    pub fn tolerance_set(&self) -> Result<Tolerances, String> {
        let schema = &db4403_77_2024::schema::SCHEMA;
        self.tolerances
            .iter()
            .map(|name| {
                schema.tolerance(name).ok_or_else(|| {
                    let known: Vec<&str> = schema
                        .tolerances
                        .iter()
                        .map(|t| t.tolerance.name())
                        .collect();
                    format!(
                        "peer {}: unknown tolerance `{name}` (the edition {} declares: {})",
                        self.operator_id,
                        schema.edition,
                        known.join(", ")
                    )
                })
            })
            .collect()
    }

    /// The keys for calling this peer.
    pub fn outbound_keys(&self) -> Keys {
        self.outbound.as_ref().unwrap_or(&self.keys).keys()
    }
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks a configuration.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        for p in &config.peers {
            for (direction, keys) in [
                ("inbound", Some(&p.keys)),
                ("outbound", p.outbound.as_ref()),
            ] {
                let Some(keys) = keys else { continue };
                let keys = keys.keys();
                // Encrypting and signing once proves the secrets have usable sizes and alphabets.
                keys.encrypt(b"{}")
                    .map_err(|e| format!("peer {} ({direction}): {e}", p.operator_id))?;
            }
            p.tolerance_set()?;
        }
        Ok(config)
    }

    /// The validation mode for the peer `operator_id`: the configured mode with that peer's
    /// tolerance profiles (none for a peer that is not configured). For the server to pick per
    /// request, once it knows the sender.
    pub fn mode_for(&self, operator_id: &str) -> Mode {
        let tolerances = self
            .peers
            .iter()
            .find(|p| p.operator_id == operator_id)
            .and_then(|p| p.tolerance_set().ok())
            .unwrap_or_default();
        self.base_mode().with_tolerances(tolerances)
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
        self.peers
            .iter()
            .map(|p| (p.operator_id.clone(), self.mode_for(&p.operator_id)))
            .collect()
    }

    fn base_mode(&self) -> Mode {
        match self.mode {
            ModeName::Strict => Mode::strict(),
            ModeName::Lenient => Mode::lenient(),
        }
        .with_provisional(self.enforce_provisional)
    }

    /// The peers' inbound keys.
    pub fn peers(&self) -> Peers {
        let mut peers = Peers::new();
        for p in &self.peers {
            peers.insert(p.operator_id.clone(), p.keys.keys());
            if !p.tolerances.is_empty() {
                peers.set_mode(p.operator_id.clone(), self.mode_for(&p.operator_id));
            }
        }
        peers
    }

    /// The server settings; `plaintext` enables the test profile.
    pub fn server(&self, plaintext: bool) -> ServerConfig {
        let nonzero = |v: u64| (v > 0).then_some(v);
        let defaults = ServerConfig::default();
        ServerConfig {
            base_path: self.base_path.clone(),
            body_limit: self.body_limit,
            mode: self.base_mode(),
            timestamp_window_s: nonzero(self.timestamp_window_s),
            replay_window_s: nonzero(self.replay_window_s),
            token_lifetime_s: self.token_lifetime_s,
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
}
