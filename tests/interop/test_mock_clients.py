"""The mock platforms as clients of the Python peer: mock-operator ``--push-demo`` pushing to a
Python city server, and mock-city ``--query-demo`` paging through a Python operator server."""

import re
import time

from conftest import CITY_ID, OPERATOR_ID, PY_ID, PY_KEYS, PeerBlock, mock_config
from tcec_peer import Keys, Server, city_handlers, operator_handlers, station

DEMO_TIMEOUT_S = 30
CITY_INTERFACES = ["notification_stationStatus", "notification_alarmInfo", "notification_eventInfo",
                   "notification_stationInfo", "notification_bmsInfo"]
DEMO_OUTCOME = re.compile(r"^.*(all stations received|query failed).*$", re.M)


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def python_city(**knobs) -> Server:
    return Server(PY_ID, {OPERATOR_ID: PY_KEYS}, city_handlers(CITY_INTERFACES), **knobs)


def python_operator(count=25, handler_knobs=None, **knobs) -> Server:
    stations = [station(PY_ID, i) for i in range(1, count + 1)]
    return Server(PY_ID, {CITY_ID: PY_KEYS}, operator_handlers(stations, **(handler_knobs or {})), **knobs)


def run_query_demo(launch, server: Server, keys: Keys = PY_KEYS):
    """Start mock-city --query-demo against ``server``; return (mock, outcome line)."""
    mock = launch("mock-city", mock_config(CITY_ID, [PeerBlock(url=server.url, keys=keys)]), "--query-demo")
    line = mock.wait_for(DEMO_OUTCOME, DEMO_TIMEOUT_S).group(0)
    return mock, line


def stations_received(line: str) -> int | None:
    if "all stations received" not in line:
        return None
    match = re.search(r"stations=(\d+)", line)
    return int(match.group(1)) if match else None


def test_push_demo_reaches_the_python_city(launch, serve):
    city = serve(python_city())
    mock = launch("mock-operator", mock_config(OPERATOR_ID, [PeerBlock(url=city.url)]), "--push-demo")
    wait_until(lambda: city.received_for("notification_stationStatus") and city.received_for("notification_alarmInfo"),
               DEMO_TIMEOUT_S, "the status and alarm pushes")
    # The Python server records only requests whose token and signature it verified.
    token = city.received_for("query_token")
    assert token and token[0].payload == {"OperatorID": OPERATOR_ID, "OperatorSecret": PY_KEYS.operator_secret}
    status = city.received_for("notification_stationStatus")[0]
    assert status.sender == OPERATOR_ID
    assert status.headers["authorization"].startswith("Bearer ")
    info = status.payload["ConnectorStatusInfo"]
    assert isinstance(info["ConnectorID"], str) and isinstance(info["Status"], int)
    alarm = city.received_for("notification_alarmInfo")[0].payload
    assert isinstance(alarm["AlarmInfos"], list) and alarm["AlarmInfos"]
    assert alarm["AlarmInfos"][0]["AlarmTime"]
    assert len(status.envelope["TimeStamp"]) == 14 and status.envelope["Seq"].isdigit()
    assert not city.refusals
    time.sleep(0.3)
    assert "push failed" not in mock.log()


def test_push_demo_with_a_wrong_signing_key_is_refused_and_reported(launch, serve):
    city = serve(python_city())
    wrong = Keys(PY_KEYS.operator_secret, PY_KEYS.data_secret, PY_KEYS.data_secret_iv, "WrongSigSecret01")
    mock = launch("mock-operator", mock_config(OPERATOR_ID, [PeerBlock(url=city.url, keys=wrong)]), "--push-demo")
    mock.wait_for(r"push failed", DEMO_TIMEOUT_S)
    assert ("query_token", 4001, "signature error") in city.refusals
    assert not city.received_for("notification_stationStatus")


def test_query_demo_pages_through_the_python_operator(launch, serve):
    operator = serve(python_operator(25))
    mock, line = run_query_demo(launch, operator)
    assert stations_received(line) == 25, line
    pages = [r.payload["PageNo"] for r in operator.received_for("query_stations_info")]
    assert pages == [1, 2, 3]
    assert all(r.headers["authorization"].startswith("Bearer ") for r in operator.received_for("query_stations_info"))


def test_query_demo_refuses_an_answer_with_a_bad_signature(launch, serve):
    operator = serve(python_operator(5, corrupt_response_sig=True))
    mock, line = run_query_demo(launch, operator)
    assert "query failed" in line, line
    assert "signature" in line.lower(), line


def test_query_demo_reports_a_token_denied(launch, serve):
    operator = serve(python_operator(5))
    wrong = Keys("WrongOperSecret1", PY_KEYS.data_secret, PY_KEYS.data_secret_iv, PY_KEYS.sig_secret)
    mock, line = run_query_demo(launch, operator, keys=wrong)
    assert "query failed" in line, line
    assert not operator.received_for("query_stations_info")
