"""cohort_helpers.slides: how an executed notebook is arranged for slides (no browser)."""

from __future__ import annotations

import nbformat
import pytest

from cohort_helpers import slides

v4 = nbformat.v4


def _md(text, slide_type="-", tags=()):
    return v4.new_markdown_cell(
        text, metadata={"slideshow": {"slide_type": slide_type}, "tags": list(tags)}
    )


def _code(src, outputs=(), slide_type="-", tags=()):
    return v4.new_code_cell(
        src,
        outputs=list(outputs),
        metadata={"slideshow": {"slide_type": slide_type}, "tags": list(tags)},
    )


FIGURE = v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
TABLE = v4.new_output(
    "execute_result", data={"text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "x"}
)
PLOT_HTML = v4.new_output(
    "display_data", data={"text/html": "<figure><img src='data:image/png;base64,AA'></figure>"}
)
TEXT = v4.new_output("stream", name="stdout", text="42 t CO2e\n")


def _arranged(*cells):
    return slides.prepare_for_slides(v4.new_notebook(cells=list(cells))).cells


def _types(cells):
    return [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in cells]


def test_code_of_figures_tables_and_plot_html_is_hidden_text_output_keeps_its_code():
    cells = _arranged(
        _md("# T", "slide"),
        _code("plot()", [FIGURE]),
        _md("## U", "slide"),
        _code("table", [TABLE]),
        _md("## V", "slide"),
        _code("plots.bar(x)", [PLOT_HTML]),
        _code("print(total)", [TEXT]),
    )
    shown = [slides.slide_code_shown(c) for c in cells if c.cell_type == "code"]
    assert shown == [False, False, False, True]


def test_tags_override_the_rule():
    cells = _arranged(
        _md("# T", "slide"),
        _code("plot()", [FIGURE], tags=["show-input"]),
        _code("print(1)", [TEXT], tags=["hide-input"]),
        _code("secret()", [TEXT], tags=["remove-cell"]),
        _code("import pandas as pd", [], tags=["show-input"]),
    )
    assert [c.source for c in cells] == ["# T", "plot()", "print(1)", "import pandas as pd"]
    assert [slides.slide_code_shown(c) for c in cells] == [True, True, False, True]


def test_dropped_cell_hands_its_slide_start_to_the_next_kept_cell():
    cells = _arranged(
        _md("# T", "slide"),
        _code("import x", [], "slide"),  # no output: dropped, but it opened a slide
        _code("member = 'a'", [], tags=["parameters"]),
        _code("print(1)", [TEXT]),
    )
    assert [c.source for c in cells] == ["# T", "print(1)"]
    assert _types(cells) == ["slide", "slide"]


def test_instructor_notes_become_speaker_notes():
    cells = _arranged(_md("# T", "slide"), _md("Answer: 42", tags=["instructor"]))
    assert _types(cells) == ["slide", "notes"]


def test_a_second_result_on_a_slide_starts_a_vertical_slide():
    cells = _arranged(
        _md("# T", "slide"),
        _code("table", [TABLE]),
        _md("and then"),
        _code("plot()", [FIGURE]),
        _md("## next", "slide"),
        _code("plot()", [FIGURE]),
    )
    assert _types(cells) == ["slide", "-", "-", "subslide", "slide", "-"]


def test_input_notebook_is_not_changed():
    nb = v4.new_notebook(cells=[_md("# T", "slide"), _code("plot()", [FIGURE])])
    slides.prepare_for_slides(nb)
    assert "transient" not in nb.cells[1].metadata


def test_missing_npm_names_the_package_and_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(slides.shutil, "which", lambda _name: None)
    with pytest.raises(slides.SlidesError, match=r"reveal\.js@4\.6\.1.*npm is not installed"):
        slides.fetch_package("reveal.js", "4.6.1", cache=tmp_path)


def test_a_cached_tarball_is_used_without_npm(tmp_path, monkeypatch):
    monkeypatch.setattr(slides.shutil, "which", lambda _name: None)
    tgz = tmp_path / "jupyter-widgets-html-manager-1.0.9.tgz"
    tgz.write_bytes(b"")
    assert slides.fetch_package("@jupyter-widgets/html-manager", "1.0.9", cache=tmp_path) == tgz
