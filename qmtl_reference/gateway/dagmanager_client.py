"""The Gateway's gRPC channel to the DAG Manager."""
from __future__ import annotations

import grpc

from qmtl_wire import dagmanager_pb2, dagmanager_pb2_grpc


class DagManagerClient:
    def __init__(self, address: str) -> None:
        self.address = address
        self.channel = grpc.aio.insecure_channel(address)
        self.health = dagmanager_pb2_grpc.HealthCheckStub(self.channel)
        self.diff = dagmanager_pb2_grpc.DiffServiceStub(self.channel)
        self.tags = dagmanager_pb2_grpc.TagQueryStub(self.channel)
        self.admin = dagmanager_pb2_grpc.AdminServiceStub(self.channel)

    async def healthy(self) -> bool:
        reply = await self.health.Status(dagmanager_pb2.StatusRequest(), timeout=2.0)
        return reply.state == "running"

    async def close(self) -> None:
        await self.channel.close()
