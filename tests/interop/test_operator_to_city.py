"""The Python peer as an operator platform calling the mock city platform."""

import datetime as dt
import json

import pytest

from conftest import PY_ID, PY_KEYS
from tcec_peer import (CHINA, RET_BUSINESS, RET_ENVELOPE, RET_OK, RET_SIGNATURE, RET_TOKEN, Client,
                       Keys, alarm, china_timestamp, connector_status, dumps, encrypt, event,
                       operator_info, request_sig, response_sig, station)


def accepted(answer):
    assert answer.status == 200, answer.body
    assert answer.ret == RET_OK, answer.envelope
    assert answer.sig_ok, f"answer signature does not verify: {answer.envelope}"
    assert answer.payload == {"Status": 0}


def test_query_token(to_city):
    answer = to_city.query_token()
    assert answer.status == 200
    assert answer.ret == RET_OK and answer.sig_ok, answer.envelope
    token = answer.payload
    assert token["SuccStat"] == 0 and token["FailReason"] == 0
    assert isinstance(token["AccessToken"], str) and len(token["AccessToken"]) >= 16
    assert type(token["TokenAvailableTime"]) is int and token["TokenAvailableTime"] == 7200
    assert token["OperatorID"] == PY_ID  # the caller's ID, as in published vectors 1 and 2


def test_query_token_with_a_wrong_operator_secret_is_denied(to_city):
    answer = to_city.query_token(operator_secret="WrongS3cr3tValue")
    assert answer.ret == RET_OK and answer.sig_ok, answer.envelope
    assert answer.payload["SuccStat"] == 1
    assert answer.payload["FailReason"] == 2  # 密钥错误
    assert not answer.payload.get("AccessToken")


def test_query_token_for_another_operator_id_is_denied(to_city):
    answer = to_city.call("query_token", {"OperatorID": "MA5DAPY02", "OperatorSecret": PY_KEYS.operator_secret},
                          token=False)
    assert answer.ret == RET_OK and answer.sig_ok, answer.envelope
    assert answer.payload["SuccStat"] == 1
    assert answer.payload["FailReason"] == 1  # 无此运营商
    assert not answer.payload.get("AccessToken")


def test_push_station_status(to_city):
    accepted(to_city.call("notification_stationStatus", {"ConnectorStatusInfo": connector_status("C0001-1")}))


def test_push_alarm(to_city):
    accepted(to_city.call("notification_alarmInfo", {"AlarmInfos": [alarm(PY_ID)]}))


def test_push_event(to_city):
    accepted(to_city.call("notification_eventInfo", {"EventInfos": [event(PY_ID)]}))


def test_push_station_info(to_city):
    accepted(to_city.call("notification_stationInfo", {"StationInfo": station(PY_ID, 1)}))


def test_push_operator_info(to_city):
    accepted(to_city.call("notification_operatorInfo", {"OperatorInfo": operator_info(PY_ID)}))


@pytest.mark.parametrize("style", ["python", "compact"])
@pytest.mark.parametrize("lowercase_headers", [True, False])
def test_json_spacing_and_header_case_are_irrelevant(city_mock, style, lowercase_headers):
    client = Client(city_mock.url, PY_ID, PY_KEYS, json_style=style, lowercase_headers=lowercase_headers)
    accepted(client.call("notification_stationStatus",
                         {"ConnectorStatusInfo": connector_status(f"C-{style}-{lowercase_headers}")}))


def test_crlf_indented_plaintext_is_accepted(to_city):
    # Like published vector 2: CRLF line breaks and indentation inside the encrypted JSON.
    plain = json.dumps({"ConnectorStatusInfo": connector_status("C-CRLF")}, indent=2).replace("\n", "\r\n")
    accepted(to_city.call("notification_stationStatus", None, plaintext=plain.encode()))


def test_bad_signature_is_refused_with_4001_and_a_signed_answer(to_city):
    envelope = to_city.envelope({"ConnectorStatusInfo": connector_status("C-BADSIG")})
    envelope["Sig"] = request_sig(Keys("x", "x", "x", "NotTheSigSecret1"), envelope["OperatorID"],
                                  envelope["Data"], envelope["TimeStamp"], envelope["Seq"])
    answer = to_city.send("notification_stationStatus", envelope)
    assert answer.ret == RET_SIGNATURE, answer.envelope
    assert answer.envelope["Data"] == ""
    assert answer.sig_ok, "a refusal to a configured sender is signed with its keys"


def test_data_encrypted_with_other_keys_is_refused(to_city):
    # Correctly signed, but Data encrypted with another key: the city cannot decrypt it.
    plain = dumps({"ConnectorStatusInfo": connector_status("C-OTHERKEY")})
    data = encrypt(plain, "AnotherDataKey16", "AnotherDataIV016")
    ts, seq = china_timestamp(), to_city.next_seq()
    envelope = {"OperatorID": PY_ID, "Data": data, "TimeStamp": ts, "Seq": seq,
                "Sig": request_sig(PY_KEYS, PY_ID, data, ts, seq)}
    answer = to_city.send("notification_stationStatus", envelope)
    assert answer.ret == RET_ENVELOPE, answer.envelope
    assert answer.sig_ok


def test_missing_token_is_refused_with_4002(to_city):
    answer = to_city.call("notification_stationStatus", {"ConnectorStatusInfo": connector_status("C-NOTOKEN")},
                          token=False)
    assert answer.ret == RET_TOKEN, answer.envelope


def test_unknown_token_is_refused_with_4002(to_city):
    answer = to_city.call("notification_stationStatus", {"ConnectorStatusInfo": connector_status("C-BADTOKEN")},
                          token="A" * 64)
    assert answer.ret == RET_TOKEN, answer.envelope
    assert answer.sig_ok


def test_unknown_sender_is_refused_with_an_unsigned_4003(city_mock):
    stranger = Client(city_mock.url, "MA5DAXXXX", PY_KEYS)
    answer = stranger.call("notification_stationStatus", {"ConnectorStatusInfo": connector_status("C-X")},
                           token="A" * 64)
    assert answer.ret == RET_ENVELOPE, answer.envelope
    assert answer.sig == "" and answer.envelope["Data"] == ""


@pytest.mark.parametrize("field", ["OperatorID", "Data", "TimeStamp", "Seq", "Sig"])
def test_missing_envelope_field_is_refused_with_4003(to_city, field):
    envelope = to_city.envelope({"ConnectorStatusInfo": connector_status("C-MISSING")})
    del envelope[field]
    answer = to_city.send("notification_stationStatus", envelope)
    assert answer.ret == RET_ENVELOPE, answer.envelope


def test_timestamp_outside_the_window_is_refused_with_4003(to_city):
    old = china_timestamp(dt.datetime.now(CHINA) - dt.timedelta(minutes=30))
    answer = to_city.call("notification_stationStatus", {"ConnectorStatusInfo": connector_status("C-OLD")},
                          timestamp=old)
    assert answer.ret == RET_ENVELOPE, answer.envelope
    assert answer.sig_ok


def test_invalid_payload_is_refused_with_4004_naming_the_field(to_city):
    status = connector_status("C-INVALID")
    del status["ConnectorID"]
    answer = to_city.call("notification_stationStatus", {"ConnectorStatusInfo": status})
    assert answer.ret == RET_BUSINESS, answer.envelope
    assert "ConnectorID" in answer.msg
    assert answer.sig_ok


def test_an_identical_resend_is_refused_as_a_replay(to_city):
    envelope = to_city.envelope({"ConnectorStatusInfo": connector_status("C-REPLAY")})
    accepted(to_city.send("notification_stationStatus", envelope))
    again = to_city.send("notification_stationStatus", envelope)
    assert again.ret == RET_ENVELOPE, again.envelope


def test_response_signature_covers_ret_msg_and_data(to_city):
    answer = to_city.call("notification_alarmInfo", {"AlarmInfos": [alarm(PY_ID, station_id="S-SIG")]})
    env = answer.envelope
    assert env["Sig"] == response_sig(PY_KEYS, env["Ret"], env["Msg"], env["Data"])
    assert env["Sig"] != response_sig(PY_KEYS, env["Ret"], env["Msg"] + "x", env["Data"])

