"""Session 6: from hot spots to purchasing policy.

- Measures are data (``datasets/policy/measures.csv``, read with
  :func:`load_measures`): each changes the spend or the emission factor of
  named categories, or shifts spend to another category, for the share of the
  categories' spend it reaches.
- :func:`apply_scenario` applies them to a member's summary by category and
  returns the baseline, the scenario, one *wedge* per measure and the Scope 1
  and Scope 2 side effects (fleet electrification lowers fuel burned, a
  Scope 1 saving, while the vehicles' manufacturing, Scope 3, goes up).
- :func:`target_path` and :func:`gap`: a linear reduction target and the
  distance of a scenario from it.
- :func:`hybrid`: spend-based vs supplier-specific (EPD) estimate of a hot spot.
- :func:`policy_brief`: a draft brief as Markdown and HTML with tables,
  charts, assumptions and licence attributions.

Examples
--------
>>> import pandas as pd
>>> summary = pd.DataFrame({"spend_usd": [1e6, 2e6], "t_co2e": [606.0, 156.0]},
...                        index=["327320", "541611"])
>>> m = pd.DataFrame({"measure_id": ["concrete"], "name": ["Low-carbon concrete"],
...     "category_codes": ["327320"], "change_type": ["factor"], "change": [-0.3],
...     "adoption_share": [1.0], "start_year": [2025]})
>>> r = apply_scenario(summary, m, 2026)
>>> round(r.baseline_t - r.scenario_t, 6)
181.8
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.ticker
import numpy as np
import pandas as pd

from . import paths, render
from .factors import FACTOR_SETS
from .plots import Chart, grouped_bar, line, waterfall

__all__ = [
    "MEASURE_COLUMNS",
    "OPTIONAL_MEASURE_COLUMNS",
    "CHANGE_TYPES",
    "ATTRIBUTION_EPA_SEF",
    "ATTRIBUTION_OPEN_CEDA",
    "load_measures",
    "validate_measures",
    "ScenarioResult",
    "apply_scenario",
    "target_path",
    "Gap",
    "gap",
    "scenario_path",
    "target_chart",
    "HybridComparison",
    "hybrid",
    "UNITS",
    "convert_quantity",
    "survey_quantities",
    "HotSpotQuantity",
    "hot_spot_quantity",
    "BriefPaths",
    "policy_brief",
]

#: Required columns of a measures table.
MEASURE_COLUMNS = (
    "measure_id",
    "name",
    "category_codes",
    "change_type",
    "change",
    "adoption_share",
    "start_year",
)
#: Optional columns (added with defaults when absent).
OPTIONAL_MEASURE_COLUMNS = (
    "target_code",
    "target_kg_per_usd",
    "scope1_change_t",
    "scope2_change_t",
    "notes",
    "source",
)
#: What a measure changes.
CHANGE_TYPES = ("spend", "factor", "shift")



def _licence_notice(set_name: str) -> str:
    """The brief's licence line for a registered factor set: its own attribution and licence."""
    s = FACTOR_SETS[set_name]
    return (
        f"Emission factors: {s.attribution}; kg CO2e per {s.dollar_year} USD, "
        f"{s.price_basis} price. Licence: {s.licence}."
    )


#: Licence lines of the brief, from the factor sets' registry (one attribution per set).
ATTRIBUTION_EPA_SEF = _licence_notice("sef_v1.3")
ATTRIBUTION_OPEN_CEDA = _licence_notice("open_ceda_2024")

_CODE_RE = re.compile(r"^\d{2,6}$")


# --------------------------------------------------------------------------
# measures
# --------------------------------------------------------------------------


def _split_codes(text: object) -> list[str]:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    return [c.strip() for c in str(text).split(";") if c.strip()]


def validate_measures(measures: pd.DataFrame, *, source: str = "measures") -> pd.DataFrame:
    """Check a measures table and return it with clean types.

    Rules: every required column present (:data:`MEASURE_COLUMNS`);
    ``measure_id`` unique and not blank; ``category_codes`` one or more
    NAICS codes or prefixes of 2-6 digits separated by ``;``; ``change_type``
    one of :data:`CHANGE_TYPES`; ``change`` a number >= -1 (for ``shift``
    between -1 and 0: the share of the reached spend that moves);
    ``adoption_share`` from 0 to 1; ``start_year`` a whole year; ``shift``
    measures need a ``target_code`` outside their own categories;
    ``scope1_change_t``/``scope2_change_t`` numbers (blank = 0).

    Parameters
    ----------
    measures : DataFrame
    source : str
        Name used in messages (a file name); rows are then numbered as lines
        of that file (header = line 1).

    Returns
    -------
    DataFrame
        A copy with numeric columns as floats, ``start_year`` as int, codes
        as text and every optional column present.

    Raises
    ------
    ValueError
        Naming the row (file line and ``measure_id``), the column, what was
        expected and what was found.

    Examples
    --------
    >>> bad = pd.DataFrame({"measure_id": ["x"], "name": ["X"], "category_codes": ["327320"],
    ...     "change_type": ["factor"], "change": [-0.3], "adoption_share": [1.5],
    ...     "start_year": [2025]})
    >>> validate_measures(bad)
    Traceback (most recent call last):
    ...
    ValueError: measures line 2 (measure_id 'x'), column 'adoption_share': expected a number from 0 to 1, got '1.5'.
    """
    missing = [c for c in MEASURE_COLUMNS if c not in measures.columns]
    if missing:
        raise ValueError(
            f"{source} lacks the column(s) {missing}; expected {list(MEASURE_COLUMNS)} "
            f"(optional: {list(OPTIONAL_MEASURE_COLUMNS)})."
        )
    df = measures.copy().reset_index(drop=True)
    for col in OPTIONAL_MEASURE_COLUMNS:
        if col not in df:
            df[col] = (
                np.nan
                if col in ("target_kg_per_usd",)
                else ("" if col in ("target_code", "notes", "source") else 0.0)
            )

    def where(i: int) -> str:
        return f"{source} line {i + 2} (measure_id {str(df.at[i, 'measure_id']).strip()!r})"

    def fail(i: int, col: str, expected: str) -> None:
        raise ValueError(f"{where(i)}, column {col!r}: {expected}, got {str(df.at[i, col])!r}.")

    def number(i: int, col: str, *, blank: float | None = None) -> float:
        raw = df.at[i, col]
        if blank is not None and (
            raw is None
            or (isinstance(raw, str) and not raw.strip())
            or (not isinstance(raw, str) and pd.isna(raw))
        ):
            return blank
        try:
            v = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            v = math.nan
        if not math.isfinite(v):
            fail(i, col, "expected a (finite) number")
        return v

    ids = df["measure_id"].astype("string").str.strip()
    nums: dict[str, list] = {
        k: []
        for k in (
            "change",
            "adoption_share",
            "start_year",
            "scope1_change_t",
            "scope2_change_t",
            "target_kg_per_usd",
        )
    }
    codes_out, targets = [], []
    for i in range(len(df)):
        if pd.isna(ids[i]) or not ids[i]:
            fail(i, "measure_id", "expected a non-blank id")
        ctype = str(df.at[i, "change_type"]).strip().lower()
        if ctype not in CHANGE_TYPES:
            fail(i, "change_type", f"expected one of {list(CHANGE_TYPES)}")
        df.at[i, "change_type"] = ctype
        codes = _split_codes(df.at[i, "category_codes"])
        if not codes or not all(_CODE_RE.match(c) for c in codes):
            fail(
                i,
                "category_codes",
                "expected NAICS codes or prefixes of 2-6 digits separated by ';'",
            )
        codes_out.append(";".join(codes))
        change = number(i, "change")
        if ctype == "shift":
            if not -1 <= change <= 0:
                fail(i, "change", "expected a share of spend moved, from -1 to 0, for a shift")
        elif change < -1:
            fail(i, "change", "expected a relative change of at least -1 (-100%)")
        adoption = number(i, "adoption_share")
        if not 0 <= adoption <= 1:
            fail(i, "adoption_share", "expected a number from 0 to 1")
        year = number(i, "start_year")
        if year != int(year):
            fail(i, "start_year", "expected a whole year such as 2026")
        tgt = df.at[i, "target_code"]
        tgt = "" if tgt is None or (not isinstance(tgt, str) and pd.isna(tgt)) else str(tgt).strip()
        if tgt.endswith(".0"):
            tgt = tgt[:-2]
        if ctype == "shift":
            if not re.fullmatch(r"\d{6}", tgt):
                fail(i, "target_code", "expected a 6-digit NAICS code that a shift moves spend to")
            if any(tgt.startswith(c) for c in codes):
                fail(i, "target_code", "expected a code outside the measure's own category_codes")
        targets.append(tgt)
        nums["change"].append(change)
        nums["adoption_share"].append(adoption)
        nums["start_year"].append(int(year))
        nums["scope1_change_t"].append(number(i, "scope1_change_t", blank=0.0))
        nums["scope2_change_t"].append(number(i, "scope2_change_t", blank=0.0))
        tk = number(i, "target_kg_per_usd", blank=math.nan)
        if not math.isnan(tk) and tk < 0:
            fail(i, "target_kg_per_usd", "expected a factor of 0 or more kg CO2e per USD")
        nums["target_kg_per_usd"].append(tk)
    dup = ids.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        fail(i, "measure_id", "expected a unique id (it appears earlier too)")
    df["measure_id"] = ids.astype(str) if len(df) else ids
    df["category_codes"] = codes_out
    df["target_code"] = targets
    for k, v in nums.items():
        df[k] = pd.Series(v, index=df.index, dtype="int64" if k == "start_year" else "float64")
    for col in ("name", "notes", "source"):
        df[col] = df[col].fillna("").astype(str)
    return df


def load_measures(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a measures file (default ``datasets/policy/measures.csv``).

    Codes stay text (leading zeros and prefixes intact). See
    :func:`validate_measures` for the rules and the messages.

    Parameters
    ----------
    path : str or Path, optional
        A measures CSV (default: the bundled one).

    Returns
    -------
    DataFrame
        One row per measure, validated.

    Raises
    ------
    ValueError
        A row breaks a rule (the message names the row and column).

    Examples
    --------
    >>> m = load_measures()
    >>> m.loc[m["measure_id"] == "concrete_epd", "change"].item()
    -0.3
    """
    if path is None:
        path = paths.datasets_dir() / "policy" / "measures.csv"
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No measures file at {path}; expected a CSV with {list(MEASURE_COLUMNS)}."
        )
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return validate_measures(raw, source=path.name)


# --------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------


@dataclass
class ScenarioResult:
    """Baseline vs scenario emissions with one wedge per measure.

    Measures are applied one after the other in ``order``, each to the state
    left by the previous ones, so ``sum(wedges) == baseline_t - scenario_t``
    (to floating-point rounding) and overlapping measures are not counted twice.

    Attributes
    ----------
    year : int
    baseline_t, scenario_t : float
        Scope 3 (categories in the summary) emissions, t CO2e.
    wedges : Series
        Reduction per measure (t CO2e, positive = less emissions), in order.
    measures : DataFrame
        Per measure: name, type, active, matched codes, reached spend, wedge,
        Scope 1 and Scope 2 changes, ``note`` (what happened in this run),
        ``assumption`` and ``source`` (from the measures table).
    by_category : DataFrame
        ``baseline_spend_usd``, ``scenario_spend_usd``, ``baseline_t``,
        ``scenario_t``, ``change_t``.
    scope1_change_t, scope2_change_t : Series
        Side effects per measure outside the Scope 3 inventory (t CO2e per
        year, negative = reduction), reported separately, never netted.
    """

    year: int
    baseline_t: float
    scenario_t: float
    wedges: pd.Series
    measures: pd.DataFrame
    by_category: pd.DataFrame
    scope1_change_t: pd.Series
    scope2_change_t: pd.Series
    order: list[str] = field(default_factory=list)

    @property
    def reduction_t(self) -> float:
        """``baseline_t - scenario_t``.

        Returns
        -------
        float
            t CO2e.

        Examples
        --------
        >>> summary = pd.DataFrame({"spend_usd": [1e6, 2e6], "t_co2e": [606.0, 156.0]},
        ...                        index=["327320", "541611"])
        >>> m = pd.DataFrame({"measure_id": ["concrete"], "name": ["Low-carbon concrete"],
        ...     "category_codes": ["327320"], "change_type": ["factor"], "change": [-0.3],
        ...     "adoption_share": [1.0], "start_year": [2025]})
        >>> r = apply_scenario(summary, m, 2026)
        >>> round(r.reduction_t, 6)
        181.8
        """
        return self.baseline_t - self.scenario_t

    @property
    def reduction_share(self) -> float:
        """Reduction as a share of the baseline (NaN for a zero baseline).

        Returns
        -------
        float

        Examples
        --------
        >>> summary = pd.DataFrame({"spend_usd": [1e6, 2e6], "t_co2e": [606.0, 156.0]},
        ...                        index=["327320", "541611"])
        >>> m = pd.DataFrame({"measure_id": ["concrete"], "name": ["Low-carbon concrete"],
        ...     "category_codes": ["327320"], "change_type": ["factor"], "change": [-0.3],
        ...     "adoption_share": [1.0], "start_year": [2025]})
        >>> r = apply_scenario(summary, m, 2026)
        >>> round(r.reduction_share, 4)
        0.2386
        """
        return self.reduction_t / self.baseline_t if self.baseline_t else math.nan

    def __str__(self) -> str:
        s = (
            f"{self.year}: baseline {self.baseline_t:,.1f} t CO2e, scenario {self.scenario_t:,.1f} t "
            f"({-self.reduction_share:+.1%})."
        )
        s1 = float(self.scope1_change_t.sum())
        if s1:
            s += f" Scope 1 side effect {s1:+,.1f} t per year (not in the Scope 3 totals)."
        return s

    def _labels(self) -> pd.Series:
        """Short chart labels: the name before any parenthesis, wrapped."""
        names = self.measures.set_index("measure_id")["name"]
        short = [
            textwrap.fill(str(names.get(m, m) or m).split(" (")[0], width=20)
            for m in self.wedges.index
        ]
        return pd.Series(short, index=self.wedges.index)

    def _effects(self) -> pd.DataFrame:
        """Change by scope per measure (negative = fewer emissions), measures with any effect."""
        frame = pd.DataFrame(
            {
                "Scope 3 (supply chain)": 0.0 - self.wedges,  # 0.0 - x avoids -0.0
                "Scope 1 (fuel)": self.scope1_change_t.reindex(self.wedges.index),
                "Scope 2 (electricity)": self.scope2_change_t.reindex(self.wedges.index),
            }
        )
        frame.index = self._labels().to_numpy()
        return frame[(frame != 0).any(axis=1)]

    @staticmethod
    def _one_line(chart: Chart) -> Chart:
        chart.alt_text = " ".join(chart.alt_text.split())  # wrapped labels: no newlines
        return chart

    def chart(self, *, title: str | None = None) -> Chart:
        """Waterfall: baseline Scope 3, minus each measure's wedge, to the scenario.

        Measures without a Scope 3 effect here (not started, no matching
        categories, change 0) are left out of the chart and counted in the caption.
        When the steps are small next to the baseline (all levels within 25% of
        it), the axis starts above zero so that they are visible, and the
        caption says so.

        Parameters
        ----------
        title : str, optional
            Chart title.

        Returns
        -------
        Chart

        Examples
        --------
        >>> summary = pd.DataFrame({"spend_usd": [1e6, 2e6], "t_co2e": [606.0, 156.0]},
        ...                        index=["327320", "541611"])
        >>> m = pd.DataFrame({"measure_id": ["concrete"], "name": ["Low-carbon concrete"],
        ...     "category_codes": ["327320"], "change_type": ["factor"], "change": [-0.3],
        ...     "adoption_share": [1.0], "start_year": [2025]})
        >>> r = apply_scenario(summary, m, 2026)
        >>> r.chart().caption[:60]
        'Scope 3 (purchased goods and capital goods) emissions in 202'
        """
        s3 = self._effects()["Scope 3 (supply chain)"]
        s3 = s3[s3 != 0]
        left_out = len(self.wedges) - len(s3)
        steps = pd.concat([pd.Series({"Baseline": self.baseline_t}), s3])
        caption = (
            f"Scope 3 (purchased goods and capital goods) emissions in {self.year}: baseline "
            f"{self.baseline_t:,.0f} t CO2e, {self.reduction_t:,.0f} t less with the measures "
            f"({self.reduction_share:.0%}), applied in the order shown."
        )
        if left_out:
            caption += f" {left_out} measure(s) with no effect here are not shown."
        levels = steps.cumsum()
        lo, hi = float(levels.min()), float(levels.max())
        span = hi - lo
        bottom = max(0.0, lo - 1.5 * span)
        zoom = lo > 0 and 0 < span < 0.25 * hi and bottom > 0
        if zoom:
            caption += f" The axis starts at {bottom:,.0f} t, not at zero, so the steps show."
        chart = waterfall(
            steps,
            unit="t CO2e",
            title=title or f"Purchasing measures, {self.year}",
            caption=caption,
            total_label="Scenario",
        )
        if zoom:
            chart.fig.axes[0].set_ylim(bottom, hi + 0.3 * span)
        return self._one_line(chart)

    def scopes_chart(self, *, title: str | None = None) -> Chart:
        """Change per measure by scope: shows e.g. Scope 1 savings vs Scope 3 increases.

        Parameters
        ----------
        title : str, optional
            Chart title.

        Returns
        -------
        Chart

        Examples
        --------
        >>> summary = pd.DataFrame({"spend_usd": [1e6, 2e6], "t_co2e": [606.0, 156.0]},
        ...                        index=["327320", "541611"])
        >>> m = pd.DataFrame({"measure_id": ["concrete"], "name": ["Low-carbon concrete"],
        ...     "category_codes": ["327320"], "change_type": ["factor"], "change": [-0.3],
        ...     "adoption_share": [1.0], "start_year": [2025]})
        >>> r = apply_scenario(summary, m, 2026)
        >>> r.scopes_chart().caption.startswith("Negative = fewer emissions.")
        True
        """
        frame = self._effects()
        frame = frame.loc[:, (frame != 0).any()]
        if frame.empty:
            frame = pd.DataFrame({"Scope 3 (supply chain)": [0.0]}, index=["(no effect)"])
        return self._one_line(
            grouped_bar(
                frame,
                unit="t CO2e (change)",
                title=title or f"Change by scope and measure, {self.year}",
                caption=(
                    "Negative = fewer emissions. Scope 1 and 2 changes are per year of use; the "
                    "Scope 3 change is in the purchase year: e.g. an electric vehicle's larger "
                    "manufacturing footprint is counted once, its fuel saving every year."
                ),
            )
        )


def _match(codes: pd.Index, prefixes: Sequence[str]) -> np.ndarray:
    s = pd.Series(codes, dtype="string")
    hit = np.zeros(len(codes), dtype=bool)
    for p in prefixes:
        hit |= s.str.startswith(p).fillna(False).to_numpy(dtype=bool)
    return hit


def apply_scenario(
    summary_by_code: pd.DataFrame,
    measures: pd.DataFrame | None,
    year: int,
    *,
    factors: Mapping[str, float] | pd.Series | None = None,
    order: Sequence[str] | None = None,
) -> ScenarioResult:
    """Apply purchasing measures to a member's emissions by category.

    For each active measure (``start_year <= year``), in ``order`` (default:
    the table's row order), on the categories whose code starts with one of
    its ``category_codes``, with ``k = change * adoption_share``:

    - ``spend``: spend and emissions x ``(1 + k)`` (less buying);
    - ``factor``: emissions x ``(1 + k)``, spend unchanged (cleaner products
      at the same price);
    - ``shift``: a share ``q = -change * adoption_share`` of the spend moves
      to ``target_code`` (emissions there at the target's kg per USD: the
      member's own, else ``factors[target]``, else the measure's
      ``target_kg_per_usd``).

    Scope 1/2 side effects = ``scope1_change_t`` (t per USD million) x the
    spend the measure reaches (category spend x adoption) / 1e6.

    Parameters
    ----------
    summary_by_code : DataFrame
        ``inventory.summarise(lines, "naics6")``: index = code, with
        ``spend_usd`` and ``t_co2e``.
    measures : DataFrame or None
        A measures table (:func:`load_measures`); ``None`` or empty = baseline.
    year : int
        Scenario year.
    factors : mapping or Series, optional
        kg CO2e per USD by code for shift targets the member does not buy yet.
    order : list of measure_id, optional
        Order of application (all active measures must be listed).

    Returns
    -------
    ScenarioResult
        With no measures, or measures with change 0 or adoption 0, the
        scenario equals the baseline exactly.

    Examples
    --------
    >>> s = pd.DataFrame({"spend_usd": [100.0], "t_co2e": [50.0]}, index=["334111"])
    >>> m = pd.DataFrame({"measure_id": ["it"], "name": ["Longer IT lifetimes"],
    ...     "category_codes": ["3341"], "change_type": ["spend"], "change": [-0.2],
    ...     "adoption_share": [1.0], "start_year": [2020]})
    >>> apply_scenario(s, m, 2025).wedges.round(6).to_dict()
    {'it': 10.0}
    """
    for col in ("spend_usd", "t_co2e"):
        if col not in summary_by_code:
            raise ValueError(
                f"summary_by_code needs {col!r} (inventory.summarise output); has "
                f"{list(summary_by_code.columns)}."
            )
    idx = pd.Index(summary_by_code.index.astype(str), name=summary_by_code.index.name or "naics6")
    if idx.duplicated().any():
        raise ValueError(f"summary_by_code has duplicated codes {list(idx[idx.duplicated()][:3])}.")
    spend = pd.Series(summary_by_code["spend_usd"].to_numpy(dtype=float), index=idx)
    t = pd.Series(summary_by_code["t_co2e"].to_numpy(dtype=float), index=idx)
    if spend.isna().any() or t.isna().any():
        raise ValueError("summary_by_code has missing spend_usd or t_co2e values.")
    base_spend, base_t = spend.copy(), t.copy()
    baseline = float(t.sum())

    m = validate_measures(measures) if measures is not None and len(measures) else None
    if m is None:
        m = validate_measures(pd.DataFrame(columns=list(MEASURE_COLUMNS)))
    ids = m["measure_id"].tolist()
    if order is not None:
        unknown = [o for o in order if o not in ids]
        if unknown:
            raise ValueError(f"order names unknown measures {unknown}; known: {ids}.")
        active_ids = [
            i for i in ids if int(m.loc[m["measure_id"] == i, "start_year"].item()) <= year
        ]
        left_out = [i for i in active_ids if i not in order]
        if left_out:
            raise ValueError(
                f"order leaves out active measures {left_out}; list every measure to apply."
            )
        seq = list(order) + [i for i in ids if i not in order]
    else:
        seq = ids
    fac = pd.Series(factors, dtype=float) if factors is not None else pd.Series(dtype=float)
    fac.index = fac.index.astype(str)

    rows, wedges, s1, s2 = [], {}, {}, {}
    for mid in seq:
        r = m.loc[m["measure_id"] == mid].iloc[0]
        info = {
            "measure_id": mid,
            "name": r["name"],
            "change_type": r["change_type"],
            "change": r["change"],
            "adoption_share": r["adoption_share"],
            "active": bool(r["start_year"] <= year),
            "matched_codes": "",
            "reached_spend_usd": 0.0,
            "note": "",
            "assumption": r["notes"],
            "source": r["source"],
        }
        wedge = d1 = d2 = 0.0
        if not info["active"]:
            info["note"] = f"starts in {int(r['start_year'])}"
        else:
            hit = _match(t.index, _split_codes(r["category_codes"]))
            info["matched_codes"] = ";".join(t.index[hit])
            if not hit.any():
                info["note"] = "no matching categories in this inventory"
            before = float(t.sum())
            reached = float(spend[hit].sum()) * r["adoption_share"]
            k = r["change"] * r["adoption_share"]
            if r["change_type"] == "spend":
                spend[hit] = spend[hit] * (1 + k)
                t[hit] = t[hit] * (1 + k)
            elif r["change_type"] == "factor":
                t[hit] = t[hit] * (1 + k)
            else:  # shift
                q = -k
                moved = float((spend[hit] * q).sum())
                spend[hit] = spend[hit] - spend[hit] * q
                t[hit] = t[hit] * (1 - q)
                if moved != 0:
                    tgt = r["target_code"]
                    if tgt in spend.index and spend[tgt] != 0:
                        t_per_usd = t[tgt] / spend[tgt]
                        src = "member's own intensity"
                    elif tgt in fac.index and pd.notna(fac[tgt]):
                        t_per_usd = fac[tgt] / 1000
                        src = "factors argument"
                    elif pd.notna(r["target_kg_per_usd"]):
                        t_per_usd = r["target_kg_per_usd"] / 1000
                        src = "measure's target_kg_per_usd"
                    else:
                        raise ValueError(
                            f"Measure {mid!r} shifts spend to {tgt}, which this inventory does not "
                            "buy: pass factors={code: kg_per_usd} or fill target_kg_per_usd."
                        )
                    if tgt not in spend.index:
                        spend[tgt] = 0.0
                        t[tgt] = 0.0
                    spend[tgt] += moved
                    t[tgt] += moved * t_per_usd
                    info["note"] = (info["note"] + "; " if info["note"] else "") + (
                        f"moved USD {moved:,.0f} to {tgt} at {t_per_usd * 1000:.3f} kg/USD ({src})"
                    )
            wedge = before - float(t.sum())
            d1 = r["scope1_change_t"] * reached / 1e6 + 0.0  # + 0.0: no -0.0 in tables
            d2 = r["scope2_change_t"] * reached / 1e6 + 0.0
            info["reached_spend_usd"] = reached
        info.update({"wedge_t": wedge, "scope1_change_t": d1, "scope2_change_t": d2})
        rows.append(info)
        wedges[mid], s1[mid], s2[mid] = wedge, d1, d2

    by_cat = pd.DataFrame(
        {
            "baseline_spend_usd": base_spend.reindex(t.index, fill_value=0.0),
            "scenario_spend_usd": spend,
            "baseline_t": base_t.reindex(t.index, fill_value=0.0),
            "scenario_t": t,
        }
    )
    by_cat["change_t"] = by_cat["scenario_t"] - by_cat["baseline_t"]
    table = pd.DataFrame(
        rows,
        columns=[
            "measure_id", "name", "change_type", "change", "adoption_share", "active",
            "matched_codes", "reached_spend_usd", "wedge_t", "scope1_change_t", "scope2_change_t",
            "note", "assumption", "source",
        ],
    )  # fmt: skip
    return ScenarioResult(
        year=int(year),
        baseline_t=baseline,
        scenario_t=float(t.sum()),
        wedges=pd.Series(wedges, dtype=float, name="wedge_t"),
        measures=table,
        by_category=by_cat,
        scope1_change_t=pd.Series(s1, dtype=float, name="scope1_change_t"),
        scope2_change_t=pd.Series(s2, dtype=float, name="scope2_change_t"),
        order=list(seq),
    )


# --------------------------------------------------------------------------
# targets
# --------------------------------------------------------------------------


def target_path(
    baseline_t: float, baseline_year: int, target_year: int, reduction: float
) -> pd.Series:
    """Linear path from the baseline to ``baseline_t * (1 - reduction)``.

    Parameters
    ----------
    baseline_t : float
        Baseline emissions, t CO2e.
    baseline_year, target_year : int
        ``target_year`` after ``baseline_year``.
    reduction : float
        Share to cut by the target year, 0..1 (0.5 = halve).

    Returns
    -------
    Series
        ``target_t`` per year (index ``year``), exactly the baseline in the
        first year and exactly the target in the last.

    Examples
    --------
    >>> target_path(1000.0, 2022, 2030, 0.5).loc[[2022, 2026, 2030]].tolist()
    [1000.0, 750.0, 500.0]
    """
    if int(target_year) <= int(baseline_year):
        raise ValueError(
            f"target_year ({target_year}) must be after baseline_year ({baseline_year})."
        )
    if not 0 <= reduction <= 1:
        raise ValueError(f"reduction must be a share from 0 to 1 (0.5 = halve); got {reduction!r}.")
    years = np.arange(int(baseline_year), int(target_year) + 1)
    target = baseline_t * (1 - reduction)
    frac = (years - years[0]) / (years[-1] - years[0])
    values = baseline_t + (target - baseline_t) * frac
    values[0], values[-1] = baseline_t, target
    return pd.Series(values, index=pd.Index(years, name="year"), name="target_t")


@dataclass
class Gap:
    """Distance of a scenario from the target path in one year (t CO2e).

    ``gap_t = scenario_t - target_t``: positive = above the path (more to cut).
    """

    year: int
    target_t: float
    scenario_t: float
    gap_t: float

    @property
    def on_track(self) -> bool:
        """Whether the scenario is at or below the target path.

        Returns
        -------
        bool

        Examples
        --------
        >>> gap(target_path(1000.0, 2022, 2030, 0.5), 700.0, 2026).on_track
        True
        """
        return self.gap_t <= 0

    def __str__(self) -> str:
        if self.on_track:
            return (
                f"{self.year}: scenario {self.scenario_t:,.0f} t is {-self.gap_t:,.0f} t below "
                f"the target path ({self.target_t:,.0f} t): on track."
            )
        return (
            f"{self.year}: scenario {self.scenario_t:,.0f} t is {self.gap_t:,.0f} t above the "
            f"target path ({self.target_t:,.0f} t): more measures needed."
        )


def gap(path: pd.Series, scenario_t: float, year: int) -> Gap:
    """How far a scenario is from the target path in ``year``.

    Parameters
    ----------
    path : Series
        :func:`target_path` output (t CO2e per year).
    scenario_t : float
        The scenario's emissions in ``year``, t CO2e.
    year : int
        A year on the path.

    Returns
    -------
    Gap
        ``gap_t`` > 0: above the path (more measures needed).

    Examples
    --------
    >>> g = gap(target_path(1000.0, 2022, 2030, 0.5), 800.0, 2026)
    >>> g.gap_t, g.on_track
    (50.0, False)
    """
    if year not in path.index:
        raise ValueError(
            f"The path covers {path.index.min()}-{path.index.max()}; {year} is not on it."
        )
    target = float(path.loc[year])
    return Gap(int(year), target, float(scenario_t), float(scenario_t) - target)


def scenario_path(
    summary_by_code: pd.DataFrame,
    measures: pd.DataFrame | None,
    years: Sequence[int] | pd.Index,
    *,
    factors: Mapping[str, float] | pd.Series | None = None,
) -> pd.Series:
    """Scope 3 emissions per year when each measure starts in its ``start_year``.

    Spend stays at the baseline volume every year: the path shows what the
    measures do, not what growth or inflation would add.

    Parameters
    ----------
    summary_by_code : DataFrame
        As for :func:`apply_scenario`.
    measures : DataFrame or None
    years : list of int
        E.g. ``target_path(...).index``.
    factors : mapping, optional
        As for :func:`apply_scenario`.

    Returns
    -------
    Series
        ``scenario_t`` per year (index ``year``).

    Examples
    --------
    >>> s = pd.DataFrame({"spend_usd": [100.0], "t_co2e": [50.0]}, index=["334111"])
    >>> m = pd.DataFrame({"measure_id": ["it"], "name": ["IT"], "category_codes": ["3341"],
    ...     "change_type": ["spend"], "change": [-0.2], "adoption_share": [1.0],
    ...     "start_year": [2025]})
    >>> scenario_path(s, m, [2024, 2025]).tolist()
    [50.0, 40.0]
    """
    m = validate_measures(measures) if measures is not None and len(measures) else None
    values = [apply_scenario(summary_by_code, m, int(y), factors=factors).scenario_t for y in years]
    return pd.Series(
        values, index=pd.Index([int(y) for y in years], name="year"), name="scenario_t"
    )


def target_chart(
    path: pd.Series, scenario: pd.Series | None = None, *, title: str | None = None
) -> Chart:
    """Line chart of the target path and, optionally, the scenario per year.

    The caption states the gap in the last year of the path.

    Parameters
    ----------
    path : Series
        :func:`target_path` output.
    scenario : Series, optional
        The scenario per year (:func:`scenario_path`).
    title : str, optional
        Chart title.

    Returns
    -------
    Chart

    Examples
    --------
    >>> p = target_path(1000.0, 2022, 2030, 0.5)
    >>> c = target_chart(p, pd.Series(900.0, index=p.index))
    >>> "400 t above" in c.caption
    True
    """
    frame = path.to_frame("Target path")
    end = int(path.index[-1])
    caption = (
        f"Linear target path from {path.iloc[0]:,.0f} t CO2e ({path.index[0]}) to "
        f"{path.iloc[-1]:,.0f} t ({end})."
    )
    if scenario is not None:
        frame["With the measures"] = scenario.reindex(path.index)
        if end in scenario.index:
            caption += " " + str(gap(path, float(scenario.loc[end]), end))
        caption += " Spend is held at the baseline volume."
    chart = line(
        frame,
        unit="t CO2e",
        title=title or "Target path and scenario",
        caption=caption,
        xlabel="year",
    )
    ax = chart.fig.axes[0]
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    return chart


# --------------------------------------------------------------------------
# hybrid method
# --------------------------------------------------------------------------


@dataclass
class HybridComparison:
    """Spend-based vs supplier-specific estimate of one hot spot (t CO2e)."""

    label: str
    spend_based_t: float
    supplier_specific_t: float
    difference_t: float
    quantity: float
    unit: str
    epd_kg_per_unit: float
    implied_spend_based_kg_per_unit: float
    note: str

    def as_row(self) -> dict:
        """The comparison as one row of the brief's table.

        Returns
        -------
        dict
            Column -> value.

        Examples
        --------
        >>> hybrid(600.0, 1500.0, "m3", 280.0, label="Ready-mix concrete").as_row()["quantity"]
        '1,500 m3'
        """
        return {
            "hot spot": self.label,
            "spend-based t": self.spend_based_t,
            "supplier-specific t": self.supplier_specific_t,
            "difference t": self.difference_t,
            "quantity": f"{self.quantity:,.0f} {self.unit}",
            "EPD kg per unit": self.epd_kg_per_unit,
        }


def hybrid(
    spend_based_t: float,
    quantity: float,
    unit: str,
    epd_kg_per_unit: float,
    *,
    label: str = "hot spot",
) -> HybridComparison:
    """Replace a spend-based estimate by quantity x supplier-specific (EPD) factor.

    Parameters
    ----------
    spend_based_t : float
        The spend-based estimate of the category, t CO2e.
    quantity : float
        Quantity bought (e.g. m3 of ready-mix concrete).
    unit : str
        Its unit, e.g. ``"m3"``.
    epd_kg_per_unit : float
        kg CO2e per unit from the suppliers' EPDs (declared GWP, A1-A3).

    Returns
    -------
    HybridComparison
        ``difference_t = supplier_specific_t - spend_based_t``.

    Examples
    --------
    >>> h = hybrid(600.0, 1500.0, "m3", 280.0, label="Ready-mix concrete")
    >>> h.supplier_specific_t, h.difference_t
    (420.0, -180.0)
    """
    for name, v in (
        ("spend_based_t", spend_based_t),
        ("quantity", quantity),
        ("epd_kg_per_unit", epd_kg_per_unit),
    ):
        if not (isinstance(v, int | float | np.number) and math.isfinite(v) and v >= 0):
            raise ValueError(f"{name} must be a number of 0 or more; got {v!r}.")
    supplier = quantity * epd_kg_per_unit / 1000
    diff = supplier - spend_based_t
    implied = spend_based_t * 1000 / quantity if quantity else math.nan
    rel = f" ({diff / spend_based_t:+.0%})" if spend_based_t else ""
    implied_text = f"{implied:,.1f} kg/{unit}" if quantity else "nothing (no quantity)"
    note = (
        f"{label}: {quantity:,.0f} {unit} x {epd_kg_per_unit:,.1f} kg CO2e/{unit} (EPDs) = "
        f"{supplier:,.1f} t CO2e vs {spend_based_t:,.1f} t spend-based{rel}; the spend-based "
        f"estimate implies {implied_text}. EPDs usually cover cradle to gate (A1-A3): "
        "transport to site (A4) and the spend-based margins are not in the EPD figure."
    )
    return HybridComparison(
        label, float(spend_based_t), float(supplier), float(diff), float(quantity), unit,
        float(epd_kg_per_unit), float(implied), note,
    )  # fmt: skip


# --------------------------------------------------------------------------
# quantities for the hybrid method (survey returns, or an assumed unit price)
# --------------------------------------------------------------------------

#: Unit spellings -> (dimension, size in the dimension's base unit: m3 or t).
UNITS: dict[str, tuple[str, float]] = {
    "m3": ("volume", 1.0),
    "m³": ("volume", 1.0),
    "cubic meters": ("volume", 1.0),
    "cubic metres": ("volume", 1.0),
    "cubic yards": ("volume", 0.764554857984),
    "cubic yard": ("volume", 0.764554857984),
    "yd3": ("volume", 0.764554857984),
    "yd³": ("volume", 0.764554857984),
    "cy": ("volume", 0.764554857984),
    "t": ("mass", 1.0),
    "tonnes": ("mass", 1.0),
    "metric tons": ("mass", 1.0),
    "short tons": ("mass", 0.90718474),
    "tons": ("mass", 0.90718474),
}

_NUMBER_RE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def convert_quantity(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a quantity between the units in :data:`UNITS` (volume or mass).

    Parameters
    ----------
    value : float
        The quantity.
    from_unit, to_unit : str
        Units of :data:`UNITS` of the same kind.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        An unknown unit, or a volume converted to a mass.

    Examples
    --------
    >>> round(convert_quantity(100.0, "cubic yards", "m3"), 3)
    76.455
    """
    units = {k.lower(): v for k, v in UNITS.items()}
    src, dst = units.get(str(from_unit).strip().lower()), units.get(str(to_unit).strip().lower())
    if src is None or dst is None:
        unknown = from_unit if src is None else to_unit
        raise ValueError(f"Unknown unit {unknown!r}; known: {sorted(UNITS)}.")
    if src[0] != dst[0]:
        raise ValueError(f"Cannot convert {from_unit!r} ({src[0]}) to {to_unit!r} ({dst[0]}).")
    return float(value) * src[1] / dst[1]


def _parse_answer(value: object) -> float:
    """A survey answer as a number: ``"19,463 short tons"`` -> 19463.0; text -> NaN."""
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return float(value)
    m = _NUMBER_RE.search(str(value)) if value is not None else None
    return float(m.group(0).replace(",", "")) if m else math.nan


def _read_returns(member: str, question_id: str) -> pd.DataFrame:
    """The answers to one question, read straight from the returned workbooks."""
    folder = paths.datasets_dir() / "survey" / "returns" / member
    rows = []
    for f in sorted(folder.glob("*.xlsx")) if folder.is_dir() else []:
        sheet = pd.read_excel(f, sheet_name="Survey", dtype=str)
        dept = pd.read_excel(f, sheet_name="Department", dtype=str)
        info = dict(zip(dept.iloc[:, 0], dept.iloc[:, 1], strict=False))
        for _, r in sheet[sheet["question_id"] == question_id].iterrows():
            rows.append(
                {
                    "department": info.get("department", f.stem),
                    "fiscal_year": info.get("fiscal_year", ""),
                    "unit": r.get("unit", ""),
                    "answer": r.get("answer", ""),
                    "file": f.name,
                }
            )
    return pd.DataFrame(rows, columns=["department", "fiscal_year", "unit", "answer", "file"])


def survey_quantities(member: str, question_id: str = "Q07", unit: str = "m3") -> pd.DataFrame:
    """Quantities the departments reported for one survey question, in ``unit``.

    Uses ``cohort_helpers.survey.ingest_returns`` when that module is
    available, else reads ``datasets/survey/returns/<member>/*.xlsx``
    (sheet ``Survey``) directly. Answers are parsed leniently
    (``"19,463 short tons"`` -> 19463) and converted from the unit the
    department wrote (e.g. cubic yards, or m3 when it changed the unit).

    Parameters
    ----------
    member : str
        Member slug.
    question_id : str
        The survey question asking the quantity.
    unit : str
        The unit to report in.

    Returns
    -------
    DataFrame
        ``department``, ``reported`` (the answer as written), ``reported_unit``,
        ``quantity`` (in ``unit``; NaN when the answer is not a number),
        ``unit``. Empty when the member has no survey returns.

    Examples
    --------
    >>> q = survey_quantities("cedar_valley")
    >>> q.loc[q["quantity"] > 0, "department"].tolist()
    ['Public Works - Streets']
    """
    raw = None
    try:
        from . import survey  # cohort_helpers.survey (Session 2), when available

        answers = survey.ingest_returns(member).answers
    except (ImportError, AttributeError):
        answers = None
    except FileNotFoundError:  # the member has no survey returns
        answers = pd.DataFrame(columns=["department", "question_id", "unit", "answer"])
    if answers is not None:
        a = answers[answers["question_id"] == question_id]
        # the unit and number as the department wrote them (ingest flags a changed unit)
        unit_col = "unit_given" if "unit_given" in a else "unit"
        given = a["value_given"] if "value_given" in a else a.get("value", a["answer"])
        raw = pd.DataFrame(
            {
                "department": a["department"].astype(str),
                "unit": a[unit_col].fillna(a["unit"]).astype(str),
                "answer": a["answer"],
                "number": pd.to_numeric(given, errors="coerce"),
            }
        )
    if raw is None:
        raw = _read_returns(member, question_id)
    parsed = raw["answer"].map(_parse_answer).astype(float)
    if "number" in raw:
        parsed = raw["number"].astype(float).where(raw["number"].notna(), parsed)
    values = parsed.to_numpy(dtype=float)
    known = {k.lower() for k in UNITS}
    qty = np.full(len(values), math.nan)
    for i, (v, u) in enumerate(zip(values, raw["unit"].astype(str), strict=True)):
        if not math.isnan(v) and u.strip().lower() in known:  # a few answers, not a ledger
            qty[i] = convert_quantity(v, u, unit)
    return pd.DataFrame(
        {
            "department": raw["department"].to_numpy(),
            "reported": raw["answer"].astype(str).to_numpy(),
            "reported_unit": raw["unit"].to_numpy(),
            "quantity": qty,
            "unit": unit,
        }
    )


def _dept_key(names: pd.Series) -> pd.Series:
    """Department names comparable across ledger and survey ("310 - Road & Bridge")."""
    s = names.astype("string").str.lower().str.replace("&", " and ", regex=False)
    s = s.str.replace(r"^\s*\d+\s*[-:.]?\s*", "", regex=True)
    return s.str.replace(r"[^a-z0-9]+", "", regex=True).fillna("")


@dataclass
class HotSpotQuantity:
    """Quantity bought in one hot-spot category and the matching spend-based estimate.

    Attributes
    ----------
    naics6, unit : str
    quantity : float
        Quantity bought, in ``unit``.
    source : str
        ``"survey"`` (departments' returns) or ``"assumed"`` (spend / an
        assumed unit price: a placeholder until real quantities arrive).
    spend_usd, spend_based_t : float
        Ledger spend (factor-year USD) and spend-based t CO2e of the *same*
        scope as the quantity: the reporting departments when they can be
        matched to the ledger, else the whole category.
    departments : DataFrame
        Per department: reported quantity, ledger spend and t CO2e.
    note : str
        How the quantity was obtained, in plain words (say it in the brief).
    """

    naics6: str
    quantity: float
    unit: str
    source: str
    spend_usd: float
    spend_based_t: float
    departments: pd.DataFrame
    note: str

    def __str__(self) -> str:
        return self.note


def hot_spot_quantity(
    lines: pd.DataFrame,
    member: str,
    *,
    naics6: str = "327320",
    question_id: str = "Q07",
    unit: str = "m3",
    assumed_price_per_unit: float = 200.0,
    label: str = "ready-mix concrete",
) -> HotSpotQuantity:
    """Quantity of a hot spot from the survey, or from spend / an assumed unit price.

    With survey returns that report a quantity, the spend-based estimate is
    restricted to the reporting departments (matched by name to the
    ledger's ``department``), so both estimates cover the same purchases.
    Without them the quantity is *assumed*: category spend (factor-year USD)
    / ``assumed_price_per_unit``, and the note says so.

    Parameters
    ----------
    lines : DataFrame
        ``Inventory.lines`` (``status``, ``naics6``, ``department``,
        ``spend_factor_usd``, ``kg_co2e``).
    member : str
        Member slug (finds its survey returns).
    naics6, question_id, unit : str
        The category, the survey question asking its quantity, and the unit
        to report in (default: ready-mix concrete, Q07, m3).
    assumed_price_per_unit : float
        USD (factor year) per ``unit``, used only without survey quantities
        (default 200 USD per m3 of ready-mix, an illustrative US price).
    label : str
        The hot spot's name, for the note.

    Returns
    -------
    HotSpotQuantity
        The quantity, where it came from (``survey`` or ``assumed``), the
        matching spend-based estimate and a note.

    Examples
    --------
    >>> lines = pd.DataFrame({"status": "included", "naics6": ["327320", "541611"],
    ...     "department": ["Public Works - Streets", "Library"],
    ...     "spend_factor_usd": [400000.0, 1e5], "kg_co2e": [240000.0, 8000.0]})
    >>> hot_spot_quantity(lines, "cedar_valley").source
    'survey'
    """
    inc = lines[(lines["status"] == "included") & (lines["naics6"].astype("string") == naics6)]
    ledger = (
        inc.assign(key=_dept_key(inc["department"]))
        .groupby("key")
        .agg(
            ledger_department=("department", "first"),
            spend_usd=("spend_factor_usd", "sum"),
            kg=("kg_co2e", "sum"),
        )
    )
    ledger["spend_based_t"] = ledger.pop("kg") / 1000
    total_spend = float(ledger["spend_usd"].sum())
    total_t = float(ledger["spend_based_t"].sum())
    answers = survey_quantities(member, question_id, unit)
    reported = answers[answers["quantity"].fillna(0) > 0]
    if len(reported):
        per = reported.groupby("department", as_index=False)["quantity"].sum()
        per = (
            per.assign(key=_dept_key(per["department"]))
            .merge(ledger, left_on="key", right_index=True, how="left")
            .drop(columns="key")
            .reset_index(drop=True)
        )
        matched = per["spend_usd"].notna()
        quantity = float(per["quantity"].sum())
        names = ", ".join(per["department"])
        if matched.any():
            spend = float(per.loc[matched, "spend_usd"].sum())
            t = float(per.loc[matched, "spend_based_t"].sum())
            scope = (
                f"the ledger's {naics6} purchases of the same department(s) "
                f"(USD {spend:,.0f}; the whole category, credits included: USD {total_spend:,.0f})"
            )
            if not matched.all():
                scope += "; some reporting departments have no such ledger lines"
        else:
            spend, t = total_spend, total_t
            scope = "the whole category (no reporting department matches the ledger's names)"
        note = (
            f"Survey: {names} reported {quantity:,.0f} {unit} of {label} ({question_id}, "
            f"converted to {unit}). Compared with {scope}."
        )
        return HotSpotQuantity(naics6, quantity, unit, "survey", spend, t, per, note)
    quantity = total_spend / assumed_price_per_unit if assumed_price_per_unit > 0 else math.nan
    if total_spend == 0:
        note = f"No {label} ({naics6}) in this ledger and no survey quantity: nothing to replace."
        quantity = 0.0
    else:
        note = (
            f"ASSUMED quantity: no survey return reports {label} ({question_id}), so the "
            f"quantity is spend / an assumed price: USD {total_spend:,.0f} / USD "
            f"{assumed_price_per_unit:,.0f} per {unit} = {quantity:,.0f} {unit}. "
            "Replace it with delivery tickets or a survey answer before using it."
        )
    per = ledger.reset_index(drop=True).assign(quantity=math.nan)
    return HotSpotQuantity(naics6, quantity, unit, "assumed", total_spend, total_t, per, note)


# --------------------------------------------------------------------------
# policy brief
# --------------------------------------------------------------------------


@dataclass
class BriefPaths:
    """Files written by :func:`policy_brief`."""

    markdown: Path
    html: Path
    images: list[Path]


def _fmt_num(v: object, digits: int = 1) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, int | float | np.number):
        return f"{v:,.{digits}f}"
    return str(v)


def policy_brief(
    output_dir: str | Path,
    *,
    member: str,
    scenario: ScenarioResult,
    path: pd.Series | None = None,
    scenario_by_year: pd.Series | None = None,
    hot_spots: pd.DataFrame | None = None,
    hybrids: Sequence[HybridComparison] = (),
    factor_version: str = "EPA SEF v1.3",
    open_ceda: bool | None = None,
    assumptions: Sequence[str] = (),
    title: str | None = None,
    stem: str = "policy_brief",
) -> BriefPaths:
    """Write a draft purchasing policy brief as Markdown and HTML.

    The brief has: a summary (baseline, scenario, gap to target), the hot
    spots, the measures with their wedges and Scope 1/2 side effects, the
    target path, supplier-specific comparisons, assumptions (each measure's
    notes and source, the factor version, yours) and data licences:
    :data:`ATTRIBUTION_EPA_SEF` when the factor version names EPA/SEF, and
    "CEDA by Watershed" (:data:`ATTRIBUTION_OPEN_CEDA`) when Open CEDA is used
    (``open_ceda=True``, or a factor version naming CEDA).

    Charts are saved as PNG files beside the Markdown (with a ``.txt`` of
    caption and alt text) and embedded as base64 in the HTML, each with its
    alt text and caption.

    Parameters
    ----------
    output_dir : path
        Folder to write to (created).
    member : str
        The government's name, for the title.
    scenario : ScenarioResult
    path : Series, optional
        :func:`target_path` output.
    scenario_by_year : Series, optional
        :func:`scenario_path` output, drawn beside the target path.
    hot_spots : DataFrame, optional
        A :func:`cohort_helpers.inventory.summarise` table (top 10 shown).
    hybrids : list of HybridComparison
    factor_version : str
    open_ceda : bool, optional
    assumptions : list of str
        Extra assumptions, shown as bullets.
    title : str, optional
    stem : str
        File name stem (``policy_brief`` -> ``policy_brief.md``, ``.html``,
        ``policy_brief_<chart>.png``).

    Returns
    -------
    BriefPaths

    Examples
    --------
    >>> import tempfile
    >>> summary = pd.DataFrame({"spend_usd": [1e6, 2e6], "t_co2e": [606.0, 156.0]},
    ...                        index=["327320", "541611"])
    >>> m = pd.DataFrame({"measure_id": ["concrete"], "name": ["Low-carbon concrete"],
    ...     "category_codes": ["327320"], "change_type": ["factor"], "change": [-0.3],
    ...     "adoption_share": [1.0], "start_year": [2025]})
    >>> out = policy_brief(tempfile.mkdtemp(), member="Cedar Valley",
    ...                    scenario=apply_scenario(summary, m, 2026))
    >>> out.markdown.name, [p.name for p in out.images]
    ('policy_brief.md', ['policy_brief_scenario.png'])
    >>> out.markdown.read_text().splitlines()[0]
    '# Draft purchasing policy brief: Cedar Valley'
    """
    title = title or f"Draft purchasing policy brief: {member}"
    uses_ceda = open_ceda if open_ceda is not None else "ceda" in factor_version.lower()
    uses_sef = any(k in factor_version.lower() for k in ("sef", "epa"))

    blocks: list[tuple] = [("h1", title)]
    blocks.append(
        (
            "p",
            "Draft for discussion. The numbers are estimates from purchasing records "
            "(spend-based method) and illustrative assumptions about each measure; they show "
            "orders of magnitude and where to act, not exact savings.",
        )
    )
    sc = scenario
    summary = (
        "The supply-chain emissions of purchased goods and services and capital goods (Scope 3 "
        f"categories 1 and 2) are estimated at {sc.baseline_t:,.0f} t CO2e a year (baseline). "
        f"By {sc.year}, at the same volume of purchases, the measures below would bring them to "
        f"{sc.scenario_t:,.0f} t CO2e, {sc.reduction_t:,.0f} t ({sc.reduction_share:.1%}) less."
    )
    if path is not None and sc.year in path.index:
        summary += " " + str(gap(path, sc.scenario_t, sc.year))
    blocks += [("h2", "Summary"), ("p", summary)]
    s1, s2 = float(sc.scope1_change_t.sum()), float(sc.scope2_change_t.sum())
    if s1 or s2:
        blocks.append(
            (
                "p",
                f"Outside Scope 3, the measures change Scope 1 (fuel) by {s1:+,.0f} t and "
                f"Scope 2 (electricity) by {s2:+,.0f} t CO2e per year; these are reported "
                "separately and not netted against the Scope 3 figures.",
            )
        )

    if hot_spots is not None and len(hot_spots):
        hs = hot_spots
        if "t_co2e" in hs:
            hs = hs.sort_values("t_co2e", ascending=False)
        hs = hs.head(10)
        cols = [
            c for c in ("name", "spend_usd", "t_co2e", "kg_per_usd", "share_emissions") if c in hs
        ]
        tab = hs[cols].copy()
        for c in cols:
            if c == "kg_per_usd":
                tab[c] = hs[c].map(lambda v: _fmt_num(v, 3))
            elif c == "share_emissions":
                tab[c] = hs[c].map(lambda v: f"{v:.0%}" if pd.notna(v) else "")
            elif c != "name":
                tab[c] = hs[c].map(lambda v: _fmt_num(v, 0))
        tab.insert(0, "code", hs.index.astype(str))
        blocks += [
            ("h2", "Where the emissions are"),
            ("p", "The categories with the most emissions (top 10):"),
            ("table", tab),
        ]

    mt = sc.measures
    blocks.append(("h2", "Measures modelled"))
    if len(mt):
        tab = pd.DataFrame(
            {
                "measure": mt["name"],
                "type": mt["change_type"],
                "change": mt["change"].map(lambda v: f"{v:+.0%}"),
                "adoption": mt["adoption_share"].map(lambda v: f"{v:.0%}"),
                "categories": mt["matched_codes"].replace("", "none"),
                "Scope 3 reduction, t": mt["wedge_t"].map(lambda v: _fmt_num(v, 1)),
                "Scope 1 change, t/yr": mt["scope1_change_t"].map(lambda v: _fmt_num(v, 1)),
                "Scope 2 change, t/yr": mt["scope2_change_t"].map(lambda v: _fmt_num(v, 1)),
                "note": mt["note"],
            }
        )
        blocks += [
            (
                "p",
                "Measures are applied in the order listed, each to what the previous ones left, "
                "so their reductions add up to the total without double counting.",
            ),
            ("table", tab),
            ("chart", "scenario", sc.chart()),
        ]
        if (sc.scope1_change_t != 0).any() or (sc.scope2_change_t != 0).any():
            blocks.append(("chart", "scopes", sc.scopes_chart()))
    else:
        blocks.append(("p", "No measures were modelled: the scenario is the baseline."))

    if path is not None:
        frame = path.to_frame("Target path")
        g = gap(path, sc.scenario_t, sc.year) if sc.year in path.index else None
        cap = (
            f"Linear target path from {path.iloc[0]:,.0f} t ({path.index[0]}) to "
            f"{path.iloc[-1]:,.0f} t ({path.index[-1]})." + (f" {g}" if g else "")
        )
        blocks += [
            ("h2", "Target and progress"),
            ("p", cap),
            (
                "chart",
                "target",
                target_chart(path, scenario_by_year, title="Reduction target path")
                if scenario_by_year is not None
                else line(
                    frame, unit="t CO2e", title="Reduction target path", caption=cap, xlabel="year"
                ),
            ),
        ]

    if hybrids:
        tab = pd.DataFrame([h.as_row() for h in hybrids])
        for c in ("spend-based t", "supplier-specific t", "difference t", "EPD kg per unit"):
            tab[c] = tab[c].map(lambda v: _fmt_num(v, 1))
        blocks += [
            ("h2", "Supplier-specific data for hot spots (hybrid method)"),
            ("table", tab),
            ("ul", [h.note for h in hybrids]),
        ]

    notes = [
        f"Emission factors: {factor_version}; spend converted to the factors' price year.",
        "Spend-based estimates scale with money spent: a cheaper product of the same kind shows "
        "lower emissions even if nothing physical changed. Use supplier data for hot spots.",
    ]
    for _, r in mt.iterrows():
        text, src = str(r["assumption"]).strip(), str(r["source"]).strip()
        if text or src:
            notes.append(f"{r['name']}: {text}" + (f" Source type: {src}." if src else ""))
    notes += [str(a) for a in assumptions]
    blocks += [("h2", "Assumptions"), ("ul", notes)]

    licences = []
    if uses_sef:
        licences.append(ATTRIBUTION_EPA_SEF)
    if uses_ceda:
        licences.append(ATTRIBUTION_OPEN_CEDA)
    if not licences:
        licences.append(f"Emission factors: {factor_version} (see its licence).")
    blocks += [("h2", "Data sources and licences"), ("ul", licences)]

    md_path, html_path, images = render.write_report(blocks, output_dir, stem, title=title)
    return BriefPaths(md_path, html_path, images)
