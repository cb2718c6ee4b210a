"""The on-disk cache of the cohort's results: fingerprints, keys, atomic files, a build lock.

:func:`cohort_helpers.cohort_runner.cohort_results` keeps every cohort
computation as three files named ``<stem>_<key>`` in ``<cache>/results``
(:func:`cache_files`): the two tables of a
:class:`cohort_helpers.compare.CohortResults` and a JSON file with the
settings. The key (:func:`cache_key`) is a hash of the settings and of the
fingerprints of every input (:func:`input_fingerprints`), so a changed file
or setting never reads stale results. Files are written through a temporary
name (:func:`write_atomic`); a lock file with a heartbeat
(:func:`acquire_lock`) lets a second process wait for a build in progress
instead of computing the same results; :func:`prune` keeps the
:data:`KEEP_RESULTS` most recently used entries.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> sorted(p.name for p in cache_files(folder / "cohort_abc").values())
['cohort_abc.categories.csv', 'cohort_abc.json', 'cohort_abc.lock', 'cohort_abc.member_years.csv']
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path

import pandas as pd

from . import data, paths
from .compare import CATEGORY_COLUMNS, MEMBER_YEAR_COLUMNS

__all__ = [
    "ENGINE_MODULES",
    "KEEP_RESULTS",
    "RESULTS_FORMAT",
    "acquire_lock",
    "cache_files",
    "cache_key",
    "input_fingerprints",
    "owner_gone",
    "prune",
    "read_cache",
    "sha256_file",
    "write_atomic",
]

#: Bump when the cached tables change shape: old cache files are then ignored.
RESULTS_FORMAT = 1

#: Modules whose code changes the numbers (part of the cache key; changes in
#: ``compare``, ``cohort_runner`` or this module that change the cached tables
#: bump RESULTS_FORMAT instead).
ENGINE_MODULES = (
    "ledger", "exclude", "classify", "factors", "adjust", "data", "inventory", "members",
    "workspace",
)  # fmt: skip

#: How many cached cohort results (settings/data versions) to keep.
KEEP_RESULTS = 8


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB chunks.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_fingerprints(
    files: pd.DataFrame,
    factors: str | os.PathLike,
    rules: Path,
    *,
    extra: Sequence[Path] = (),
) -> dict[str, str]:
    """Fingerprints of everything the cohort's results depend on.

    The members' tables, the ledgers and column mappings in ``files``, the
    ``extra`` files, the rules and public tables and a factor file are
    fingerprinted by their SHA-256; so is the source of every module in
    :data:`ENGINE_MODULES`; the large published reference files (verified by
    their own SHA-256 when installed) by path, size and modification time.

    Parameters
    ----------
    files : DataFrame
        ``ledger`` and ``mapping`` paths, one row per member-year (as
        :func:`cohort_helpers.members.ledger_files` returns).
    factors : str or path
        A factor set name, or a factor file (then fingerprinted).
    rules : Path
        The folder of classification/exclusion rules (its ``*.csv``).
    extra : sequence of Path
        More files to fingerprint (e.g. a workspace member's ``member.yaml``).

    Returns
    -------
    dict
        File name (relative to the datasets folder when inside it),
        ``engine:<module>`` or ``reference:<name>`` -> fingerprint.

    Examples
    --------
    >>> from cohort_helpers import members, paths
    >>> fp = input_fingerprints(members.ledger_files("northgate"), "sef_v1.3",
    ...                         paths.datasets_dir() / "classify")
    >>> "members/members.csv" in fp, len(fp["engine:ledger"])
    (True, 64)
    """

    root = paths.datasets_dir()

    def name(p: Path) -> str:
        try:
            return Path(p).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(Path(p).resolve())

    mine: set[Path] = {
        root / "members" / f for f in ("members.csv", "ledgers.csv", "residents.csv")
    }
    mine |= {Path(p) for p in files["ledger"]} | {Path(p) for p in files["mapping"]}
    mine |= {Path(p) for p in extra}
    mine |= set(rules.glob("*.csv")) | set((root / "public").glob("*.csv"))
    if Path(str(factors)).is_file():
        mine.add(Path(str(factors)))
    out = {name(p): sha256_file(p) for p in sorted(mine) if p.is_file()}
    # the engine's own code: a change in how lines are read, classified or priced
    # invalidates results even before the package version is bumped
    here = Path(__file__).resolve().parent
    for module in ENGINE_MODULES:
        src = here / f"{module}.py"
        if src.is_file():
            out[f"engine:{module}"] = sha256_file(src)
    # published reference files are large and verified by their own SHA-256: size + mtime
    for ref in data.REGISTRY:
        found = data.locate(ref)
        if found is not None:
            st = found[0].stat()
            out[f"reference:{ref}"] = f"{found[0]}|{st.st_size}|{st.st_mtime_ns}"
    return out


def cache_key(settings: dict, inputs: dict[str, str]) -> str:
    """The cache key: a SHA-256 of :data:`RESULTS_FORMAT`, the settings and the inputs.

    Parameters
    ----------
    settings : dict
        The settings of the computation (factor set, price method, ...).
    inputs : dict
        :func:`input_fingerprints`.

    Returns
    -------
    str
        64 hexadecimal digits; the same for the same settings and inputs in
        any key order.

    Examples
    --------
    >>> cache_key({"a": 1, "b": 2}, {}) == cache_key({"b": 2, "a": 1}, {})
    True
    >>> cache_key({"a": 1}, {}) == cache_key({"a": 2}, {})
    False
    """
    blob = json.dumps({"format": RESULTS_FORMAT, "settings": settings, "inputs": inputs},
                      sort_keys=True, default=str)  # fmt: skip
    return hashlib.sha256(blob.encode()).hexdigest()


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then ``os.replace``.

    A reader sees the old file or the whole new one, never half a file; on
    failure nothing is left behind and the error is raised again.

    Parameters
    ----------
    path : Path
        The file to write.
    write : callable
        Writes the content to the temporary path it is given.

    Returns
    -------
    None

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> target = Path(tempfile.mkdtemp()) / "t.txt"
    >>> write_atomic(target, lambda p: p.write_text("ok"))
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('ok', ['t.txt'])
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def cache_files(prefix: Path) -> dict[str, Path]:
    """The files of one cache entry: ``categories``, ``member_years``, ``meta``, ``lock``.

    Parameters
    ----------
    prefix : Path
        ``<cache>/results/<stem>_<key>``.

    Returns
    -------
    dict
        Kind -> path (``<prefix>.categories.csv``, ``<prefix>.member_years.csv``,
        ``<prefix>.json``, ``<prefix>.lock``).

    Examples
    --------
    >>> from pathlib import Path
    >>> cache_files(Path("results/cohort_abc"))["meta"].as_posix()
    'results/cohort_abc.json'
    """
    return {
        "categories": prefix.with_name(prefix.name + ".categories.csv"),
        "member_years": prefix.with_name(prefix.name + ".member_years.csv"),
        "meta": prefix.with_name(prefix.name + ".json"),
        "lock": prefix.with_name(prefix.name + ".lock"),
    }


def read_cache(prefix: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict] | None:
    """The two tables and the metadata of a cache entry, or None if it is not usable.

    Parameters
    ----------
    prefix : Path
        The entry (see :func:`cache_files`).

    Returns
    -------
    tuple or None
        ``(categories, member_years, meta)``; None when a file is missing,
        the columns are not :data:`cohort_helpers.compare.CATEGORY_COLUMNS`
        and :data:`~cohort_helpers.compare.MEMBER_YEAR_COLUMNS`, or a file
        cannot be read (with a warning).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> read_cache(Path(tempfile.mkdtemp()) / "cohort_none") is None
    True
    """
    f = cache_files(prefix)
    if not all(f[k].is_file() for k in ("categories", "member_years", "meta")):
        return None
    try:
        meta = json.loads(f["meta"].read_text(encoding="utf-8"))
        cats = pd.read_csv(
            f["categories"],
            dtype={"member": str, "naics6": str, "joint_agreement": "boolean"},
            keep_default_na=False,
            na_values={"joint_agreement": [""]},
        )
        my = pd.read_csv(
            f["member_years"], dtype={"member": str, "name": str, "currency": str},
            keep_default_na=False,
        )  # fmt: skip
    except (OSError, ValueError) as exc:
        warnings.warn(f"Ignoring an unreadable results cache {prefix}: {exc}", stacklevel=3)
        return None
    if list(cats.columns) != CATEGORY_COLUMNS or list(my.columns) != MEMBER_YEAR_COLUMNS:
        return None
    for col in ("residents", "employees"):  # blank (unknown) for a workspace member: NaN
        my[col] = pd.to_numeric(my[col], errors="coerce")
    return cats, my, meta


def acquire_lock(lock: Path, ready: Callable[[], bool], wait: float, stale: float) -> bool | None:
    """Take the build lock, or learn that another process built the cache meanwhile.

    A lock whose owner stopped its heartbeat (the lock's modification time)
    for ``stale`` seconds, or whose process (on this machine) no longer runs,
    is taken over; after ``wait`` seconds of a live owner we give up waiting.

    Parameters
    ----------
    lock : Path
        The lock file (see :func:`cache_files`).
    ready : callable
        True once the cache entry exists (built by the lock's owner).
    wait : float
        Seconds to wait for a live owner.
    stale : float
        Seconds without a heartbeat after which a lock is taken over.

    Returns
    -------
    bool or None
        True: the lock is ours (it holds our pid and host name; delete it
        when done). False: another process built the entry. None: waited
        ``wait`` seconds, build without the lock (writes stay atomic).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> lock = Path(tempfile.mkdtemp()) / "x.lock"
    >>> acquire_lock(lock, lambda: False, wait=1, stale=60), lock.is_file()
    (True, True)
    >>> acquire_lock(lock, lambda: True, wait=1, stale=60)
    False
    """
    start = time.monotonic()
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if ready():
                return False
            try:
                age = time.time() - lock.stat().st_mtime
            except FileNotFoundError:
                continue
            if age > stale or owner_gone(lock):
                with suppress(FileNotFoundError):
                    lock.unlink()
                continue
            if time.monotonic() - start > wait:
                return None  # build without owning the lock; writes stay atomic
            time.sleep(0.5)
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{os.getpid()} {socket.gethostname()}\n")
        return True


def prune(folder: Path, keep: int, stem: str = "cohort") -> None:
    """Delete all but the ``keep`` most recently used cache entries ``<stem>_*`` in ``folder``.

    Workspace members' entries (another ``stem``) never push out the bundled
    cohort's.

    Parameters
    ----------
    folder : Path
        ``<cache>/results``.
    keep : int
        Entries to keep (by the modification time of their ``.json``).
    stem : str
        Which entries: ``cohort`` or ``member``.

    Returns
    -------
    None

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> for i in range(3):
    ...     for kind in ("categories", "member_years", "meta"):
    ...         p = cache_files(folder / f"cohort_{i}")[kind]
    ...         _ = p.write_text("x")
    ...         os.utime(p, (1000 + i, 1000 + i))
    >>> prune(folder, keep=1)
    >>> sorted(p.name for p in folder.iterdir())
    ['cohort_2.categories.csv', 'cohort_2.json', 'cohort_2.member_years.csv']
    """
    metas = sorted(folder.glob(f"{stem}_*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for meta in metas[keep:]:
        prefix = meta.with_suffix("")
        for kind in ("categories", "member_years", "meta"):
            with suppress(OSError):
                cache_files(prefix)[kind].unlink()


def owner_gone(lock: Path) -> bool:
    """Whether the lock was written by a process of this machine that no longer runs.

    Parameters
    ----------
    lock : Path
        A lock file holding ``<pid> <host name>``.

    Returns
    -------
    bool
        True only when the host is this machine and no process has the pid;
        False for another host, a running process or an unreadable lock.

    Examples
    --------
    >>> import os, socket, tempfile
    >>> from pathlib import Path
    >>> lock = Path(tempfile.mkdtemp()) / "x.lock"
    >>> _ = lock.write_text(f"{os.getpid()} {socket.gethostname()}")
    >>> owner_gone(lock)
    False
    """
    try:
        pid, host = lock.read_text().split()[:2]
        if host != socket.gethostname():
            return False
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError):
        return False
    return False
