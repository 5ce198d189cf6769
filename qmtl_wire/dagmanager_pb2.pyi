from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StatusReply(_message.Message):
    __slots__ = ("neo4j", "state")
    NEO4J_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    neo4j: str
    state: str
    def __init__(self, neo4j: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class DiffRequest(_message.Message):
    __slots__ = ("strategy_id", "dag_json", "world_id", "execution_domain", "as_of", "partition", "dataset_fingerprint")
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    DAG_JSON_FIELD_NUMBER: _ClassVar[int]
    WORLD_ID_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_DOMAIN_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    DATASET_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    dag_json: str
    world_id: str
    execution_domain: str
    as_of: str
    partition: str
    dataset_fingerprint: str
    def __init__(self, strategy_id: _Optional[str] = ..., dag_json: _Optional[str] = ..., world_id: _Optional[str] = ..., execution_domain: _Optional[str] = ..., as_of: _Optional[str] = ..., partition: _Optional[str] = ..., dataset_fingerprint: _Optional[str] = ...) -> None: ...

class BufferInstruction(_message.Message):
    __slots__ = ("node_id", "node_type", "code_hash", "schema_hash", "interval", "period", "tags", "lag", "schema_compat_id")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CODE_HASH_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_HASH_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    LAG_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_COMPAT_ID_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    node_type: str
    code_hash: str
    schema_hash: str
    interval: int
    period: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    lag: int
    schema_compat_id: str
    def __init__(self, node_id: _Optional[str] = ..., node_type: _Optional[str] = ..., code_hash: _Optional[str] = ..., schema_hash: _Optional[str] = ..., interval: _Optional[int] = ..., period: _Optional[int] = ..., tags: _Optional[_Iterable[str]] = ..., lag: _Optional[int] = ..., schema_compat_id: _Optional[str] = ...) -> None: ...

class DiffChunk(_message.Message):
    __slots__ = ("queue_map", "sentinel_id", "buffer_nodes", "version", "crc32")
    class QueueMapEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    QUEUE_MAP_FIELD_NUMBER: _ClassVar[int]
    SENTINEL_ID_FIELD_NUMBER: _ClassVar[int]
    BUFFER_NODES_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CRC32_FIELD_NUMBER: _ClassVar[int]
    queue_map: _containers.ScalarMap[str, str]
    sentinel_id: str
    buffer_nodes: _containers.RepeatedCompositeFieldContainer[BufferInstruction]
    version: str
    crc32: int
    def __init__(self, queue_map: _Optional[_Mapping[str, str]] = ..., sentinel_id: _Optional[str] = ..., buffer_nodes: _Optional[_Iterable[_Union[BufferInstruction, _Mapping]]] = ..., version: _Optional[str] = ..., crc32: _Optional[int] = ...) -> None: ...

class ChunkAck(_message.Message):
    __slots__ = ("sentinel_id", "chunk_id")
    SENTINEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHUNK_ID_FIELD_NUMBER: _ClassVar[int]
    sentinel_id: str
    chunk_id: int
    def __init__(self, sentinel_id: _Optional[str] = ..., chunk_id: _Optional[int] = ...) -> None: ...

class TagQueryRequest(_message.Message):
    __slots__ = ("tags", "interval", "match_mode")
    TAGS_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    MATCH_MODE_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedScalarFieldContainer[str]
    interval: int
    match_mode: str
    def __init__(self, tags: _Optional[_Iterable[str]] = ..., interval: _Optional[int] = ..., match_mode: _Optional[str] = ...) -> None: ...

class QueueDescriptor(_message.Message):
    __slots__ = ("queue",)
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    GLOBAL_FIELD_NUMBER: _ClassVar[int]
    queue: str
    def __init__(self, queue: _Optional[str] = ..., **kwargs) -> None: ...

class TagQueryReply(_message.Message):
    __slots__ = ("queues",)
    QUEUES_FIELD_NUMBER: _ClassVar[int]
    queues: _containers.RepeatedCompositeFieldContainer[QueueDescriptor]
    def __init__(self, queues: _Optional[_Iterable[_Union[QueueDescriptor, _Mapping]]] = ...) -> None: ...

class CleanupRequest(_message.Message):
    __slots__ = ("strategy_id",)
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    def __init__(self, strategy_id: _Optional[str] = ...) -> None: ...

class CleanupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueueStatsRequest(_message.Message):
    __slots__ = ("filter",)
    FILTER_FIELD_NUMBER: _ClassVar[int]
    filter: str
    def __init__(self, filter: _Optional[str] = ...) -> None: ...

class QueueStats(_message.Message):
    __slots__ = ("sizes",)
    class SizesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    SIZES_FIELD_NUMBER: _ClassVar[int]
    sizes: _containers.ScalarMap[str, int]
    def __init__(self, sizes: _Optional[_Mapping[str, int]] = ...) -> None: ...

class RedoDiffRequest(_message.Message):
    __slots__ = ("sentinel_id", "dag_json")
    SENTINEL_ID_FIELD_NUMBER: _ClassVar[int]
    DAG_JSON_FIELD_NUMBER: _ClassVar[int]
    sentinel_id: str
    dag_json: str
    def __init__(self, sentinel_id: _Optional[str] = ..., dag_json: _Optional[str] = ...) -> None: ...

class DiffResult(_message.Message):
    __slots__ = ("queue_map", "sentinel_id", "version")
    class QueueMapEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    QUEUE_MAP_FIELD_NUMBER: _ClassVar[int]
    SENTINEL_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    queue_map: _containers.ScalarMap[str, str]
    sentinel_id: str
    version: str
    def __init__(self, queue_map: _Optional[_Mapping[str, str]] = ..., sentinel_id: _Optional[str] = ..., version: _Optional[str] = ...) -> None: ...
