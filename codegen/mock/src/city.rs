//! The mock city platform: accepts every push, keeps it in memory, and acknowledges it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chargespec_runtime::serde_json::{self, Value, json};
use chargespec_runtime::tracing;
use db4403_77_2024::server::city::CityPlatform;
use db4403_77_2024::server::{HandlerError, RequestContext};
use db4403_77_2024::types;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One push as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The sender's OperatorID.
    pub peer: String,
    /// The payload, as JSON.
    pub payload: Value,
}

/// A typed payload kept as received; turned into JSON only when someone looks at it.
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

    /// Stores a push and answers `answer(payload)`.
    fn keep<Req, Resp>(
        &self,
        ctx: &RequestContext,
        request: Req,
        answer: fn(&Req) -> Value,
    ) -> Result<Resp, HandlerError>
    where
        Req: Serialize + Send + Sync + std::fmt::Debug + 'static,
        Resp: DeserializeOwned,
    {
        if let Some(e) = self.injected_failure() {
            tracing::warn!(interface = ctx.interface, error = %e, "injected failure");
            return Err(e);
        }
        self.store.count_deviations(&ctx.operator_id, &ctx.warnings);
        let reply = answer(&request);
        let total = {
            let mut map = self.store.lock();
            let list = map.entry(ctx.interface).or_default();
            list.push(Entry {
                peer: ctx.operator_id.clone(),
                payload: Box::new(request),
            });
            list.len()
        };
        tracing::info!(interface = ctx.interface, peer = %ctx.operator_id, total, "push stored");
        serde_json::from_value(reply).map_err(|e| HandlerError::system(e.to_string()))
    }
}

/// `PushAck`: accepted.
fn ack<T>(_: &T) -> Value {
    json!({ "Status": 0 })
}

/// `OrderConfirm`: the order number back, confirmed.
fn confirm<T: Serialize>(order: &T) -> Value {
    let order = serde_json::to_value(order).unwrap_or(Value::Null);
    json!({ "OrderNo": order.get("OrderNo").cloned().unwrap_or(Value::Null), "ConfirmResult": 0 })
}

macro_rules! pushes {
    ($($method:ident: $req:ident => $resp:ident by $answer:ident,)*) => {
        impl CityPlatform for CityMock {
            $(
                async fn $method(&self, ctx: RequestContext, request: types::$req) -> Result<types::$resp, HandlerError> {
                    self.keep(&ctx, request, $answer)
                }
            )*
        }
    };
}

pushes! {
    notification_alarm_info: NotificationAlarmInfoRequest => PushAck by ack,
    notification_bms_info: BatteryProcessInfo => PushAck by ack,
    notification_battery_box_status: SwapEquipmentBatteryBoxStatus => PushAck by ack,
    notification_charge_order_info: ChargeOrderInfo => OrderConfirm by confirm,
    notification_swap_order_info: SwapOrderInfo => OrderConfirm by confirm,
    notification_event_info: NotificationEventInfoRequest => PushAck by ack,
    query_secret: KeyEnvelope => PushAck by ack,
    notification_secret: KeyEnvelope => PushAck by ack,
    notification_problem_info: NotificationProblemInfoRequest => PushAck by ack,
    notification_attachment_info: NotificationAttachmentInfoRequest => PushAck by ack,
    notification_operator_info: NotificationOperatorInfoRequest => PushAck by ack,
    notification_station_info: NotificationStationInfoRequest => PushAck by ack,
    notification_station_status: NotificationStationStatusRequest => PushAck by ack,
    notification_swap_equipment_status: NotificationSwapEquipmentStatusRequest => PushAck by ack,
}
