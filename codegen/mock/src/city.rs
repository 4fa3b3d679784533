//! The mock city platform: accepts every push, keeps it in memory, and acknowledges it with
//! the edition's sample answer (see [`sample_answer`]). Written once for every edition: the
//! edition's adapter implements its role trait with [`pushes!`](crate::pushes).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chargespec_runtime::endpoint::{HandlerError, RequestContext};
use chargespec_runtime::serde_json::{self, Value};
use chargespec_runtime::{Validate, tracing};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::edition::{Adapter, sample_answer};

/// One push as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The sender's OperatorID.
    pub peer: String,
    /// The payload, as JSON.
    pub payload: Value,
}

/// A push kept as it was typed, turned into JSON only when inspected (a city under load
/// converts nothing).
trait Kept: Send + Sync + std::fmt::Debug {
    fn json(&self) -> Value;
}

impl<T: Serialize + Send + Sync + std::fmt::Debug> Kept for T {
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[derive(Debug)]
struct Entry {
    peer: String,
    payload: Box<dyn Kept>,
}

/// What the city has received, by interface, and how many messages of each peer needed which
/// tolerance profile (so a city can tell an operator exactly what to fix).
#[derive(Debug, Default)]
pub struct Store {
    received: Mutex<BTreeMap<&'static str, Vec<Entry>>>,
    deviations: Mutex<BTreeMap<(String, &'static str), usize>>,
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Vec<Entry>>> {
        chargespec_runtime::lock(&self.received)
    }

    /// The pushes received on an interface, oldest first.
    pub fn received(&self, interface: &str) -> Vec<Received> {
        self.lock()
            .get(interface)
            .map(|list| {
                list.iter()
                    .map(|e| Received {
                        peer: e.peer.clone(),
                        payload: e.payload.json(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many pushes each interface received.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        self.lock().iter().map(|(k, v)| (*k, v.len())).collect()
    }

    /// Per (peer, tolerance profile): how many messages needed that deviation to be accepted.
    pub fn deviations(&self) -> BTreeMap<(String, &'static str), usize> {
        chargespec_runtime::lock(&self.deviations).clone()
    }

    fn count_deviations(&self, peer: &str, report: &chargespec_runtime::Report) {
        let mut needed: Vec<&'static str> = report
            .deviations
            .iter()
            .map(|d| d.tolerance.name())
            .collect();
        needed.sort_unstable();
        needed.dedup();
        let mut tally = chargespec_runtime::lock(&self.deviations);
        for t in needed {
            let n = tally.entry((peer.to_owned(), t)).or_default();
            *n += 1;
            tracing::info!(peer = %peer, tolerance = t, messages = *n, "deviation tally");
        }
    }
}

/// The city platform's handlers.
#[derive(Debug, Default, Clone)]
pub struct CityMock {
    pub store: Arc<Store>,
    failures: Arc<Mutex<std::collections::VecDeque<HandlerError>>>,
}

impl CityMock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers the next `count` pushes with `error` (to exercise a client's resend rule).
    pub fn fail_next(&self, count: usize, error: HandlerError) {
        chargespec_runtime::lock(&self.failures).extend(std::iter::repeat_n(error, count));
    }

    fn injected_failure(&self) -> Option<HandlerError> {
        chargespec_runtime::lock(&self.failures).pop_front()
    }

    /// Stores a push of edition `A` and answers it (the sample answer about this push).
    pub fn keep<A, Req, Resp>(
        &self,
        ctx: &RequestContext,
        request: Req,
    ) -> Result<Resp, HandlerError>
    where
        A: Adapter,
        Req: Serialize + Send + Sync + std::fmt::Debug + 'static,
        Resp: DeserializeOwned + Validate,
    {
        if let Some(e) = self.injected_failure() {
            tracing::warn!(interface = ctx.interface, error = %e, "injected failure");
            return Err(e);
        }
        self.store.count_deviations(&ctx.operator_id, &ctx.warnings);
        let reply = sample_answer::<A, Resp>(ctx.interface, &request)?;
        let total = {
            let mut map = self.store.lock();
            let list = map.entry(ctx.interface).or_default();
            list.push(Entry {
                peer: ctx.operator_id.clone(),
                payload: Box::new(request),
            });
            list.len()
        };
        tracing::info!(edition = A::NAME, interface = ctx.interface, peer = %ctx.operator_id, total, "push stored");
        Ok(reply)
    }
}

/// Implements a city role trait of a generated crate for [`CityMock`]: every listed interface
/// (`method: RequestType => AnswerType`) is kept and answered by [`CityMock::keep`].
#[macro_export]
macro_rules! pushes {
    ($adapter:ty, $role:path { $($method:ident: $req:ty => $resp:ty,)* }) => {
        impl $role for $crate::city::CityMock {
            $(
                async fn $method(
                    &self,
                    ctx: ::chargespec_runtime::endpoint::RequestContext,
                    request: $req,
                ) -> Result<$resp, ::chargespec_runtime::endpoint::HandlerError> {
                    self.keep::<$adapter, _, _>(&ctx, request)
                }
            )*
        }
    };
}
