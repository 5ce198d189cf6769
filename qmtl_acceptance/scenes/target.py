"""The stack under test as scenes see it: its endpoints, its Gateway client, what it can do."""
from __future__ import annotations

from dataclasses import dataclass

from ..clients.gateway import GatewayClient
from ..config import SuiteConfig
from ..stack import StackEndpoints, StackProvider


@dataclass
class Target:
    config: SuiteConfig
    provider: StackProvider
    endpoints: StackEndpoints
    gateway: GatewayClient

    @property
    def name(self) -> str:
        return self.config.target

    @property
    def stores_visible(self) -> bool:
        return bool(self.endpoints.redis_url and self.endpoints.postgres_dsn)

    def restart(self, service: str) -> None:
        """Restart one service; the endpoints stay where they were (same ports)."""
        self.endpoints = self.provider.restart(service)

    def stop_service(self, service: str) -> None:
        self.provider.stop_service(service)

    def start_service(self, service: str) -> None:
        """Start a stopped service again; the endpoints stay where they were (same ports)."""
        self.endpoints = self.provider.start_service(service)

    def token_signing_keys(self) -> dict[str, bytes]:
        return self.provider.token_signing_keys()

    def close(self) -> None:
        self.gateway.close()
