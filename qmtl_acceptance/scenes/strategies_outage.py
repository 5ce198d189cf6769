"""A Gateway that stops in the middle of a diff, and what it does with that strategy when it starts again.

To stop it mid-diff, deterministically, the DAG Manager is paused first: its
port still takes the Gateway's call and nothing answers, so the strategy stays
``processing`` for as long as the Gateway's diff deadline. The Gateway is then
stopped as a crash stops it (no chance to put anything back), the DAG Manager
resumed, and the Gateway started again.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .strategies import StrategiesScene


class OutagePart:
    def __init__(self, scene: "StrategiesScene") -> None:
        self.scene = scene
        self.target = scene.target

    def dagmanager_hangs(self) -> None:
        self.scene.scenario.add_cleanup(self._everything_running)
        self.target.provider.pause("dagmanager")

    def dagmanager_answers_again(self) -> None:
        self.target.provider.resume("dagmanager")

    def gateway_crashes(self) -> None:
        self.target.provider.kill("gateway")

    def gateway_starts_again(self) -> None:
        self.target.restart("gateway")

    def _everything_running(self) -> None:
        # Whatever step failed, the next scenario gets an answering DAG Manager and a running Gateway.
        self.target.provider.resume("dagmanager")
        if "gateway" not in self.target.provider.running_processes():
            self.target.restart("gateway")
