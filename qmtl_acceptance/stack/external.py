"""The external target: a deployment someone else runs, reached by its URLs.

The suite starts nothing and so stops nothing; it only checks, once, that the
Gateway answers before any scenario runs. Restarting or stopping a service is
impossible here: scenarios that need it run on the reference target only.
"""
from __future__ import annotations

import httpx

from ..config import SuiteConfig
from ..errors import StackError
from ..eventually import eventually
from .base import StackEndpoints, StackProvider

# How long a deployment that is still coming up gets to answer /status.
GATEWAY_ANSWER_SECONDS = 10.0


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class ExternalStack(StackProvider):
    name = "external"

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config

    def _endpoints(self) -> StackEndpoints:
        c = self.config
        return StackEndpoints(
            gateway_url=c.gateway_url,
            worldservice_url=c.worldservice_url,
            dagmanager_address=c.dagmanager_address,
            redis_url=c.redis_url,
            postgres_dsn=c.postgres_dsn,
            dagmanager_status_url=c.dagmanager_status_url,
        )

    def start(self) -> StackEndpoints:
        endpoints = self._endpoints()
        url = endpoints.gateway_url + "/status"
        within = self.config.seconds(GATEWAY_ANSWER_SECONDS)
        last = ["no answer yet"]

        def answers() -> None:
            try:
                status = httpx.get(url, timeout=min(2.0, within)).status_code
            except httpx.ConnectError as exc:
                # Nothing listens there (refused, unknown host): waiting would only delay the same answer.
                raise StackError(f"the Gateway at {endpoints.gateway_url} is unreachable: {_one_line(exc)}") from None
            except httpx.HTTPError as exc:
                last[0] = _one_line(exc)
                raise AssertionError(last[0]) from None
            if status != 200:
                last[0] = f"GET /status answered HTTP {status}"
                raise AssertionError(last[0])

        try:
            eventually(answers, within=within, what=f"the Gateway at {endpoints.gateway_url} answers /status", every=0.25)
        except AssertionError:
            raise StackError(
                f"the Gateway at {endpoints.gateway_url} is unreachable: {last[0]} (no answer within {within:.1f} s)"
            ) from None
        return endpoints

    def liveness_checks(self) -> list:
        """The Gateway keeps accepting connections, and each store given keeps answering."""
        from ..run.watchdog import Check
        from .stores import postgres_answers, redis_ready

        endpoints = self._endpoints()

        def answering(service: str, call):
            def probe() -> str | None:
                try:
                    call()
                except Exception as exc:
                    return f"{service} does not answer: {_one_line(exc)}"
                return None

            return Check(service, probe, every=1.0, strikes=3)

        def gateway() -> None:
            try:
                httpx.get(endpoints.gateway_url + "/status", timeout=2.0)
            except httpx.TimeoutException:
                return  # slow, not gone: the scenarios judge slowness
        checks = [answering("gateway", gateway)]
        if endpoints.redis_url:
            checks.append(answering("redis", lambda: redis_ready(endpoints.redis_url)))
        if endpoints.postgres_dsn:
            checks.append(answering("postgres", lambda: postgres_answers(endpoints.postgres_dsn)))
        return checks

    def token_signing_keys(self) -> dict[str, bytes]:
        keys = self.config.token_keys_dir
        if keys is None:
            return {}
        return {path.stem: path.read_bytes() for path in sorted(keys.glob("*.pem"))}

    def stop(self) -> None:
        """Nothing to do: the deployment was running before the suite and keeps running after it."""

    def restart(self, service: str) -> StackEndpoints:
        raise StackError(
            f"the external target cannot restart {service}: it did not start the deployment; "
            "scenarios that restart services run on the reference target"
        )

    def kill(self, service: str) -> None:
        raise StackError(
            f"the external target cannot stop {service}: it did not start the deployment; "
            "scenarios that stop services run on the reference target"
        )

    def stop_service(self, service: str) -> None:
        self.kill(service)

    def start_service(self, service: str) -> StackEndpoints:
        return self.restart(service)
