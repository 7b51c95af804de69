"""The install check names the packages of a dependency that does not load."""

from __future__ import annotations

from emoflow.core import install_check


def test_every_dependency_loads_in_the_locked_environment():
    assert install_check.failures() == []


def test_a_broken_pair_is_one_line_naming_the_packages_and_versions(monkeypatch, capsys):
    def broken() -> None:
        raise OSError("libtorchaudio.so: undefined symbol: torch_exception_get_what_without_backtrace\nmore")

    monkeypatch.setattr(install_check, "CHECKS", {"torchaudio": (("torchaudio", "torch"), broken)})
    assert install_check.main() == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("install check: torchaudio does not load (torchaudio (not installed), torch 2.11.0)")
    assert first.endswith("undefined symbol: torch_exception_get_what_without_backtrace")
