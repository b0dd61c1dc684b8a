"""Child processes of the end-to-end harness and the demo: Home Assistant and the cloud simulators.

Everything listens on 127.0.0.1 only. Each process is started by us, polled until it answers and
stopped by its own pid (SIGTERM, then SIGKILL after a bounded wait), so nothing outlives a run.
"""

from __future__ import annotations

from collections.abc import Sequence
import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
HASS_START_TIMEOUT = 120.0
SIMULATOR_START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


def free_port() -> int:
    """Return a TCP port that is free on loopback right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """Status of a GET to a loopback URL, or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as err:
        return err.code
    except (OSError, ValueError):
        return None


class ManagedProcess:
    """One child process with its output in a file; stopped by pid, never by name."""

    def __init__(self, name: str, argv: Sequence[str], log_path: Path, cwd: Path = ROOT) -> None:
        """Describe the process; nothing runs before start()."""
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process, its stdout and stderr appended to log_path."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    @property
    def running(self) -> bool:
        """True while the process has not exited."""
        return self.process is not None and self.process.poll() is None

    def wait_until(self, ready_url: str, accept: Sequence[int], timeout: float) -> None:
        """Poll ready_url until it answers one of the accepted statuses; fail if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}\n{self.tail()}")
            if http_status(ready_url) in accept:
                return
            time.sleep(0.3)
        raise TimeoutError(f"{self.name} did not answer {ready_url} within {timeout:.0f} s")

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM, then SIGKILL if it does not exit in time; returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode

    def tail(self, lines: int = 40) -> str:
        """Last lines of the process output, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def simulator_process(
    vendor: str, port: int, log_dir: Path, extra_args: Sequence[str] = ()
) -> ManagedProcess:
    """A cloud simulator (`python -m simulators.<vendor>`) on loopback."""
    argv = [
        sys.executable,
        "-m",
        f"simulators.{vendor}",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        *extra_args,
    ]
    return ManagedProcess(f"{vendor} simulator", argv, log_dir / f"simulator-{vendor}.log")


def start_simulator(
    vendor: str, port: int, log_dir: Path, extra_args: Sequence[str] = ()
) -> ManagedProcess:
    """Start a simulator and wait until its control API answers."""
    sim = simulator_process(vendor, port, log_dir, extra_args)
    sim.start()
    ready = "/_sim/devices" if vendor == "milesight" else "/_sim/locks"
    sim.wait_until(f"http://{LOOPBACK}:{port}{ready}", (200,), SIMULATOR_START_TIMEOUT)
    return sim


def hass_executable() -> str:
    """The `hass` script of the interpreter running us (the project's .venv)."""
    return str(Path(sys.executable).with_name("hass"))


class HassProcess(ManagedProcess):
    """A real `hass` process on a config directory; each start logs to its own file."""

    def __init__(self, config_dir: Path, port: int) -> None:
        """Prepare; the config directory must already hold configuration.yaml."""
        super().__init__("Home Assistant", [], config_dir / "hass-output-0.log")
        self.config_dir = config_dir
        self.port = port
        self.starts = 0

    @property
    def url(self) -> str:
        """Base URL of this Home Assistant."""
        return f"http://{LOOPBACK}:{self.port}"

    def log_files(self) -> list[Path]:
        """Every log file written so far (one per start), oldest first."""
        return sorted(self.config_dir.glob("hass-[0-9]*.log"))

    def start(self) -> None:
        """Start hass without runtime pip installs, logging to a fresh file, and wait for HTTP."""
        self.starts += 1
        self.log_path = self.config_dir / f"hass-output-{self.starts}.log"
        self.argv = [
            hass_executable(),
            "--config",
            str(self.config_dir),
            "--skip-pip",
            "--log-file",
            str(self.config_dir / f"hass-{self.starts}.log"),
        ]
        super().start()
        # 401 on /api/ means the HTTP server is up (no token yet); the UI answers after startup.
        self.wait_until(f"{self.url}/api/", (200, 401), HASS_START_TIMEOUT)

    def restart(self) -> None:
        """Stop cleanly and start again on the same configuration."""
        code = self.stop()
        if code not in (0, None):
            raise RuntimeError(f"hass exited with {code} on SIGTERM\n{self.tail()}")
        self.start()


def write_config(config_dir: Path, port: int, log_level: str = "info") -> None:
    """A minimal loopback-only configuration with the integration linked in.

    The onboarding store is seeded with the location step already done: that step would otherwise
    start integrations (weather, radio, text-to-speech) that go to the internet.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://{LOOPBACK}:{port}"
    (config_dir / "configuration.yaml").write_text(
        "\n".join(
            [
                "homeassistant:",
                "  name: Minerva IoT end-to-end",
                "  latitude: 52.37",
                "  longitude: 4.89",
                "  elevation: 0",
                "  unit_system: metric",
                "  time_zone: UTC",
                "  country: NL",
                "  currency: EUR",
                "  language: en",
                f'  external_url: "{url}"',
                f'  internal_url: "{url}"',
                "http:",
                f"  server_host: {LOOPBACK}",
                f"  server_port: {port}",
                "api:",
                "config:",
                "webhook:",
                "application_credentials:",
                "logger:",
                f"  default: {log_level}",
                "  logs:",
                "    custom_components.minerva_iot: debug",
                "",
            ]
        )
    )
    link_integration(config_dir)
    seed_onboarding(config_dir)


def link_integration(config_dir: Path) -> None:
    """Symlink the integration into <config>/custom_components (idempotent)."""
    custom = config_dir / "custom_components"
    custom.mkdir(exist_ok=True)
    link = custom / "minerva_iot"
    target = ROOT / "custom_components" / "minerva_iot"
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def seed_onboarding(config_dir: Path) -> None:
    """Mark onboarding's location step done before the first start (only on a fresh directory)."""
    storage = config_dir / ".storage"
    onboarding = storage / "onboarding"
    if onboarding.exists() or (storage / "auth").exists():
        return
    storage.mkdir(exist_ok=True)
    onboarding.write_text(
        json.dumps(
            {
                "version": 4,
                "minor_version": 1,
                "key": "onboarding",
                "data": {"done": ["core_config"]},
            },
            indent=2,
        )
    )


def read_config_entries(config_dir: Path) -> list[dict[str, object]]:
    """Config entries as Home Assistant last saved them (to read webhook ids, which no API shows)."""
    path = config_dir / ".storage" / "core.config_entries"
    try:
        entries: list[dict[str, object]] = json.loads(path.read_text())["data"]["entries"]
    except (OSError, ValueError, KeyError):
        return []
    return entries
