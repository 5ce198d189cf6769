"""A machine without the stores' binaries is told what is missing and how to get it, in one line."""
import pytest

from qmtl_acceptance.errors import StackError
from qmtl_acceptance.stack import stores


def test_missing_postgres_binaries_are_named_with_a_remedy(monkeypatch, tmp_path):
    monkeypatch.setattr(stores.shutil, "which", lambda name: None)
    monkeypatch.setattr(stores, "POSTGRES_LIB", tmp_path)
    with pytest.raises(StackError, match="no initdb binary found: install PostgreSQL server binaries"):
        stores.find_postgres_bin("initdb")


def test_missing_redis_binary_is_named_with_a_remedy(monkeypatch):
    monkeypatch.setattr(stores.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(stores.shutil, "which", lambda name: None)
    with pytest.raises(StackError, match="no redis-server binary found"):
        stores.find_redis_server()
