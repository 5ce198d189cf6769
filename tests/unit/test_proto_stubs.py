"""The committed gRPC stubs and their typed .pyi are what scripts/gen_protos.sh makes from the .proto, byte for byte.

Generated in-process with the pinned grpcio-tools into a temporary folder; a
stub edited by hand, or a .proto changed without regenerating, fails here.
Fix a failure with `bash scripts/gen_protos.sh`.
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from grpc_tools import protoc

from tests.support import PROJECT_ROOT

WIRE = PROJECT_ROOT / "qmtl_wire"
PROTO = WIRE / "proto" / "dagmanager.proto"
STUBS = ("dagmanager_pb2.py", "dagmanager_pb2.pyi", "dagmanager_pb2_grpc.py")


def generate(proto: Path, out: Path) -> dict[str, str]:
    """The stubs of one .proto, as scripts/gen_protos.sh writes them."""
    well_known = resources.files("grpc_tools") / "_proto"
    code = protoc.main(
        ["protoc", f"-I{proto.parent}", f"-I{well_known}", f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}", str(proto)]
    )
    assert code == 0, f"protoc failed on {proto} (exit {code})"
    stubs = {name: (out / name).read_text() for name in STUBS}
    # gen_protos.sh makes protoc's top-level import a package import; the same rewrite here.
    stubs["dagmanager_pb2_grpc.py"] = re.sub(
        r"^import dagmanager_pb2 as", "from qmtl_wire import dagmanager_pb2 as", stubs["dagmanager_pb2_grpc.py"], flags=re.M
    )
    return stubs


def drifted(generated: dict[str, str]) -> list[str]:
    return [name for name in STUBS if (WIRE / name).read_text() != generated[name]]


def test_the_committed_stubs_are_generated_from_the_proto(tmp_path):
    assert drifted(generate(PROTO, tmp_path)) == [], "the committed stubs differ from the .proto: run bash scripts/gen_protos.sh"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda text: text.replace("string state = 2;", "string state = 2;\n  string extra = 3;", 1), id="a new field"),
        pytest.param(lambda text: text.replace("StatusReply", "StatusAnswer"), id="a renamed message"),
    ],
)
def test_a_changed_proto_is_seen_as_drift(tmp_path, change):
    original = PROTO.read_text()
    changed = change(original)
    assert changed != original, "the change did not apply: the test would prove nothing"
    proto = tmp_path / "proto" / PROTO.name
    proto.parent.mkdir()
    proto.write_text(changed)
    assert drifted(generate(proto, tmp_path)) != []


def test_a_typed_stub_that_differs_is_seen_as_drift(tmp_path):
    generated = generate(PROTO, tmp_path)
    generated["dagmanager_pb2.pyi"] = generated["dagmanager_pb2.pyi"].replace("state: str", "state: int", 1)
    assert drifted(generated) == ["dagmanager_pb2.pyi"]
