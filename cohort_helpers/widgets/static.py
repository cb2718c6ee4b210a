"""What a panel shows where no live kernel exists: a static summary beside the widget view.

A panel's display bundle holds three representations of the same thing:

- ``application/vnd.jupyter.widget-view+json``: the live widget (JupyterLab
  with a running kernel);
- ``text/html``: a static summary (a table, a figure) of the panel's current
  state, which an HTML export shows (``cohort run`` renders exports with
  :data:`EXPORT_PRIORITY`, static HTML before widget views) and a front end
  without the widget manager falls back to;
- ``text/plain``: the same summary in words.

A reopened notebook shows widgets only when their state was saved with it:
:func:`install_lab_settings` turns on JupyterLab's *Save widget state
automatically* for the project's environment (``make`` runs it), so a
reopened notebook shows the panel as it was instead of "model not found".

Examples
--------
>>> import ipywidgets as w
>>> b = bundle(w.HTML("live"), "<p>static</p>", "static")
>>> sorted(b)
['application/vnd.jupyter.widget-view+json', 'text/html', 'text/plain']
>>> b["text/html"]
'<div class="cohort-static-summary"><p>static</p></div>'
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "EXPORT_PRIORITY",
    "WIDGET_VIEW",
    "bundle",
    "html_table",
    "install_lab_settings",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Output priority for static HTML exports: a panel's static summary before its widget view.
EXPORT_PRIORITY: list[str] = [
    "text/html",
    WIDGET_VIEW,
    "application/javascript",
    "text/markdown",
    "image/svg+xml",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]
#: JupyterLab's widget-manager settings (plugin id) and the setting turned on.
LAB_WIDGET_PLUGIN = "@jupyter-widgets/jupyterlab-manager:plugin"


def bundle(widget: Any, summary_html: str, summary_text: str, **kwargs: Any) -> dict[str, Any]:
    """The display bundle of a panel: the widget view plus the static summary.

    Parameters
    ----------
    widget : ipywidgets.Widget
        The live panel.
    summary_html : str
        The static summary (escaped HTML).
    summary_text : str
        The same in plain words (``text/plain``).
    **kwargs
        Passed to the widget's ``_repr_mimebundle_``.

    Returns
    -------
    dict
        MIME type -> data: the widget view
        (``application/vnd.jupyter.widget-view+json``), ``text/html`` (the
        summary in a ``cohort-static-summary`` div) and ``text/plain``.

    Examples
    --------
    >>> import ipywidgets as w
    >>> b = bundle(w.Label("live"), "<b>3</b> lines reviewed", "3 lines reviewed")
    >>> b["text/plain"], WIDGET_VIEW in b
    ('3 lines reviewed', True)
    """
    data = widget._repr_mimebundle_(**kwargs)
    if isinstance(data, tuple):  # (data, metadata)
        data = data[0]
    data = dict(data or {})
    data["text/html"] = f'<div class="cohort-static-summary">{summary_html}</div>'
    data["text/plain"] = summary_text
    return data


def html_table(
    rows: pd.DataFrame, *, caption: str = "", numbers: Sequence[str] = (), max_rows: int = 30
) -> str:
    """A small escaped HTML table (for static summaries).

    Parameters
    ----------
    rows : DataFrame
        The table (its index is not shown).
    caption : str
        A caption; none when empty.
    numbers : sequence of str
        Columns shown as numbers with two decimals and thousands separators,
        right-aligned.
    max_rows : int
        Rows shown; a note under the table says how many more there are.

    Returns
    -------
    str
        The HTML, every value escaped.

    Examples
    --------
    >>> print(html_table(pd.DataFrame({"a": ["x<y"], "n": [1234.5]}), numbers=["n"]))  # doctest: +NORMALIZE_WHITESPACE
    <table class="cohort-static"><thead><tr><th>a</th><th>n</th></tr></thead><tbody><tr><td>x&lt;y</td><td style="text-align:right">1,234.50</td></tr></tbody></table>
    """
    shown = rows.head(max_rows)

    def cell(col: str, v: Any) -> str:
        if col in numbers:
            try:
                return f'<td style="text-align:right">{float(v):,.2f}</td>'
            except (TypeError, ValueError):
                return "<td></td>"
        text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
        return f"<td>{html.escape(text)}</td>"

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(cell(c, v) for c, v in zip(shown.columns, r, strict=True)) + "</tr>"
        for r in shown.itertuples(index=False, name=None)
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = (
        f"<p><small>... and {len(rows) - max_rows} more row(s).</small></p>"
        if len(rows) > max_rows
        else ""
    )
    return f'<table class="cohort-static">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def install_lab_settings(prefix: str | Path | None = None) -> Path:
    """Make JupyterLab of an environment save widget state with each notebook.

    Writes (or updates) ``<prefix>/share/jupyter/lab/settings/overrides.json``
    (JupyterLab's default-settings overrides) with ``saveState: true`` for the
    widget manager; other settings in the file are kept.

    Parameters
    ----------
    prefix : str or Path, optional
        The environment (default ``sys.prefix``, the running one).

    Returns
    -------
    Path
        The settings file written.

    Raises
    ------
    ValueError
        The file exists and is not valid JSON.

    Examples
    --------
    >>> p = install_lab_settings("env")
    >>> p.as_posix()
    'env/share/jupyter/lab/settings/overrides.json'
    >>> json.loads(p.read_text())[LAB_WIDGET_PLUGIN]
    {'saveState': True}
    """
    path = Path(prefix if prefix is not None else sys.prefix) / "share" / "jupyter" / "lab"
    path = path / "settings" / "overrides.json"
    settings: dict[str, Any] = {}
    if path.is_file():
        try:
            settings = json.loads(path.read_text(encoding="utf-8")) or {}
        except ValueError as exc:
            raise ValueError(f"{path} is not valid JSON ({exc}); fix or remove it.") from exc
    settings.setdefault(LAB_WIDGET_PLUGIN, {})["saveState"] = True
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"JupyterLab saves widget state with notebooks ({install_lab_settings()})")
