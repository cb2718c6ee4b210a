"""Friendly errors for homework notebooks: the three common slips, in plain words.

An IPython custom exception handler (``set_custom_exc``) that turns

- a ``KeyError`` on a column or label of a pandas object into
  ``there is no column 'categroy 1'; did you mean 'category 1'?``;
- arithmetic (or indexing) on an unfinished answer, ``...``, into
  ``task 3 uses your answer to task 2: do task 2 first``;
- a ``NameError`` (after a kernel restart, ``check`` is not defined) into
  ``run the cells above this one first (Run > Run All Above Selected Cell)``,
  or ``did you mean ...?`` for a near miss of a defined name.

The message comes first; the full traceback stays one click away (a
collapsed *Full traceback* block under the message, and ``%tb``). Every other
error is shown exactly as IPython shows it.

Installed by the setup cell of each exercise (:func:`cohort_helpers.course.checks.for_session`
calls :func:`install`), and in every kernel of the project's environment as
an IPython extension: ``make`` (the environment set-up) runs
``python -m cohort_helpers.course.homework.errors``, which writes
``<environment>/etc/ipython/ipython_kernel_config.json`` loading this module
(:func:`install_kernel_config`), so a task cell run after a kernel restart,
before the setup cell, is covered too.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"category 1": [1.0], "category 2": [2.0]})
>>> try:
...     df["categroy 1"]
... except KeyError as exc:
...     print(friendly_message(exc))
there is no column 'categroy 1'; did you mean 'category 1'?
"""

from __future__ import annotations

import ast
import builtins
import html
import json
import linecache
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = [
    "HANDLED",
    "RUN_ABOVE",
    "friendly_message",
    "install",
    "install_kernel_config",
    "load_ipython_extension",
    "placeholder_tasks",
    "uninstall",
]

#: Exception types the handler looks at (others are never touched).
HANDLED: tuple[type[BaseException], ...] = (KeyError, TypeError, AttributeError, NameError)
#: What to do when a name the notebook defines is missing.
RUN_ABOVE = "run the cells above this one first (Run > Run All Above Selected Cell)"

_PLACEHOLDER_LABEL = re.compile(r"#\s*YOUR CODE HERE\s*\((?P<label>[^)]*)\)")
_PLACEHOLDER_NAME = re.compile(r"^[ \t]*(?P<name>[A-Za-z_]\w*)[ \t]*=[ \t]*\.\.\.[ \t]*$")
_CHECK_CALL = re.compile(r"\bcheck\.task_(?P<n>\w+)\s*\(")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_NOT_IN = re.compile(r"\[(?P<labels>.*?)\]\s*(?:not in|are in the)")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
#: How close a suggestion must be (rapidfuzz WRatio, 0-100).
MIN_SCORE = 70


# ------------------------------------------------------------------ the messages


def _suggest(wanted: str, candidates: Iterable[Any], cutoff: float = MIN_SCORE) -> str | None:
    """The candidate closest to ``wanted`` (as text), or None when none is close."""
    from rapidfuzz import fuzz, process

    texts = list(dict.fromkeys(str(c) for c in candidates))
    texts = [t for t in texts if t != wanted]
    if not texts or not wanted:
        return None
    best = process.extractOne(wanted, texts, scorer=fuzz.WRatio, score_cutoff=cutoff)
    return best[0] if best else None


def _frames(tb: TracebackType | None) -> list[Any]:
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return frames


def _pandas_owner(frames: Sequence[Any]) -> Any:
    """The outermost pandas DataFrame, Series or Index whose method raised (or None)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return None
    index_found = None
    for frame in frames:
        obj = frame.f_locals.get("self")
        obj = getattr(obj, "obj", obj)  # .loc / .iloc indexers hold the frame in .obj
        if isinstance(obj, pd.DataFrame | pd.Series):
            return obj
        if isinstance(obj, pd.Index) and index_found is None:
            index_found = obj
    return index_found


def _missing_labels(exc: KeyError) -> list[Any]:
    """The labels a KeyError is about: its key, or those quoted in "[...] not in index"."""
    key = exc.args[0] if exc.args else None
    if isinstance(key, str):
        m = _NOT_IN.search(key)
        if m and (key.startswith("[") or key.startswith("None of")):
            return [a or b for a, b in _QUOTED.findall(m.group("labels"))]
    if isinstance(key, tuple | list):
        return list(key)
    return [key]


def _called_from_user(frames: Sequence[Any], user_ns: Mapping[str, Any]) -> list[Any]:
    """The frames below the participant's own code, when it called pandas directly (else [])."""
    mine = [i for i, f in enumerate(frames) if f.f_globals is user_ns]
    below = list(frames[mine[-1] + 1 :]) if mine else []
    if below and str(below[0].f_globals.get("__name__", "")).startswith("pandas"):
        return below
    return []


def _key_message(exc: KeyError, frames: Sequence[Any], user_ns: Mapping[str, Any]) -> str | None:
    import pandas as pd

    owner = _pandas_owner(_called_from_user(frames, user_ns))
    if owner is None:
        return None
    if isinstance(owner, pd.DataFrame):
        places = [("column", owner.columns), ("row label", owner.index)]
    else:
        places = [("label", owner.index if isinstance(owner, pd.Series) else owner)]
    parts = []
    for label in _missing_labels(exc):
        if label is None:
            continue
        text = str(label)
        kind, suggestion = places[0][0], None
        for kind_i, labels in places:
            if isinstance(labels, pd.RangeIndex):
                continue
            suggestion = _suggest(text, labels[:5000])
            if suggestion is not None:
                kind = kind_i
                break
        part = f"there is no {kind} {text!r}"
        if suggestion is not None:
            part += f"; did you mean {suggestion!r}?"
        else:
            shown = [str(c) for c in places[0][1][:8]]
            more = ", ..." if len(places[0][1]) > 8 else ""
            part += f" (the {places[0][0]}s are: {', '.join(map(repr, shown))}{more})"
        parts.append(part)
    return "; ".join(parts) if parts else None


def placeholder_tasks(cells: Iterable[str]) -> dict[str, str]:
    """Name -> task label, from exercise cells' placeholders (``# YOUR CODE HERE (task 2)``).

    Parameters
    ----------
    cells : iterable of str
        Cell sources (e.g. IPython's input history ``_ih``).

    Returns
    -------
    dict of str to str
        Each name assigned ``...`` under a ``# YOUR CODE HERE (<label>)``
        line, with the label (the first one when a name appears twice).

    Examples
    --------
    >>> placeholder_tasks(["# YOUR CODE HERE (task 2)\\nscreening_t = ...\\ncheck.task_2(screening_t)"])
    {'screening_t': 'task 2'}
    """
    found: dict[str, str] = {}
    for source in cells:
        label = None
        for line in str(source).splitlines():
            m = _PLACEHOLDER_LABEL.search(line)
            if m:
                label = m.group("label").strip()
                continue
            m = _PLACEHOLDER_NAME.match(line)
            if m and label:
                found.setdefault(m.group("name"), label)
    return found


def _current_task(source: str) -> str | None:
    m = _PLACEHOLDER_LABEL.search(source)
    if m:
        return m.group("label").strip()
    m = _CHECK_CALL.search(source)
    return f"task {m.group('n')}" if m else None


def _cell_source(frames: Sequence[Any], user_ns: Mapping[str, Any]) -> tuple[str, str]:
    """(source of the running cell, its failing line) from the traceback or the history."""
    history = user_ns.get("_ih") or [""]
    for frame in frames:
        if frame.f_globals is user_ns and frame.f_code.co_name == "<module>":
            filename = frame.f_code.co_filename
            lines = linecache.getlines(filename)
            line = linecache.getline(filename, frame.f_lineno)
            return ("".join(lines) or str(history[-1])), line
    return str(history[-1]), ""


def _names_in(code: str) -> list[str]:
    try:
        return [n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)]
    except SyntaxError:
        return _IDENT.findall(code)


def _ellipsis_message(frames: Sequence[Any], user_ns: Mapping[str, Any]) -> str | None:
    source, line = _cell_source(frames, user_ns)
    names = [n for n in _names_in(line.strip() or source) if user_ns.get(n, None) is Ellipsis]
    if not names and line:
        names = [n for n in _names_in(source) if user_ns.get(n, None) is Ellipsis]
    names = list(dict.fromkeys(names))
    tasks = placeholder_tasks([*map(str, user_ns.get("_ih") or []), source])
    here = _current_task(source)
    deps = list(dict.fromkeys(tasks[n] for n in names if n in tasks and tasks[n] != here))
    listed = ", ".join(f"`{n}`" for n in names)
    still = f"{listed} {'is' if len(names) == 1 else 'are'} still `...`" if names else ""
    who = here or "this cell"
    if deps:
        dep = " and ".join(deps)
        return f"{who} uses your answer to {dep} ({still}): do {dep} first"
    if names:
        return f"{who} uses {still} (the placeholder of a task not done yet): do that task first"
    return "this cell uses an answer that is still `...` (a task not done yet): do that task first"


def _name_message(exc: NameError, user_ns: Mapping[str, Any]) -> str | None:
    name = getattr(exc, "name", None)
    if name is None:
        m = re.search(r"name '(\w+)' is not defined", str(exc))
        name = m.group(1) if m else None
    if name is None:
        return None
    known = [n for n in user_ns if not n.startswith("_")] + dir(builtins)
    suggestion = _suggest(name, known, cutoff=85) if name != "check" else None
    if suggestion is not None:
        return f"there is no name {name!r}; did you mean {suggestion!r}?"
    return f"{name!r} is not defined yet: {RUN_ABOVE}; after a kernel restart every cell must run again"


def friendly_message(
    exc: BaseException,
    tb: TracebackType | None = None,
    user_ns: Mapping[str, Any] | None = None,
) -> str | None:
    """The plain-words message for one error, or None when it is not a common slip.

    Parameters
    ----------
    exc : BaseException
        The error raised.
    tb : traceback, optional
        Its traceback (default ``exc.__traceback__``).
    user_ns : mapping, optional
        The notebook's namespace (IPython's ``user_ns``, with the input history
        ``_ih``); default the globals of the outermost frame.

    Returns
    -------
    str or None
        The message (a missing column or label with the nearest match, an
        unfinished task the cell depends on, a name not defined yet), or None
        for any other error (never raises).

    Examples
    --------
    >>> total_t = ...
    >>> try:
    ...     total_t / 1000
    ... except TypeError as exc:
    ...     print(friendly_message(exc, user_ns={"total_t": total_t, "_ih": [
    ...         "# YOUR CODE HERE (task 1)\\ntotal_t = ...", "share = total_t / 1000"]}))
    this cell uses your answer to task 1 (`total_t` is still `...`): do task 1 first
    """
    tb = tb if tb is not None else exc.__traceback__
    frames = _frames(tb)
    if user_ns is None:
        user_ns = frames[0].f_globals if frames else {}
    try:
        if isinstance(exc, KeyError):
            return _key_message(exc, frames, user_ns)
        if isinstance(exc, TypeError | AttributeError) and "'ellipsis'" in str(exc):
            return _ellipsis_message(frames, user_ns)
        if isinstance(exc, NameError) and not isinstance(exc, UnboundLocalError):
            return _name_message(exc, user_ns)
    except Exception:  # noqa: BLE001 - a helper must never hide the real error
        return None
    return None


# ------------------------------------------------------------------- IPython


def _details_bundle(message: str, traceback_text: str) -> dict[str, str]:
    body = html.escape(_ANSI.sub("", traceback_text))
    return {
        "text/plain": f"{message}\n(The full traceback: run %tb in a new cell.)",
        "text/html": (
            '<div class="cohort-friendly-error">'
            f"<p><b>What went wrong:</b> {html.escape(message)}</p>"
            "<details><summary>Full traceback (click to open; or run <code>%tb</code>)</summary>"
            f'<pre style="font-size: 85%">{body}</pre></details></div>'
        ),
    }


def _handler(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> list[str] | None:
    """IPython custom exception handler: a friendly message, or IPython's usual traceback."""
    message = friendly_message(value, tb, shell.user_ns)
    if message is None:  # not a common slip: exactly what IPython does without the handler
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        return None
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %tb
    if hasattr(sys, "last_exc"):
        sys.last_exc = value
    full = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    from IPython.display import display

    display(_details_bundle(message, shell.InteractiveTB.stb2text(full)), raw=True)
    stb = [
        f"\x1b[0;31m{etype.__name__}\x1b[0m: {message}",
        "(The full traceback is in 'Full traceback' above, or run %tb in a new cell.)",
    ]
    # IPython leaves showing a custom handler's traceback to the handler
    shell._showtraceback(etype, value, stb)
    return stb


def install(shell: Any = None) -> bool:
    """Install the handler in ``shell`` (default: the running IPython); False outside IPython.

    Installing twice is harmless (the handler is replaced).

    Parameters
    ----------
    shell : IPython InteractiveShell, optional
        Default: the running IPython (``get_ipython()``).

    Returns
    -------
    bool
        True when the handler was installed for the :data:`HANDLED` error
        types; False when there is no IPython shell.

    Examples
    --------
    >>> install()  # a plain Python session
    False
    >>> class Shell:  # stands in for IPython's shell
    ...     def set_custom_exc(self, types, handler):
    ...         self.handled = types
    >>> shell = Shell()
    >>> install(shell), shell.handled == HANDLED
    (True, True)
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc(HANDLED, _handler)
    return True


def uninstall(shell: Any = None) -> None:
    """Remove the handler (IPython's usual tracebacks again).

    Parameters
    ----------
    shell : IPython InteractiveShell, optional
        Default: the running IPython (nothing is done outside IPython).

    Returns
    -------
    None
        The shell handles no error type specially any more.

    Examples
    --------
    >>> class Shell:  # stands in for IPython's shell
    ...     def set_custom_exc(self, types, handler):
    ...         self.handled = types
    >>> shell = Shell()
    >>> install(shell)
    True
    >>> uninstall(shell)
    >>> shell.handled
    ()
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((), None)


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext cohort_helpers.course.homework.errors`` (and the kernel configuration) installs it.

    Parameters
    ----------
    shell : IPython InteractiveShell
        The shell loading the extension.

    Returns
    -------
    None
        The handler is installed in ``shell`` (:func:`install`).

    Examples
    --------
    >>> class Shell:  # stands in for IPython's shell
    ...     def set_custom_exc(self, types, handler):
    ...         self.handled = types
    >>> shell = Shell()
    >>> load_ipython_extension(shell)
    >>> shell.handled == HANDLED
    True
    """
    install(shell)


#: This module, as IPython loads it (``%load_ext`` name).
EXTENSION = "cohort_helpers.course.homework.errors"


def install_kernel_config(prefix: str | Path | None = None) -> Path:
    """Make every IPython kernel of an environment load the friendly errors.

    Writes (or updates) ``<prefix>/etc/ipython/ipython_kernel_config.json``,
    which IPython reads at kernel start, so that the extension list holds
    :data:`EXTENSION`; other settings in the file are kept.

    Parameters
    ----------
    prefix : path, optional
        The environment (default ``sys.prefix``, the running one).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> path = install_kernel_config(tempfile.mkdtemp())
    >>> json.loads(path.read_text())["InteractiveShellApp"]["extensions"]
    ['cohort_helpers.course.homework.errors']
    """
    path = Path(prefix if prefix is not None else sys.prefix) / "etc" / "ipython"
    path = path / "ipython_kernel_config.json"
    config: dict[str, Any] = {}
    if path.is_file():
        try:
            config = json.loads(path.read_text(encoding="utf-8")) or {}
        except ValueError as exc:
            raise ValueError(
                f"{path} is not valid JSON ({exc}); fix or remove it, then run "
                f"`python -m {EXTENSION}` again."
            ) from exc
    app = config.setdefault("InteractiveShellApp", {})
    # the extension's name before the course machinery moved into cohort_helpers.course
    extensions = [e for e in app.get("extensions", []) if e != "cohort_helpers.homework.errors"]
    if EXTENSION not in extensions:
        extensions.append(EXTENSION)
    app["extensions"] = extensions
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    written = install_kernel_config()
    print(f"kernels of {sys.prefix} load the homework's friendly errors ({written})")
