"""Charts carry captions and alt text written from the data, in petroff10 colours."""

from __future__ import annotations

import pandas as pd

from cohort_helpers import plots


def test_bar_highlight_and_alt_text():
    s = pd.Series({"cedar_valley": 2.5, "harbor_point": 1.2, "prairie": 3.1})
    chart = plots.bar(s, unit="t per resident", title="Per resident", highlight="cedar_valley")
    assert chart.caption == "Per resident"
    assert "prairie: 3.1 t per resident" in chart.alt_text
    assert "Highlighted: cedar_valley (2.5 t per resident)" in chart.alt_text
    colours = [p.get_facecolor() for p in chart.fig.axes[0].patches]
    import matplotlib.colors as mc

    assert mc.to_rgba(plots.HIGHLIGHT) in colours
    assert plots.PALETTE[0] == "#3f90da"  # petroff10


def test_bar_groups_the_tail():
    s = pd.Series({f"c{i}": float(i) for i in range(30)})
    chart = plots.bar(s, top=10)
    labels = [t.get_text() for t in chart.fig.axes[0].get_yticklabels()]
    assert "All other" in labels and len(labels) == 11


def test_html_repr_has_alt_and_caption():
    chart = plots.waterfall(pd.Series({"Payments": 100.0, "Payroll": -60.0}), unit="USD")
    page = chart._repr_html_()
    assert page.startswith("<figure") and 'alt="Waterfall chart.' in page
    assert "<figcaption>" in page and "data:image/png;base64," in page


def test_pareto_counts_categories_to_80_percent():
    spend = pd.Series({"a": 70.0, "b": 20.0, "c": 10.0})
    emis = pd.Series({"a": 10.0, "b": 45.0, "c": 45.0})
    alt = plots.pareto(spend, emis).alt_text
    assert "2 of 3 categories hold 80% of spend" in alt
    assert "2 of 3 categories hold 80% of emissions" in alt


def test_save_writes_png_and_text(tmp_path):
    chart = plots.line(pd.DataFrame({"Target": [10.0, 5.0]}, index=[2023, 2030]), unit="t")
    out = chart.save(tmp_path / "fig" / "target.png")
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert "Alt text: Line chart" in out.with_suffix(".txt").read_text()


def test_small_values_get_readable_axis_ticks():
    chart = plots.bar(pd.Series({"a": 0.12, "b": 0.5, "c": 1.9}), unit="kg/USD", title="t")
    ax = chart.fig.axes[0]
    chart.fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "0.50" in labels and len(set(labels)) == len(labels)  # not "0, 0, 1, 1, 2"
