"""One small renderer for the reports the package writes: Markdown and HTML from one list of blocks.

A report is a list of blocks, each a tuple:

- ``("h1", text)``, ``("h2", text)``: headings;
- ``("p", text)``: a paragraph;
- ``("ul", items)``: a bulleted list;
- ``("table", frame)``: a table (a DataFrame of display strings);
- ``("chart", name, chart)``: a chart (an object with ``save(path)``,
  ``alt_text`` and ``caption``, e.g. :class:`cohort_helpers.plots.Chart`),
  saved as ``<stem>_<name>.png`` beside the Markdown and embedded in the HTML.

:func:`write_report` writes ``<stem>.md`` and ``<stem>.html`` from the same
blocks. Text is always escaped (``< > &`` as entities in Markdown, HTML
escaping in HTML), so no markup in the data gets through; tables go through
``DataFrame.to_markdown`` (tabulate) and ``DataFrame.to_html``.

Examples
--------
>>> import pandas as pd
>>> blocks = [("h1", "Brief"), ("p", "Costs < benefits"), ("ul", ["one", "two"]),
...           ("table", pd.DataFrame({"code": ["327320"], "t": ["12"]}))]
>>> print(markdown(blocks))
# Brief
<BLANKLINE>
Costs &lt; benefits
<BLANKLINE>
- one
- two
<BLANKLINE>
| code   | t   |
|:-------|:----|
| 327320 | 12  |
<BLANKLINE>
"""

from __future__ import annotations

import base64
import html as _html
import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import safe_files

__all__ = [
    "REPORT_STYLE",
    "html_page",
    "markdown",
    "markdown_table",
    "md_escape",
    "md_text",
    "write_report",
]

#: The stylesheet of every HTML report.
REPORT_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.5;"
    "padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}th,td{padding:.3rem .6rem;"
    "border-bottom:1px solid #ccc;text-align:left}img{max-width:100%}"
    "figcaption{font-style:italic}"
)


def md_text(text: object) -> str:
    """Markdown text that renders as text: ``< > &`` as entities (no raw HTML gets through).

    Parameters
    ----------
    text : object
        Anything; its ``str()`` is escaped.

    Returns
    -------
    str

    Examples
    --------
    >>> md_text("<b>A & B</b>")
    '&lt;b&gt;A &amp; B&lt;/b&gt;'
    """
    return _html.escape(str(text), quote=False)


def md_escape(text: object) -> str:
    """:func:`md_text` for a table cell: ``|`` escaped and newlines as spaces.

    Parameters
    ----------
    text : object
        A cell's value.

    Returns
    -------
    str

    Examples
    --------
    >>> md_escape("a|b\\nc")
    'a\\\\|b c'
    """
    return md_text(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame) -> str:
    """A Markdown table of ``frame`` (without its index), every cell escaped.

    ``DataFrame.to_markdown`` (tabulate) when tabulate is installed, else a
    plain pipe table.

    Parameters
    ----------
    frame : DataFrame
        The table, values as they should be shown.

    Returns
    -------
    str
        The table's lines, joined by newlines.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"a|b": ["x"], "n": ["1"]})))
    | a\\|b   | n   |
    |:-------|:----|
    | x      | 1   |
    """
    frame = frame.map(md_escape)
    frame.columns = [md_escape(c) for c in frame.columns]
    if importlib.util.find_spec("tabulate") is not None:
        return frame.to_markdown(index=False, disable_numparse=True)
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(row) + " |" for row in frame.astype(str).itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "brief"


def _markdown_block(block: tuple, image: Path | None = None) -> str:
    kind = block[0]
    if kind in ("h1", "h2"):
        return "#" * int(kind[1]) + " " + md_text(block[1])
    if kind == "p":
        return md_text(block[1])
    if kind == "ul":
        return "\n".join(f"- {md_text(x)}" for x in block[1])
    if kind == "table":
        return markdown_table(block[1])
    if kind == "chart":
        chart = block[2]
        name = image.name if image is not None else f"{_slug(block[1])}.png"
        return f"![{md_escape(chart.alt_text)}]({name})\n\n*{md_text(chart.caption)}*"
    raise ValueError(f"Unknown report block {kind!r}; use h1, h2, p, ul, table or chart.")


def _html_block(block: tuple, image: Path | None = None) -> str:
    esc = safe_files.html_text
    kind = block[0]
    if kind in ("h1", "h2"):
        return f"<{kind}>{esc(block[1])}</{kind}>"
    if kind == "p":
        return f"<p>{esc(block[1])}</p>"
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in block[1]) + "</ul>"
    if kind == "table":
        return block[1].to_html(index=False, border=0, classes="brief-table", escape=True)
    if kind == "chart":
        chart = block[2]
        data = base64.b64encode(image.read_bytes()).decode("ascii") if image is not None else ""
        return (
            '<figure><img src="data:image/png;base64,'
            f'{data}" alt="{esc(chart.alt_text)}"/>'
            f"<figcaption>{esc(chart.caption)}</figcaption></figure>"
        )
    raise ValueError(f"Unknown report block {kind!r}; use h1, h2, p, ul, table or chart.")


def markdown(blocks: Sequence[tuple], images: Sequence[Path | None] = ()) -> str:
    """The Markdown of a report: its blocks separated by blank lines.

    Parameters
    ----------
    blocks : sequence of tuple
        The report's blocks (see the module docstring).
    images : sequence of Path or None, optional
        The saved image of each block (None for blocks that are not charts);
        a chart without one links ``<name>.png``.

    Returns
    -------
    str
        Ends with a newline.

    Examples
    --------
    >>> markdown([("h2", "Summary"), ("p", "Less & better.")])
    '## Summary\\n\\nLess &amp; better.\\n'
    """
    images = list(images) or [None] * len(blocks)
    return "\n\n".join(_markdown_block(b, i) for b, i in zip(blocks, images, strict=True)) + "\n"


def html_page(title: str, body: Sequence[str], style: str = REPORT_STYLE) -> str:
    """A whole HTML page: the escaped title, the stylesheet and the body's parts, one a line.

    Parameters
    ----------
    title : str
        The page title (escaped).
    body : sequence of str
        HTML fragments, already escaped.
    style : str
        CSS (default :data:`REPORT_STYLE`).

    Returns
    -------
    str

    Examples
    --------
    >>> print(html_page("A < B", ["<p>x</p>"], style="p{margin:0}"))
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>A &lt; B</title><style>p{margin:0}</style></head><body>
    <p>x</p>
    </body></html>
    <BLANKLINE>
    """
    esc = safe_files.html_text
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{style}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def write_report(
    blocks: Sequence[tuple],
    output_dir: str | Path,
    stem: str,
    *,
    title: str,
    style: str = REPORT_STYLE,
) -> tuple[Path, Path, list[Path]]:
    """Write a report as ``<stem>.md`` and ``<stem>.html`` (charts as ``<stem>_<name>.png``).

    Parameters
    ----------
    blocks : sequence of tuple
        The report's blocks (see the module docstring).
    output_dir : str or Path
        Folder to write to (created).
    stem : str
        File name stem.
    title : str
        The HTML page title.
    style : str
        CSS of the HTML page.

    Returns
    -------
    tuple
        ``(markdown_path, html_path, images)``; the PNG images are beside
        the Markdown and embedded (base64) in the HTML.

    Examples
    --------
    >>> import tempfile
    >>> md, page, images = write_report([("h1", "Brief"), ("p", "Text")],
    ...                                 tempfile.mkdtemp(), "brief", title="Brief")
    >>> md.read_text(), images
    ('# Brief\\n\\nText\\n', [])
    >>> "<h1>Brief</h1>\\n<p>Text</p>" in page.read_text()
    True
    """
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path | None] = []
    for b in blocks:
        saved.append(b[2].save(out_dir / f"{stem}_{_slug(b[1])}.png") if b[0] == "chart" else None)
    md_path = out_dir / f"{stem}.md"
    html_path = out_dir / f"{stem}.html"
    safe_files.write_text(md_path, markdown(blocks, saved))
    body = [_html_block(b, i) for b, i in zip(blocks, saved, strict=True)]
    safe_files.write_text(html_path, html_page(title, body, style))
    return md_path, html_path, [p for p in saved if p is not None]
