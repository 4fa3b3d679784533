"""An independent T/CEC 102.4-style platform (client and server) for interoperability tests.

Written from the protocol description (T/CEC 102.4 transport and security as used by
DB4403/T 77), not from chargespec's code:

- every interface is an HTTP POST of a JSON envelope to ``<base>/<interface>``;
- request envelope ``{OperatorID, Data, TimeStamp, Seq, Sig}``: ``OperatorID`` is the caller,
  ``Data`` the Base64 of AES-128-CBC/PKCS#7 over the UTF-8 JSON payload (DataSecret and
  DataSecretIV as their ASCII bytes), ``TimeStamp`` ``yyyyMMddHHmmss`` in China local time,
  ``Seq`` four digits, ``Sig`` the upper-case hex HMAC-MD5 (SigSecret as its ASCII bytes) over
  ``OperatorID + Data + TimeStamp + Seq``;
- response envelope ``{Ret, Msg, Data, Sig}``, ``Sig`` over ``str(Ret) + Msg + Data``; ``Data``
  is ``""`` on errors;
- ``query_token`` (no Authorization header) returns ``{OperatorID, SuccStat, AccessToken,
  TokenAvailableTime, FailReason}``; every other call carries ``Authorization: Bearer <token>``;
- Ret: -1 busy, 0 success, 4001 signature, 4002 token, 4003 envelope, 4004 business parameters,
  500 system error.

The knobs reproduce what real peers do (a constant Seq ``0001``, Python's ``json.dumps``
spacing, lower-case header names, a float ``TokenAvailableTime``, a server ignoring ``PageNo``,
answers whose payload has the wrong type).
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
import itertools
import json
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

CHINA = _dt.timezone(_dt.timedelta(hours=8), "Asia/Shanghai")

RET_BUSY = -1
RET_OK = 0
RET_SIGNATURE = 4001
RET_TOKEN = 4002
RET_ENVELOPE = 4003
RET_BUSINESS = 4004
RET_SYSTEM = 500

ENVELOPE_FIELDS = ("OperatorID", "Data", "TimeStamp", "Seq", "Sig")


# --------------------------------------------------------------------------------------------
# Crypto (T/CEC 102.4 Annex B and C)


@dataclass(frozen=True)
class Keys:
    """The secrets agreed with one peer for one direction."""

    operator_secret: str
    data_secret: str
    data_secret_iv: str
    sig_secret: str


def encrypt(plaintext: bytes, data_secret: str, data_secret_iv: str) -> str:
    """AES-128-CBC with PKCS#7 padding, standard Base64."""
    cipher = AES.new(data_secret.encode("ascii"), AES.MODE_CBC, data_secret_iv.encode("ascii"))
    return base64.b64encode(cipher.encrypt(pad(plaintext, AES.block_size))).decode("ascii")


def decrypt(data: str, data_secret: str, data_secret_iv: str) -> bytes:
    """The inverse of :func:`encrypt`; raises ``ValueError`` on bad Base64, length or padding."""
    raw = base64.b64decode(data.encode("ascii"), validate=True)
    cipher = AES.new(data_secret.encode("ascii"), AES.MODE_CBC, data_secret_iv.encode("ascii"))
    return unpad(cipher.decrypt(raw), AES.block_size)


def sign(sig_secret: str, *parts: str) -> str:
    """HMAC-MD5 over the concatenation of ``parts``, upper-case hex."""
    mac = hmac.new(sig_secret.encode("utf-8"), "".join(parts).encode("utf-8"), hashlib.md5)
    return mac.hexdigest().upper()


def request_sig(keys: Keys, operator_id: str, data: str, timestamp: str, seq: str) -> str:
    return sign(keys.sig_secret, operator_id, data, timestamp, seq)


def response_sig(keys: Keys, ret: int, msg: str, data: str) -> str:
    return sign(keys.sig_secret, str(ret), msg, data)


def verify(expected: str, received: Any) -> bool:
    return isinstance(received, str) and hmac.compare_digest(expected, received.upper())


def china_timestamp(now: _dt.datetime | None = None) -> str:
    return (now or _dt.datetime.now(CHINA)).astimezone(CHINA).strftime("%Y%m%d%H%M%S")


def parse_timestamp(value: str) -> _dt.datetime:
    if len(value) != 14 or not value.isdigit():
        raise ValueError(f"TimeStamp {value!r} is not yyyyMMddHHmmss")
    return _dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=CHINA)


def dumps(payload: Any, style: str = "python") -> bytes:
    """JSON text of a payload. ``python``: ``json.dumps`` defaults (``", "`` and ``": "``, ASCII
    escapes), as many Python peers send; ``compact``: no spaces, UTF-8."""
    if style == "python":
        return json.dumps(payload).encode("utf-8")
    if style == "compact":
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raise ValueError(style)


# --------------------------------------------------------------------------------------------
# Envelopes


def seal_request(
    operator_id: str,
    keys: Keys,
    plaintext: bytes,
    timestamp: str | None = None,
    seq: str = "0001",
) -> dict[str, str]:
    timestamp = timestamp or china_timestamp()
    data = encrypt(plaintext, keys.data_secret, keys.data_secret_iv)
    return {
        "OperatorID": operator_id,
        "Data": data,
        "TimeStamp": timestamp,
        "Seq": seq,
        "Sig": request_sig(keys, operator_id, data, timestamp, seq),
    }


def seal_response(ret: int, msg: str, plaintext: bytes | None, keys: Keys | None) -> dict:
    data = "" if plaintext is None else encrypt(plaintext, keys.data_secret, keys.data_secret_iv)
    sig = "" if keys is None else response_sig(keys, ret, msg, data)
    return {"Ret": ret, "Msg": msg, "Data": data, "Sig": sig}


@dataclass
class Answer:
    """A response as received: HTTP status, the envelope, whether its Sig verified, the payload."""

    status: int
    body: bytes
    envelope: dict | None = None
    sig_ok: bool = False
    payload: Any = None

    @property
    def ret(self) -> int | None:
        return None if self.envelope is None else self.envelope.get("Ret")

    @property
    def msg(self) -> str | None:
        return None if self.envelope is None else self.envelope.get("Msg")

    @property
    def sig(self) -> str | None:
        return None if self.envelope is None else self.envelope.get("Sig")


def open_answer(status: int, body: bytes, keys: Keys) -> Answer:
    """Parse a response; verify its Sig before decrypting; decode the payload when Ret is 0."""
    answer = Answer(status, body)
    try:
        envelope = json.loads(body)
    except ValueError:
        return answer
    if not isinstance(envelope, dict):
        return answer
    answer.envelope = envelope
    ret, msg, data = envelope.get("Ret"), envelope.get("Msg"), envelope.get("Data")
    if not isinstance(ret, int) or not isinstance(msg, str) or not isinstance(data, str):
        return answer
    answer.sig_ok = verify(response_sig(keys, ret, msg, data), envelope.get("Sig"))
    if answer.sig_ok and data:
        answer.payload = json.loads(decrypt(data, keys.data_secret, keys.data_secret_iv))
    return answer


# --------------------------------------------------------------------------------------------
# Client


class PeerError(Exception):
    pass


# One Seq counter for every client of the process: two clients calling the same platform in the
# same second never send the same (TimeStamp, Seq). It starts at 0002: 0001 is the Seq of the
# fixed-Seq knob, so a counting and a fixed-Seq client never collide either.
_SEQ = itertools.count(2)
_SEQ_LOCK = threading.Lock()


class Client:
    """Calls one peer platform. ``operator_id`` is ours; ``keys`` the secrets agreed for our calls.

    Knobs: ``fixed_seq`` (send ``0001`` every time, as many peers do; otherwise a counter),
    ``json_style`` (``python`` spacing or ``compact``), ``lowercase_headers``.
    """

    def __init__(
        self,
        base_url: str,
        operator_id: str,
        keys: Keys,
        *,
        fixed_seq: bool = False,
        json_style: str = "python",
        lowercase_headers: bool = True,
        timeout: float = 10.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.operator_id = operator_id
        self.keys = keys
        self.fixed_seq = fixed_seq
        self.json_style = json_style
        self.lowercase_headers = lowercase_headers
        self.timeout = timeout
        self.token: str | None = None
        self.token_answer: dict | None = None

    def next_seq(self) -> str:
        if self.fixed_seq:
            return "0001"
        with _SEQ_LOCK:
            return f"{(next(_SEQ) - 1) % 9999 + 1:04d}"

    def post(self, interface: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """POST raw bytes; returns (HTTP status, body) for any status."""
        ct = "content-type" if self.lowercase_headers else "Content-Type"
        all_headers = {ct: "application/json;charset=utf-8"}
        all_headers.update(headers or {})
        request = urllib.request.Request(
            f"{self.base_url}/{interface}", data=body, headers=all_headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def auth_headers(self, token: str | None) -> dict[str, str]:
        if token is None:
            return {}
        name = "authorization" if self.lowercase_headers else "Authorization"
        return {name: f"Bearer {token}"}

    def envelope(self, payload: Any, *, timestamp: str | None = None, seq: str | None = None,
                 plaintext: bytes | None = None) -> dict[str, str]:
        if plaintext is None:
            plaintext = dumps(payload, self.json_style)
        return seal_request(self.operator_id, self.keys, plaintext, timestamp, seq or self.next_seq())

    def send(self, interface: str, envelope: dict, *, token: str | None | bool = True) -> Answer:
        """Send a prepared envelope. ``token=True`` uses the cached token (fetching it first)."""
        if token is True:
            token = self.ensure_token()
        elif token is False:
            token = None
        status, body = self.post(interface, json.dumps(envelope).encode("utf-8"), self.auth_headers(token))
        return open_answer(status, body, self.keys)

    def call(self, interface: str, payload: Any, **kw) -> Answer:
        token = kw.pop("token", True)
        return self.send(interface, self.envelope(payload, **kw), token=token)

    def query_token(self, operator_secret: str | None = None) -> Answer:
        payload = {
            "OperatorID": self.operator_id,
            "OperatorSecret": self.keys.operator_secret if operator_secret is None else operator_secret,
        }
        return self.call("query_token", payload, token=False)

    def ensure_token(self) -> str:
        if self.token is None:
            answer = self.query_token()
            if answer.ret != RET_OK or not answer.sig_ok:
                raise PeerError(f"query_token refused: Ret {answer.ret} Msg {answer.msg!r}")
            payload = answer.payload
            if payload.get("SuccStat") != 0 or not payload.get("AccessToken"):
                raise PeerError(f"no token: {payload!r}")
            self.token_answer = payload
            self.token = payload["AccessToken"]
        return self.token


# --------------------------------------------------------------------------------------------
# Server


class Refusal(Exception):
    """Raised by a handler to answer with a Ret other than 0 (signed, Data empty)."""

    def __init__(self, ret: int, msg: str):
        super().__init__(msg)
        self.ret = ret
        self.msg = msg


@dataclass
class Received:
    """One request the server accepted up to decryption: what a test inspects."""

    interface: str
    sender: str
    envelope: dict
    headers: dict
    payload: Any
    ret: int


Handler = Callable[["Server", str, Any], Any]


@dataclass
class Server:
    """A platform serving ``handlers`` (interface name → function(server, sender, payload) →
    answer payload, or raise :class:`Refusal`) under ``base_path``.

    ``peers``: OperatorID → Keys that peer uses to call us (verifying its requests, sealing our
    answers to it). Knobs: ``token_available_time`` (the value answered, e.g. ``7200.0``),
    ``corrupt_response_sig``, ``json_style`` of answers.
    """

    operator_id: str
    peers: dict[str, Keys]
    handlers: dict[str, Handler] = field(default_factory=dict)
    base_path: str = "/evcs/v1.0"
    token_available_time: Any = 7200
    timestamp_window_s: int = 300
    corrupt_response_sig: bool = False
    json_style: str = "python"
    received: list[Received] = field(default_factory=list)
    refusals: list[tuple[str, int, str]] = field(default_factory=list)

    def __post_init__(self):
        self.tokens: dict[str, str] = {}  # token -> OperatorID
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> "Server":
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = server.handle(self.path, dict(self.headers.items()), body)
                out = json.dumps(answer).encode("utf-8") if answer is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, format, *args):  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.base_path}"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # the request pipeline

    def _answer(self, interface: str, ret: int, msg: str, payload: Any, keys: Keys | None):
        plaintext = None if payload is None else dumps(payload, self.json_style)
        answer = seal_response(ret, msg, plaintext, keys)
        if self.corrupt_response_sig and keys is not None:
            answer["Sig"] = "0" * 32
        if ret != RET_OK:
            with self._lock:
                self.refusals.append((interface, ret, msg))
        return 200, answer

    def handle(self, path: str, headers: dict, body: bytes):
        prefix = self.base_path.rstrip("/") + "/"
        if not path.startswith(prefix):
            return 404, None
        interface = path[len(prefix):]
        try:
            envelope = json.loads(body)
        except ValueError:
            return self._answer(interface, RET_ENVELOPE, "body is not JSON", None, None)
        if not isinstance(envelope, dict):
            return self._answer(interface, RET_ENVELOPE, "body is not an object", None, None)
        missing = [f for f in ENVELOPE_FIELDS if not isinstance(envelope.get(f), str)]
        if missing:
            return self._answer(interface, RET_ENVELOPE, f"missing {', '.join(missing)}", None, None)
        sender = envelope["OperatorID"]
        keys = self.peers.get(sender)
        if keys is None:
            return self._answer(interface, RET_ENVELOPE, f"unknown OperatorID {sender}", None, None)
        if interface not in self.handlers and interface != "query_token":
            return self._answer(interface, RET_ENVELOPE, f"no interface {interface}", None, keys)
        lowered = {k.lower(): v for k, v in headers.items()}
        if interface != "query_token":
            auth = lowered.get("authorization", "")
            token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
            with self._lock:
                owner = self.tokens.get(token) if token else None
            if owner != sender:
                return self._answer(interface, RET_TOKEN, "token invalid", None, keys)
        expected = request_sig(keys, sender, envelope["Data"], envelope["TimeStamp"], envelope["Seq"])
        if not verify(expected, envelope["Sig"]):
            return self._answer(interface, RET_SIGNATURE, "signature error", None, keys)
        try:
            sent = parse_timestamp(envelope["TimeStamp"])
        except ValueError as error:
            return self._answer(interface, RET_ENVELOPE, str(error), None, keys)
        if self.timestamp_window_s and abs((_dt.datetime.now(CHINA) - sent).total_seconds()) > self.timestamp_window_s:
            return self._answer(interface, RET_ENVELOPE, "TimeStamp outside the window", None, keys)
        try:
            payload = json.loads(decrypt(envelope["Data"], keys.data_secret, keys.data_secret_iv))
        except ValueError:
            return self._answer(interface, RET_ENVELOPE, "Data cannot be decrypted", None, keys)
        record = Received(interface, sender, envelope, lowered, payload, RET_OK)
        with self._lock:
            self.received.append(record)
        if interface == "query_token":
            return self._answer(interface, RET_OK, "", self._issue_token(sender, keys, payload), keys)
        try:
            out = self.handlers[interface](self, sender, payload)
        except Refusal as refusal:
            record.ret = refusal.ret
            return self._answer(interface, refusal.ret, refusal.msg, None, keys)
        except Exception as error:  # a test handler failed: say so, do not crash the server
            record.ret = RET_SYSTEM
            return self._answer(interface, RET_SYSTEM, f"handler error: {error}", None, keys)
        return self._answer(interface, RET_OK, "", out, keys)

    def _issue_token(self, sender: str, keys: Keys, payload: Any) -> dict:
        ok = (
            isinstance(payload, dict)
            and payload.get("OperatorID") == sender
            and payload.get("OperatorSecret") == keys.operator_secret
        )
        if not ok:
            return {"OperatorID": sender, "SuccStat": 1, "AccessToken": "",
                    "TokenAvailableTime": 0, "FailReason": 2}
        token = secrets.token_urlsafe(48)[:64]
        with self._lock:
            self.tokens[token] = sender
        return {"OperatorID": sender, "SuccStat": 0, "AccessToken": token,
                "TokenAvailableTime": self.token_available_time, "FailReason": 0}

    def received_for(self, interface: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.interface == interface]


# --------------------------------------------------------------------------------------------
# Handlers for the two roles


def city_handlers(interfaces: list[str]) -> dict[str, Handler]:
    """A city platform that acknowledges every push with ``{"Status": 0}``."""

    def ack(server: Server, sender: str, payload: Any) -> dict:
        if not isinstance(payload, dict):
            raise Refusal(RET_BUSINESS, "payload is not an object")
        return {"Status": 0}

    return {name: ack for name in interfaces}


def operator_handlers(
    stations: list[dict],
    *,
    ignore_page_no: bool = False,
    page_count_override: int | None = None,
    stations_info_override: Callable[[dict], dict] | None = None,
) -> dict[str, Handler]:
    """An operator platform paging ``stations`` through ``query_stations_info``.

    ``ignore_page_no``: always answer page 1 (as a buggy peer does) while announcing the real page
    count. ``stations_info_override``: replace the answer (e.g. a payload of the wrong type).
    """

    def stations_info(server: Server, sender: str, payload: Any) -> dict:
        if not isinstance(payload, dict):
            raise Refusal(RET_BUSINESS, "payload is not an object")
        page_no = payload.get("PageNo", 1) or 1
        page_size = payload.get("PageSize", 10) or 10
        if not isinstance(page_no, int) or not isinstance(page_size, int) or page_no < 1 or page_size < 1:
            raise Refusal(RET_BUSINESS, "PageNo/PageSize must be positive integers")
        if ignore_page_no:
            page_no = 1
        count = max(1, -(-len(stations) // page_size))
        page = stations[(page_no - 1) * page_size: page_no * page_size]
        answer = {
            "PageNo": page_no,
            "PageCount": page_count_override or count,
            "ItemSize": len(stations),
            "StationInfos": page,
        }
        return stations_info_override(answer) if stations_info_override else answer

    def stations_status(server: Server, sender: str, payload: Any) -> dict:
        ids = payload.get("StationIDs") if isinstance(payload, dict) else None
        if not isinstance(ids, list):
            raise Refusal(RET_BUSINESS, "StationIDs missing")
        known = {s["StationID"]: s for s in stations}
        infos = []
        for sid in ids:
            station = known.get(sid)
            if station is None:
                continue
            connectors = [c["ConnectorID"] for e in station["EquipmentInfos"] for c in e["ConnectorInfos"]]
            infos.append({"StationID": sid, "ConnectorStatusInfos": [connector_status(c) for c in connectors]})
        return {"StationStatusInfos": infos}

    return {"query_stations_info": stations_info, "query_stations_status": stations_status}


# --------------------------------------------------------------------------------------------
# Payloads (DB4403/T 77—2024 wire names)


def connector_status(connector_id: str, status: int = 2, **extra) -> dict:
    """A full 2024 ConnectorStatusInfo (T/CEC fields plus the Shenzhen electrical values)."""
    info = {
        "ConnectorID": connector_id,
        "Status": status,
        "ParkStatus": 0,
        "LockStatus": 0,
        "CurrentA": 12,
        "CurrentB": 12,
        "CurrentC": 12,
        "VoltageA": 220,
        "VoltageB": 221,
        "VoltageC": 219,
        "SOC": 55,
        "ChargeElectricity": 3.5,
        "DischargeElectricity": 0.0,
    }
    info.update(extra)
    return info


def tcec_core_status(connector_id: str, status: int = 2) -> dict:
    """A ConnectorStatusInfo as a T/CEC 102-2016 peer sends it: no Shenzhen additions."""
    return {"ConnectorID": connector_id, "Status": status, "ParkStatus": 0, "LockStatus": 0}


def alarm(operator_id: str, station_id: str = "S0001", connector_id: str = "C0001-1",
          alarm_time: str | None = None) -> dict:
    when = alarm_time or _dt.datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")
    return {
        "StationID": station_id,
        "OperatorID": operator_id,
        "EquipmentOwnerID": operator_id,
        "StationName": "Interop test station",
        "EquipmentID": "E0001",
        "ConnectorID": connector_id,
        "AlarmStatus": 0,
        "AlarmCode": 1,
        "AlarmType": 1,
        "AlarmLevel": 1,
        "AlarmTime": when,
        "NoteString": "interop",
    }


def event(operator_id: str, station_id: str = "S0001", event_time: str | None = None) -> dict:
    when = event_time or _dt.datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")
    return {
        "StationID": station_id,
        "OperatorID": operator_id,
        "EquipmentOwnerID": operator_id,
        "StationName": "Interop test station",
        "EventType": 1,
        "EventCode": 1001,
        "EventTime": when,
        "NoteString": "interop",
    }


def operator_info(operator_id: str) -> dict:
    return {
        "OperatorID": operator_id,
        "OperatorName": "Python interop peer",
        "OperatorTel1": "07550000000",
        "ContactPerson": "Tester",
        "ContactTel": "07550000001",
        "SafetyPrincipal": "Safety",
        "SafetyPrincipalTel": "07550000002",
    }


def station(operator_id: str, index: int) -> dict:
    """A valid 2024 StationInfo (charging station, one charger, two connectors)."""
    sid = f"PY{index:04d}"
    return {
        "StationID": sid,
        "OperatorID": operator_id,
        "EquipmentOwnerID": operator_id,
        "StationName": f"Python peer station {index}",
        "CountryCode": "CN",
        "AreaCode": "440303",
        "Address": f"{index} Interop Road",
        "StationTel": "07550000000",
        "ServiceTel": "4000000000",
        "StationType": 1,
        "StationStatus": 50,
        "ParkNums": 4,
        "StationLng": 114.057868,
        "StationLat": 22.543099,
        "Construction": 1,
        "Pictures": [],
        "OpratorType": 1,
        "StationClassification": 1,
        "EquipmentInfos": [
            {
                "EquipmentID": f"{sid}E1",
                "ManufacturerID": "MA5DAPY01",
                "EquipmentModel": "PY-DC120",
                "EquipmentName": f"Charger {index}",
                "EquipmentType": 1,
                "EquipmentStatus": 50,
                "EquipmentPower": 120.0,
                "NewNationalStandard": 1,
                "Power": 120.0,
                "ConnectorInfos": [
                    {
                        "ConnectorID": f"{sid}E1C{n}",
                        "ConnectorName": f"Gun {n}",
                        "ConnectorType": 4,
                        "VoltageUpperLimits": 750,
                        "VoltageLowerLimits": 200,
                        "Current": 250,
                        "Power": 60.0,
                        "Voltage": 750,
                        "BMSPowerType": 1,
                    }
                    for n in (1, 2)
                ],
            }
        ],
    }
