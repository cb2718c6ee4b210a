"""Offline reveal.js slides of the session notebooks (what ``make slides`` does).

Each session notebook, executed for one member, becomes ``<out>/<name>.slides.html``;
reveal.js, require.js and the widgets' HTML manager are copied from their npm packages
into ``<out>/_static/``, so the slides open from disk with no network and no CDN. The
packages are fetched once with ``npm pack`` into the user cache
(``$COHORT_CACHE_DIR/npm`` or ``~/.cache/cohort-helpers/npm``); later builds are offline.

On a slide the result speaks, not the code. :func:`prepare_for_slides` hides the code
of every cell that shows a figure, a table or a widget, drops code cells with no output
and the parameters cell, and turns instructor notes into speaker notes (press ``S``).
Cell tags change that per cell: ``show-input`` keeps the code, ``hide-input`` (or
``remove-input``) hides it, ``remove-cell`` leaves the cell out. Slides are 1280x800;
a slide taller or wider than that is zoomed to fit (down to 60%; the browser test
fails below that, so such a slide must be split with slide metadata).

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("# Title", metadata={"slideshow": {"slide_type": "slide"}}),
...     nbformat.v4.new_code_cell("import pandas as pd"),
...     nbformat.v4.new_code_cell("plot()", outputs=[nbformat.v4.new_output(
...         "display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]),
... ])
>>> [(c.cell_type, slide_code_shown(c)) for c in prepare_for_slides(nb).cells]
[('markdown', True), ('code', False)]
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import DEFAULT_MEMBER, paths

#: Slide size: the projectors and laptops of the training rooms.
WIDTH, HEIGHT = 1280, 800

#: npm packages copied into ``_static/``: name -> (version, {file in package: path in _static}).
#: A trailing "/" copies a whole folder.
VENDOR: dict[str, tuple[str, dict[str, str]]] = {
    "reveal.js": (
        "4.6.1",
        {
            "dist/": "reveal.js/dist/",
            "plugin/notes/": "reveal.js/plugin/notes/",
            "LICENSE": "reveal.js/LICENSE",
        },
    ),
    "requirejs": ("2.3.7", {"require.js": "require.js"}),
    "jquery": (
        "3.7.1",
        {"dist/jquery.min.js": "jquery.min.js", "LICENSE.txt": "jquery.LICENSE.txt"},
    ),
    "@jupyter-widgets/html-manager": (
        "1.0.9",
        {"dist/embed-amd.js": "html-manager/embed-amd.js", "LICENSE": "html-manager/LICENSE"},
    ),
}

SHOW_TAGS = frozenset({"show-input"})
HIDE_TAGS = frozenset({"hide-input", "remove-input"})
DROP_TAGS = frozenset({"remove-cell", "parameters", "injected-parameters"})
#: Output types that make a cell "about the result": its code is hidden on the slide.
RESULT_TYPES = (
    "image/png",
    "image/svg+xml",
    "image/jpeg",
    "application/vnd.jupyter.widget-view+json",
)


#: HTML outputs that are a table or a figure (the plots' HTML wraps a PNG or an SVG).
RICH_HTML = re.compile(r"<(table|img|svg|figure)\b", re.I)


class SlidesError(RuntimeError):
    """A slide build step failed; the message says what to do."""


@dataclass
class SlideDeck:
    """One built deck."""

    notebook: str
    html: Path
    slides: int


def cache_dir() -> Path:
    """Where the npm packages are kept between builds."""
    base = os.environ.get("COHORT_CACHE_DIR") or Path.home() / ".cache" / "cohort-helpers"
    return Path(base) / "npm"


def _tarball_name(name: str, version: str) -> str:
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch_package(name: str, version: str, cache: Path | None = None) -> Path:
    """The npm tarball of ``name@version`` from the cache, fetched with ``npm pack`` when missing."""
    cache = cache or cache_dir()
    tgz = cache / _tarball_name(name, version)
    if tgz.is_file():
        return tgz
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError(
            f"make slides needs {name}@{version} from the npm registry once, and npm is not "
            f"installed. Install it (apt-get install -y npm), or put {tgz.name} into {cache}/."
        )
    cache.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [npm, "pack", f"{name}@{version}", "--pack-destination", str(cache), "--silent"],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or not tgz.is_file():
        raise SlidesError(
            f"npm could not fetch {name}@{version} ({proc.stderr.strip()[-300:] or 'no message'}). "
            f"The first slide build needs the npm registry; later builds use {cache}/."
        )
    return tgz


def vendor(static: Path, cache: Path | None = None) -> Path:
    """Copy reveal.js, require.js, jQuery and the widgets' HTML manager into ``static``."""
    for name, (version, files) in VENDOR.items():
        tgz = fetch_package(name, version, cache)
        with tarfile.open(tgz) as tar:
            members = tar.getmembers()
            for src, dest in files.items():
                prefix = "package/" + src
                chosen = [
                    m
                    for m in members
                    if m.isfile()
                    and (m.name.startswith(prefix) if src.endswith("/") else m.name == prefix)
                ]
                if not chosen:
                    raise SlidesError(
                        f"{tgz.name} has no {src}: is {name}@{version} the right package?"
                    )
                for m in chosen:
                    target = static / (dest + m.name[len(prefix) :] if src.endswith("/") else dest)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(m) as fh:
                        target.write_bytes(fh.read())
    return static


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") or "-"


def _is_result(cell) -> bool:
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if any(t in data for t in RESULT_TYPES):
            return True
        if RICH_HTML.search(str(data.get("text/html", ""))):
            return True
    return False


def slide_code_shown(cell) -> bool:
    """Whether the slide shows this cell's source (markdown always; code per :data:`SHOW_TAGS`)."""
    return not cell.get("metadata", {}).get("transient", {}).get("remove_source", False)


def prepare_for_slides(nb):
    """A copy of the executed notebook ``nb`` arranged for slides (see the module docstring).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (outputs present).

    Returns
    -------
    nbformat.NotebookNode
        Cells dropped, code hidden (``metadata.transient.remove_source``), instructor
        notes as speaker notes; a dropped cell that opened a slide hands that over to the
        next cell it keeps; a second figure, table or widget on a slide starts a new
        (vertical) slide.
    """
    nb = copy.deepcopy(nb)
    kept = []
    pending_start: str | None = None  # slide/subslide type of a dropped cell
    results_on_slide = 0  # figures/tables/widgets on the (sub)slide being filled
    for cell in nb.cells:
        tags = _tags(cell)
        stype = _slide_type(cell)
        drop = bool(tags & DROP_TAGS)
        if cell.cell_type == "code" and not drop:
            outputs = cell.get("outputs", [])
            show = bool(tags & SHOW_TAGS)
            hide = bool(tags & HIDE_TAGS) or (_is_result(cell) and not show)
            if not outputs and not show:
                drop = True
            elif hide:
                cell.metadata.setdefault("transient", {})["remove_source"] = True
        if "instructor" in tags and not drop and stype in {"-", "fragment"}:
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "notes"
            stype = "notes"
        if drop:
            if stype in {"slide", "subslide"} and pending_start != "slide":
                pending_start = stype
            continue
        if pending_start and stype in {"-", "fragment"}:
            cell.metadata.setdefault("slideshow", {})["slide_type"] = stype = pending_start
        if stype != "notes" and stype != "skip":
            pending_start = None
        if stype in {"slide", "subslide"}:
            results_on_slide = 0
        if cell.cell_type == "code" and _is_result(cell):
            if results_on_slide and stype in {"-", "fragment"}:
                # a second figure or table: on a slide of its own, below the first
                cell.metadata.setdefault("slideshow", {})["slide_type"] = "subslide"
                results_on_slide = 0
            results_on_slide += 1
        kept.append(cell)
    nb.cells = kept
    return nb


def _exporter():
    from nbconvert import SlidesExporter

    resources = Path(__file__).parent / "resources"
    exporter = SlidesExporter(
        extra_template_paths=[str(resources)],
        template_file="cohort_slides.html.j2",
        reveal_url_prefix="_static/reveal.js",
        reveal_width=str(WIDTH),
        reveal_height=str(HEIGHT),
        reveal_theme="white",
        reveal_transition="none",
        reveal_number="c/t",
        require_js_url="_static/require.js",
        jquery_url="_static/jquery.min.js",
        widget_renderer_url="_static/html-manager/embed-amd.js",
        mathjax_url="",
        mermaid_js_url="",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exporter


def build_deck(executed: Path, out: Path) -> SlideDeck:
    """Write ``<out>/<stem>.slides.html`` from one executed notebook."""
    import nbformat

    nb = prepare_for_slides(nbformat.read(executed, as_version=4))
    title = _title(nb) or executed.stem
    nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": executed.stem}})
    page = out / f"{executed.stem}.slides.html"
    page.write_text(body, encoding="utf-8")
    n = sum(_slide_type(c) in {"slide", "subslide"} for c in nb.cells)
    return SlideDeck(executed.name, page, max(n, 1))


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def executed_notebook(nb: Path, member: str, work: Path) -> Path:
    """The executed copy of session notebook ``nb``: ``build/<member>/`` if up to date, else run it."""
    from .course import runner  # lazy: only building decks runs notebooks (papermill)

    ready = paths.default_output_dir(member) / nb.name
    if ready.is_file() and ready.stat().st_mtime >= nb.stat().st_mtime:
        return ready
    params = {"member": member, "output_dir": str(work / nb.stem)}
    run = runner.execute(nb, work, params, html=False)
    if run.status != "ok":
        raise SlidesError(f"{nb.name} did not run for {member}: {run.message}")
    return work / nb.name


def build_slides(
    member: str = DEFAULT_MEMBER,
    out: str | os.PathLike | None = None,
    notebooks: list[Path] | None = None,
) -> list[SlideDeck]:
    """Build the offline slides of every session notebook that applies to ``member``.

    Parameters
    ----------
    member : str
        Member whose results the slides show (default: the curriculum's default member).
    out : path-like, optional
        Output folder; default ``build/slides``.
    notebooks : list of Path, optional
        Session notebooks to build (default: all of ``notebooks/``).

    Returns
    -------
    list of SlideDeck
    """
    from .course import runner  # lazy: only building decks runs notebooks (papermill)

    out = Path(out) if out else (paths.repo_root() or Path.cwd()) / "build" / "slides"
    out.mkdir(parents=True, exist_ok=True)
    vendor(out / "_static")
    country = runner.member_country(member)
    decks = []
    with tempfile.TemporaryDirectory(prefix="cohort-slides-") as tmp:
        for nb in notebooks if notebooks is not None else runner.session_notebooks():
            if country not in runner.notebook_countries(nb):
                continue
            print(f"  slides for {nb.name} ...", flush=True)
            decks.append(build_deck(executed_notebook(nb, member, Path(tmp)), out))
    (out / "index.html").write_text(_index(decks, member), encoding="utf-8")
    return decks


def _index(decks: list[SlideDeck], member: str) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(d.html.name)}">{html.escape(d.notebook)}</a></li>'
        for d in decks
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Session slides ({html.escape(member)})</title></head><body>"
        f"<h1>Session slides for {html.escape(member)}</h1><ul>{items}</ul>"
        "<p>Arrow keys move between slides, S opens the speaker notes, Esc the overview.</p>"
        "</body></html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m cohort_helpers.slides [--member NAME] [--out DIR] [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m cohort_helpers.slides", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--member", default=DEFAULT_MEMBER)
    parser.add_argument("--out", default=None, help="output folder (default build/slides)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every session notebook")
    args = parser.parse_args(argv)
    try:
        decks = build_slides(args.member, args.out, [p.resolve() for p in args.notebooks] or None)
    except SlidesError as exc:
        print(f"slides: {exc}", file=sys.stderr)
        return 1
    for d in decks:
        print(f"  {d.html}  ({d.slides} slides)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
