//! The editions the mocks serve, and what a mock needs of each: the [`Adapter`] trait.
//!
//! The mock logic (the city's push store, the operator's seeded stations and paging, the demos)
//! is written once over JSON; an edition's adapter (in [`crate::editions`]) only maps the
//! generated crate's role traits, routers, keys and samples onto it. Typed payloads are turned
//! into JSON where a request reaches the mock and back into the edition's types at the answer,
//! where the endpoint validates them against the edition's own schema.

use std::future::Future;

use chargespec_runtime::client::Client;
use chargespec_runtime::config::KeyConfig;
use chargespec_runtime::endpoint::{Endpoint, HandlerError};
use chargespec_runtime::profile::Profile;
use chargespec_runtime::schema::Schema;
use chargespec_runtime::serde_json::{self, Value};
use chargespec_runtime::{Mode, Validate};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::city::CityMock;
use crate::operator::OperatorMock;

/// An edition a mock platform can serve (`--edition`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Edition {
    /// DB4403/T 77—2024 (the default).
    #[default]
    #[value(name = "db4403-77-2024")]
    Db4403_77_2024,
    /// DB4403/T 77—2020.
    #[value(name = "db4403-77-2020")]
    Db4403_77_2020,
    /// T/CEC 102-2016 (the city mock plays the customer platform, the operator mock the
    /// infrastructure platform).
    #[value(name = "tcec102-2016")]
    Tcec102_2016,
}

/// Runs `$body` with `$a` standing for the [`Adapter`] of `$edition`: the one place that turns
/// the runtime choice of an edition into its adapter type.
#[macro_export]
macro_rules! with_adapter {
    ($edition:expr, $a:ident => $body:expr) => {
        match $edition {
            $crate::edition::Edition::Db4403_77_2024 => {
                type $a = $crate::editions::Db4403_77_2024;
                $body
            }
            $crate::edition::Edition::Db4403_77_2020 => {
                type $a = $crate::editions::Db4403_77_2020;
                $body
            }
            $crate::edition::Edition::Tcec102_2016 => {
                type $a = $crate::editions::Tcec102_2016;
                $body
            }
        }
    };
}

impl Edition {
    /// Every edition, the default first.
    pub const ALL: [Edition; 3] = [
        Edition::Db4403_77_2024,
        Edition::Db4403_77_2020,
        Edition::Tcec102_2016,
    ];

    /// The edition's folder name (`db4403-77-2024`), as `--edition` takes it.
    pub fn name(self) -> &'static str {
        with_adapter!(self, A => A::NAME)
    }

    /// The edition's number (`DB4403/T 77—2024`).
    pub fn number(self) -> &'static str {
        with_adapter!(self, A => A::NUMBER)
    }

    /// The edition's schema (its objects, codes and tolerance profiles).
    pub fn schema(self) -> &'static Schema<'static> {
        with_adapter!(self, A => A::schema())
    }

    /// The path the edition mounts its interfaces under by default.
    pub fn default_base_path(self) -> &'static str {
        with_adapter!(self, A => <<A as Adapter>::Profile as Profile>::WIRE.default_base_path.unwrap_or_default())
    }

    /// Checks that a key set is usable by the edition's envelope.
    pub fn check_keys(self, keys: &KeyConfig) -> Result<(), String> {
        with_adapter!(self, A => A::keys(keys).map(|_| ()))
    }

    /// The configuration file a mock reads when `--config` is not given:
    /// `codegen/mock/<role>.toml` for the default edition, `codegen/mock/<edition>/<role>.toml`
    /// for the others.
    pub fn default_config(self, role: &str) -> std::path::PathBuf {
        let dir = std::path::Path::new("codegen/mock");
        if self == Edition::default() {
            dir.join(format!("{role}.toml"))
        } else {
            dir.join(self.name()).join(format!("{role}.toml"))
        }
    }
}

impl std::fmt::Display for Edition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The keys type of an adapter's edition.
pub type Keys<A> = <<A as Adapter>::Profile as Profile>::Keys;

/// What the mocks need of one edition: written once per edition in [`crate::editions`], each a
/// thin mapping onto the generated crate. Both mocks implement every role trait of the edition
/// (the adapter lists the role's interfaces with their payload types; a missing one does not
/// compile).
pub trait Adapter: Send + Sync + 'static {
    /// The generated crate's `protocol::Profile`.
    type Profile: Profile;
    /// The edition this adapter serves.
    const EDITION: Edition;
    /// The generated crate's `EDITION` (folder name).
    const NAME: &'static str;
    /// The generated crate's `NUMBER`.
    const NUMBER: &'static str;
    /// The role the mock city plays, as the spec names it (`city`, `cust`).
    const CITY_ROLE: &'static str;
    /// The role the mock operator plays (`operator`, `infra`).
    const OPERATOR_ROLE: &'static str;

    /// The generated crate's schema.
    fn schema() -> &'static Schema<'static>;
    /// The spec's sample request payload of an interface (JSON).
    fn sample_request(interface: &str) -> Option<&'static str>;
    /// The spec's sample answer payload of an interface (JSON).
    fn sample_response(interface: &str) -> Option<&'static str>;
    /// The edition's keys of a configured key set, checked to be usable by its envelope.
    fn keys(keys: &KeyConfig) -> Result<Keys<Self>, String>;
    /// The router of the city's role with the mock city's handlers.
    fn city_router(
        mock: CityMock,
        endpoint: Endpoint<Self::Profile>,
    ) -> chargespec_runtime::axum::Router;
    /// The router of the operator's role with the mock operator's handlers.
    fn operator_router(
        mock: OperatorMock,
        endpoint: Endpoint<Self::Profile>,
    ) -> chargespec_runtime::axum::Router;
    /// Asks an operator for page `page_no` of its stations (`page_size` a page); the answer as
    /// JSON.
    fn stations_page(
        client: &Client<Self::Profile>,
        page_no: u64,
        page_size: u64,
    ) -> impl Future<Output = Result<Value, String>> + Send;
    /// The operator's demonstration pushes to a city (the spec's samples): the interfaces pushed
    /// and their answers, in order.
    fn push_demo(
        client: &Client<Self::Profile>,
    ) -> impl Future<Output = Result<Vec<(&'static str, Value)>, String>> + Send;
}

/// The spec's sample request of `interface` as JSON.
pub fn sample_request<A: Adapter>(interface: &str) -> Result<Value, String> {
    let text = A::sample_request(interface)
        .ok_or_else(|| format!("{} has no sample request for {interface}", A::NUMBER))?;
    serde_json::from_str(text).map_err(|e| format!("{interface}: {e}"))
}

/// The spec's sample answer of `interface` as JSON.
pub fn sample_response<A: Adapter>(interface: &str) -> Result<Value, String> {
    // Parsed once per edition and interface: the mocks answer many requests with it.
    type Parsed = std::collections::HashMap<(&'static str, String), Value>;
    static PARSED: std::sync::OnceLock<std::sync::Mutex<Parsed>> = std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(Default::default);
    let key = (A::NAME, interface.to_owned());
    if let Some(v) = chargespec_runtime::lock(parsed).get(&key) {
        return Ok(v.clone());
    }
    let text = A::sample_response(interface)
        .ok_or_else(|| format!("{} has no sample answer for {interface}", A::NUMBER))?;
    let value: Value = serde_json::from_str(text).map_err(|e| format!("{interface}: {e}"))?;
    chargespec_runtime::lock(parsed).insert(key, value.clone());
    Ok(value)
}

/// The answer a mock gives on `interface` when it has no data of its own: the spec's sample
/// answer, with the request's top-level text fields that the answer also has copied in (the
/// order number, charge sequence, connector or time range asked about), so the answer is about
/// what was asked. If that copy does not pass the edition's strict validation, the plain sample
/// is answered; an interface without a sample answer is refused as invalid business
/// parameters.
pub fn sample_answer<A: Adapter, Resp>(
    interface: &str,
    request: &impl Serialize,
) -> Result<Resp, HandlerError>
where
    Resp: DeserializeOwned + Validate,
{
    let sample = sample_response::<A>(interface).map_err(HandlerError::invalid)?;
    // Nothing to copy into an answer without text fields (a push acknowledgement).
    if !sample
        .as_object()
        .is_some_and(|o| o.values().any(Value::is_string))
    {
        return serde_json::from_value(sample).map_err(|e| HandlerError::system(e.to_string()));
    }
    let request = to_json(request)?;
    let mut echoed = sample.clone();
    if let (Some(answer), Some(asked)) = (echoed.as_object_mut(), request.as_object()) {
        for (key, value) in answer.iter_mut() {
            if let (true, Some(Value::String(s))) = (value.is_string(), asked.get(key)) {
                *value = Value::String(s.clone());
            }
        }
    }
    if echoed != sample
        && let Ok(typed) = serde_json::from_value::<Resp>(echoed)
        && typed.validate(Mode::strict()).is_ok()
    {
        return Ok(typed);
    }
    serde_json::from_value(sample).map_err(|e| HandlerError::system(e.to_string()))
}

/// JSON of a typed payload (as a handler receives it).
pub fn to_json<T: Serialize>(payload: &T) -> Result<Value, HandlerError> {
    serde_json::to_value(payload).map_err(|e| HandlerError::system(e.to_string()))
}

/// Sends the spec's sample request of `interface` through `client`: the answer as JSON.
pub async fn call_sample<A: Adapter, Req, Resp>(
    client: &Client<A::Profile>,
    interface: &'static str,
) -> Result<(&'static str, Value), String>
where
    Req: Serialize + DeserializeOwned,
    Resp: DeserializeOwned + Serialize + chargespec_runtime::schema::Described,
{
    let request: Req = serde_json::from_value(sample_request::<A>(interface)?)
        .map_err(|e| format!("{interface}: {e}"))?;
    let answer: Resp = client
        .call(interface, &request)
        .await
        .map_err(|e| format!("{interface}: {e}"))?;
    let answer = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
    chargespec_runtime::tracing::info!(interface, answer = %answer, "pushed");
    Ok((interface, answer))
}

/// Asks for one page of stations through `client` on the paged interface `interface`.
pub async fn call_page<P: Profile, Req, Resp>(
    client: &Client<P>,
    interface: &'static str,
    page_no: u64,
    page_size: u64,
) -> Result<Value, String>
where
    Req: Serialize + DeserializeOwned,
    Resp: DeserializeOwned + Serialize + chargespec_runtime::schema::Described,
{
    let request: Req =
        serde_json::from_value(serde_json::json!({ "PageNo": page_no, "PageSize": page_size }))
            .map_err(|e| e.to_string())?;
    let page: Resp = client
        .call(interface, &request)
        .await
        .map_err(|e| format!("page {page_no}: {e}"))?;
    serde_json::to_value(&page).map_err(|e| e.to_string())
}
