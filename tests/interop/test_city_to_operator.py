"""The Python peer as a city platform calling the mock operator platform."""

from tcec_peer import RET_OK, RET_SIGNATURE, RET_TOKEN, request_sig

SEEDED = 25  # stations = 25 in the mock's configuration (conftest)


def ok(answer):
    assert answer.status == 200, answer.body
    assert answer.ret == RET_OK, answer.envelope
    assert answer.sig_ok, f"answer signature does not verify: {answer.envelope}"
    return answer.payload


def test_query_token(to_operator):
    token = ok(to_operator.query_token())
    assert token["SuccStat"] == 0 and token["AccessToken"]
    assert type(token["TokenAvailableTime"]) is int and token["TokenAvailableTime"] > 0


def test_paging_through_query_stations_info(to_operator):
    page = ok(to_operator.call("query_stations_info", {"PageNo": 1, "PageSize": 10}))
    assert page["PageNo"] == 1 and page["ItemSize"] == SEEDED
    assert page["PageCount"] == 3
    ids = [s["StationID"] for s in page["StationInfos"]]
    for page_no in range(2, page["PageCount"] + 1):
        later = ok(to_operator.call("query_stations_info", {"PageNo": page_no, "PageSize": 10}))
        assert later["PageNo"] == page_no
        ids += [s["StationID"] for s in later["StationInfos"]]
    assert len(ids) == SEEDED and len(set(ids)) == SEEDED
    for station in page["StationInfos"]:
        assert station["EquipmentInfos"], station["StationID"]


def test_page_size_is_honoured(to_operator):
    page = ok(to_operator.call("query_stations_info", {"PageNo": 2, "PageSize": 7}))
    assert page["PageNo"] == 2 and page["PageCount"] == 4 and len(page["StationInfos"]) == 7


def test_query_stations_status(to_operator):
    # The mock answers the queries other than query_stations_info with the spec's sample data.
    first = ok(to_operator.call("query_stations_info", {"PageNo": 1, "PageSize": 3}))
    ids = [s["StationID"] for s in first["StationInfos"]]
    status = ok(to_operator.call("query_stations_status", {"StationIDs": ids}))
    assert isinstance(status["StationStatusInfos"], list) and status["StationStatusInfos"]
    for info in status["StationStatusInfos"]:
        assert isinstance(info["StationID"], str)
        for connector in info["ConnectorStatusInfos"]:
            assert isinstance(connector["ConnectorID"], str)
            assert isinstance(connector["Status"], int)


def test_query_stations_status_with_an_invalid_payload_is_refused_with_4004(to_operator):
    answer = to_operator.call("query_stations_status", {"StationIDs": "ST0001"})
    assert answer.ret == 4004, answer.envelope
    assert "StationIDs" in answer.msg
    assert answer.sig_ok


def test_bad_signature_is_refused_with_4001(to_operator):
    envelope = to_operator.envelope({"PageNo": 1, "PageSize": 10})
    envelope["Sig"] = request_sig(to_operator.keys, envelope["OperatorID"], envelope["Data"],
                                  envelope["TimeStamp"], "9999")
    answer = to_operator.send("query_stations_info", envelope)
    assert answer.ret == RET_SIGNATURE, answer.envelope
    assert answer.sig_ok


def test_a_token_issued_by_the_city_is_not_valid_at_the_operator(to_operator, to_city):
    city_token = to_city.ensure_token()
    answer = to_operator.call("query_stations_info", {"PageNo": 1, "PageSize": 1}, token=city_token)
    assert answer.ret == RET_TOKEN, answer.envelope
