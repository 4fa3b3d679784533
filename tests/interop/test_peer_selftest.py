"""The Python peer against itself: its server enforces the envelope rules its client follows, so
a failure in the interop tests points at the mocks, not at the peer."""

import json

import pytest

from conftest import PY_ID, PY_KEYS
from tcec_peer import (RET_ENVELOPE, RET_OK, RET_SIGNATURE, RET_TOKEN, Client, Keys, Server,
                       city_handlers, connector_status, operator_handlers, station)

CALLER = "MA5DAPY09"


@pytest.fixture
def city(serve):
    return serve(Server(PY_ID, {CALLER: PY_KEYS}, city_handlers(["notification_stationStatus"])))


@pytest.fixture
def client(city):
    return Client(city.url, CALLER, PY_KEYS)


def test_token_and_push(city, client):
    answer = client.call("notification_stationStatus", {"ConnectorStatusInfo": connector_status("C1")})
    assert answer.ret == RET_OK and answer.sig_ok and answer.payload == {"Status": 0}
    assert client.token_answer["TokenAvailableTime"] == 7200
    assert city.received_for("notification_stationStatus")[0].sender == CALLER


def test_refusals(city, client):
    push = {"ConnectorStatusInfo": connector_status("C2")}
    envelope = client.envelope(push)
    envelope["Sig"] = "0" * 32
    assert client.send("notification_stationStatus", envelope).ret == RET_SIGNATURE
    assert client.call("notification_stationStatus", push, token="nope").ret == RET_TOKEN
    assert client.call("notification_stationStatus", push, timestamp="201801201657").ret == RET_ENVELOPE
    stranger = Client(city.url, "MA5DAXXXX", PY_KEYS).call("notification_stationStatus", push, token="x")
    assert stranger.ret == RET_ENVELOPE and stranger.sig == ""
    wrong = Client(city.url, CALLER,
                   Keys("WrongOperSecret1", PY_KEYS.data_secret, PY_KEYS.data_secret_iv, PY_KEYS.sig_secret))
    assert wrong.query_token().payload["SuccStat"] == 1


def test_knobs(serve):
    stations = [station(PY_ID, i) for i in range(1, 13)]
    server = serve(Server(PY_ID, {CALLER: PY_KEYS}, operator_handlers(stations, ignore_page_no=True),
                          token_available_time=7200.0))
    client = Client(server.url, CALLER, PY_KEYS, fixed_seq=True)
    client.ensure_token()
    assert json.dumps(client.token_answer["TokenAvailableTime"]) == "7200.0"
    page2 = client.call("query_stations_info", {"PageNo": 2, "PageSize": 10}, timestamp="20240101120000")
    assert page2.ret == RET_ENVELOPE  # outside the Python server's window: knobs do not switch checks off
    page2 = client.call("query_stations_info", {"PageNo": 2, "PageSize": 10})
    assert page2.payload["PageNo"] == 1 and page2.payload["PageCount"] == 2
    assert [r.envelope["Seq"] for r in server.received] == ["0001", "0001"]
