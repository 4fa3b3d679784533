//! T/CEC 102-2016: the mock city plays the customer platform (`cust`: it receives station data,
//! charge results and orders), the mock operator the infrastructure platform (`infra`: it answers
//! station queries and the charge-control interfaces with the spec's samples).

use chargespec_runtime::client::Client;
use chargespec_runtime::config::KeyConfig;
use chargespec_runtime::endpoint::Endpoint;
use chargespec_runtime::schema::Schema;
use chargespec_runtime::serde_json::Value;
use edition::types as t;
use tcec102_2016 as edition;

use crate::city::CityMock;
use crate::edition::{Adapter, Edition, call_page, call_sample};
use crate::operator::{OperatorMock, STATIONS_QUERY};

/// The adapter of T/CEC 102-2016.
#[derive(Debug)]
pub struct Tcec102_2016;

impl Adapter for Tcec102_2016 {
    type Profile = edition::protocol::Profile;
    const EDITION: Edition = Edition::Tcec102_2016;
    const NAME: &'static str = edition::EDITION;
    const NUMBER: &'static str = edition::NUMBER;
    const CITY_ROLE: &'static str = "cust";
    const OPERATOR_ROLE: &'static str = "infra";

    fn schema() -> &'static Schema<'static> {
        &edition::schema::SCHEMA
    }
    fn sample_request(interface: &str) -> Option<&'static str> {
        edition::samples::request(interface)
    }
    fn sample_response(interface: &str) -> Option<&'static str> {
        edition::samples::response(interface)
    }
    fn keys(k: &KeyConfig) -> Result<edition::protocol::Keys, String> {
        let (operator_secret, data_secret, data_secret_iv, sig_secret) = super::four(k);
        let keys = edition::protocol::Keys {
            operator_secret,
            data_secret,
            data_secret_iv,
            sig_secret,
        };
        // Encrypting once proves the secrets have usable sizes and alphabets.
        keys.encrypt(b"{}").map_err(|e| e.to_string())?;
        Ok(keys)
    }
    fn city_router(
        mock: CityMock,
        endpoint: Endpoint<Self::Profile>,
    ) -> chargespec_runtime::axum::Router {
        edition::server::cust::router(mock, endpoint)
    }
    fn operator_router(
        mock: OperatorMock,
        endpoint: Endpoint<Self::Profile>,
    ) -> chargespec_runtime::axum::Router {
        edition::server::infra::router(mock, endpoint)
    }
    async fn stations_page(
        client: &Client<Self::Profile>,
        page_no: u64,
        page_size: u64,
    ) -> Result<Value, String> {
        call_page::<_, t::QueryStationsInfoRequest, t::QueryStationsInfoResponse>(
            client,
            STATIONS_QUERY,
            page_no,
            page_size,
        )
        .await
    }
    /// T/CEC has no alarm push: a connector status and a charge order.
    async fn push_demo(
        client: &Client<Self::Profile>,
    ) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![
            call_sample::<Self, t::NotificationStationStatusRequest, t::PushAck>(
                client,
                "notification_stationStatus",
            )
            .await?,
            call_sample::<Self, t::ChargeOrderInfo, t::NotificationChargeOrderInfoResponse>(
                client,
                "notification_charge_order_info",
            )
            .await?,
        ])
    }
}

crate::pushes!(Tcec102_2016, edition::server::cust::CustPlatform {
    notification_start_charge_result: t::NotificationStartChargeResultRequest => t::NotificationStartChargeResultResponse,
    notification_equip_charge_status: t::EquipChargeStatus => t::NotificationEquipChargeStatusResponse,
    notification_stop_charge_result: t::NotificationStopChargeResultRequest => t::NotificationStopChargeResultResponse,
    notification_charge_order_info: t::ChargeOrderInfo => t::NotificationChargeOrderInfoResponse,
    check_charge_orders: t::CheckChargeOrdersRequest => t::CheckChargeOrdersResponse,
    notification_station_info: t::NotificationStationInfoRequest => t::PushAck,
    notification_station_status: t::NotificationStationStatusRequest => t::PushAck,
});

crate::queries!(Tcec102_2016, edition::server::infra::InfraPlatform {
    paged query_stations_info: t::QueryStationsInfoRequest => t::QueryStationsInfoResponse,
    query_equip_auth: t::QueryEquipAuthRequest => t::QueryEquipAuthResponse,
    query_equip_business_policy: t::QueryEquipBusinessPolicyRequest => t::QueryEquipBusinessPolicyResponse,
    query_start_charge: t::QueryStartChargeRequest => t::QueryStartChargeResponse,
    query_equip_charge_status: t::QueryEquipChargeStatusRequest => t::EquipChargeStatus,
    query_stop_charge: t::QueryStopChargeRequest => t::QueryStopChargeResponse,
    query_station_status: t::QueryStationStatusRequest => t::QueryStationStatusResponse,
    query_station_stats: t::QueryStationStatsRequest => t::QueryStationStatsResponse,
});
