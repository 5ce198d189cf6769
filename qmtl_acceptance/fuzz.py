"""Property-based fuzzing of an HTTP service from its own published OpenAPI (schemathesis).

``fuzz_openapi(base_url, FuzzSettings(...))`` loads ``<base_url>/openapi.json``,
generates requests for every operation (schema examples, boundary coverage,
then random valid and invalid data), sends them to the service and holds each
answer to two checks: no server error (5xx) and, for a documented status, a
body that matches the published response schema. It returns a ``FuzzReport``;
each ``FuzzFinding`` carries a minimal reproducer (a curl line, tokens
redacted). Nothing here reads behave's context: every input is an argument.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Mapping

from .redaction import redact

CHECKS = ("not_a_server_error", "response_schema_conformance")
PHASES = ("examples", "coverage", "fuzzing")
GENERATION_MODES = ("positive", "negative", "all")


class FuzzSetupError(RuntimeError):
    """The target could not be fuzzed at all (no schema, bad settings)."""


@dataclass(frozen=True)
class FuzzSettings:
    # Upper bound of generated cases per operation and phase.
    max_examples: int = 25
    # Wall-clock budget for the whole run; the run stops (and reports) when it is spent.
    max_seconds: float = 60.0
    # Fixed, so a finding reproduces with the same settings.
    seed: int = 20260401
    mode: str = "all"
    phases: tuple[str, ...] = PHASES
    request_timeout: float = 10.0
    workers: int = 1
    schema_path: str = "/openapi.json"

    def __post_init__(self) -> None:
        if self.max_examples < 1:
            raise FuzzSetupError(f"max_examples must be at least 1, got {self.max_examples}")
        if self.max_seconds <= 0:
            raise FuzzSetupError(f"max_seconds must be positive, got {self.max_seconds}")
        if self.mode not in GENERATION_MODES:
            raise FuzzSetupError(f"mode {self.mode!r} is unknown; choose one of {', '.join(GENERATION_MODES)}")
        unknown = sorted(set(self.phases) - set(PHASES))
        if unknown or not self.phases:
            raise FuzzSetupError(f"phases {unknown or '(none)'} are not usable; choose from {', '.join(PHASES)}")


@dataclass(frozen=True)
class FuzzFinding:
    operation: str
    check: str
    title: str
    message: str
    status: int | None
    curl: str

    def describe(self) -> str:
        status = f"HTTP {self.status}" if self.status is not None else "no answer"
        return f"{self.operation}: {self.check}: {self.title} ({status})\n  {self.message}\n  reproduce: {self.curl}"


@dataclass(frozen=True)
class FuzzReport:
    target: str
    cases: int
    operations: int
    seconds: float
    stop_reason: str
    findings: tuple[FuzzFinding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.findings

    def describe(self) -> str:
        head = (
            f"{self.target}: {self.cases} cases over {self.operations} operations in {self.seconds:.1f} s "
            f"({self.stop_reason}); {len(self.findings)} finding(s)"
        )
        return "\n".join([head, *(f.describe() for f in self.findings)])


def _config(base_url: str, settings: FuzzSettings, headers: Mapping[str, str] | None):
    from schemathesis.config import SchemathesisConfig

    checks: dict = {"enabled": False}
    for name in CHECKS:
        checks[name] = {"enabled": True}
    phases = {name: {"enabled": name in settings.phases} for name in PHASES}
    phases["stateful"] = {"enabled": False}
    data = {
        "seed": settings.seed,
        "max-time": max(1, int(settings.max_seconds)),
        "workers": settings.workers,
        "request-timeout": settings.request_timeout,
        "base-url": base_url,
        # No example database and no cache: a run depends on its settings alone and writes no files.
        "generation": {"max-examples": settings.max_examples, "mode": settings.mode, "deterministic": True, "database": "none"},
        "cache": {"enabled": False},
        "checks": checks,
        "phases": phases,
        "suppress-health-check": ["all"],
    }
    if headers:
        data["headers"] = dict(headers)
    return SchemathesisConfig.from_dict(data)


def _finding(recorder, case_id: str, check) -> FuzzFinding:
    failure = check.failure_info.failure
    data_case_id = failure.case_id or case_id
    node = recorder.cases.get(data_case_id)
    interaction = recorder.interactions.get(data_case_id)
    status = None
    curl = check.failure_info.code_sample
    if interaction is not None and interaction.response is not None:
        status = interaction.response.status_code
    if node is not None:
        try:
            curl = node.value.as_curl_command()
        except Exception:  # an odd case must not hide the finding; the code sample still reproduces it
            pass
    return FuzzFinding(
        operation=recorder.label,
        check=check.name,
        title=str(getattr(failure, "title", "") or type(failure).__name__),
        message=redact(str(getattr(failure, "message", "") or failure))[:2000],
        status=status,
        curl=redact(curl),
    )


def fuzz_openapi(
    base_url: str, settings: FuzzSettings | None = None, *, headers: Mapping[str, str] | None = None
) -> FuzzReport:
    """Fuzz every operation the service at ``base_url`` publishes; never raises for a finding."""
    import schemathesis
    from schemathesis.engine import events

    settings = settings or FuzzSettings()
    base_url = base_url.rstrip("/")
    started = time.monotonic()
    try:
        schema = schemathesis.openapi.from_url(
            base_url + settings.schema_path, config=_config(base_url, settings, headers), timeout=settings.request_timeout
        )
    except Exception as exc:
        raise FuzzSetupError(f"cannot load the OpenAPI of {base_url}: {type(exc).__name__}: {redact(str(exc))[:300]}") from None
    stream = schemathesis.engine.from_schema(schema).execute()
    findings: dict[tuple, FuzzFinding] = {}
    cases = 0
    operations: set[str] = set()
    stop_reason = "completed"
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            operations.add(recorder.label)
            cases += len(recorder.interactions)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    found = _finding(recorder, case_id, check)
                    findings.setdefault((found.operation, found.check, found.title, found.status), found)
        elif isinstance(event, events.NonFatalError):
            # A connection reset or a timeout: the service did not answer at all.
            found = FuzzFinding(
                operation=event.label, check="error", title=str(event.info.title),
                message=redact(str(event.info.message or event.value))[:2000], status=None,
                curl=redact(event.info.code_sample or ""),
            )
            findings.setdefault((found.operation, found.check, found.title, None), found)
        elif isinstance(event, events.FatalError):
            raise FuzzSetupError(f"fuzzing {base_url} stopped: {type(event.exception).__name__}: {redact(str(event.exception))[:300]}")
        elif isinstance(event, events.EngineFinished):
            stop_reason = str(event.stop_reason.value if hasattr(event.stop_reason, "value") else event.stop_reason)
        if time.monotonic() - started > settings.max_seconds + 5:
            stream.stop()
    return FuzzReport(
        target=base_url,
        cases=cases,
        operations=len(operations),
        seconds=time.monotonic() - started,
        stop_reason=stop_reason,
        findings=tuple(findings.values()),
    )
