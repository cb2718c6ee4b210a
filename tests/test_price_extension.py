"""Spend of a year after the BEA index's last year: carried with CPI-U and said."""

from __future__ import annotations

import pandas as pd
import pytest

from cohort_helpers import adjust


def test_2025_spend_uses_the_2024_index_times_cpi(data_dir):
    wide = adjust.price_index_table()
    last = int(wide.columns.max())
    cpi = adjust.cpi_u()
    year = last + 1
    assert year in cpi.index
    code = wide.index[0]
    got = adjust.price_index_ratio([code], [year], 2022).item()
    want = wide.loc[code, 2022] / (wide.loc[code, last] * cpi.loc[year] / cpi.loc[last])
    assert got == pytest.approx(want, rel=1e-12)


def test_the_note_says_so(data_dir):
    lines = pd.DataFrame(
        {
            "amount": [100.0],
            "fiscal_year": [2025],
            "bea_code": [adjust.price_index_table().index[0]],
        }
    )
    out = adjust.to_factor_dollars(lines, "sef_v1.3", currency="USD")
    assert "carried back with US CPI-U" in out.attrs["note"]
    assert out["price_ratio"].notna().all()


def test_years_past_cpi_are_held_at_the_latest_prices():
    w = pd.DataFrame({2024: [110.0]}, index=["x"])
    out = adjust.extend_index_with_cpi(w, [2026], cpi={2024: 200.0, 2025: 210.0})
    assert float(out.loc["x", 2026]) == pytest.approx(115.5)
    assert out.attrs["held_years"] == [2026]
