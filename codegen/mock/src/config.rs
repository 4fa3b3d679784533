//! The TOML configuration of a mock platform (format documented in the README).

use std::net::SocketAddr;
use std::path::Path;

use chargespec_runtime::{Mode, Secret};
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
        }
        Ok(config)
    }

    /// The peers' inbound keys.
    pub fn peers(&self) -> Peers {
        let mut peers = Peers::new();
        for p in &self.peers {
            peers.insert(p.operator_id.clone(), p.keys.keys());
        }
        peers
    }

    /// The server settings; `plaintext` enables the test profile.
    pub fn server(&self, plaintext: bool) -> ServerConfig {
        let nonzero = |v: u64| (v > 0).then_some(v);
        let defaults = ServerConfig::default();
        ServerConfig {
            base_path: self.base_path.clone().unwrap_or(defaults.base_path.clone()),
            body_limit: self.body_limit,
            mode: match self.mode {
                ModeName::Strict => Mode::strict(),
                ModeName::Lenient => Mode::lenient(),
            }
            .with_provisional(self.enforce_provisional),
            timestamp_window_s: nonzero(self.timestamp_window_s),
            replay_window_s: nonzero(self.replay_window_s),
            token_lifetime_s: self.token_lifetime_s,
            plaintext,
            ..defaults
        }
    }
}
