"""The glossary (``docs/GLOSSARY.md``) and its links at first use in each session notebook.

:data:`TERMS` maps each glossary entry (its anchor in ``docs/GLOSSARY.md``)
to the pattern of its uses in prose. :func:`first_uses` finds, in a
notebook's markdown cells, the first use of each term outside headings;
:func:`link_first_uses` turns each into a markdown link to the entry (it is
idempotent: a first use already linked is left alone), and
:func:`unlinked_first_uses` lists those that are not linked (the tests use it).

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
...     "# Title\\n\\nEvery line gets a NAICS code; NAICS codes have 6 digits.")])
>>> print(link_first_uses(nb).cells[0].source)
# Title
<BLANKLINE>
Every line gets a [NAICS](../docs/GLOSSARY.md#naics) code; NAICS codes have 6 digits.
>>> unlinked_first_uses(nb)
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat

__all__ = [
    "GLOSSARY_LINK",
    "TERMS",
    "FirstUse",
    "first_uses",
    "link_first_uses",
    "unlinked_first_uses",
]

#: The glossary as the session notebooks (in ``notebooks/``) link it.
GLOSSARY_LINK = "../docs/GLOSSARY.md"

#: Glossary anchor -> pattern of the term's uses in prose.
TERMS: dict[str, str] = {
    "naics": r"\bNAICS(?:-6)?\b",
    "purchaser-price": r"(?i:\bpurchasers?['’]? prices?\b)",
    "producer-price": r"(?i:\bproducer prices?\b)",
    "margins": r"(?i:\bmargins\b)",
    "bea-sector": r"\bBEA(?: (?:sectors?|price ind(?:ex|ices)))?\b",
    "ar5-and-ar6-gwp": r"\bGWPs?\b|\bAR[56]\b",
    "pedigree-matrix": r"(?i:\bpedigree(?: matrix)?\b)",
    "gsd": r"\bGSD\b",
    "scope-3-categories-1-and-2": r"\bScope 3(?: categor(?:y|ies) 1(?: and 2)?)?\b",
    "lgo": r"\bLGO\b",
    "gslgo": r"\bGSLGO\b",
}

_LINK = re.compile(r"!?\[[^\]]*\]\([^)]*\)|<[^>]+>|https?://\S+")
_CODE_SPAN = re.compile(r"`[^`\n]+`")


@dataclass(frozen=True)
class FirstUse:
    """The first use of a glossary term in a notebook's prose."""

    anchor: str
    cell: int
    start: int
    end: int
    linked: bool


def _heading_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"^#{1,6} .*$", text, re.M)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    for a, b in spans:
        if a <= start and end <= b:
            return a, b
    return None


def first_uses(nb: nbformat.NotebookNode) -> list[FirstUse]:
    """The first use of each term in the markdown cells (outside headings), in term order.

    A use inside a link counts as linked when the link goes to the glossary
    entry; a use inside an inline code span is taken with its span.

    Parameters
    ----------
    nb : NotebookNode
        A notebook (only its markdown cells are read).

    Returns
    -------
    list of FirstUse
        For each term of :data:`TERMS` used in the prose: its anchor, the cell
        index, the character span of the use in that cell and whether it is
        linked to the glossary entry.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# NAICS\\n\\nEach line gets a NAICS code; the LGO inventory is Scope 1 and 2.")])
    >>> [(u.anchor, u.cell, u.start, u.end, u.linked) for u in first_uses(nb)]
    [('naics', 0, 26, 31, False), ('lgo', 0, 42, 45, False)]
    """
    found: list[FirstUse] = []
    for anchor, pattern in TERMS.items():
        rx = re.compile(pattern)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            text = cell.source
            headings = _heading_spans(text)
            links = [(m.start(), m.end()) for m in _LINK.finditer(text)]
            codes = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)]
            hit = None
            for m in rx.finditer(text):
                if _inside(headings, m.start(), m.end()):
                    continue
                link = _inside(links, m.start(), m.end())
                if link is not None:
                    target = f"{GLOSSARY_LINK}#{anchor}"
                    if target in text[link[0] : link[1]]:
                        hit = FirstUse(anchor, index, m.start(), m.end(), True)
                        break
                    continue  # a use inside another link (or a URL) is not a use in prose
                start, end = _inside(codes, m.start(), m.end()) or (m.start(), m.end())
                hit = FirstUse(anchor, index, start, end, False)
                break
            if hit is not None:
                found.append(hit)
                break
    return found


def link_first_uses(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Link the first use of each term to its glossary entry, in place (markdown links only).

    Parameters
    ----------
    nb : NotebookNode
        A notebook; its markdown cells are changed.

    Returns
    -------
    NotebookNode
        ``nb`` itself, each term's first unlinked use now
        ``[word](../docs/GLOSSARY.md#anchor)`` (running it again changes nothing).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# NAICS\\n\\nEach line gets a NAICS code; the LGO inventory is Scope 1 and 2.")])
    >>> print(link_first_uses(nb).cells[0].source.splitlines()[-1])
    Each line gets a [NAICS](../docs/GLOSSARY.md#naics) code; the [LGO](../docs/GLOSSARY.md#lgo) inventory is Scope 1 and 2.
    """
    pending = sorted((u for u in first_uses(nb) if not u.linked), key=lambda u: (u.cell, -u.start))
    for use in pending:  # right to left within a cell, so earlier offsets stay valid
        cell = nb.cells[use.cell]
        text = cell.source
        word = text[use.start : use.end]
        cell.source = f"{text[: use.start]}[{word}]({GLOSSARY_LINK}#{use.anchor}){text[use.end :]}"
    return nb


def unlinked_first_uses(nb: nbformat.NotebookNode) -> list[str]:
    """``"<anchor> (cell N: 'text')"`` for each term whose first use is not linked.

    Parameters
    ----------
    nb : NotebookNode
        A notebook.

    Returns
    -------
    list of str
        One entry per term of :data:`TERMS` whose first use in prose is not
        a link to its glossary entry (empty when all are linked).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# NAICS\\n\\nEach line gets a NAICS code; the LGO inventory is Scope 1 and 2.")])
    >>> unlinked_first_uses(nb)
    ["naics (cell 0: 'NAICS')", "lgo (cell 0: 'LGO')"]
    """
    return [
        f"{u.anchor} (cell {u.cell}: {nb.cells[u.cell].source[u.start : u.end]!r})"
        for u in first_uses(nb)
        if not u.linked
    ]
