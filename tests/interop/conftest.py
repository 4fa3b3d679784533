"""Fixtures: the chargespec mock platforms as subprocesses, configured for the Python peer.

The mock binaries are taken from ``$CHARGESPEC_MOCK_BIN`` (a directory holding ``mock-city`` and
``mock-operator``; default ``target/debug`` of the repository). Every mock listens on a free
loopback port (``127.0.0.1:0``, the address read back from its log), every wait is bounded, and
every process is killed on teardown.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tcec_peer import Client, Keys, Server  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("CHARGESPEC_MOCK_BIN", REPO / "target" / "debug"))

CITY_ID = "MA5DA0001"
OPERATOR_ID = "MA5DA0053"
PY_ID = "MA5DAPY01"  # the Python peer's OperatorID
# The secrets agreed between the Python peer and a mock (test values, 16 ASCII characters each).
PY_KEYS = Keys(
    operator_secret="PyOp3r4t0rSecr01",
    data_secret="PyD4t4S3cr3tK3y1",
    data_secret_iv="PyD4t4S3cr3tIV01",
    sig_secret="PyS1gS3cr3tK3y01",
)
START_TIMEOUT_S = 20
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LISTENING = re.compile(r"listening on (http://[0-9.:]+(/\S*)?) ")


def tolerances_setting(profiles: list[str]) -> str:
    """The TOML line that switches tolerance profiles on for one peer. The only place that knows
    the key's name (issue 10 proposes ``tolerances``)."""
    return "tolerances = [" + ", ".join(f'"{p}"' for p in profiles) + "]"


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class PeerBlock:
    operator_id: str = PY_ID
    keys: Keys = PY_KEYS
    url: str | None = None
    tolerances: list[str] | None = None

    def toml(self) -> str:
        lines = ["[[peers]]", f"operator_id = {toml_string(self.operator_id)}"]
        if self.url:
            lines.append(f"url = {toml_string(self.url)}")
        lines += [
            f"operator_secret = {toml_string(self.keys.operator_secret)}",
            f"data_secret = {toml_string(self.keys.data_secret)}",
            f"data_secret_iv = {toml_string(self.keys.data_secret_iv)}",
            f"sig_secret = {toml_string(self.keys.sig_secret)}",
        ]
        if self.tolerances is not None:
            lines.append(tolerances_setting(self.tolerances))
        return "\n".join(lines) + "\n"


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    return str(value)


def mock_config(own_id: str, peers: list[PeerBlock], **settings) -> str:
    lines = ['listen = "127.0.0.1:0"', f"operator_id = {toml_string(own_id)}"]
    for key, value in settings.items():
        lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n\n" + "\n".join(p.toml() for p in peers)


class Mock:
    """One running mock platform."""

    def __init__(self, binary: str, workdir: Path, config: str, args: list[str]):
        self.binary = BIN_DIR / binary
        if not self.binary.exists():
            pytest.fail(f"{self.binary} not found: build with `cargo build -p chargespec-mock --bins` "
                        "or set CHARGESPEC_MOCK_BIN")
        self.config_path = workdir / f"{binary}-{time.monotonic_ns()}.toml"
        self.config_path.write_text(config)
        self.log_path = self.config_path.with_suffix(".log")
        self._log = open(self.log_path, "wb")
        env = dict(os.environ, NO_COLOR="1", RUST_LOG=os.environ.get("INTEROP_RUST_LOG", "info"))
        self.proc = subprocess.Popen(
            [str(self.binary), "--config", str(self.config_path), *args],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            cwd=str(REPO), start_new_session=True,
        )
        self.url = None

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> "Mock":
        match = self.wait_for(LISTENING, timeout)
        self.url = match.group(1)
        return self

    def log(self) -> str:
        return ANSI.sub("", self.log_path.read_bytes().decode("utf-8", "replace"))

    def wait_for(self, pattern: re.Pattern | str, timeout: float) -> re.Match:
        """Wait until the log matches ``pattern``; fail with the log on timeout or early exit."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.log())
            if match:
                return match
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.binary.name} exited ({self.proc.returncode}) before "
                                     f"{regex.pattern!r}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.binary.name}: no {regex.pattern!r} within {timeout} s:\n{self.log()}")
            time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


@pytest.fixture
def launch(tmp_path):
    """``launch(binary, config_text, *args)`` starts a mock and waits until it listens."""
    started: list[Mock] = []

    def start(binary: str, config: str, *args: str) -> Mock:
        mock = Mock(binary, tmp_path, config, list(args))
        started.append(mock)
        return mock.wait_ready()

    yield start
    for mock in started:
        mock.stop()


@pytest.fixture
def serve():
    """``serve(server)`` starts a Python peer server and stops it on teardown."""
    servers: list[Server] = []

    def start(server: Server) -> Server:
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def city_mock(tmp_path_factory):
    """A mock city platform knowing the Python peer (default settings, no tolerances)."""
    mock = Mock("mock-city", tmp_path_factory.mktemp("city"),
                mock_config(CITY_ID, [PeerBlock()]), []).wait_ready()
    yield mock
    mock.stop()


@pytest.fixture(scope="module")
def operator_mock(tmp_path_factory):
    """A mock operator platform (25 seeded stations) knowing the Python peer."""
    mock = Mock("mock-operator", tmp_path_factory.mktemp("operator"),
                mock_config(OPERATOR_ID, [PeerBlock()], stations=25), []).wait_ready()
    yield mock
    mock.stop()


@pytest.fixture
def fresh_city(launch) -> Mock:
    """A mock city of its own (an empty replay cache), for tests that send the fixed Seq 0001."""
    return launch("mock-city", mock_config(CITY_ID, [PeerBlock()]))


@pytest.fixture
def to_city(city_mock) -> Client:
    """The Python peer as an operator calling the mock city (a fresh client: its own token)."""
    return Client(city_mock.url, PY_ID, PY_KEYS)


@pytest.fixture
def to_operator(operator_mock) -> Client:
    """The Python peer as a city calling the mock operator."""
    return Client(operator_mock.url, PY_ID, PY_KEYS)
