//! DB4403/T 77—2024: roles `city` and `operator`.

use chargespec_runtime::client::Client;
use chargespec_runtime::config::KeyConfig;
use chargespec_runtime::endpoint::Endpoint;
use chargespec_runtime::schema::Schema;
use chargespec_runtime::serde_json::Value;
use db4403_77_2024 as edition;
use edition::types as t;

use crate::city::CityMock;
use crate::edition::{Adapter, Edition, call_page, call_sample};
use crate::operator::{OperatorMock, STATIONS_QUERY};

/// The adapter of DB4403/T 77—2024.
#[derive(Debug)]
pub struct Db4403_77_2024;

impl Adapter for Db4403_77_2024 {
    type Profile = edition::protocol::Profile;
    const EDITION: Edition = Edition::Db4403_77_2024;
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

crate::pushes!(Db4403_77_2024, edition::server::city::CityPlatform {
    notification_alarm_info: t::NotificationAlarmInfoRequest => t::PushAck,
    notification_bms_info: t::BatteryProcessInfo => t::PushAck,
    notification_battery_box_status: t::SwapEquipmentBatteryBoxStatus => t::PushAck,
    notification_charge_order_info: t::ChargeOrderInfo => t::OrderConfirm,
    notification_swap_order_info: t::SwapOrderInfo => t::OrderConfirm,
    notification_event_info: t::NotificationEventInfoRequest => t::PushAck,
    query_secret: t::KeyEnvelope => t::PushAck,
    notification_secret: t::KeyEnvelope => t::PushAck,
    notification_problem_info: t::NotificationProblemInfoRequest => t::PushAck,
    notification_attachment_info: t::NotificationAttachmentInfoRequest => t::PushAck,
    notification_operator_info: t::NotificationOperatorInfoRequest => t::PushAck,
    notification_station_info: t::NotificationStationInfoRequest => t::PushAck,
    notification_station_status: t::NotificationStationStatusRequest => t::PushAck,
    notification_swap_equipment_status: t::NotificationSwapEquipmentStatusRequest => t::PushAck,
});

crate::queries!(Db4403_77_2024, edition::server::operator::OperatorPlatform {
    paged query_stations_info: t::QueryStationsInfoRequest => t::QueryStationsInfoResponse,
    query_alarm_info: t::QueryAlarmInfoRequest => t::QueryAlarmInfoResponse,
    query_bms_info: t::QueryBmsInfoRequest => t::BatteryProcessInfo,
    query_battery_box_status: t::QueryBatteryBoxStatusRequest => t::SwapEquipmentBatteryBoxStatus,
    query_charge_order_info: t::QueryChargeOrderInfoRequest => t::QueryChargeOrderInfoResponse,
    query_swap_order_info: t::QuerySwapOrderInfoRequest => t::QuerySwapOrderInfoResponse,
    query_frequency: t::QueryFrequencyRequest => t::PushAck,
    query_event_info: t::QueryEventInfoRequest => t::QueryEventInfoResponse,
    query_disequipmentstatus_info: t::QueryDisequipmentstatusInfoRequest => t::QueryDisequipmentstatusInfoResponse,
    query_secret: t::KeyEnvelope => t::PushAck,
    notification_secret: t::KeyEnvelope => t::PushAck,
    query_problem_stats: t::QueryProblemStatsRequest => t::StationProblemStats,
    query_video_info: t::QueryVideoInfoRequest => t::QueryVideoInfoResponse,
    query_attachment_info: t::QueryAttachmentInfoRequest => t::QueryAttachmentInfoResponse,
    query_station_charge_stats: t::QueryStationChargeStatsRequest => t::QueryStationChargeStatsResponse,
    query_station_discharge_stats: t::QueryStationDischargeStatsRequest => t::QueryStationDischargeStatsResponse,
    query_station_swap_stats: t::QueryStationSwapStatsRequest => t::QueryStationSwapStatsResponse,
    query_stations_status: t::QueryStationsStatusRequest => t::QueryStationsStatusResponse,
});
