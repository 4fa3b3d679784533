"""The Python peer reproduces the three published T/CEC 102.4 vectors byte for byte."""

import json

import pytest

from tcec_peer import (Keys, decrypt, encrypt, open_answer, parse_timestamp, request_sig,
                       response_sig, seal_request, verify)

K = "1234567890abcdef"
KEYS = Keys(operator_secret=K, data_secret=K, data_secret_iv=K, sig_secret=K)

V1_PLAIN = b'{"OperatorID":"123456789",\n"OperatorSecret":"1234567890abcdef"}'
V1_DATA = "mYvffpNoFf4E/ZTC1tOw41TC5OlkEobfAYCm5N8hEusaLUaUIqOrXtdbMrSck0DSmfM7mRuOGMoCQzH0nWPGuw=="
V1_SIG = "D2D584A14F3F284445DF85D0E8C0697C"

V2_PLAIN = (
    b'{\r\n  "OperatorID": "123456789",\r\n  "SuccStat": 0,\r\n'
    b'  "AccessToken": "kVnStIRknCCOBdXgJrmu8rb3pcccifKW2NcQrysKKIzb7iQBxkkjeq3WoGdjgrIL",\r\n'
    b'  "TokenAvailableTime": 7200,\r\n  "FailReason": 0\r\n}'
)
V2_DATA = (
    "uxeKP0ezR5yL8xSg4/ZCDh/N91/u86NXFxd2DrwZVW8zCPYcpl59Twz/yQZ3RaO4rDDrGmkvQignmNEJ+k4PGxdmIC+4"
    "fpJ8rU6osSobY+AeA0uueuQ5+eQiWBL6p6v5XMMm91brtK8yfFELYUWQzVcxABnAwK/+dyxtUhqLIxUpkwTEU/4ktN40"
    "df9IzzlLO5uvUknPGYu9yL0pp5w9vdRxmA1RiiTDNCysz6klr9bunGV3VJa2qpLcgeZMf/oG"
)
V2_SIG = "58E52010C7DEE87FE183B0AFA5B2BE30"

V3_PLAIN = (
    b'{"total":1,"stationStatusInfo":{"operationID":"123456789","stationID":"111111111111111",'
    b'"connectorStatusInfos":{"connectorID":1,"equipmentID":"10000000000000000000001","status":4,'
    b'"currentA":0,"currentB":0,"currentC":0,"voltageA":0,"voltageB":0,"voltageC":0,"soc":10,}}}'
)
V3_DATA = (
    "il7B0BSEjFdzpyKzfOFpvg/Se1CP802RItKYFPfSLRxJ3jf0bVl9hvYOEktPAYW2nd7S8MBcyHYyacHKbISq5iTmDzG+"
    "ivnR+SZJv3USNTYVMz9rCQVSxd0cLlqsJauko79NnwQJbzDTyLooYoIwz75qBOH2/xOMirpeEqRJrF/EQjWekJmGk9Rt"
    "boXePu2rka+Xm51syBPhiXJAq0GfbfaFu9tNqs/e2Vjja/ltE1M0lqvxfXQ6da6HrThsm5id4ClZFIi0acRfrsPLRixS"
    "/IQYtksxghvJwbqOsbIsITail9Ayy4tKcogeEZiOO+4Ed264NSKmk7l3wKwJLAFjCFogBx8GE3OBz4pqcAn/ydA="
)
V3_SIG = "745166E8C43C84D37FFEC0F529C4136F"


def test_plaintext_lengths_are_the_published_ones():
    assert (len(V1_PLAIN), len(V2_PLAIN), len(V3_PLAIN)) == (63, 188, 269)


@pytest.mark.parametrize("plain,data", [(V1_PLAIN, V1_DATA), (V2_PLAIN, V2_DATA), (V3_PLAIN, V3_DATA)],
                         ids=["vector1", "vector2", "vector3"])
def test_encryption_and_decryption(plain, data):
    assert encrypt(plain, K, K) == data
    assert decrypt(data, K, K) == plain


def test_vector1_request_signature_and_envelope():
    assert request_sig(KEYS, "123456789", V1_DATA, "20180120165755", "0001") == V1_SIG
    envelope = seal_request("123456789", KEYS, V1_PLAIN, "20180120165755", "0001")
    assert envelope == {"OperatorID": "123456789", "Data": V1_DATA, "TimeStamp": "20180120165755",
                        "Seq": "0001", "Sig": V1_SIG}


def test_vector2_response_signature_and_decoding():
    assert response_sig(KEYS, 0, "", V2_DATA) == V2_SIG
    body = json.dumps({"Ret": 0, "Msg": "", "Data": V2_DATA, "Sig": V2_SIG}).encode()
    answer = open_answer(200, body, KEYS)
    assert answer.sig_ok
    assert answer.payload["TokenAvailableTime"] == 7200
    assert len(answer.payload["AccessToken"]) == 64


def test_vector3_signature_and_non_json_plaintext():
    assert request_sig(KEYS, "123456789", V3_DATA, "20160729142400", "0001") == V3_SIG
    with pytest.raises(ValueError):
        json.loads(decrypt(V3_DATA, K, K))


def test_a_tampered_signature_or_data_does_not_verify():
    assert not verify(V1_SIG, V1_SIG[:-1] + "D")
    assert not verify(request_sig(KEYS, "123456789", V1_DATA[:-3] + "A==", "20180120165755", "0001"), V1_SIG)
    body = json.dumps({"Ret": 0, "Msg": "x", "Data": V2_DATA, "Sig": V2_SIG}).encode()
    assert not open_answer(200, body, KEYS).sig_ok


def test_timestamps_must_have_14_digits():
    assert parse_timestamp("20180120165755").year == 2018
    for bad in ("201801201657", "2018012016575x", ""):
        with pytest.raises(ValueError):
            parse_timestamp(bad)
