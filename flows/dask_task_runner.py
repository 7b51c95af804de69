"""Tasks on a Dask cluster: the cluster spec users give, and prefect-dask's runner built from it.

See :mod:`emoflow.flows.task_runner` for how a flow is pointed at a cluster (``EMOFLOW_TASK_RUNNER``,
``emoflow pipeline --task-runner``) and docs/orchestration.md for the spec's fields.
"""

from __future__ import annotations

import importlib
import json
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from prefect_dask import DaskTaskRunner
from pydantic import BaseModel, ConfigDict, ValidationError

LOCAL_CLUSTER = "distributed.LocalCluster"
LOOPBACK = {"host": "127.0.0.1", "dashboard_address": "127.0.0.1:8787"}
"""A LocalCluster listens on loopback only: its scheduler and dashboard have no authentication."""
CONNECT_TIMEOUT_S = 10


class DaskSpec(BaseModel):
    """A Dask cluster to run tasks on: an existing one (``address``) or one the flow starts and stops."""

    model_config = ConfigDict(extra="forbid")

    address: str | None = None
    cluster_class: str = LOCAL_CLUSTER
    cluster_kwargs: dict[str, Any] = {}
    adapt_kwargs: dict[str, Any] | None = None
    client_kwargs: dict[str, Any] = {}


def dask_spec(spec: str) -> DaskSpec:
    """``spec`` (``dask``, an address, inline JSON/YAML or a file holding it) as a validated :class:`DaskSpec`."""
    if spec == "dask":
        return DaskSpec()
    if "://" in spec and not spec.lstrip().startswith("{"):
        return DaskSpec(address=spec)
    text = spec
    if spec.endswith((".yaml", ".yml", ".json")):
        path = Path(spec).expanduser()
        if not path.is_file():
            raise ValueError(f"task runner file {spec} does not exist")
        text = path.read_text(encoding="utf-8")
    elif not spec.startswith("{"):
        raise ValueError(
            f"unknown task runner {spec!r}: threads, dask, a Dask scheduler address (tcp://host:8786), "
            "or a Dask spec as JSON/YAML (inline or a .yaml/.json file; docs/orchestration.md)"
        )
    import yaml

    try:
        loaded = yaml.safe_load(text)
        return DaskSpec.model_validate(loaded if isinstance(loaded, dict) else json.loads(text))
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise ValueError(f"task runner spec is not JSON or YAML: {str(error).splitlines()[0]}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'spec'}: {e['msg']}" for e in error.errors())
        raise ValueError(f"task runner spec: {problems}") from None


class CheckedDaskTaskRunner(DaskTaskRunner):
    """prefect-dask's runner, saying clearly when no scheduler answers at the address (instead of a timeout)."""

    def __enter__(self) -> Any:
        """Check the scheduler's address (when given), then start as prefect-dask does."""
        if self.address:
            check_scheduler(self.address)
        return super().__enter__()


def dask_runner(spec: DaskSpec) -> CheckedDaskTaskRunner:
    """A Dask task runner for ``spec`` (the cluster class imported now: a missing package is a clear error)."""
    if spec.address:
        if spec.cluster_kwargs or spec.adapt_kwargs or spec.cluster_class != LOCAL_CLUSTER:
            raise ValueError("task runner spec: give either address or cluster_class/cluster_kwargs/adapt_kwargs")
        return CheckedDaskTaskRunner(address=spec.address, client_kwargs=spec.client_kwargs)
    cluster_class = import_cluster_class(spec.cluster_class)
    kwargs = {**LOOPBACK, **spec.cluster_kwargs} if spec.cluster_class == LOCAL_CLUSTER else spec.cluster_kwargs
    return CheckedDaskTaskRunner(
        cluster_class=cluster_class,
        cluster_kwargs=kwargs,
        adapt_kwargs=spec.adapt_kwargs,
        client_kwargs=spec.client_kwargs,
    )


def import_cluster_class(name: str) -> Any:
    """The cluster class ``module.Class``, or a clear error naming the package to install."""
    module_name, _, class_name = name.rpartition(".")
    if not module_name:
        raise ValueError(f"cluster_class {name!r} must be a qualified name, e.g. dask_jobqueue.SLURMCluster")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        package = module_name.split(".")[0].replace("_", "-")
        raise ValueError(
            f"cluster_class {name!r} is not installed ({error}); install it where the flow runs: pip install {package}"
        ) from None
    if not hasattr(module, class_name):
        raise ValueError(f"cluster_class {name!r}: {module_name} has no {class_name}")
    return getattr(module, class_name)


def check_scheduler(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Raise a clear ``ValueError`` when nothing listens at the scheduler ``address`` (host and port)."""
    parts = urlsplit(address)
    if not parts.hostname or not parts.port:
        raise ValueError(f"Dask scheduler address {address!r} needs a host and a port, e.g. tcp://127.0.0.1:8786")
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=timeout_s).close()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ValueError(
            f"no Dask scheduler answers at {address} ({reason}); start one (dask scheduler) or fix the address"
        ) from None
