"""The knowledge-base cache: what a rules folder reads to, once validated, kept on disk by
content hash so that the next process loading the same folder skips the reading and the
checks (a command line run again and again answers at once).

* **Where**: ``$KZPOLICY_CACHE_DIR``, else the user cache folder of the platform
  (``$XDG_CACHE_HOME/kzpolicy``, by default ``~/.cache/kzpolicy``, on Linux and other
  Unix; ``~/Library/Caches/kzpolicy`` on macOS; ``%LOCALAPPDATA%\\kzpolicy\\Cache`` on
  Windows), made private (mode 700) when kzpolicy makes it.
* **Key**: a hash of every entry under the folder (its path in the folder, whether it is
  a link, and a regular file's bytes, ``readings/`` included), the folder's resolved
  path, the reading limits in force, the size and time of every module of kzpolicy and
  Python's version. Any change to any file of the folder, or to kzpolicy, makes a new
  key; old entries are simply not read.
* **Writers**: an entry is written to a temporary file in the cache folder, then renamed
  over its name (``os.replace``), so concurrent writers and readers never see half an
  entry.
* **A corrupt entry** (one that does not unpickle into what kzpolicy writes) is ignored,
  with a warning on stderr, and written again.
* **Safety**: entries are pickles, and unpickling runs code. kzpolicy reads only entries
  it could have written itself: a regular file owned by this user in a folder owned by
  this user, neither of them writable by group or others; any other is ignored with a
  warning. Keep the cache folder private to you.
* **Off**: ``KZPOLICY_NO_CACHE=1``, the command line's ``--no-cache``, or :func:`off`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import stat
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kzpolicy.kb.folder import RawKB
from kzpolicy.kb.gcpause import gc_paused

__all__ = ["CACHE_ENV", "NO_CACHE_ENV", "cache_folder", "enabled", "entry_key", "off",
           "read", "write"]

#: the environment variable naming the cache folder (else the platform's user cache)
CACHE_ENV = "KZPOLICY_CACHE_DIR"
#: the environment variable that turns the cache off when set to anything but "" or "0"
NO_CACHE_ENV = "KZPOLICY_NO_CACHE"

_FORMAT = b"kzpolicy-kb-cache 2\n"
_PACKAGE = Path(__file__).resolve().parents[1]
_OFF: ContextVar[bool] = ContextVar("kzpolicy_no_cache", default=False)


def enabled() -> bool:
    """Whether loading uses the cache: ``KZPOLICY_NO_CACHE`` unset, empty or ``0``, and
    not inside :func:`off`."""
    return not _OFF.get() and os.environ.get(NO_CACHE_ENV, "") in ("", "0")


@contextmanager
def off() -> Iterator[None]:
    """No cache inside the block, in this thread or task (the command line's
    ``--no-cache``)."""
    token = _OFF.set(True)
    try:
        yield
    finally:
        _OFF.reset(token)


def cache_folder() -> Path:
    """Where entries are kept (see the module's docstring)."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "kzpolicy" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "kzpolicy"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kzpolicy"


def entry_key(root: Path, limits: object, most: int) -> str | None:
    """The key of the entry for folder ``root`` read under ``limits``; None when the folder
    cannot be read whole or holds a file over ``most`` bytes (loading says why)."""
    h = hashlib.sha256(_FORMAT)
    try:
        h.update(f"{sys.version}\0{root.resolve()}\0{limits!r}\0".encode())
        for path, name in _files(str(_PACKAGE), ".py"):
            st = os.stat(path)
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        for path, name in _files(str(root), None):
            link = "link" if os.path.islink(path) else "file"
            h.update(f"{name}\0{link}\0".encode())
            if not os.path.isfile(path):  # a FIFO, a dangling link...: never opened
                continue
            if os.stat(path).st_size > most:
                return None
            with open(path, "rb") as handle:
                h.update(handle.read())
            h.update(b"\0")
    except OSError:
        return None
    return h.hexdigest()


def _files(top: str, suffix: str | None) -> list[tuple[str, str]]:
    """Every regular file under ``top`` (with ``suffix``, when given), in a fixed order:
    its path, and its path in ``top`` (plain strings: a cached load's key is made in
    every process, and paths as objects cost it a millisecond)."""
    out = []
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        inside = os.path.relpath(folder, top)
        out += [(os.path.join(folder, n), n if inside == os.curdir else os.path.join(inside, n))
                for n in sorted(names) if suffix is None or n.endswith(suffix)]
    return out


def read(key: str) -> RawKB | None:
    """The entry ``key`` names, or None (none there, or one ignored with a warning)."""
    path = cache_folder() / f"{key}.pickle"
    try:
        handle = path.open("rb")
    except OSError:
        return None
    with handle:
        refused = _unsafe(path, os.fstat(handle.fileno()))
        if refused:
            _warn(f"ignoring the knowledge-base cache entry {path}: {refused}")
            return None
        try:
            if handle.read(len(_FORMAT)) != _FORMAT:
                raise ValueError("not a kzpolicy cache entry")
            with gc_paused():  # a million objects, no cycles among them
                parts = pickle.load(handle)  # kzpolicy's own, checked above
            return _raw(parts)
        except Exception as exc:  # any damage at all: rebuilt below
            _warn(f"ignoring a corrupt knowledge-base cache entry {path} "
                  f"({type(exc).__name__}: {exc}); it is rebuilt")
            return None


def write(key: str, raw: RawKB) -> None:
    """Keep ``raw`` under ``key``; a cache folder that cannot be written is skipped with a
    warning (loading goes on)."""
    import tempfile  # only a process that writes an entry needs it

    folder = cache_folder()
    parts = (raw.root, raw.digest, dict(raw.singletons),
             {k: tuple(v) for k, v in raw.lists.items()}, raw.reading, raw.version)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_FORMAT)
                _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(parts)
            os.replace(temp, folder / f"{key}.pickle")
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        _warn(f"cannot write the knowledge-base cache in {folder} ({exc}); set "
              f"{CACHE_ENV} to a folder of yours, or {NO_CACHE_ENV}=1")


class _Pickler(pickle.Pickler):
    """Frozen dataclasses with slots pickled as their class and field values, rebuilt by
    :func:`_rebuild` (the dataclass's own ``__setstate__`` looks its fields up again for
    every object: most of a cached load's time)."""

    def reducer_override(self, obj: Any) -> Any:
        names = _frozen_fields(type(obj))
        if names is None:
            return NotImplemented
        return _rebuild, (type(obj), tuple(map(obj.__getattribute__, names)))


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _frozen_fields(cls: type) -> tuple[str, ...] | None:
    """The field names of a frozen dataclass with slots (None for any other class)."""
    if cls not in _FIELDS:
        params = getattr(cls, "__dataclass_params__", None)
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls)) if (
            params is not None and params.frozen and "__slots__" in cls.__dict__) else None
    return _FIELDS[cls]


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    """An object of the frozen dataclass ``cls`` with these field values (no
    ``__init__``: the values were checked when it was first built)."""
    obj: Any = object.__new__(cls)
    for name, value in zip(_frozen_fields(cls) or (), values, strict=True):
        _SET(obj, name, value)
    return obj


_SET = object.__setattr__


def _unsafe(path: Path, st: os.stat_result) -> str:
    """Why the entry at ``path`` (``st``: its status) is not to be unpickled, or ''."""
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if not hasattr(os, "getuid"):
        return ""  # Windows: the user profile's folder is private
    folder = path.parent.stat()
    for what, s in (("the entry", st), ("the cache folder", folder)):
        if s.st_uid != os.getuid():
            return f"{what} is not owned by this user"
        if s.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"{what} is writable by others (chmod go-w it)"
    return ""


def _raw(parts: Any) -> RawKB:
    """The RawKB an entry holds, or ValueError when it holds anything else."""
    root, digest, singletons, lists, reading, version = parts
    if not (isinstance(root, Path) and isinstance(digest, str) and isinstance(reading, str)
            and isinstance(singletons, dict) and isinstance(lists, dict)
            and (version is None or isinstance(version, str))):
        raise ValueError("not what kzpolicy writes")
    return RawKB(root, digest, MappingProxyType(singletons), MappingProxyType(lists),
                 reading, version)


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=4)
