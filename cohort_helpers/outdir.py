"""Output folders: one run per folder, checked before any work, nothing half-written.

The policy (what ``cohort inventory --out DIR`` and
:func:`cohort_helpers.inventory.write_outputs` do):

- ``DIR`` may be missing (it is created), empty, or hold **exactly one
  earlier run** of this tool: the files listed in its ``metadata.json``,
  unchanged since they were written. An earlier run is replaced as a whole,
  so a folder never mixes two runs.
- Anything else is refused **before the computation starts**
  (:func:`check_output_dir`): ``DIR`` naming a file, a folder that cannot be
  written, or a folder holding other files (your own notes, a file changed
  after the run, Excel's ``~$`` lock file of an open workbook). The message
  lists the files and says what to do.
- Files are first written into a hidden staging folder inside ``DIR``
  (``.cohort-partial-*``) and moved into place only when every file is
  complete. When the run fails, or is stopped with Ctrl-C or SIGTERM (the
  ``cohort`` command turns SIGTERM into a normal exit), the staging folder is
  removed: no half-written ``lines.csv`` or empty workbook is left. A staging
  folder left by a killed process (SIGKILL, power cut) is removed by the
  next run.

Examples
--------
>>> with OutputFolder("build/inv") as out:                 # doctest: +SKIP
...     (out.path("a.csv")).write_text("x\\n")
...     written = out.commit({"member": "cedar_valley"})
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from . import __version__

__all__ = ["MANIFEST", "OutputDirError", "check_output_dir", "earlier_run", "OutputFolder"]

#: The run's metadata file; it lists every file of the run with its SHA-256.
MANIFEST = "metadata.json"
#: Marker of the tool in the manifest.
TOOL = "cohort-helpers"
_STAGING = ".cohort-partial-"


class OutputDirError(ValueError):
    """The output folder cannot be used; the message says why and what to do."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def earlier_run(path: str | os.PathLike) -> dict | None:
    """The manifest of the earlier run in ``path``, or ``None`` when there is none.

    Parameters
    ----------
    path : str or path-like
        An output folder (it need not exist).

    Returns
    -------
    dict or None
        The parsed ``metadata.json`` of this tool's earlier run (``tool``,
        ``version``, ``run_id``, ``written``, the run's metadata and ``files``:
        file name -> SHA-256); None when the folder has no manifest, or one
        that is unreadable or not this tool's.

    Examples
    --------
    >>> earlier_run("no_such_folder") is None
    True
    >>> with OutputFolder("run1") as out:
    ...     _ = out.path("a.csv").write_text("x\\n")
    ...     _ = out.commit({"member": "cedar_valley"})
    >>> doc = earlier_run("run1")
    >>> doc["tool"], doc["member"], list(doc["files"])
    ('cohort-helpers', 'cedar_valley', ['a.csv'])
    """
    m = Path(path) / MANIFEST
    if not m.is_file():
        return None
    try:
        doc = json.loads(m.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(doc, dict)
        or doc.get("tool") != TOOL
        or not isinstance(doc.get("files"), dict)
    ):
        return None
    return doc


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(_STAGING))


def _foreign(folder: Path) -> list[str]:
    """Entries of ``folder`` that are not an unchanged file of its earlier run."""
    entries = _entries(folder)
    if not entries:
        return []
    doc = earlier_run(folder)
    files = doc["files"] if doc else {}
    out = []
    for p in entries:
        if p.name == MANIFEST and doc:
            continue
        if p.is_dir() or p.name not in files:
            out.append(f"{p.name}{'/' if p.is_dir() else ''}")
        elif _sha256(p) != files[p.name]:
            out.append(f"{p.name} (changed since cohort wrote it)")
    return out


def _writable_dir(folder: Path) -> str | None:
    """None when a file can be created in ``folder``, else the reason."""
    try:
        probe = folder / f"{_STAGING}probe-{secrets.token_hex(4)}"
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        return exc.strerror or exc.__class__.__name__
    return None


def check_output_dir(path: str | os.PathLike) -> Path:
    """Check an output folder before any computation; raise a clear error when it won't do.

    Parameters
    ----------
    path : path
        The ``--out`` folder.

    Returns
    -------
    Path
        The folder (not created yet when missing).

    Raises
    ------
    OutputDirError
        ``path`` is a file; a parent is a file; the folder (or the one it
        would be created in) cannot be written; or it holds files this tool
        did not write in one run (they are listed).

    Examples
    --------
    >>> check_output_dir("build/new_folder")  # doctest: +SKIP
    PosixPath('build/new_folder')
    """
    p = Path(path).expanduser()
    if p.exists() and not p.is_dir():
        raise OutputDirError(
            f"--out {p}: this is a file, not a folder. Give a folder name "
            "(a new one is created), e.g. --out build/inventory."
        )
    if p.is_dir():
        why = _writable_dir(p)
        if why:
            raise OutputDirError(
                f"--out {p}: cannot write in this folder ({why}). Choose a folder you can "
                "write to, or fix its permissions."
            )
        foreign = _foreign(p)
        if foreign:
            shown = ", ".join(foreign[:8]) + (
                f" and {len(foreign) - 8} more" if len(foreign) > 8 else ""
            )
            raise OutputDirError(
                f"--out {p}: the folder holds files that are not one earlier run of cohort: "
                f"{shown}. Nothing was written. Choose a new or empty folder, or move those "
                "files away (a folder holding exactly one earlier run is replaced as a whole; "
                "close the workbook in Excel if a '~$' file is listed)."
            )
        return p
    parent = p.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutputDirError(
            f"--out {p}: {parent} is a file, so the folder cannot be created there. "
            "Choose another path."
        )
    why = _writable_dir(parent)
    if why:
        raise OutputDirError(
            f"--out {p}: cannot create the folder in {parent} ({why}). Choose a folder you "
            "can write to."
        )
    return p


class OutputFolder:
    """A run's output folder as a transaction (see the module docstring for the policy).

    Use as a context manager: write every file to :meth:`path`, then call
    :meth:`commit` with the run's metadata. Leaving the block without a
    commit (an error, Ctrl-C, SIGTERM in the CLI) removes everything written.
    """

    def __init__(self, path: str | os.PathLike):
        self.target = check_output_dir(path)
        self.staging: Path | None = None
        self.committed: list[Path] = []

    def __enter__(self) -> OutputFolder:
        self._created = not self.target.exists()
        self.target.mkdir(parents=True, exist_ok=True)
        for old in self.target.glob(f"{_STAGING}*"):  # left by a killed process
            shutil.rmtree(old, ignore_errors=True)
        self.staging = self.target / f"{_STAGING}{secrets.token_hex(6)}"
        self.staging.mkdir()
        return self

    def path(self, name: str) -> Path:
        """Where to write the file ``name`` of this run (in the staging folder)."""
        if self.staging is None:
            raise RuntimeError("Use OutputFolder as a context manager (with ... as out).")
        if "/" in name or "\\" in name or name in ("", ".", "..", MANIFEST):
            raise ValueError(f"{name!r}: give a plain file name (not {MANIFEST}).")
        return self.staging / name

    def commit(self, metadata: dict[str, Any] | None = None) -> list[Path]:
        """Move the run's files into the folder, replacing an earlier run; write the manifest.

        Returns
        -------
        list of Path
            The files of the run in the output folder, the manifest last.
        """
        if self.staging is None:
            raise RuntimeError("commit() outside the with-block.")
        # the folder must still be ours: checked again right before replacing
        foreign = _foreign(self.target)
        if foreign:
            raise OutputDirError(
                f"{self.target}: files appeared while the run was computing: "
                f"{', '.join(foreign[:8])}. Nothing was replaced; the run's files were not kept."
            )
        names = sorted(p.name for p in self.staging.iterdir())
        files = {n: _sha256(self.staging / n) for n in names}
        doc = {
            "tool": TOOL,
            "version": _version(),
            "run_id": secrets.token_hex(8),
            "written": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            **(metadata or {}),
            "files": files,
        }
        (self.staging / MANIFEST).write_text(
            json.dumps(doc, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        old = earlier_run(self.target)
        if old:
            for n in old["files"]:
                if n not in files:
                    (self.target / n).unlink(missing_ok=True)
        for n in names:
            os.replace(self.staging / n, self.target / n)
        os.replace(self.staging / MANIFEST, self.target / MANIFEST)
        self.committed = [self.target / n for n in names] + [self.target / MANIFEST]
        return self.committed

    def __exit__(self, *exc) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        if exc[0] is not None and not self.committed and getattr(self, "_created", False):
            try:  # leave no empty folder behind that this run created
                if not any(self.target.iterdir()):
                    self.target.rmdir()
            except OSError:
                pass


def _version() -> str:
    return str(__version__)
