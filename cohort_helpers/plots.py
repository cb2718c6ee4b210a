"""Charts for the sessions: colour-blind-safe, readable when projected, captioned.

Every function returns a :class:`Chart`: the matplotlib figure plus a caption
and an alt text written from the data. In Jupyter a ``Chart`` shows as an
HTML ``<figure>`` with the image, its alt text and the caption, so the alt
text survives the HTML export. The palette is matplotlib's ``petroff10``
(designed for colour-vision deficiencies).

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
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = [
    "Chart",
    "PALETTE",
    "style",
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
    """Context with the project's chart style (petroff10, large fonts)."""
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


def _axis_format(values) -> matplotlib.ticker.Formatter:
    """Thousands separators, with as many decimals as small values need."""
    arr = np.abs(np.asarray(values, dtype=float))
    top = float(np.nanmax(arr)) if arr.size and np.isfinite(arr).any() else 0.0
    decimals = 0 if top >= 50 else 1 if top >= 5 else 2 if top >= 0.5 else 3
    return matplotlib.ticker.StrMethodFormatter(f"{{x:,.{decimals}f}}")


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
        """Save the PNG and, beside it, ``<name>.txt`` with caption and alt text."""
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
    with style():
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(s) + 1.5))
        colors = [HIGHLIGHT if k in hl else (PALETTE[0] if not hl else MUTED) for k in s.index]
        ax.barh([str(k) for k in s.index][::-1], s.values[::-1], color=colors[::-1])
        ax.set_xlabel(xlabel or unit)
        ax.set_title(title)
        ax.xaxis.set_major_formatter(_axis_format(s.values))
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

    Examples
    --------
    >>> df = pd.DataFrame({"BEA index": [10.0, 5.0], "CPI-U": [11.0, 5.5]}, index=["a", "b"])
    >>> grouped_bar(df, unit="t CO2e").alt_text.startswith("Grouped bar chart")
    True
    """
    with style():
        fig, ax = plt.subplots(figsize=(10, 5))
        n = len(frame.columns)
        x = np.arange(len(frame))
        w = 0.8 / n
        for i, col in enumerate(frame.columns):
            ax.bar(x + i * w - 0.4 + w / 2, frame[col].values, w, label=str(col))
        ax.set_xticks(x, [str(i) for i in frame.index], rotation=30, ha="right")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.legend(frameon=False)
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

    Examples
    --------
    >>> df = pd.DataFrame({"Scope 1": [5.0], "Scope 2": [3.0]}, index=["Buildings"])
    >>> "8.0 t CO2e" in stacked_bar(df, unit="t CO2e").alt_text
    True
    """
    with style():
        fig, ax = plt.subplots(figsize=(10, 5))
        frame.plot(kind="barh" if horizontal else "bar", stacked=True, ax=ax, width=0.7)
        (ax.set_xlabel if horizontal else ax.set_ylabel)(unit)
        if not horizontal:
            ax.tick_params(axis="x", rotation=30)
        ax.set_title(title)
        ax.legend(frameon=False)
    totals = frame.sum(axis=1)
    alt = (
        f"Stacked bar chart{': ' + title if title else ''}; bars: "
        + "; ".join(f"{k} {_fmt(v, unit)}" for k, v in totals.items())
        + f". Segments: {', '.join(map(str, frame.columns))}."
    )
    return _finish(fig, caption or title, alt)


def pareto(
    spend: pd.Series,
    emissions: pd.Series,
    *,
    top: int = 15,
    title: str = "Hot spots: spend and emissions",
    caption: str | None = None,
) -> Chart:
    """Two Pareto charts side by side: categories ranked by spend and by emissions.

    Each panel shows the share of its total per category (bars) and the
    cumulative share (line), with the 80% mark.

    Examples
    --------
    >>> s = pd.Series({"a": 50.0, "b": 30.0, "c": 20.0})
    >>> e = pd.Series({"a": 5.0, "b": 60.0, "c": 35.0})
    >>> "b" in pareto(s, e).alt_text
    True
    """

    def n80(x: pd.Series) -> int:
        share = x.sort_values(ascending=False).cumsum() / x.sum()
        return int((share < 0.8).sum() + 1)

    with style():
        fig, axes = plt.subplots(1, 2, figsize=(13, 6))
        for ax, s, name, color in (
            (axes[0], spend, "spend", PALETTE[0]),
            (axes[1], emissions, "emissions", PALETTE[1]),
        ):
            s = s.sort_values(ascending=False)
            share = s / s.sum() * 100
            shown = share.head(top)
            labels = [str(k)[:28] for k in shown.index]
            ax.bar(labels, shown.values, color=color)
            ax2 = ax.twinx()
            ax2.plot(labels, share.cumsum().head(top).values, color=PALETTE[4], marker="o")
            ax2.axhline(80, color=MUTED, linestyle="--", linewidth=1)
            ax2.set_ylim(0, 105)
            ax2.set_ylabel("cumulative %")
            ax.set_ylabel(f"% of {name}")
            ax.set_title(f"Ranked by {name}")
            ax.tick_params(axis="x", rotation=75, labelsize=9)
        fig.suptitle(title)
    alt = (
        f"Two Pareto charts. Left: categories ranked by spend; {n80(spend)} categories hold 80% "
        f"of spend; largest: {', '.join(map(str, spend.sort_values(ascending=False).index[:3]))}. "
        f"Right: ranked by emissions; {n80(emissions)} categories hold 80% of emissions; largest: "
        f"{', '.join(map(str, emissions.sort_values(ascending=False).index[:3]))}."
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
        exclusions or reductions). The result bar is added.

    Examples
    --------
    >>> w = waterfall(pd.Series({"Payments": 100.0, "Payroll": -60.0, "Energy": -5.0}),
    ...               unit="USD", total_label="Factor-ready spend")
    >>> "Factor-ready spend: 35.0 USD" in w.alt_text
    True
    """
    values = steps.astype(float)
    result = values.sum()
    labels = [str(k) for k in values.index] + [total_label]
    bottoms, heights, colors = [], [], []
    running = 0.0
    for i, v in enumerate(values.values):
        if i == 0:
            bottoms.append(0.0)
            heights.append(v)
            colors.append(PALETTE[0])
            running = v
        else:
            bottoms.append(running + min(v, 0.0))
            heights.append(abs(v))
            colors.append(PALETTE[2] if v < 0 else PALETTE[1])
            running += v
    bottoms.append(0.0)
    heights.append(result)
    colors.append(PALETTE[4])
    with style():
        fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(labels) + 3), 5.5))
        ax.bar(labels, heights, bottom=bottoms, color=colors)
        for x, (b, h) in enumerate(zip(bottoms, heights, strict=True)):
            ax.text(x, b + h, _fmt(h, ""), ha="center", va="bottom", fontsize=9)
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.tick_params(axis="x", rotation=35)
        ax.yaxis.set_major_formatter(_axis_format(np.add(bottoms, heights)))
    alt = (
        f"Waterfall chart{': ' + title if title else ''}. Starts at {labels[0]} "
        f"{_fmt(values.iloc[0], unit)}; steps: "
        + "; ".join(f"{k} {_fmt(v, unit)}" for k, v in values.iloc[1:].items())
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

    Examples
    --------
    >>> df = pd.DataFrame({"point": [10.0], "low": [7.0], "high": [15.0]}, index=["Concrete"])
    >>> "7.0 to 15.0" in ranges(df, unit="t CO2e").alt_text
    True
    """
    f = frame.sort_values(point)
    with style():
        fig, ax = plt.subplots(figsize=(9, 0.5 * len(f) + 1.5))
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
        ax.set_yticks(y, [str(i) for i in f.index])
        ax.set_xlabel(unit)
        ax.set_title(title)
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

    Examples
    --------
    >>> df = pd.DataFrame({"Target": [100.0, 50.0]}, index=[2023, 2030])
    >>> line(df, unit="t CO2e").alt_text.startswith("Line chart")
    True
    """
    with style():
        fig, ax = plt.subplots(figsize=(9, 5))
        for col in frame.columns:
            ax.plot(frame.index, frame[col].values, marker="o", label=str(col))
        ax.set_ylabel(unit)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.legend(frameon=False)
    alt = (
        f"Line chart{': ' + title if title else ''}, {frame.index[0]} to {frame.index[-1]}: "
        + "; ".join(
            f"{c} from {_fmt(frame[c].iloc[0], unit)} to {_fmt(frame[c].iloc[-1], unit)}"
            for c in frame.columns
        )
        + "."
    )
    return _finish(fig, caption or title, alt)
