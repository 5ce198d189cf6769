"""The DAG Manager over gRPC (contract §7): health, diffs and acknowledgements, tag queries, administration.

``DagManagerScene`` is what steps use; each part is its own small scene sharing one
``DagManagerSession`` (the client, the strategies built, their diffs).
"""
from __future__ import annotations

from qmtl_wire import dagmanager_pb2 as pb

from ..clients.dagmanager import DagManagerError
from ..errors import TargetFailure
from . import dagmanager_admin, dagmanager_dags, dagmanager_diff, dagmanager_http, dagmanager_namespace, dagmanager_query
from .dagmanager_admin import AdminScene
from .dagmanager_diff import DiffScene
from .dagmanager_http import DagManagerHttpStatus
from .dagmanager_namespace import NamespaceScene
from .dagmanager_query import TagQueryScene
from .dagmanager_session import MAIN, OTHER, DagManagerSession
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

PACKAGE = "qmtl.services.dagmanager."
# phrase → the service name asked of grpc.health.v1 ("" is the server as a whole)
HEALTH_SERVICES = {
    "the server as a whole": "",
    "the health check service": PACKAGE + "HealthCheck",
    "the diff service": PACKAGE + "DiffService",
    "the tag query service": PACKAGE + "TagQuery",
    "the admin service": PACKAGE + "AdminService",
    "a service the DAG Manager does not offer": PACKAGE + "NoSuchService",
}
OFFERED = [name for phrase, name in HEALTH_SERVICES.items() if "does not offer" not in phrase]

CHOICES = {
    "DmHealthService": tuple(HEALTH_SERVICES),
    "DmHealthAnswer": ("SERVING", "NOT_SERVING", "NOT_FOUND"),
    **dagmanager_dags.CHOICES,
    **dagmanager_diff.CHOICES,
    **dagmanager_namespace.CHOICES,
    **dagmanager_query.CHOICES,
    **dagmanager_admin.CHOICES,
    **dagmanager_http.CHOICES,
}


class DagManagerHealth:
    def __init__(self, session: DagManagerSession) -> None:
        self.session = session
        self.reply: pb.StatusReply | None = None
        self.standard: dict[str, str] = {}

    def check_own(self) -> None:
        self.reply = self.session.client.status()
        self.session.scenario.observe("HealthCheck.Status", str(self.reply).replace("\n", " "))

    def ask_standard(self, phrase: str) -> None:
        service = HEALTH_SERVICES[phrase]
        try:
            self.standard[phrase] = self.session.client.standard_health(service)
        except DagManagerError as exc:
            # grpc.health.v1 answers an unknown service with the NOT_FOUND status, not a serving status.
            self.standard[phrase] = exc.code.name
        self.session.scenario.observe("grpc.health.v1", repr(self.standard))

    def check_both(self) -> None:
        self.check_own()
        for phrase in HEALTH_SERVICES:
            if HEALTH_SERVICES[phrase] in OFFERED:
                self.ask_standard(phrase)

    def _reply(self):
        if self.reply is None:
            raise AssertionError("the scenario has not checked HealthCheck.Status yet")
        return self.reply

    def state_is(self, state: str) -> None:
        if self._reply().state != state:
            raise TargetFailure(f"HealthCheck.Status said state {self._reply().state!r}, expected {state!r}")

    def graph_store_named(self) -> None:
        if not self._reply().neo4j.strip():
            raise TargetFailure("HealthCheck.Status names no state for the graph store (neo4j is empty)")

    def all_serving(self) -> None:
        wrong = {name: status for name, status in self.standard.items() if status != "SERVING"}
        if wrong or not self.standard:
            raise TargetFailure(f"not SERVING: {wrong}")

    def standard_answers(self, expected: str) -> None:
        (phrase, seen), = list(self.standard.items())[-1:]
        if seen != expected:
            raise TargetFailure(f"grpc.health.v1 about {phrase}", expected=expected, observed=seen)


class DagManagerScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.session = DagManagerSession(target, scenario, worlds)
        self.health = DagManagerHealth(self.session)
        self.http_status = DagManagerHttpStatus(self.session)
        self.diffs = DiffScene(self.session)
        self.namespaces = NamespaceScene(self.session)
        self.tags = TagQueryScene(self.session)
        self.admin = AdminScene(self.session)

    def connect(self) -> None:
        """Open the channel now, so a DAG Manager that is not there fails the Background, not a later step."""
        self.session.client.status()

    def restart(self) -> None:
        """Restart the DAG Manager on its port; the channel reconnects by itself. Whatever happens,
        the scenario leaves a running DAG Manager behind, so a failed restart fails one scenario only."""
        target = self.session.target
        self.session.scenario.add_cleanup(
            lambda: None if "dagmanager" in target.provider.running_processes() else target.restart("dagmanager"))
        target.restart("dagmanager")
        self.session.client.status()

    def build(self, shape: str, role: str = MAIN) -> None:
        self.session.build(shape, role)

    def diff(self, world_roles: list[str], domain: str, role: str = MAIN) -> None:
        self.session.diff(world_roles, domain, role)


__all__ = ["DagManagerScene", "CHOICES", "MAIN", "OTHER"]
