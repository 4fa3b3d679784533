//! DB4403/T 77—2020: roles `city` and `operator`; the AES IV is DataSecret itself.

use chargespec_runtime::client::Client;
use chargespec_runtime::config::KeyConfig;
use chargespec_runtime::endpoint::Endpoint;
use chargespec_runtime::schema::Schema;
use chargespec_runtime::serde_json::Value;
use db4403_77_2020 as edition;
use edition::types as t;

use crate::city::CityMock;
use crate::edition::{Adapter, Edition, call_page, call_sample};
use crate::operator::{OperatorMock, STATIONS_QUERY};

/// The adapter of DB4403/T 77—2020.
#[derive(Debug)]
pub struct Db4403_77_2020;

impl Adapter for Db4403_77_2020 {
    type Profile = edition::protocol::Profile;
    const EDITION: Edition = Edition::Db4403_77_2020;
    const NAME: &'static str = edition::EDITION;
    const NUMBER: &'static str = edition::NUMBER;
    const CITY_ROLE: &'static str = "city";
    const OPERATOR_ROLE: &'static str = "operator";

    fn schema() -> &'static Schema<'static> {
        &edition::schema::SCHEMA
    }
    fn sample_request(interface: &str) -> Option<&'static str> {
        edition::samples::request(interface)
    }
    fn sample_response(interface: &str) -> Option<&'static str> {
        edition::samples::response(interface)
    }
    /// The 2020 key arrangement has no DataSecretIV: the IV is DataSecret
    /// (`spec/db4403-77-2020/security.yaml`). The shared configuration format names all four
    /// secrets, so `data_secret_iv` must repeat `data_secret`; anything else is refused rather
    /// than silently ignored.
    fn keys(k: &KeyConfig) -> Result<edition::protocol::Keys, String> {
        if !k.data_secret_iv.matches(k.data_secret.expose()) {
            return Err(format!(
                "{} uses DataSecret as the AES IV (no separate DataSecretIV): set data_secret_iv to the value of data_secret",
                Self::NUMBER
            ));
        }
        let keys = edition::protocol::Keys {
            operator_secret: k.operator_secret.clone(),
            data_secret: k.data_secret.clone(),
            sig_secret: k.sig_secret.clone(),
        };
        // Encrypting once proves the secrets have usable sizes and alphabets.
        keys.encrypt(b"{}").map_err(|e| e.to_string())?;
        Ok(keys)
    }
    fn city_router(
        mock: CityMock,
        endpoint: Endpoint<Self::Profile>,
    ) -> chargespec_runtime::axum::Router {
        edition::server::city::router(mock, endpoint)
    }
    fn operator_router(
        mock: OperatorMock,
        endpoint: Endpoint<Self::Profile>,
    ) -> chargespec_runtime::axum::Router {
        edition::server::operator::router(mock, endpoint)
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
    async fn push_demo(
        client: &Client<Self::Profile>,
    ) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![
            call_sample::<Self, t::NotificationStationStatusRequest, t::PushAck>(
                client,
                "notification_stationStatus",
            )
            .await?,
            call_sample::<Self, t::NotificationAlarmInfoRequest, t::PushAck>(
                client,
                "notification_alarmInfo",
            )
            .await?,
        ])
    }
}

crate::pushes!(Db4403_77_2020, edition::server::city::CityPlatform {
    notification_alarm_info: t::NotificationAlarmInfoRequest => t::PushAck,
    notification_bms_info: t::BatteryProcessInfo => t::PushAck,
    notification_event_info: t::NotificationEventInfoRequest => t::PushAck,
    notification_station_info: t::NotificationStationInfoRequest => t::PushAck,
    notification_station_status: t::NotificationStationStatusRequest => t::PushAck,
});

crate::queries!(Db4403_77_2020, edition::server::operator::OperatorPlatform {
    paged query_stations_info: t::QueryStationsInfoRequest => t::QueryStationsInfoResponse,
    query_alarm_info: t::QueryAlarmInfoRequest => t::QueryAlarmInfoResponse,
    query_bms_info: t::QueryBmsInfoRequest => t::BatteryProcessInfo,
    query_event_info: t::QueryEventInfoRequest => t::QueryEventInfoResponse,
    supplement_collect: t::SupplementCollectRequest => t::SupplementCollectResponse,
    supplement_station_info: t::SupplementStationInfoRequest => t::SupplementStationInfoResponse,
    supply_query_bms_intact: t::SupplyQueryBmsIntactRequest => t::SupplyQueryBmsIntactResponse,
    query_frequency: t::QueryFrequencyRequest => t::PushAck,
    query_disequipmentstatus_info: t::QueryDisequipmentstatusInfoRequest => t::QueryDisequipmentstatusInfoResponse,
    query_station_charge_stats: t::QueryStationChargeStatsRequest => t::QueryStationChargeStatsResponse,
    query_station_discharge_stats: t::QueryStationDischargeStatsRequest => t::QueryStationDischargeStatsResponse,
    query_stations_status: t::QueryStationsStatusRequest => t::QueryStationsStatusResponse,
});
