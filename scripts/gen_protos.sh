#!/usr/bin/env bash
# Regenerates the committed gRPC stubs from qmtl_wire/proto/*.proto, with the typed
# .pyi of the messages that mypy reads (scripts/lint.sh).
# tests/unit/test_proto_stubs.py fails when the committed stubs drift from the .proto.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m grpc_tools.protoc -I qmtl_wire/proto \
  --python_out=qmtl_wire --pyi_out=qmtl_wire --grpc_python_out=qmtl_wire qmtl_wire/proto/dagmanager.proto
# protoc emits a top-level import; the stubs live inside the qmtl_wire package.
sed -i 's/^import dagmanager_pb2 as/from qmtl_wire import dagmanager_pb2 as/' qmtl_wire/dagmanager_pb2_grpc.py
