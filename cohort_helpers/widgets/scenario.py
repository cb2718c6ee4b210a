"""Session 6: a live scenario builder for purchasing measures (ipywidgets).

One row per measure with two sliders, *adoption* (the share of the
categories' spend the measure reaches) and *change* (the relative change of
spend or of kg CO2e per USD, or the share of spend shifted), a year slider,
and a result that updates when a slider is released: the Scope 3 total, the
gap to the target path and the waterfall from baseline to scenario.

The panel is a face on plain functions: :meth:`ScenarioPanel.current_measures`
returns the measures table as the sliders set it, and
``policy.apply_scenario(summary, panel.current_measures(), panel.year)`` gives
exactly :attr:`ScenarioPanel.result`. So a scenario found live can be saved
(``panel.current_measures().to_csv(...)``) and rerun without widgets.

Examples
--------
>>> import pandas as pd
>>> from cohort_helpers import policy
>>> from cohort_helpers.widgets import scenario
>>> summary = pd.DataFrame({"spend_usd": [1e6], "t_co2e": [606.0]}, index=["327320"])
>>> panel = scenario.ScenarioPanel(summary, policy.load_measures(), 2030, chart=False)
>>> panel.sliders["concrete_epd"]["adoption"].value = 1.0
>>> round(panel.result.scenario_t, 1)
424.2
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import policy
from . import static

__all__ = ["ScenarioPanel"]


class ScenarioPanel:
    """ipywidgets panel: adjust each measure's adoption and change, see the result live.

    Parameters
    ----------
    summary_by_code : DataFrame
        ``Inventory.summary`` (index = code, ``spend_usd``, ``t_co2e``).
    measures : DataFrame
        A measures table (:func:`cohort_helpers.policy.load_measures`); its
        values are the sliders' starting positions.
    year : int
        Scenario year (measures starting later are inactive).
    path : Series, optional
        :func:`cohort_helpers.policy.target_path`; shows the gap in ``year``.
    factors : mapping, optional
        Passed to :func:`cohort_helpers.policy.apply_scenario` (shift targets).
    chart : bool
        Draw the waterfall on each update (``False`` is faster, e.g. in tests).

    Attributes
    ----------
    sliders : dict
        ``measure_id -> {"adoption": FloatSlider, "change": FloatSlider}``.
    year_slider : IntSlider
    result : ScenarioResult
        The scenario for the current slider positions (updated on every change).
    total, chart_html : HTML widgets
        The summary line and the chart (a ``<figure>`` with alt text and caption).
    widget : VBox
        The whole panel (what the notebook shows).

    Examples
    --------
    >>> panel = ScenarioPanel(inv.summary, policy.load_measures(), 2030)  # doctest: +SKIP
    >>> panel  # doctest: +SKIP
    """

    def __init__(
        self,
        summary_by_code: pd.DataFrame,
        measures: pd.DataFrame,
        year: int,
        *,
        path: pd.Series | None = None,
        factors: Mapping[str, float] | pd.Series | None = None,
        chart: bool = True,
    ) -> None:
        import ipywidgets as w

        self.summary = summary_by_code
        self.measures = policy.validate_measures(measures)
        self.path = path
        self.factors = factors
        self.draw_chart = chart
        self.result: policy.ScenarioResult | None = None

        self.sliders: dict[str, dict[str, Any]] = {}
        rows = []
        for _, m in self.measures.iterrows():
            adoption = w.FloatSlider(
                value=float(m["adoption_share"]),
                min=0.0,
                max=1.0,
                step=0.05,
                description="adoption",
                readout_format=".0%",
                continuous_update=False,
            )
            if m["change_type"] == "shift":
                lo, hi, what = -1.0, 0.0, "shifted"
            else:
                lo, hi = -1.0, max(1.0, float(m["change"]))
                what = "spend" if m["change_type"] == "spend" else "kg/USD"
            change = w.FloatSlider(
                value=float(m["change"]),
                min=lo,
                max=hi,
                step=0.05,
                description=what,
                readout_format="+.0%",
                continuous_update=False,
            )
            self.sliders[m["measure_id"]] = {"adoption": adoption, "change": change}
            label = w.HTML(
                f"<b>{html.escape(str(m['name']))}</b><br><small>{html.escape(m['category_codes'])}"
                f" · {html.escape(m['change_type'])} · from {int(m['start_year'])}</small>",
                layout=w.Layout(width="320px"),
            )
            rows.append(w.HBox([label, adoption, change]))
        first = int(path.index[0]) if path is not None else min(int(year), 2025)
        last = max(int(year), int(path.index[-1]) if path is not None else int(year))
        self.year_slider = w.IntSlider(
            value=int(year),
            min=min(first, int(year)),
            max=last,
            description="year",
            continuous_update=False,
        )
        self.reset_button = w.Button(description="Reset to the file's values")
        self.total = w.HTML()
        self.chart_html = w.HTML()
        for pair in self.sliders.values():
            for s in pair.values():
                s.observe(self._changed, names="value")
        self.year_slider.observe(self._changed, names="value")
        self.reset_button.on_click(lambda _b: self.reset())
        self.widget = w.VBox(
            [
                w.HTML("<b>Purchasing measures</b>: move a slider, release it, read the result."),
                *rows,
                w.HBox([self.year_slider, self.reset_button]),
                self.total,
                self.chart_html,
            ]
        )
        self._quiet = False
        self.update()

    # ---- plain methods (the sliders call these) ----

    @property
    def year(self) -> int:
        """The scenario year set on the year slider."""
        return int(self.year_slider.value)

    def current_measures(self) -> pd.DataFrame:
        """The measures table with the sliders' adoption shares and changes."""
        m = self.measures.copy()
        ids = m["measure_id"]
        m["adoption_share"] = ids.map(lambda i: float(self.sliders[i]["adoption"].value))
        m["change"] = ids.map(lambda i: float(self.sliders[i]["change"].value))
        return m

    def set(self, measure_id: str, *, adoption: float | None = None, change: float | None = None):
        """Move one measure's sliders (and update once)."""
        if measure_id not in self.sliders:
            raise KeyError(
                f"No measure {measure_id!r} in the panel; measures: {list(self.sliders)}."
            )
        self._quiet = True
        try:
            if adoption is not None:
                self.sliders[measure_id]["adoption"].value = adoption
            if change is not None:
                self.sliders[measure_id]["change"].value = change
        finally:
            self._quiet = False
        return self.update()

    def reset(self) -> policy.ScenarioResult:
        """Put every slider back to the measures table's values."""
        self._quiet = True
        try:
            for _, m in self.measures.iterrows():
                self.sliders[m["measure_id"]]["adoption"].value = float(m["adoption_share"])
                self.sliders[m["measure_id"]]["change"].value = float(m["change"])
        finally:
            self._quiet = False
        return self.update()

    def summary_text(self) -> str:
        """The result in one or two sentences (what the panel shows above the chart)."""
        r = self.result
        text = str(r)
        if self.path is not None and r.year in self.path.index:
            text += " " + str(policy.gap(self.path, r.scenario_t, r.year))
        return text

    def update(self) -> policy.ScenarioResult:
        """Recompute the scenario from the sliders and refresh the text and the chart."""
        self.result = policy.apply_scenario(
            self.summary, self.current_measures(), self.year, factors=self.factors
        )
        self.total.value = f"<p>{html.escape(self.summary_text())}</p>"
        if self.draw_chart:
            self.chart_html.value = self.result.chart()._repr_html_()
        return self.result

    def _changed(self, _change: Any) -> None:
        if not self._quiet:
            self.update()

    # ---- display ----

    def measures_table(self) -> pd.DataFrame:
        """The measures as the sliders set them (name, categories, adoption, change, start)."""
        m = self.current_measures()
        return pd.DataFrame(
            {
                "measure": m["name"].astype(str),
                "categories": m["category_codes"].astype(str),
                "adoption": m["adoption_share"].map(lambda v: f"{v:.0%}"),
                "change": m["change"].map(lambda v: f"{v:+.0%}"),
                "kind": m["change_type"].astype(str),
                "from": m["start_year"].astype(int).astype(str),
            }
        )

    def static_html(self, *, chart: bool = True) -> str:
        """The panel as a static summary: the result, the measures table and the waterfall."""
        parts = [
            f"<p><b>Scenario builder, {self.year}</b>: {html.escape(self.summary_text())} "
            "(A static copy of the sliders' positions: run the notebook in JupyterLab to move "
            "them.)</p>",
            static.html_table(self.measures_table()),
        ]
        if chart:
            parts.append(self.chart_html.value or self.result.chart()._repr_html_())
        return "".join(parts)

    def _repr_mimebundle_(self, **kwargs: Any):
        return static.bundle(
            self.widget, self.static_html(), f"ScenarioPanel: {self.summary_text()}", **kwargs
        )

    def __repr__(self) -> str:
        return f"ScenarioPanel: {self.summary_text()}"
