"""`make slides`: offline reveal.js decks whose every slide fits a 1280x800 screen in Chromium.

The decks are built from the session notebooks executed for the default member (the
executed copies in build/<member>/ are reused when newer than the notebooks). Each
slide is shown in Chromium at 1280x800 and its content measured after the deck's
zoom-to-fit: it must fit, at a zoom of at least 60%. Screenshots of the first slide with
a figure and of the most zoomed slide of each deck go to build/browser/.
"""

from __future__ import annotations

import re

import pytest
from jlab import ROOT, VIEWPORT

from cohort_helpers import slides

EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I
)
IMPORT_URL = re.compile(r"\bimport\b[^;]*[\"']https?://|@import\s+url\(\s*[\"']?https?://", re.I)


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    built = slides.build_slides(out=out)
    assert built, "no deck was built"
    return built


@pytest.mark.slow
def test_every_session_has_an_offline_deck(decks):
    names = {d.notebook for d in decks}
    expected = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert names == expected  # the default member is a US member: every session applies
    static = decks[0].html.parent / "_static"
    for f in ("reveal.js/dist/reveal.js", "reveal.js/dist/theme/white.css", "require.js"):
        assert (static / f).is_file(), f
    for d in decks:
        text = d.html.read_text(encoding="utf-8")
        assert not EXTERNAL.findall(text), (
            f"{d.html.name} loads from the web: {EXTERNAL.findall(text)[:3]}"
        )
        assert not IMPORT_URL.findall(text), f"{d.html.name} imports from the web"
        assert "_static/reveal.js/dist/reveal.js" in text


MEASURE_JS = """() => {
  const out = [];
  const slides = Reveal.getSlides();
  for (const s of slides) {
    const idx = Reveal.getIndices(s);
    Reveal.slide(idx.h, idx.v);
    window.cohortFit(s);
    const heading = s.querySelector('h1, h2, h3');
    out.push({
      h: idx.h, v: idx.v || 0,
      title: heading ? heading.innerText.trim().slice(0, 60) : s.innerText.trim().slice(0, 60),
      zoom: parseFloat(s.dataset.cohortZoom || '1'),
      width: s.scrollWidth, height: s.scrollHeight,
      figure: !!s.querySelector('.jp-OutputArea-output img'),
      code: s.querySelectorAll('.jp-InputArea').length,
    });
  }
  return out;
}"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_every_slide_fits_1280x800(decks, browser, shots):
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    web: list[str] = []  # any request to the network is refused and recorded

    def refuse(route):
        web.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(https?|wss?)://"), refuse)
    too_big = []
    try:
        for deck in decks:
            page.goto(deck.html.as_uri())
            page.wait_for_function(
                "() => document.body.dataset.cohortSlidesReady === '1'", timeout=30_000
            )
            rows = page.evaluate(MEASURE_JS)
            assert len(rows) >= 3, f"{deck.html.name}: only {len(rows)} slide(s)"
            for r in rows:
                if r["width"] > slides.WIDTH + 1 or r["height"] > slides.HEIGHT + 1:
                    too_big.append(
                        f"{deck.html.name} slide {r['h']}.{r['v']} ({r['title']!r}): "
                        f"{r['width']}x{r['height']} at zoom {r['zoom']:.2f}"
                    )
            stem = deck.html.name.split(".")[0]
            shown = [r for r in rows if r["figure"]][:1] + sorted(rows, key=lambda r: r["zoom"])[:1]
            for i, r in enumerate(shown):
                page.evaluate(f"() => Reveal.slide({r['h']}, {r['v']})")
                page.wait_for_timeout(300)
                page.screenshot(
                    path=str(
                        shots
                        / f"slides_{stem}_{'figure' if i == 0 and r['figure'] else 'tightest'}.png"
                    )
                )
    finally:
        page.close()
    assert not web, f"the slides asked the network for {sorted(set(web))[:5]}"
    assert not errors, f"script errors in the slides: {errors[:3]}"
    assert not too_big, (
        "slides larger than 1280x800 (split them with slide metadata):\n" + "\n".join(too_big)
    )
