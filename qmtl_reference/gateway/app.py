"""Assembles the reference Gateway from its routers and its connections."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import faults
from . import events, status, strategies, worlds_proxy
from .worker import start_worker
from .dagmanager_client import DagManagerClient
from .settings import GatewaySettings
from .stores import GatewayStores
from .tokens import TokenAuthority


def create_app(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.tokens = TokenAuthority(settings.key_dir, settings.kids, settings.active_kid, settings.token_ttl)
        app.state.stores = GatewayStores(settings.redis_url, settings.postgres_dsn)
        await app.state.stores.open()
        dagmanager_address = settings.dagmanager_address
        if faults.is_active("gateway_dials_default_dagmanager"):
            dagmanager_address = "127.0.0.1:50051"
        app.state.dagmanager = DagManagerClient(dagmanager_address)
        app.state.worldservice = worlds_proxy.WorldServiceClient(settings.worldservice_url)
        worker = start_worker(app.state.stores, app.state.dagmanager)
        try:
            yield
        finally:
            if worker is not None:
                await worker.stop()
            await app.state.worldservice.close()
            await app.state.dagmanager.close()
            await app.state.stores.close()

    app = FastAPI(title="QMTL reference Gateway", lifespan=lifespan)
    for module in (status, events, strategies, worlds_proxy):
        app.include_router(module.router)
    return app
