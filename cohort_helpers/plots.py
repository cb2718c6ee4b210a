"""Charts for the sessions: colour-blind-safe, readable when projected, captioned.

Every function returns a :class:`Chart`: the matplotlib figure plus a caption
and an alt text written from the data. In Jupyter a ``Chart`` shows as an
HTML ``<figure>`` with the image, its alt text and the caption, so the alt
text survives the HTML export. The palette is matplotlib's ``petroff10``
(designed for colour-vision deficiencies).

Readable when projected: category labels are wrapped at word boundaries
(never cut mid-word), amounts on the axes carry thousands separators,
percent axes read 0% to 100%, legends sit outside the data, and the steps
of a waterfall are signed (+/-).

Examples
--------
>>> import pandas as pd
>>> from cohort_helpers import plots
>>> chart = plots.bar(pd.Series({"Concrete": 120.0, "Paper": 8.0}), unit="t CO2e",
...                   title="Emissions by category")
>>> chart.alt_text.startswith("Horizontal bar chart")
True
"""

from __future__ import annotations

import base64
import html
import io
import re
import textwrap
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import ticker
from matplotlib.figure import Figure

__all__ = [
    "Chart",
    "PALETTE",
    "style",
    "wrap_label",
    "bar",
    "grouped_bar",
    "stacked_bar",
    "pareto",
    "waterfall",
    "ranges",
    "line",
]

STYLE = "petroff10"
with plt.style.context(STYLE):
    #: The petroff10 colours, in order.
    PALETTE: list[str] = plt.rcParams["axes.prop_cycle"].by_key()["color"]
HIGHLIGHT = PALETTE[2]  # red-brown: the member's own bar
MUTED = PALETTE[3]  # grey: everyone else

_RC = {
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.labelsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "figure.constrained_layout.use": True,
}


@contextmanager
def style():
    """Context with the project's chart style (petroff10, large fonts).

    Returns
    -------
    context manager
        Inside it, matplotlib draws with :data:`STYLE` and the project's rc settings.

    Examples
    --------
    >>> with style():
    ...     fig, ax = plt.subplots()
    >>> plt.close(fig)
    """
    with plt.style.context(STYLE), plt.rc_context(_RC):
        yield


def _fmt(value: float, unit: str = "") -> str:
    a = abs(value)
    if a >= 100:
        s = f"{value:,.0f}"
    elif a >= 1:
        s = f"{value:,.1f}"
    else:
        s = f"{value:,.3f}"
    return f"{s} {unit}".strip()


def _axis_format(values) -> ticker.Formatter:
    """Thousands separators, with as many decimals as small values need."""
    arr = np.abs(np.asarray(values, dtype=float))
    top = float(np.nanmax(arr)) if arr.size and np.isfinite(arr).any() else 0.0
    decimals = 0 if top >= 50 else 1 if top >= 5 else 2 if top >= 0.5 else 3
    return ticker.StrMethodFormatter(f"{{x:,.{decimals}f}}")


def _value_axis(axis, values) -> None:
    """An amount axis: a few round ticks with thousands separators."""
    axis.set_major_locator(ticker.MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(_axis_format(values))


def _percent_axis(axis, *, ticks: bool = True) -> None:
    """A 0-100 axis that reads as percent (0%, 20%, ... 100%)."""
    if ticks:
        axis.set_major_locator(ticker.FixedLocator([0, 20, 40, 60, 80, 100]))
    axis.set_major_formatter(ticker.PercentFormatter(xmax=100, decimals=0))


def wrap_label(text, width: int = 24, max_lines: int = 3) -> str:
    r"""Wrap a label at word boundaries; shorten at a word boundary with " …" if too long.

    A label that arrives already cut mid-word (ending in "…") loses its partial
    last word, so no chart shows "Computer Systems Desi".

    Parameters
    ----------
    text : object
        The label (its ``str()``).
    width : int
        Characters per line.
    max_lines : int
        Lines at most; the rest is cut at a word boundary with " …".

    Returns
    -------
    str
        The label with newlines.

    Examples
    --------
    >>> wrap_label("Computer Systems Design Services", 20)
    'Computer Systems\nDesign Services'
    >>> wrap_label("541512 Computer Systems Design and Related Servic…", 60)
    '541512 Computer Systems Design and Related …'
    >>> wrap_label("One two three four five six", 9, max_lines=2)
    'One two\nthree …'
    """
    s = " ".join(str(text).split())
    if s.endswith("…") and not s.endswith(" …"):
        s = re.sub(r"\s*\S*…$", "", s).rstrip(" ,;:-") + " …"
    lines = textwrap.wrap(
        s,
        width=width,
        max_lines=max_lines,
        placeholder=" …",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines) if lines else s


def _legend_outside(ax, **kw) -> None:
    """Legend to the right of the axes, outside the data area."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, borderaxespad=0, **kw)


def _signed(value: float, unit: str = "") -> str:
    """``+1,800`` / ``−21,500`` (a true minus sign)."""
    text = _fmt(abs(value), unit)
    return ("−" if value < 0 else "+") + text


@dataclass
class Chart:
    """A figure with its caption and alt text.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    caption : str
        One or two sentences shown under the chart.
    alt_text : str
        What a screen reader says: the chart type and the main numbers.
    """

    fig: Figure
    caption: str
    alt_text: str

    def png(self) -> bytes:
        """The chart as PNG bytes (at the style's resolution).

        Returns
        -------
        bytes

        Examples
        --------
        >>> bar(pd.Series({"a": 1.0})).png()[1:4]
        b'PNG'
        """
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png()).decode("ascii")
        return (
            '<figure style="margin:0">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt_text)}"/>'
            f"<figcaption><em>{html.escape(self.caption)}</em></figcaption></figure>"
        )

    def _repr_markdown_(self) -> None:  # let HTML win in Jupyter
        return None

    def __repr__(self) -> str:
        return f"Chart: {self.caption}"

    def save(self, path: str | Path) -> Path:
        """Save the PNG and, beside it, ``<name>.txt`` with caption and alt text.

        Parameters
        ----------
        path : str or Path
            The PNG file (its folder is created).

        Returns
        -------
        Path
            ``path``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> png = bar(pd.Series({"a": 1.0}), title="A").save(Path(tempfile.mkdtemp()) / "a.png")
        >>> png.with_suffix(".txt").read_text().splitlines()[0]
        'Caption: A'
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.png())
        path.with_suffix(".txt").write_text(
            f"Caption: {self.caption}\nAlt text: {self.alt_text}\n", encoding="utf-8"
        )
        return path


def _finish(fig: Figure, caption: str, alt: str) -> Chart:
    plt.close(fig)  # the Chart displays it; avoid a second inline copy
    return Chart(fig, caption, alt)


def _top_items(s: pd.Series, n: int, unit: str) -> str:
    top = s.sort_values(ascending=False).head(n)
    return "; ".join(f"{k}: {_fmt(v, unit)}" for k, v in top.items())


def bar(
    values: pd.Series,
    *,
    unit: str = "",
    title: str = "",
    caption: str | None = None,
    highlight: str | Sequence[str] | None = None,
    top: int | None = 15,
    sort: bool = True,
    xlabel: str | None = None,
) -> Chart:
    """Horizontal bar chart of one value per label (largest at the top).

    Parameters
    ----------
    values : Series
        Index = labels, values = numbers.
    unit : str
        Unit for the axis label and the alt text, e.g. ``"t CO2e"``.
    highlight : label or labels, optional
        Bars drawn in the highlight colour (e.g. the participant's member).
    top : int, optional
        Keep the largest ``top`` bars (the rest are summed into "All other").

    Returns
    -------
    Chart
        The figure with its caption and alt text (describing the data).

    Examples
    --------
    >>> c = bar(pd.Series({"a": 3.0, "b": 1.0}), unit="t CO2e", highlight="b")
    >>> "a: 3.0 t CO2e" in c.alt_text
    True
    """
    s = values.astype(float)
    if sort:
        s = s.sort_values(ascending=False)
    if top and len(s) > top:
        s = pd.concat([s.iloc[:top], pd.Series({"All other": s.iloc[top:].sum()})])
    hl = {highlight} if isinstance(highlight, str) else set(highlight or [])
    labels = [wrap_label(k, 30) for k in s.index]
    lines = max((lb.count("\n") + 1 for lb in labels), default=1)
    with style():
        fig, ax = plt.subplots(figsize=(10, (0.28 + 0.16 * lines) * len(s) + 1.6))
        colors = [HIGHLIGHT if k in hl else (PALETTE[0] if not hl else MUTED) for k in s.index]
        ax.barh(np.arange(len(s))[::-1], s.values, color=colors, tick_label=labels)
        ax.set_xlabel(xlabel or unit)
        ax.set_title(title)
        _value_axis(ax.xaxis, s.values)
    alt = (
        f"Horizontal bar chart{': ' + title if title else ''}, {len(s)} bars in {unit or 'units'}. "
        f"Largest: {_top_items(s, 3, unit)}."
    )
    if hl:
        alt += " Highlighted: " + ", ".join(f"{k} ({_fmt(s[k], unit)})" for k in hl if k in s) + "."
    return _finish(fig, caption or title, alt)


def grouped_bar(
    frame: pd.DataFrame, *, unit: str = "", title: str = "", caption: str | None = None
) -> Chart:
    """Bars for several series side by side (columns = series, index = groups).

    Parameters
    ----------
    frame : DataFrame
        Columns = series, index = groups.
    unit : str
        Unit of the values, shown on the axis and in the alt text.
    title : str
        Chart title.
    caption : str, optional
        Figure caption (default: the title).

    Returns
    -------
    Chart
        The figure with its caption and alt text (describing the data).

    Examples
    --------
    >>> df = pd.DataFrame({"BEA index": [10.0, 5.0], "CPI-U": [11.0, 5.5]}, index=["a", "b"])
    >>> grouped_bar(df, unit="t CO2e").alt_text.startswith("Grouped bar chart")
    True
    """
    with style():
        fig, ax = plt.subplots(figsize=(11, 5.5))
        n = len(frame.columns)
        x = np.arange(len(frame))
        w = 0.8 / n
        for i, col in enumerate(frame.columns):
            ax.bar(x + i * w - 0.4 + w / 2, frame[col].values, w, label=str(col))
        many = len(frame) > 8
        chars = max(8, min(18, 90 // max(len(frame), 1)))  # what fits under one group
        ax.set_xticks(
            x,
            [wrap_label(i, chars) for i in frame.index],
            rotation=30 if many else 0,
            ha="right" if many else "center",
        )
        ax.set_ylabel(unit)
        ax.set_title(title)
        _value_axis(ax.yaxis, frame.to_numpy())
        _legend_outside(ax)
    parts = [f"{c}: total {_fmt(frame[c].sum(), unit)}" for c in frame.columns]
    alt = (
        f"Grouped bar chart{': ' + title if title else ''} comparing {', '.join(map(str, frame.columns))} "
        f"across {len(frame)} groups ({'; '.join(parts)})."
    )
    return _finish(fig, caption or title, alt)


def stacked_bar(
    frame: pd.DataFrame,
    *,
    unit: str = "",
    title: str = "",
    caption: str | None = None,
    horizontal: bool = False,
) -> Chart:
    """Stacked bars (index = bars, columns = stack segments), e.g. Scope 1/2 by sector.

    Parameters
    ----------
    frame : DataFrame
        Index = bars, columns = stack segments.
    unit : str
        Unit of the values, shown on the axis and in the alt text.
    title : str
        Chart title.
    caption : str, optional
        Figure caption (default: the title).
    horizontal : bool
        Horizontal bars.

    Returns
    -------
    Chart
        The figure with its caption and alt text (describing the data).

    Examples
    --------
    >>> df = pd.DataFrame({"Scope 1": [5.0], "Scope 2": [3.0]}, index=["Buildings"])
    >>> "8.0 t CO2e" in stacked_bar(df, unit="t CO2e").alt_text
    True
    """
    totals = frame.sum(axis=1)
    with style():
        fig, ax = plt.subplots(figsize=(11, max(4.5, 0.6 * len(frame) + 2) if horizontal else 5.5))
        frame.plot(kind="barh" if horizontal else "bar", stacked=True, ax=ax, width=0.7)
        if horizontal:
            ax.set_yticks(range(len(frame)), [wrap_label(i, 28) for i in frame.index])
            ax.set_xlabel(unit)
            ax.set_ylabel("")
            _value_axis(ax.xaxis, totals.values)
        else:
            ax.set_xticks(range(len(frame)), [wrap_label(i, 16) for i in frame.index], rotation=0)
            ax.set_ylabel(unit)
            ax.set_xlabel("")
            _value_axis(ax.yaxis, totals.values)
        ax.set_title(title)
        _legend_outside(ax)
    alt = (
        f"Stacked bar chart{': ' + title if title else ''}; bars: "
        + "; ".join(f"{k} {_fmt(v, unit)}" for k, v in totals.items())
        + f". Segments: {', '.join(map(str, frame.columns))}."
    )
    return _finish(fig, caption or title, alt)


def _n80(x: pd.Series, threshold: float = 0.8) -> int:
    """How many of the largest items it takes to reach ``threshold`` of the total."""
    share = x.sort_values(ascending=False).cumsum() / x.sum()
    return int((share.shift(fill_value=0) < threshold).sum())


def pareto(
    spend: pd.Series,
    emissions: pd.Series,
    *,
    top: int = 15,
    title: str = "Hot spots: spend and emissions",
    caption: str | None = None,
) -> Chart:
    """Two Pareto charts side by side: categories ranked by spend and by emissions.

    Each panel lists the categories from the largest down (horizontal bars:
    share of the total, in percent), with the cumulative share as a line on
    the top axis (0% to 100%) and the 80% mark. Bars of the categories that
    together reach 80% are in colour, the rest grey.

    Parameters
    ----------
    spend, emissions : Series
        Spend and emissions per category.
    top : int
        Categories shown per panel.
    title : str
        Chart title.
    caption : str, optional
        Figure caption (default: the title).

    Returns
    -------
    Chart
        The figure with its caption and alt text (describing the data).

    Examples
    --------
    >>> s = pd.Series({"a": 50.0, "b": 30.0, "c": 20.0})
    >>> e = pd.Series({"a": 5.0, "b": 60.0, "c": 35.0})
    >>> c = pareto(s, e)
    >>> "2 of 3 categories hold 80% of spend" in c.alt_text
    True
    """
    n_spend, n_emis = _n80(spend), _n80(emissions)
    shown_n = min(top, max(len(spend), len(emissions)))
    with style():
        fig, axes = plt.subplots(1, 2, figsize=(15, 0.42 * shown_n + 2.6))
        for ax, s, name, color, n80 in (
            (axes[0], spend, "spend", PALETTE[0], n_spend),
            (axes[1], emissions, "emissions", PALETTE[1], n_emis),
        ):
            s = s.astype(float).sort_values(ascending=False)
            share = s / s.sum() * 100
            shown = share.head(top)
            y = np.arange(len(shown))
            colors = [color if i < n80 else MUTED for i in range(len(shown))]
            ax.barh(
                y, shown.values, color=colors, tick_label=[wrap_label(k, 26) for k in shown.index]
            )
            ax.invert_yaxis()
            ax.set_xlabel(f"% of {name} (bars)")
            ax.xaxis.set_major_formatter(ticker.PercentFormatter(xmax=100, decimals=0))
            ax.set_title(f"Ranked by {name}: {n80} of {len(s)} hold 80%")
            ax2 = ax.twiny()
            ax2.plot(share.cumsum().head(top).values, y, color=PALETTE[4], marker="o")
            ax2.axvline(80, color=MUTED, linestyle="--", linewidth=1)
            ax2.set_xlim(0, 102)
            _percent_axis(ax2.xaxis)
            ax2.set_xlabel(f"cumulative % of {name} (line)")
            ax2.tick_params(axis="x", labelsize=10)
            ax.tick_params(axis="y", labelsize=10)
        fig.suptitle(title)
    alt = (
        f"Two Pareto charts. Left: categories ranked by spend; {n_spend} of {len(spend)} "
        f"categories hold 80% of spend; largest: "
        f"{', '.join(map(str, spend.sort_values(ascending=False).index[:3]))}. "
        f"Right: ranked by emissions; {n_emis} of {len(emissions)} categories hold 80% of "
        f"emissions; largest: {', '.join(map(str, emissions.sort_values(ascending=False).index[:3]))}."
    )
    return _finish(fig, caption or title, alt)


def waterfall(
    steps: pd.Series,
    *,
    unit: str = "",
    title: str = "",
    caption: str | None = None,
    total_label: str = "Result",
) -> Chart:
    """Waterfall from a starting total through signed steps to the result.

    Parameters
    ----------
    steps : Series
        First value = the starting total; the others = changes (negative for
        exclusions or reductions). The result bar is added. The bars of the
        changes are labelled with their sign (``−21,500``, ``+1,800``).

    Returns
    -------
    Chart
        The figure with its caption and alt text (describing the data).

    Examples
    --------
    >>> w = waterfall(pd.Series({"Payments": 100.0, "Payroll": -60.0, "Energy": -5.0}),
    ...               unit="USD", total_label="Factor-ready spend")
    >>> "Factor-ready spend: 35.0 USD" in w.alt_text
    True
    >>> [t.get_text() for t in w.fig.axes[0].texts]
    ['100', '−60.0', '−5.0', '35.0']
    """
    values = steps.astype(float)
    result = values.sum()
    labels = [str(k) for k in values.index] + [total_label]
    bottoms, heights, colors, texts = [], [], [], []
    running = 0.0
    for i, v in enumerate(values.values):
        if i == 0:
            bottoms.append(0.0)
            heights.append(v)
            colors.append(PALETTE[0])
            texts.append(_fmt(v))
            running = v
        else:
            bottoms.append(running + min(v, 0.0))
            heights.append(abs(v))
            colors.append(PALETTE[2] if v < 0 else PALETTE[1])
            texts.append(_signed(v))
            running += v
    bottoms.append(0.0)
    heights.append(result)
    colors.append(PALETTE[4])
    texts.append(_fmt(result))
    with style():
        fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(labels) + 2), 5.5))
        ax.bar(range(len(labels)), heights, bottom=bottoms, color=colors)
        ax.set_xticks(range(len(labels)), [wrap_label(k, 14) for k in labels])
        for x, (b, h, t) in enumerate(zip(bottoms, heights, texts, strict=True)):
            ax.text(x, b + h, t, ha="center", va="bottom", fontsize=10)
        ax.set_ylabel(unit)
        ax.set_title(title)
        _value_axis(ax.yaxis, np.add(bottoms, heights))
        ax.margins(y=0.08)
    alt = (
        f"Waterfall chart{': ' + title if title else ''}. Starts at {labels[0]} "
        f"{_fmt(values.iloc[0], unit)}; steps: "
        + "; ".join(f"{k} {_signed(v, unit)}" for k, v in values.iloc[1:].items())
        + f"; ends at {total_label}: {_fmt(result, unit)}."
    )
    return _finish(fig, caption or title, alt)


def ranges(
    frame: pd.DataFrame,
    *,
    point: str = "point",
    low: str = "low",
    high: str = "high",
    unit: str = "",
    title: str = "",
    caption: str | None = None,
) -> Chart:
    """Point estimates with 95% ranges (index = categories).

    Parameters
    ----------
    frame : DataFrame
        Index = categories, with the point, low and high columns.
    point, low, high : str
        Column names.
    unit : str
        Unit of the values, shown on the axis and in the alt text.
    title : str
        Chart title.
    caption : str, optional
        Figure caption (default: the title).

    Returns
    -------
    Chart
        The figure with its caption and alt text (describing the data).

    Examples
    --------
    >>> df = pd.DataFrame({"point": [10.0], "low": [7.0], "high": [15.0]}, index=["Concrete"])
    >>> "7.0 to 15.0" in ranges(df, unit="t CO2e").alt_text
    True
    """
    f = frame.sort_values(point)
    labels = [wrap_label(i, 30) for i in f.index]
    lines = max((lb.count("\n") + 1 for lb in labels), default=1)
    with style():
        fig, ax = plt.subplots(figsize=(10, (0.28 + 0.16 * lines) * len(f) + 1.6))
        y = np.arange(len(f))
        ax.errorbar(
            f[point],
            y,
            xerr=[f[point] - f[low], f[high] - f[point]],
            fmt="o",
            color=PALETTE[0],
            ecolor=PALETTE[1],
            elinewidth=3,
            capsize=4,
        )
        ax.set_yticks(y, labels)
        ax.set_xlabel(unit)
        ax.set_title(title)
        _value_axis(ax.xaxis, f[[low, point, high]].to_numpy())
    alt = (
        f"Range chart{': ' + title if title else ''}; point estimates with 95% ranges: "
        + "; ".join(
            f"{k} {_fmt(r[point], unit)} ({_fmt(r[low])} to {_fmt(r[high])})"
            for k, r in f.iloc[::-1].head(5).iterrows()
        )
        + "."
    )
    return _finish(fig, caption or title, alt)


def line(
    frame: pd.DataFrame,
    *,
    unit: str = "",
    title: str = "",
    caption: str | None = None,
    xlabel: str = "",
) -> Chart:
    """Lines over an ordered index (years), one per column, e.g. a target path.

    Parameters
    ----------
    frame : DataFrame
        Ordered index (years), one column per line.
    unit : str
        Unit of the values, shown on the axis and in the alt text.
    title : str
        Chart title.
    caption : str, optional
        Figure caption (default: the title).
    xlabel : str
        Axis label of the index.

    Returns
    -------
    Chart
        The figure with its caption and alt text (describing the data).

    Examples
    --------
    >>> df = pd.DataFrame({"Target": [100.0, 50.0]}, index=[2023, 2030])
    >>> line(df, unit="t CO2e").alt_text.startswith("Line chart")
    True
    """
    with style():
        fig, ax = plt.subplots(figsize=(10, 5))
        for col in frame.columns:
            ax.plot(frame.index, frame[col].values, marker="o", label=str(col))
        ax.set_ylabel(unit)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        _value_axis(ax.yaxis, frame.to_numpy())
        if np.nanmin(frame.to_numpy(dtype=float)) >= 0:
            ax.set_ylim(bottom=0)  # a change reads at its true size
        if pd.api.types.is_integer_dtype(frame.index):  # years: whole numbers, no separator
            ax.xaxis.set_major_locator(ticker.MaxNLocator(nbins=8, integer=True))
            ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}"))
        _legend_outside(ax)
    alt = (
        f"Line chart{': ' + title if title else ''}, {frame.index[0]} to {frame.index[-1]}: "
        + "; ".join(
            f"{c} from {_fmt(frame[c].iloc[0], unit)} to {_fmt(frame[c].iloc[-1], unit)}"
            for c in frame.columns
        )
        + "."
    )
    return _finish(fig, caption or title, alt)
