"""The flows' cache records are data, never code: a record is read only when it is plain JSON emoflow wrote.

Prefect decides a cache hit by finding a record under the task's cache key and deserialises it with whatever
serializer the record names (pickle included, or any importable function as the JSON object decoder). A store
can be shared or copied, so anyone able to write ``<store>/_cache/prefect`` could otherwise run code as the user.
Before a task is submitted, :func:`check_record` reads its record (if any) as plain JSON and refuses it, with
one clear line naming the file, unless it names exactly Prefect's default JSON serializer and its result is
plain JSON with no encoded objects. Nothing in a refused record is deserialised.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from prefect import Task
from prefect.serializers import JSONSerializer

from emoflow.flows.cache_keys import result_storage

EXPECTED_SERIALIZER = JSONSerializer().model_dump()
"""What the flows' tasks write (``result_serializer="json"``): Prefect's JSON serializer with its defaults."""
ENCODED_OBJECT_KEYS = ("__class__", "__exc_type__")


class UnsafeCacheRecordError(ValueError):
    """A cache record that emoflow did not write as plain JSON; it is never deserialised."""


def record_path(store: str, task: Task[..., Any], args: tuple[Any, ...]) -> Path | None:
    """Where the task's cache record for ``args`` lives (None for a task without a cache key function)."""
    key_fn = task.cache_key_fn
    if key_fn is None:
        return None
    parameters = dict(inspect.signature(task.fn).bind(*args).arguments)
    key = key_fn(None, parameters)  # type: ignore[arg-type]
    return None if key is None else result_storage(store) / key


def check_record(path: Path) -> None:
    """Refuse the record at ``path`` unless it is plain JSON with Prefect's default JSON serializer."""
    if not path.is_file():
        return
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        serializer = record["metadata"]["serializer"]
    except (ValueError, KeyError, TypeError) as error:
        raise UnsafeCacheRecordError(
            f"cache record {path} is not a JSON record emoflow wrote ({error}); refusing to "
            "read it: delete it to recompute that task"
        ) from None
    if serializer != EXPECTED_SERIALIZER:
        named = serializer.get("type") if isinstance(serializer, dict) else serializer
        raise UnsafeCacheRecordError(
            f"cache record {path} names the {named!r} serializer (or a decoder) emoflow never writes; refusing to "
            "read it, since deserialising it could run code: delete it to recompute that task"
        )
    try:
        result = json.loads(record["result"])
    except (ValueError, KeyError, TypeError) as error:
        raise UnsafeCacheRecordError(
            f"cache record {path} holds no JSON result ({error}); refusing to read it: delete it to recompute that task"
        ) from None
    if _holds_encoded_objects(result):
        raise UnsafeCacheRecordError(
            f"cache record {path} holds encoded Python objects emoflow never writes; refusing "
            "to read it: delete it to recompute that task"
        )


def _holds_encoded_objects(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k in value for k in ENCODED_OBJECT_KEYS) or any(_holds_encoded_objects(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_encoded_objects(v) for v in value)
    return False
