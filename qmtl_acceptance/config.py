"""One typed configuration for a run, from defaults, the environment and behave's -D userdata.

Precedence: `-D name=value` over `QMTL_E2E_<NAME>` over the defaults below.
Every value is checked at start; a bad one stops the run with one line that
names the setting, the value and what would be accepted.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlparse

from .errors import ConfigError

TARGETS = ("reference", "qmtl", "compose", "external")
CONTRACT_VERSIONS = ("2026-04", "2026-02")
ENV_PREFIX = "QMTL_E2E_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

_RUNNER_ARGUMENTS = (
    " tools sdk run {strategy} --start-time {start} --end-time {end} --world {world} --gateway-url {gateway_url}"
    " --live-bars {live_bars} --report {report} --gateway-timeout {gateway_timeout}"
)
DEFAULT_RUNNER_COMMAND = "{python} -m qmtl_reference" + _RUNNER_ARGUMENTS
# The qmtl target's runner: the suite's adapter, run by the installation's Python so QMTL's own SDK does the backfill.
QMTL_RUNNER_COMMAND = "{qmtl_python} -m qmtl_sdk_adapter" + _RUNNER_ARGUMENTS


# name → (default as shown, meaning): what `--help` lists and what a -D name is checked against.
SETTINGS: dict[str, tuple[str, str]] = {
    "target": ("reference", "the stack to test: " + ", ".join(TARGETS)),
    "gateway_url": ("", "target external: the Gateway's URL (http://host:port)"),
    "worldservice_url": ("", "target external: WorldService's URL"),
    "dagmanager_address": ("", "target external: the DAG Manager's gRPC host:port"),
    "redis_url": ("", "target external: the Gateway's Redis (redis://host:port/db)"),
    "postgres_dsn": ("", "target external: the Gateway's Postgres (postgresql://...)"),
    "dagmanager_status_url": ("", "target external: the DAG Manager's HTTP status URL (http://host:port), for GET /status"),
    "timeout_scale": ("1", "multiplies every deadline (0.1 .. 100); raise it on slow machines"),
    "expected_failures": ("", "scenario names you expect to fail (a regex): their deadlines are cut by expected_failure_scale; verdicts unchanged"),
    "expected_failure_scale": ("0.3", "multiplies the deadlines of the expected_failures scenarios (0.1 .. 1)"),
    "reports_dir": ("reports", "where reports, logs and evidence go"),
    "contract_version": ("2026-04", "the QMTL contract revision to hold the target to: " + ", ".join(CONTRACT_VERSIONS)),
    "token_ttl_seconds": ("300", "the reference Gateway's event-token lifetime"),
    "reference_faults": ("", "target reference: deliberate defects to switch on (comma-separated names)"),
    "runner_command": ("the reference runner (target qmtl: the QMTL SDK adapter)", "the strategy-runner command template of the backfill features"),
    "compose_file": ("docker-compose.e2e.yml", "target compose: the compose file to run"),
    "qmtl_config": ("", "target qmtl: a YAML fragment merged over the generated qmtl.yml"),
    "qmtl_python": ("the Python beside `qmtl` on PATH", "target qmtl: the Python whose environment has QMTL installed"),
    "qmtl_controlbus": ("auto", "target qmtl: run a Kafka-protocol broker for QMTL's ControlBus: auto (when one can be had), on, off"),
    "fuzz_examples": ("8", "generated requests per operation in the robustness fuzz"),
    "fuzz_seconds": ("25", "the robustness fuzz's time budget per service, in seconds"),
    "fuzz_seed": ("20260401", "the robustness fuzz's seed, so a finding reproduces"),
    "token_keys_dir": ("", "target external: a folder of the Gateway's signing keys (<kid>.pem) the operator can read"),
    "keep_logs": ("true", "keep each service's log under reports/logs/"),
    "backfill_strategy_<role>": ("", "the strategy (MODULE:CLASS) your runner runs for a backfill role, e.g. backfill_strategy_sample"),
}
CONTROLBUS_CHOICES = ("auto", "on", "off")
# -D names for behave's formatters (AllureFormatter.issue_pattern, behave.formatter.*) carry a dot.
_PASSED_THROUGH_PREFIXES = ("backfill_strategy_",)


def unknown_setting_problem(name: str) -> str | None:
    """None for a name the suite (or a report formatter) reads, else one line naming the closest valid one."""
    if name in SETTINGS or "." in name or name.startswith(_PASSED_THROUGH_PREFIXES):
        return None
    choices = [n for n in SETTINGS if "<" not in n]
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "run with --help for the list of settings"
    return f"unknown setting {name!r}: {hint}"


@dataclass(frozen=True)
class SuiteConfig:
    target: str = "reference"
    # Endpoints of a running deployment (target external) or overrides.
    gateway_url: str = ""
    worldservice_url: str = ""
    dagmanager_address: str = ""
    redis_url: str = ""
    postgres_dsn: str = ""
    dagmanager_status_url: str = ""
    # Target external: a folder of the Gateway's signing keys (<kid>.pem) the operator can read.
    token_keys_dir: Path | None = None
    # One knob for slow machines: every deadline in the suite is multiplied by it.
    timeout_scale: float = 1.0
    # A failure someone expects would otherwise wait out every deadline of its scenario before it is reported.
    expected_failures: re.Pattern[str] | None = None
    expected_failure_scale: float = 0.3
    reports_dir: Path = PROJECT_ROOT / "reports"
    contract_version: str = "2026-04"
    token_ttl_seconds: int = 300
    reference_faults: tuple[str, ...] = ()
    runner_command: str = DEFAULT_RUNNER_COMMAND
    compose_file: Path = PROJECT_ROOT / "docker-compose.e2e.yml"
    qmtl_config: str = ""
    # Target qmtl: the Python whose environment has QMTL installed.
    qmtl_python: str = ""
    # Target qmtl: whether QMTL's ControlBus gets a broker (auto: when the broker and QMTL's Kafka client are there).
    qmtl_controlbus: str = "auto"
    keep_logs: bool = True
    # The robustness fuzz, per service: cases per operation and phase, wall-clock budget, seed.
    fuzz_examples: int = 8
    fuzz_seconds: float = 25.0
    fuzz_seed: int = 20260401
    extra: Mapping[str, str] = field(default_factory=dict)

    def seconds(self, base: float) -> float:
        """A deadline stated in a scenario, scaled for this machine."""
        return base * self.timeout_scale

    def scenario_timeout_scale(self, scenario_name: str) -> float:
        """The deadline scale of one scenario: an expected failure's deadlines are cut."""
        if self.expected_failures is not None and self.expected_failures.search(scenario_name):
            return self.timeout_scale * self.expected_failure_scale
        return self.timeout_scale

    @property
    def logs_dir(self) -> Path:
        return self.reports_dir / "logs"

    @property
    def artifacts_dir(self) -> Path:
        return self.reports_dir / "artifacts"


def _parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"setting {name}={raw!r} is not a boolean (use true or false)")


def _check_url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    if not value:
        return value
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.hostname:
        raise ConfigError(f"setting {name}={value!r} is not a URL of scheme {' or '.join(schemes)}")
    try:
        _ = parsed.port  # reading it validates it
    except ValueError:
        raise ConfigError(f"setting {name}={value!r} has an invalid port") from None
    return value.rstrip("/")


def _check_address(name: str, value: str) -> str:
    if not value:
        return value
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"setting {name}={value!r} is not host:port")
    return value


def load_config(userdata: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> SuiteConfig:
    environ = os.environ if environ is None else environ
    userdata = dict(userdata or {})
    known = {f.name for f in fields(SuiteConfig)} - {"extra"}
    raw: dict[str, str] = {}
    for name in known:
        env_value = environ.get(ENV_PREFIX + name.upper())
        if env_value is not None:
            raw[name] = env_value
    extra = {}
    for key, value in userdata.items():
        problem = unknown_setting_problem(key)
        if problem:
            raise ConfigError(problem)
        if key in known:
            raw[key] = str(value)
        else:
            extra[key] = str(value)
    return _build(raw, extra)


def _build(raw: Mapping[str, str], extra: Mapping[str, str]) -> SuiteConfig:
    values: dict[str, Any] = {"extra": dict(extra)}
    target = raw.get("target", "reference").strip()
    if target not in TARGETS:
        raise ConfigError(f"setting target={target!r} is unknown; choose one of: {', '.join(TARGETS)}")
    values["target"] = target
    for name in ("gateway_url", "worldservice_url"):
        values[name] = _check_url(name, raw.get(name, "").strip(), ("http", "https"))
    values["redis_url"] = _check_url("redis_url", raw.get("redis_url", "").strip(), ("redis", "rediss"))
    values["postgres_dsn"] = _check_url("postgres_dsn", raw.get("postgres_dsn", "").strip(), ("postgresql", "postgres"))
    values["dagmanager_status_url"] = _check_url("dagmanager_status_url", raw.get("dagmanager_status_url", "").strip(), ("http",))
    values["dagmanager_address"] = _check_address("dagmanager_address", raw.get("dagmanager_address", "").strip())
    if "timeout_scale" in raw:
        try:
            scale = float(raw["timeout_scale"])
        except ValueError:
            raise ConfigError(f"setting timeout_scale={raw['timeout_scale']!r} is not a number") from None
        if not 0.1 <= scale <= 100:
            raise ConfigError(f"setting timeout_scale={scale} is outside 0.1 .. 100")
        values["timeout_scale"] = scale
    if raw.get("expected_failures", "").strip():
        try:
            values["expected_failures"] = re.compile(raw["expected_failures"].strip())
        except re.error as exc:
            raise ConfigError(f"setting expected_failures is not a valid pattern: {exc}") from None
    if "expected_failure_scale" in raw:
        try:
            cut = float(raw["expected_failure_scale"])
        except ValueError:
            raise ConfigError(f"setting expected_failure_scale={raw['expected_failure_scale']!r} is not a number") from None
        if not 0.1 <= cut <= 1:
            raise ConfigError(f"setting expected_failure_scale={cut} is outside 0.1 .. 1")
        values["expected_failure_scale"] = cut
    if "token_ttl_seconds" in raw:
        try:
            ttl = int(raw["token_ttl_seconds"])
        except ValueError:
            raise ConfigError(f"setting token_ttl_seconds={raw['token_ttl_seconds']!r} is not a whole number") from None
        if ttl < 1:
            raise ConfigError("setting token_ttl_seconds must be at least 1")
        values["token_ttl_seconds"] = ttl
    for name, kind, low in (("fuzz_examples", int, 1), ("fuzz_seconds", float, 1), ("fuzz_seed", int, 0)):
        if name in raw:
            try:
                number = kind(raw[name])
            except ValueError:
                raise ConfigError(f"setting {name}={raw[name]!r} is not a {'whole ' if kind is int else ''}number") from None
            if number < low:
                raise ConfigError(f"setting {name} must be at least {low}")
            values[name] = number
    if "reports_dir" in raw:
        values["reports_dir"] = Path(raw["reports_dir"]).expanduser().resolve()
    if raw.get("token_keys_dir", "").strip():
        keys = Path(raw["token_keys_dir"].strip()).expanduser().resolve()
        if not keys.is_dir():
            raise ConfigError(f"setting token_keys_dir={raw['token_keys_dir']!r} is not a folder")
        values["token_keys_dir"] = keys
    if "compose_file" in raw:
        values["compose_file"] = Path(raw["compose_file"]).expanduser().resolve()
    version = raw.get("contract_version", "2026-04").strip()
    if version not in CONTRACT_VERSIONS:
        raise ConfigError(f"setting contract_version={version!r} is unknown; choose one of: {', '.join(CONTRACT_VERSIONS)}")
    values["contract_version"] = version
    if "reference_faults" in raw:
        values["reference_faults"] = tuple(n.strip() for n in raw["reference_faults"].split(",") if n.strip())
    if "runner_command" in raw:
        command = raw["runner_command"].strip()
        for placeholder in ("{strategy}", "{start}", "{end}"):
            if placeholder not in command:
                raise ConfigError(f"setting runner_command lacks the placeholder {placeholder}")
        values["runner_command"] = command
    elif values.get("target") == "qmtl":
        values["runner_command"] = QMTL_RUNNER_COMMAND
    if "qmtl_config" in raw:
        values["qmtl_config"] = raw["qmtl_config"].strip()
    if "qmtl_python" in raw:
        values["qmtl_python"] = raw["qmtl_python"].strip()
    if "qmtl_controlbus" in raw:
        choice = raw["qmtl_controlbus"].strip().lower()
        if choice not in CONTROLBUS_CHOICES:
            raise ConfigError(f"setting qmtl_controlbus={raw['qmtl_controlbus']!r} is not one of: {', '.join(CONTROLBUS_CHOICES)}")
        values["qmtl_controlbus"] = choice
    if "keep_logs" in raw:
        values["keep_logs"] = _parse_bool("keep_logs", raw["keep_logs"])
    config = SuiteConfig(**values)
    if config.target == "external" and not config.gateway_url:
        raise ConfigError("target external needs gateway_url (e.g. -D gateway_url=http://gateway:8000)")
    if config.reference_faults and config.target != "reference":
        raise ConfigError("reference_faults apply only to target reference")
    return config
