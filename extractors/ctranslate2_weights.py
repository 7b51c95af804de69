"""The arrays of a CTranslate2 ``model.bin``, read with ``struct`` and numpy (no pickle, no code executed).

CTranslate2's binary format (version 6, as ``ctranslate2.specs.ModelSpec.save`` writes it): a little-endian
``uint32`` format version, the spec's name (``uint16`` length counting the NUL, then the bytes) and ``uint32``
revision, a ``uint32`` variable count, then per variable its name, an ``uint8`` rank, ``uint32`` dimensions, an
``uint8`` type id and a ``uint32`` byte count before the raw array. Only the float and integer arrays whose name
starts with ``prefix`` are kept, so reading Whisper's encoder leaves its decoder on disk.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

DTYPES: dict[int, np.dtype] = {
    0: np.dtype("<f4"),
    1: np.dtype("i1"),
    2: np.dtype("<i2"),
    3: np.dtype("<i4"),
    4: np.dtype("<f2"),
}
"""CTranslate2's type ids (``DataType`` in its sources); 5 (bfloat16) is read as float32 below."""
BFLOAT16 = 5
SUPPORTED_VERSIONS = (5, 6)


class WeightsFormatError(ValueError):
    """The file is not a CTranslate2 model this reader knows; the message names the file and what is wrong."""


def read_ctranslate2(path: Path, prefix: str = "") -> dict[str, np.ndarray]:
    """Every variable of ``path`` whose name starts with ``prefix``, as a read-only numpy array."""
    data = memoryview(Path(path).read_bytes())
    offset = 0

    def take(fmt: str) -> int:
        nonlocal offset
        size = struct.calcsize(fmt)
        if offset + size > len(data):
            raise WeightsFormatError(f"{path}: truncated at byte {offset}")
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += size
        return int(value)

    def text() -> str:
        nonlocal offset
        length = take("<H")
        raw = bytes(data[offset : offset + length]).rstrip(b"\0")
        offset += length
        return raw.decode("utf-8", errors="replace")

    version = take("<I")
    if version not in SUPPORTED_VERSIONS:
        raise WeightsFormatError(f"{path}: CTranslate2 format version {version}, expected one of {SUPPORTED_VERSIONS}")
    text()  # the spec's name
    take("<I")  # its revision
    arrays: dict[str, np.ndarray] = {}
    for _ in range(take("<I")):
        name = text()
        dims = tuple(take("<I") for _ in range(take("<B")))
        type_id, size = take("<B"), take("<I")
        if offset + size > len(data):
            raise WeightsFormatError(f"{path}: variable {name!r} runs past the end of the file")
        if name.startswith(prefix):
            raw = data[offset : offset + size]
            if type_id == BFLOAT16:  # the upper half of a float32
                array = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)
            elif type_id in DTYPES:
                array = np.frombuffer(raw, DTYPES[type_id])
            else:
                raise WeightsFormatError(f"{path}: variable {name!r} has unknown type id {type_id}")
            if array.size != int(np.prod(dims, dtype=np.int64)):
                raise WeightsFormatError(f"{path}: variable {name!r} holds {array.size} values for shape {dims}")
            arrays[name] = array.reshape(dims)
        offset += size
    return arrays
