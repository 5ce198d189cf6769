"""What every stack provider offers the suite."""
from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class StackEndpoints:
    gateway_url: str
    worldservice_url: str = ""
    dagmanager_address: str = ""
    redis_url: str = ""
    postgres_dsn: str = ""
    # The DAG Manager's HTTP readiness probe (contract §2: HTTP GET /status), "" when the target names none.
    dagmanager_status_url: str = ""


class StackProvider(abc.ABC):
    """Brings a stack up, tears it down, and restarts single services on request."""

    name: str = "?"
    # Whether restart(), kill(), stop_service(), start_service(), pause() and resume() work: scenarios that need them are skipped elsewhere.
    restartable: bool = False
    # Whether a second copy can run beside the first (its own processes, ports and stores): a parallel run's
    # @serial scenarios then restart and stop services of their own copy while the workers use the first.
    independent_copies: bool = False
    # Why not, when it cannot: said once the run decides where its @serial scenarios go.
    why_no_copies: str = ""

    def copy_launcher(self) -> list[str]:
        """The prefix a second copy's worker command runs under (empty: as it is)."""
        return []

    @abc.abstractmethod
    def start(self) -> StackEndpoints:
        """Bring the stack up and return once every service accepts requests."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Tear everything down; safe to call twice and after a failed start."""

    def restart(self, service: str) -> StackEndpoints:
        raise NotImplementedError(f"the {self.name} target cannot restart {service}")

    def kill(self, service: str) -> None:
        raise NotImplementedError(f"the {self.name} target cannot stop {service} on its own")

    def stop_service(self, service: str) -> None:
        """Stop one service or store (as its operator would) and leave it down until `start_service`."""
        raise NotImplementedError(f"the {self.name} target cannot stop {service}")

    def start_service(self, service: str) -> StackEndpoints:
        """Start a stopped service or store again where it was, returning once it accepts requests."""
        raise NotImplementedError(f"the {self.name} target cannot start {service}")

    def pause(self, service: str) -> None:
        """Freeze a service: its port still takes connections, nothing on it answers (a hung process)."""
        raise NotImplementedError(f"the {self.name} target cannot pause {service}")

    def resume(self, service: str) -> None:
        """Let a paused service run on; safe to call when it is not paused."""
        raise NotImplementedError(f"the {self.name} target cannot resume {service}")

    def running_processes(self) -> dict[str, int]:
        """Service name → pid of what this provider started (empty when it started nothing)."""
        return {}

    def liveness_checks(self) -> list:
        """`run.watchdog.Check`s that tell, during the run, that a part of the stack has died."""
        return []

    def log_files(self) -> dict[str, str]:
        return {}

    def startup_timings(self) -> dict[str, float]:
        return {}

    def token_signing_keys(self) -> dict[str, bytes]:
        """kid → PEM private key the Gateway signs event tokens with, where the
        operator of this target can read it. Lets scenarios present tokens the
        Gateway would never issue (expired, for another audience) yet signed
        correctly, so only the check under test can refuse them."""
        return {}
