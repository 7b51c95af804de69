"""Which code produced an output: emoflow's version and a digest of the source of the modules involved.

Extractor ids, run ids and the flows' cache keys include :func:`code_identity`, so fixing an extractor or a model
re-runs what it produced, while unchanged code gives the same ids in every checkout (the digest reads file
contents, never paths). What is digested is the module's normalised syntax tree (``ast.unparse`` of its parse
with docstrings removed): comments, docstrings and formatting cannot change a result, so editing them keeps
every id and cache entry. A module's digest covers the emoflow modules it imports, followed transitively through
``import emoflow...`` statements anywhere in the file. Left out: the flows and the CLI (they only orchestrate),
test data, and the storage layer, whose outputs (utterances, feature tables) enter ids through their content
fingerprints already.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from functools import cache
from pathlib import Path

from emoflow.core.version import __version__

ROOT = "emoflow"
NOT_FOLLOWED = ("emoflow.flows", "emoflow.cli", "emoflow.testing", "emoflow.storage")


def normalised(source: bytes) -> bytes:
    """The code of ``source`` without its comments, docstrings and formatting: its syntax tree, written back."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.unparse(tree).encode()


@cache
def _source(module: str) -> tuple[Path, bytes] | None:
    """The file and normalised code of an emoflow module, or None for a name that is not a module (an attribute)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    path = Path(spec.origin)
    return path, normalised(path.read_bytes())


def _imported(module: str, source: bytes) -> set[str]:
    """The emoflow modules named by the import statements of ``source`` (``from a import b``: ``a`` and ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n == ROOT or n.startswith(f"{ROOT}.")} - {module}


@cache
def module_closure(module: str) -> frozenset[str]:
    """``module`` and the emoflow modules it imports, transitively (:data:`NOT_FOLLOWED` only within their layer)."""
    own_layer = ".".join(module.split(".")[:2])  # e.g. emoflow.storage: followed when the digest is of storage code
    seen: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen or name == ROOT or (name.startswith(NOT_FOLLOWED) and not name.startswith(own_layer)):
            continue
        found = _source(name)
        if found is None:
            continue
        seen.add(name)
        pending.extend(_imported(name, found[1]))
    return frozenset(seen)


def source_digest(*modules: str) -> str:
    """16 hex digits over the normalised code of ``modules`` and all the emoflow modules they import."""
    digest = hashlib.blake2b(digest_size=8)
    for name in sorted(set().union(*(module_closure(m) for m in modules))):
        found = _source(name)
        assert found is not None
        digest.update(name.encode() + b"\0" + found[1] + b"\0")
    return digest.hexdigest()


def code_identity(*modules: str) -> dict[str, str]:
    """``{"emoflow": version, "source": digest}`` of the code in ``modules``: what ids and cache keys include."""
    return {"emoflow": __version__, "source": source_digest(*modules)}
