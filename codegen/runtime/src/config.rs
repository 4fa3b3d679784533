//! The TOML configuration of a platform and its peers, the same for every edition: what the mock
//! platforms read and what `chargespec conform`, `listen` and `envelope` read, so one file serves
//! both (the format is documented in the README).
//!
//! Secrets come from the file or from environment variables, never from a command line: a key
//! field a `[[peers]]` block leaves out is read from `CHARGESPEC_PEER_<ID>_<FIELD>`, where `<ID>`
//! is the peer's `operator_id` upper-cased with every character other than a letter or digit
//! replaced by `_`, and `<FIELD>` one of `OPERATOR_SECRET`, `DATA_SECRET`, `DATA_SECRET_IV`,
//! `SIG_SECRET`; the secrets of the `outbound` table likewise from
//! `CHARGESPEC_PEER_<ID>_OUTBOUND_<FIELD>` (setting one of these creates the table). A value in
//! the file wins over the environment. Secrets are [`Secret`]s: `Debug` never shows them.

use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;

use crate::schema::Schema;
use crate::{Mode, Secret, Tolerances};

/// A platform's configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The address to listen on (`127.0.0.1:8701`); required by the platforms that serve.
    pub listen: Option<SocketAddr>,
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
    /// Where the tokens issued and the replay cache live: `"memory"` (the default: this
    /// process) or the URL of a Redis server shared by every instance of the platform
    /// (`"redis://127.0.0.1:6379/0"`). When the file leaves it out it is read from
    /// `CHARGESPEC_STORE` (the place for a URL with a password). Never logged with its password.
    #[serde(default)]
    pub store: StoreConfig,
    /// The prefix of every key on a shared store: the instances of one platform use the same
    /// one, two platforms on one Redis server different ones.
    #[serde(default = "default_store_prefix")]
    pub store_prefix: String,
    /// The most live tokens one peer holds; issuing another retires its oldest.
    #[serde(default = "default_tokens_per_peer")]
    pub tokens_per_peer: usize,
    /// The most messages the in-memory replay cache remembers; when full, new messages are
    /// refused as busy (never accepted unchecked).
    #[serde(default = "default_replay_capacity")]
    pub replay_capacity: usize,
    /// Stations in the mock operator's seeded data set (ignored by everything else).
    #[serde(default = "default_stations")]
    pub stations: usize,
    /// The peer platforms.
    #[serde(default)]
    pub peers: Vec<PeerConfig>,
}

/// Where the tokens and the replay cache live.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(try_from = "String")]
pub enum StoreConfig {
    /// In this process's memory.
    #[default]
    Memory,
    /// On a Redis server (`redis://`, `rediss://` or `unix://` URL); `Debug` hides the URL.
    Redis(Secret),
}

impl TryFrom<String> for StoreConfig {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if text == "memory" {
            Ok(StoreConfig::Memory)
        } else if ["redis://", "rediss://", "unix://"]
            .iter()
            .any(|scheme| text.starts_with(scheme))
        {
            Ok(StoreConfig::Redis(Secret::new(text)))
        } else {
            Err("store: \"memory\" or a Redis URL (redis://host:port/db)".to_owned())
        }
    }
}

impl StoreConfig {
    /// What the log may say of the store: `memory`, or the URL without its user and password.
    pub fn describe(&self) -> String {
        match self {
            StoreConfig::Memory => "memory".to_owned(),
            StoreConfig::Redis(url) => {
                let url = url.expose();
                let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
                let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                format!("{scheme}://{}", crate::validate::bounded(rest))
            }
        }
    }
}

/// The name of the variable that gives the store when the file does not.
pub const STORE_VAR: &str = "CHARGESPEC_STORE";

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
    /// edition declares (`tolerances:` in its spec), checked by [`Config::check`]. Off by default.
    #[serde(default)]
    pub tolerances: Vec<String>,
}

/// The four secrets of one direction (chapter 10). `Debug` shows `***` for each.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
    pub operator_secret: Secret,
    pub data_secret: Secret,
    pub data_secret_iv: Secret,
    pub sig_secret: Secret,
}

/// The key fields of a peer block, as the file and the environment variables name them.
pub const KEY_FIELDS: [&str; 4] = [
    "operator_secret",
    "data_secret",
    "data_secret_iv",
    "sig_secret",
];

impl KeyConfig {
    /// The secrets as the envelope [`Profile`](crate::spec_envelope::Profile) uses them.
    pub fn keys(&self) -> crate::spec_envelope::Keys {
        crate::spec_envelope::Keys {
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

fn default_store_prefix() -> String {
    "chargespec:".to_owned()
}

fn default_tokens_per_peer() -> usize {
    crate::token::DEFAULT_TOKENS_PER_PEER
}

fn default_replay_capacity() -> usize {
    crate::token::DEFAULT_REPLAY_CAPACITY
}

fn default_stations() -> usize {
    25
}

/// The environment variable holding a peer's secret `field` (`outbound` for the secrets of our
/// calls to it): `CHARGESPEC_PEER_MA5DA0053_SIG_SECRET`.
pub fn env_var(operator_id: &str, outbound: bool, field: &str) -> String {
    let id: String = operator_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "CHARGESPEC_PEER_{id}_{}{}",
        if outbound { "OUTBOUND_" } else { "" },
        field.to_ascii_uppercase()
    )
}

impl PeerConfig {
    /// The peer's tolerance profiles, each checked against the profiles the edition declares.
    pub fn tolerance_set(&self, schema: &Schema<'_>) -> Result<Tolerances, String> {
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

    /// The secrets for calling this peer: `outbound`, else the peer's own.
    pub fn outbound(&self) -> &KeyConfig {
        self.outbound.as_ref().unwrap_or(&self.keys)
    }
}

impl Config {
    /// Reads a configuration file, filling missing secrets from the process environment.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses a configuration, filling missing secrets from the process environment.
    pub fn parse(text: &str) -> Result<Config, String> {
        Config::parse_with(text, |name| std::env::var(name).ok())
    }

    /// Parses a configuration, filling missing secrets from `env` (a lookup by variable name).
    pub fn parse_with(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        if !table.contains_key("store")
            && let Some(store) = env(STORE_VAR)
        {
            table.insert("store".to_owned(), toml::Value::String(store));
        }
        if let Some(toml::Value::Array(peers)) = table.get_mut("peers") {
            for peer in peers.iter_mut() {
                let toml::Value::Table(peer) = peer else {
                    continue;
                };
                let Some(id) = peer
                    .get("operator_id")
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned)
                else {
                    continue;
                };
                fill_from_env(peer, &id, false, &env);
                let outbound_set = KEY_FIELDS
                    .iter()
                    .any(|f| env(&env_var(&id, true, f)).is_some());
                if outbound_set && !peer.contains_key("outbound") {
                    peer.insert(
                        "outbound".to_owned(),
                        toml::Value::Table(toml::Table::new()),
                    );
                }
                if let Some(toml::Value::Table(out)) = peer.get_mut("outbound") {
                    fill_from_env(out, &id, true, &env);
                }
            }
        }
        table.try_into::<Config>().map_err(|e| {
            let text = e.to_string();
            if KEY_FIELDS.iter().any(|f| text.contains(f)) {
                format!(
                    "{text}(a peer's secrets come from its [[peers]] block or from the variables \
                     CHARGESPEC_PEER_<ID>_<FIELD>, e.g. {})",
                    env_var("MA5DA0053", false, "sig_secret")
                )
            } else {
                text
            }
        })
    }

    /// Checks what depends on the edition: every peer's tolerance names are ones it declares.
    pub fn check(&self, schema: &Schema<'_>) -> Result<(), String> {
        for p in &self.peers {
            p.tolerance_set(schema)?;
        }
        Ok(())
    }

    /// The peer named `operator_id`, or the only peer when none is named.
    pub fn peer(&self, operator_id: Option<&str>) -> Result<&PeerConfig, String> {
        let ids = || {
            self.peers
                .iter()
                .map(|p| p.operator_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match operator_id {
            Some(id) => self
                .peers
                .iter()
                .find(|p| p.operator_id == id)
                .ok_or_else(|| format!("no [[peers]] block for {id} (configured: {})", ids())),
            None => match self.peers.as_slice() {
                [one] => Ok(one),
                [] => Err("the configuration has no [[peers]] block".to_owned()),
                _ => Err(format!(
                    "several peers are configured ({}); choose one with --peer",
                    ids()
                )),
            },
        }
    }

    /// The configured validation mode (strict or lenient, provisional rules enforced or not).
    pub fn base_mode(&self) -> Mode {
        match self.mode {
            ModeName::Strict => Mode::strict(),
            ModeName::Lenient => Mode::lenient(),
        }
        .with_provisional(self.enforce_provisional)
    }

    /// The validation mode for the peer `operator_id`: the configured mode with that peer's
    /// tolerance profiles (none for a peer that is not configured).
    pub fn mode_for(&self, schema: &Schema<'_>, operator_id: &str) -> Mode {
        let tolerances = self
            .peers
            .iter()
            .find(|p| p.operator_id == operator_id)
            .and_then(|p| p.tolerance_set(schema).ok())
            .unwrap_or_default();
        self.base_mode().with_tolerances(tolerances)
    }

    /// Each configured peer's validation mode, by OperatorID.
    pub fn peer_modes(&self, schema: &Schema<'_>) -> std::collections::BTreeMap<String, Mode> {
        self.peers
            .iter()
            .map(|p| (p.operator_id.clone(), self.mode_for(schema, &p.operator_id)))
            .collect()
    }

    /// A window setting as an option: 0 turns the check off.
    pub fn nonzero(v: u64) -> Option<u64> {
        (v > 0).then_some(v)
    }
}

fn fill_from_env(
    table: &mut toml::Table,
    id: &str,
    outbound: bool,
    env: &impl Fn(&str) -> Option<String>,
) {
    for field in KEY_FIELDS {
        if !table.contains_key(field)
            && let Some(v) = env(&env_var(id, outbound, field))
        {
            table.insert(field.to_owned(), toml::Value::String(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tolerance;
    use crate::schema::ToleranceDesc;

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

    const TOLERANCES: &[ToleranceDesc<'static>] = &[
        ToleranceDesc {
            tolerance: Tolerance::NumbersAsStrings,
            relaxes: "",
        },
        ToleranceDesc {
            tolerance: Tolerance::FixedSeq,
            relaxes: "",
        },
    ];

    fn schema() -> Schema<'static> {
        Schema {
            edition: "test",
            objects: &[],
            tables: &[],
            tolerances: TOLERANCES,
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn tolerances_are_per_peer_and_checked_against_the_edition() {
        let text = format!("{PEER}tolerances = [\"numbers-as-strings\", \"fixed-seq\"]\n");
        let c = Config::parse_with(&text, no_env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.check(&schema()), Ok(()));
        let m = c.mode_for(&schema(), "MA5DAPY01");
        assert!(m.tolerates(Tolerance::NumbersAsStrings) && m.tolerates(Tolerance::FixedSeq));
        assert_eq!(c.mode_for(&schema(), "MA5DAOTHR"), Mode::strict());
        let bad = format!("{PEER}tolerances = [\"numbers_as_strings\"]\n");
        let c = Config::parse_with(&bad, no_env).unwrap_or_else(|e| panic!("{e}"));
        let e = c.check(&schema()).err().unwrap_or_default();
        assert!(e.contains("unknown tolerance `numbers_as_strings`"), "{e}");
        assert!(e.contains("numbers-as-strings, fixed-seq"), "{e}");
    }

    #[test]
    fn missing_secrets_come_from_the_environment_and_the_file_wins() {
        let text = "operator_id = \"MA5DA0001\"\n[[peers]]\noperator_id = \"MA5DA-53\"\nsig_secret = \"FromTheFile00001\"\n";
        let env = |name: &str| match name {
            "CHARGESPEC_PEER_MA5DA_53_OPERATOR_SECRET" => Some("Op".to_owned()),
            "CHARGESPEC_PEER_MA5DA_53_DATA_SECRET" => Some("D4t4S3cr3tK3y016".to_owned()),
            "CHARGESPEC_PEER_MA5DA_53_DATA_SECRET_IV" => Some("D4t4S3cr3tIV0016".to_owned()),
            "CHARGESPEC_PEER_MA5DA_53_SIG_SECRET" => Some("FromTheEnvironmt".to_owned()),
            "CHARGESPEC_PEER_MA5DA_53_OUTBOUND_SIG_SECRET" => Some("Out".to_owned()),
            _ => None,
        };
        let e = Config::parse_with(text, env).err().unwrap_or_default();
        // The outbound table was created from the environment but lacks three secrets.
        assert!(e.contains("CHARGESPEC_PEER_"), "{e}");
        let env_in = |name: &str| {
            if name.contains("OUTBOUND") {
                None
            } else {
                env(name)
            }
        };
        let c = Config::parse_with(text, env_in).unwrap_or_else(|e| panic!("{e}"));
        let p = c.peer(None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.keys.sig_secret.expose(), "FromTheFile00001");
        assert_eq!(p.keys.data_secret.expose(), "D4t4S3cr3tK3y016");
        assert_eq!(p.outbound(), &p.keys);
        assert!(c.listen.is_none());
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("FromTheFile") && !debug.contains("D4t4"),
            "{debug}"
        );
    }

    #[test]
    fn the_peer_is_named_or_the_only_one() {
        let c = Config::parse_with(PEER, no_env).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.peer(None).is_ok());
        assert!(c.peer(Some("MA5DAPY01")).is_ok());
        let e = c.peer(Some("X")).err().unwrap_or_default();
        assert!(e.contains("MA5DAPY01"), "{e}");
        let two = format!(
            "{PEER}\n[[peers]]\noperator_id = \"B\"\noperator_secret = \"a\"\ndata_secret = \"a\"\ndata_secret_iv = \"a\"\nsig_secret = \"a\"\n"
        );
        let c = Config::parse_with(&two, no_env).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.peer(None).err().unwrap_or_default().contains("--peer"));
    }

    #[test]
    fn the_store_is_memory_or_a_redis_url_from_the_file_or_the_environment() {
        let c = Config::parse_with(PEER, no_env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.store, StoreConfig::Memory);
        assert_eq!(c.store_prefix, "chargespec:");
        let env =
            |name: &str| (name == STORE_VAR).then(|| "redis://:hunter2@10.0.0.5:6379/1".to_owned());
        let c = Config::parse_with(PEER, env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.store.describe(), "redis://10.0.0.5:6379/1");
        assert!(!format!("{c:?}").contains("hunter2"));
        let file = format!("store = \"memory\"\n{PEER}");
        let c = Config::parse_with(&file, env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.store, StoreConfig::Memory, "the file wins");
        let e = Config::parse_with(&format!("store = \"mysql://x\"\n{PEER}"), no_env)
            .err()
            .unwrap_or_default();
        assert!(e.contains("Redis URL"), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = Config::parse_with("operator_id = \"X\"\nplaintext = true\n", no_env)
            .err()
            .unwrap_or_default();
        assert!(e.contains("plaintext"), "{e}");
    }
}
