"""The knowledge-base cache (kzpolicy.kb.cache): a folder loaded once is read back from
the cache, any change to any file of the folder reads it again, a corrupt or unsafe
entry is ignored with a warning, concurrent writers leave whole entries, and it can be
turned off."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import kzpolicy
from kzpolicy.cli.main import main
from kzpolicy.kb import cache, loading
from kzpolicy.kb.folder import read_folder
from kzpolicy.kb.limits import DEFAULT_LIMITS


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every folder loading reads from its YAML files from now on."""
    seen: list[Path] = []
    real = read_folder

    def spy(root: Path, **kw: bool) -> object:
        seen.append(root)
        return real(root, **kw)

    monkeypatch.setattr(loading, "read_folder", spy)
    return seen


def test_a_folder_loaded_again_is_read_from_the_cache(
        stock_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads(monkeypatch)
    first = kzpolicy.load(stock_copy)
    assert len(_entries(cache_dir)) == 1 and reads == [stock_copy]
    again = kzpolicy.load(stock_copy)
    assert reads == [stock_copy]  # not read a second time
    assert again is not first and again.version == first.version
    assert again.rules == first.rules and again.items == first.items
    assert again.path == stock_copy
    x = {"D1": True, "tough_rivalry": True}
    assert kzpolicy.assess(x, kb=again) == kzpolicy.assess(x, kb=first)
    assert (os.stat(cache_dir).st_mode & 0o777) == 0o700


@pytest.mark.parametrize("change", ["edit", "add", "reading", "other file"])
def test_any_change_to_any_file_of_the_folder_reads_it_again(
        stock_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
        change: str) -> None:
    kzpolicy.load(stock_copy)
    reads = _reads(monkeypatch)
    if change == "edit":
        path = stock_copy / "conditions.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n",
                        encoding="utf-8")
    elif change == "add":
        (stock_copy / "extra.yaml").write_text("rules: []\n", encoding="utf-8")
    elif change == "reading":
        path = next((stock_copy / "readings").glob("*.yaml"))
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        (stock_copy / "NOTES.txt").write_text("a note\n", encoding="utf-8")
    kzpolicy.load(stock_copy)
    assert reads == [stock_copy]
    assert len(_entries(cache_dir)) == 2


def test_a_corrupt_entry_is_ignored_with_a_warning_and_rebuilt(
        stock_copy: Path, cache_dir: Path) -> None:
    want = kzpolicy.load(stock_copy).version
    (entry,) = _entries(cache_dir)
    entry.write_bytes(entry.read_bytes()[:500])
    with pytest.warns(RuntimeWarning, match="corrupt knowledge-base cache entry"):
        assert kzpolicy.load(stock_copy).version == want
    assert len(entry.read_bytes()) > 500  # written again whole
    entry.write_bytes(b"not a pickle")
    with pytest.warns(RuntimeWarning, match="not a kzpolicy cache entry"):
        kzpolicy.load(stock_copy)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_can_write_is_not_unpickled(
        stock_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kzpolicy.load(stock_copy)
    (entry,) = _entries(cache_dir)
    entry.chmod(0o666)
    reads = _reads(monkeypatch)
    with pytest.warns(RuntimeWarning, match="writable by others"):
        kzpolicy.load(stock_copy)
    assert reads == [stock_copy]
    entry.chmod(0o600)
    cache_dir.chmod(0o777)
    with pytest.warns(RuntimeWarning, match="the cache folder is writable by others"):
        kzpolicy.load(stock_copy)
    cache_dir.chmod(0o700)


def test_concurrent_writers_leave_whole_entries(stock_copy: Path, cache_dir: Path) -> None:
    kb = kzpolicy.load(stock_copy)
    key = cache.entry_key(stock_copy, DEFAULT_LIMITS, 10**9)
    assert key is not None
    raw = kb._raw
    threads = [threading.Thread(target=cache.write, args=(key, raw)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.name for p in cache_dir.iterdir()] == [f"{key}.pickle"]  # no temp file left
    found = cache.read(key)
    assert found is not None and found.digest == raw.digest


def test_processes_loading_at_once_all_succeed(stock_copy: Path, cache_dir: Path) -> None:
    code = "import sys, kzpolicy; print(kzpolicy.load(sys.argv[1]).version)"
    procs = [subprocess.Popen([sys.executable, "-W", "error", "-c", code, str(stock_copy)],
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outs = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    assert outs == {kzpolicy.load(stock_copy).version}
    assert len(_entries(cache_dir)) == 1


def test_the_cache_can_be_turned_off(stock_copy: Path, cache_dir: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    kzpolicy.load(stock_copy)
    assert _entries(cache_dir) == []
    monkeypatch.setenv(cache.NO_CACHE_ENV, "0")
    with cache.off():
        kzpolicy.load(stock_copy)
    assert _entries(cache_dir) == []
    assert main(["--no-cache", "assess", "--rules", str(stock_copy), "--set", "D1"]) == 0
    assert _entries(cache_dir) == []
    assert main(["assess", "--rules", str(stock_copy), "--set", "D1"]) == 0
    assert len(_entries(cache_dir)) == 1


def test_a_folder_that_does_not_load_is_not_kept(tmp_path: Path, cache_dir: Path) -> None:
    bad = tmp_path / "rules"
    bad.mkdir()
    (bad / "rules.yaml").write_text("rules: [1]\n", encoding="utf-8")
    with pytest.raises(kzpolicy.KzPolicyError):
        kzpolicy.load(bad)
    assert _entries(cache_dir) == []


def test_an_entry_gives_back_every_part_equal_with_the_collector_paused(
        stock_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import pickle

    raw, _ = read_folder(stock_copy)
    cache.write("k" * 64, raw)
    seen: list[bool] = []
    real = pickle.load

    def spy(handle: Any) -> object:
        seen.append(gc.isenabled())
        return real(handle)

    was = gc.isenabled()
    monkeypatch.setattr(pickle, "load", spy)
    back = cache.read("k" * 64)
    assert seen == [False] and gc.isenabled() == was
    assert back is not None
    assert dict(back.singletons) == dict(raw.singletons)
    assert {k: tuple(v) for k, v in back.lists.items()} == {
        k: tuple(v) for k, v in raw.lists.items()}
    # the frozen dataclasses come back as themselves, field for field, not as copies of
    # another class or with a field missing
    rebuilt = [x for v in back.lists.values() for x in v]
    assert rebuilt and all(type(a) is type(b) for a, b in zip(
        rebuilt, [x for v in raw.lists.values() for x in v], strict=True))
