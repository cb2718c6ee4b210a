"""Charts a council can read: every public plot function, checked on the rendered figure.

Each check is one complaint from issue 13 ("Why"): labels cut mid-word ("Computer
Systems Desi"), a secondary axis that does not read as percent, axis numbers without
thousands separators running together ("1000012500150001750020000"), a legend over a bar,
unsigned waterfall steps, captions naming the slug (``cedar_valley``) instead of the
member, HTML exports titled "Notebook".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from cohort_helpers import plots
from cohort_helpers.course import runner

LONG = [
    "Computer Systems Design Services",
    "Commercial and Institutional Building Construction",
    "Highway, Street, and Bridge Construction",
    "Solid Waste Landfill",
    "Other Heavy and Civil Engineering Construction",
    "Wireless Telecommunications Carriers (except Satellite)",
]
STEPS = ["All payments", "Payroll and benefits", "Energy (Scope 1 and 2)", "Refunds added back"]
WORDS = {w for label in [*LONG, *STEPS, "All other", "Result"] for w in label.split()}
NUMBER = re.compile(r"^[−\-+]?[\d,]*\.?\d+\s*%?$")


def _series(scale: float = 1.0) -> pd.Series:
    return pd.Series([18_500.0, 14_200.0, 11_900.0, 6_400.0, 3_100.0, 1_250.0], index=LONG) * scale


def _charts() -> dict[str, plots.Chart]:
    """One chart per public plot function, with long labels and values in the thousands."""
    s = _series()
    frame = pd.DataFrame(
        {"Scope 1": s.iloc[:4].to_numpy(), "Scope 2": s.iloc[2:].to_numpy()}, index=LONG[:4]
    )
    rng = pd.DataFrame({"point": s, "low": s * 0.55, "high": s * 1.45})
    steps = pd.Series([52_000.0, -21_500.0, -6_250.0, 1_800.0], index=STEPS)
    years = pd.DataFrame(
        {
            "Supply chain": [41_000.0, 43_500.0, 46_250.0],
            "Target path": [41_000.0, 36_000.0, 31_000.0],
        },
        index=[2021, 2022, 2023],
    )
    return {
        "bar": plots.bar(s, unit="t CO2e", title="Emissions by category"),
        "grouped_bar": plots.grouped_bar(frame, unit="t CO2e", title="Two series"),
        "stacked_bar": plots.stacked_bar(frame, unit="t CO2e", title="Scope 1 and 2 by sector"),
        "stacked_bar_h": plots.stacked_bar(
            frame, unit="t CO2e", horizontal=True, title="Scope 1 and 2 by sector"
        ),
        "pareto": plots.pareto(s * 900, s, title="Hot spots"),
        "waterfall": plots.waterfall(steps, unit="USD", title="From payments to purchases"),
        "ranges": plots.ranges(rng, unit="t CO2e", title="Ranges"),
        "line": plots.line(years, unit="t CO2e", xlabel="fiscal year", title="By year"),
    }


@pytest.fixture(scope="module")
def charts():
    made = _charts()
    for c in made.values():
        FigureCanvasAgg(c.fig).draw()  # the Chart closed its pyplot window
    yield made
    for c in made.values():
        plt.close(c.fig)


def _tick_labels(chart: plots.Chart):
    for ax in chart.fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for t in axis.get_ticklabels():
                if t.get_visible() and t.get_text().strip():
                    yield ax, axis, t


def test_every_public_plot_function_is_checked():
    public = {n for n in plots.__all__ if callable(getattr(plots, n)) and n[0].islower()}
    public -= {"style", "wrap_label"}
    assert public <= {k.removesuffix("_h") for k in _charts()}


@pytest.mark.parametrize("name", list(_charts()))
def test_title_and_alt_text_present(charts, name):
    chart = charts[name]
    titles = [ax.get_title() for ax in chart.fig.axes]
    titles.append(chart.fig._suptitle.get_text() if chart.fig._suptitle else "")
    assert any(t.strip() for t in titles), "no title on the figure"
    assert len(chart.alt_text) > 40 and chart.alt_text.split()[0] in {
        "Horizontal",
        "Grouped",
        "Stacked",
        "Two",
        "Waterfall",
        "Range",
        "Line",
    }
    assert chart.caption.strip()


@pytest.mark.parametrize("name", list(_charts()))
def test_no_label_cut_mid_word_and_long_labels_wrapped(charts, name):
    for _, _, t in _tick_labels(charts[name]):
        text = t.get_text()
        flat = text.replace("\n", " ").strip()
        if NUMBER.match(flat) or re.fullmatch(r"20\d\d", flat):
            continue  # amounts and years
        for word in flat.split():
            assert word.rstrip("…") in WORDS or word == "…", f"{text!r}: {word!r} is cut"
        assert max(len(line) for line in text.split("\n")) <= 30, f"{text!r} is not wrapped"


@pytest.mark.parametrize("name", list(_charts()))
def test_category_labels_do_not_overlap(charts, name):
    chart = charts[name]
    renderer = chart.fig.canvas.get_renderer()
    for ax in chart.fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            boxes = [
                t.get_window_extent(renderer)
                for t in axis.get_ticklabels()
                if t.get_visible() and t.get_text().strip()
            ]
            for a, b in zip(boxes, boxes[1:], strict=False):
                assert not a.overlaps(b), f"{name}: labels overlap on one axis"


def test_grouped_bar_labels_fit_many_groups():
    names = [
        f"{n} kommune"
        for n in (
            "Bjørkestrand",
            "Fjellgård",
            "Håkonsfjord",
            "Lyngmo",
            "Sølvdalen",
            "Tindøy",
            "Ærvika",
        )
    ]
    frame = pd.DataFrame({"2019": [1.2] * 7, "2020": [1.1] * 7, "2021": [1.3] * 7}, index=names)
    chart = plots.grouped_bar(frame, unit="t CO2e per resident", title="Per resident")
    FigureCanvasAgg(chart.fig).draw()
    renderer = chart.fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in chart.fig.axes[0].get_xticklabels()]
    assert len(boxes) == 7
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert not a.overlaps(b), "group labels run into each other"


def test_line_starts_at_zero_for_amounts(charts):
    assert charts["line"].fig.axes[0].get_ylim()[0] == 0


@pytest.mark.parametrize("name", list(_charts()))
def test_axis_numbers_have_thousands_separators_and_do_not_run_together(charts, name):
    chart = charts[name]
    renderer = chart.fig.canvas.get_renderer()
    numeric = 0
    for ax in chart.fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            boxes = []
            for t in labels:
                text = t.get_text().replace("−", "-").strip()
                if not NUMBER.match(text) or (axis is ax.xaxis and name == "line"):
                    continue  # years on the line chart's x axis are not amounts
                numeric += 1
                value = abs(float(text.rstrip("%").replace(",", "")))
                if value >= 1000:
                    assert "," in text, f"{name}: tick {text!r} has no thousands separator"
                boxes.append(t.get_window_extent(renderer))
            for a, b in zip(boxes, boxes[1:], strict=False):
                assert not a.overlaps(b), f"{name}: tick labels run together on one axis"
    assert numeric >= 3


def test_pareto_secondary_axis_reads_as_percent_0_to_100(charts):
    chart = charts["pareto"]
    twins = [ax for ax in chart.fig.axes if "cumulative" in (ax.get_ylabel() + ax.get_xlabel())]
    assert len(twins) == 2
    for ax in twins:
        axis = ax.yaxis if "cumulative" in ax.get_ylabel() else ax.xaxis
        texts = [t.get_text() for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
        assert texts and all(t.endswith("%") for t in texts), texts
        values = [float(t.rstrip("%").replace("−", "-")) for t in texts]
        assert min(values) == 0 and max(values) == 100


@pytest.mark.parametrize("name", ["grouped_bar", "stacked_bar", "stacked_bar_h", "line"])
def test_legend_outside_the_data_area(charts, name):
    chart = charts[name]
    renderer = chart.fig.canvas.get_renderer()
    ax = chart.fig.axes[0]
    legends = [ax.get_legend(), *chart.fig.legends]
    legends = [lg for lg in legends if lg is not None]
    assert legends, "no legend"
    for lg in legends:
        box = lg.get_window_extent(renderer)
        assert not box.overlaps(ax.get_window_extent(renderer)), "legend over the data"
        fig_box = chart.fig.bbox
        assert box.x0 >= fig_box.x0 - 1 and box.x1 <= fig_box.x1 + 1  # and not cut off


def test_waterfall_steps_are_signed(charts):
    ax = charts["waterfall"].fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts[0] == "52,000" and texts[-1] == "26,050"  # start and result: unsigned
    assert texts[1:-1] == ["−21,500", "−6,250", "+1,800"]


# Captions and HTML titles name the member as people know it.

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize(
    "stem", ["01_lgo_and_supply_chain", "04_quantitative_analysis", "05_round_robin"]
)
def test_plot_captions_use_the_display_name_not_the_slug(stem):
    nb = json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and "plots." in src:
            assert "{member}" not in src, f"{stem}: a plot caption shows the slug:\n{src}"


def test_html_export_title_names_session_and_member(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Session 4: Quantitative analysis\n\nText."),
        nbformat.v4.new_code_cell('member = "cedar_valley"'),
    ]
    nb.metadata["papermill"] = {"parameters": {"member": "cedar_valley"}}
    executed = tmp_path / "04_quantitative_analysis.ipynb"
    nbformat.write(nb, executed)
    page = tmp_path / "04.html"
    runner.to_html(executed, page)
    title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8")).group(1)
    assert title == "Session 4: Quantitative analysis - City of Cedar Valley"


@pytest.mark.notebooks
def test_session4_hot_spot_caption_counts_categories(tmp_path):
    """Acceptance: the caption states how many *categories* hold 80% of emissions and spend."""
    from cohort_helpers import analysis, categories, inventory, members

    member = "cedar_valley"
    notebook = NOTEBOOKS / "04_quantitative_analysis.ipynb"
    run = runner.execute(
        notebook,
        tmp_path,
        {"member": member, "output_dir": str(tmp_path / "out")},
        html=False,
        cwd=notebook.parent,
    )
    assert run.status == "ok", run.message
    nb = json.loads(run.executed.read_text(encoding="utf-8"))
    captions = [
        re.search(r"<figcaption><em>(.*?)</em>", "".join(o["data"]["text/html"])).group(1)
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "figcaption" in "".join(o.get("data", {}).get("text/html", ""))
    ]
    hot = [c for c in captions if "hold 80%" in c]
    assert len(hot) == 1
    by = categories.by_category(inventory.member_inventory(member, n_draws=0).summary)
    h = analysis.hot_spots(by)
    name = members.member_profile(member).name
    assert hot[0].startswith(
        f"{h.n80_emissions} of {len(by)} purchase categories hold 80% of {name}&#x27;s "
        f"supply-chain emissions; {h.n80_spend} hold 80% of its spend"
    )
    # 24 categories: the engine places some purchases by the profile (contract C5)
    assert (h.n80_emissions, h.n80_spend, len(by)) == (9, 8, 24)
    assert "cedar_valley" not in " ".join(captions)
