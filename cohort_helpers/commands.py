"""The ``cohort inventory``, ``cohort screen`` and ``cohort member add`` commands.

Each handler takes the parsed arguments of :mod:`cohort_helpers.cli` and
returns an exit code: 0 success, 2 bad input (with a message that names the
file, line or setting to fix). The work itself is done by the library
(:func:`cohort_helpers.inventory.run_inventory`,
:func:`cohort_helpers.workspace.add_member`); this module only turns
arguments into calls and results into plain text.

Examples
--------
>>> parse_rates(["NOK:2009=5.8", "GBP:2013=0.6394"])
{'NOK per USD': {2009: 5.8}, 'GBP per USD': {2013: 0.6394}}
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

__all__ = [
    "parse_rates",
    "with_bundled_rates",
    "cli_inventory",
    "cli_screen",
    "cli_member_add",
    "cli_mapping_suggest",
]

_RATE = re.compile(r"^\s*([A-Za-z]{3})\s*:\s*(\d{4})\s*=\s*([0-9]*\.?[0-9]+)\s*$")


class CommandError(ValueError):
    """A command-line argument that cannot be used (the message says what to write)."""


def parse_rates(items: Sequence[str] | None) -> dict[str, dict[int, float]]:
    """``--rate CUR:YEAR=VALUE`` arguments as an exchange-rate mapping.

    ``VALUE`` is the annual average number of units of ``CUR`` per one US
    dollar (e.g. ``NOK:2021=8.5991``, ``GBP:2022=0.8085``).

    Parameters
    ----------
    items : sequence of str or None
        The ``--rate`` values as given (the currency in any case); None or
        empty for none.

    Returns
    -------
    dict
        ``"<CUR> per USD"`` -> {year: units of the currency per US dollar}
        (empty when no rate was given).

    Raises
    ------
    CommandError
        For an argument not of the form ``CUR:YEAR=VALUE``.

    Examples
    --------
    >>> parse_rates(["nok:2021=8.5991"])
    {'NOK per USD': {2021: 8.5991}}
    """
    out: dict[str, dict[int, float]] = {}
    for item in items or []:
        m = _RATE.match(item)
        if not m or float(m.group(3)) <= 0:
            raise CommandError(
                f"--rate {item!r} is not of the form CUR:YEAR=VALUE, e.g. --rate NOK:2021=8.5991 "
                "(VALUE = units of the currency per one US dollar, annual average)."
            )
        cur = m.group(1).upper()
        if cur == "USD":
            raise CommandError(f"--rate {item!r}: USD needs no rate.")
        out.setdefault(f"{cur} per USD", {})[int(m.group(2))] = float(m.group(3))
    return out


def with_bundled_rates(user: dict[str, dict[int, float]] | None) -> pd.DataFrame | None:
    """The bundled annual rates with the user's ``--rate`` values added (the user's win).

    Returns ``None`` when the user gave none (the library then reads the bundled tables).

    Parameters
    ----------
    user : dict or None
        Rates as :func:`parse_rates` returns them.

    Returns
    -------
    DataFrame or None
        One row per currency and year: ``currency``, ``year``, ``rate``,
        ``quote`` and ``usd_per_unit`` (the bundled table with the user's
        years added or replaced); None when ``user`` is empty.

    Examples
    --------
    >>> with_bundled_rates({}) is None
    True
    >>> rates = with_bundled_rates({"NOK per USD": {2009: 5.8}})
    >>> rates.query("currency == 'NOK' and year == 2009")[["rate", "quote"]].to_dict("records")
    [{'rate': 5.8, 'quote': 'per_usd'}]
    """
    from . import adjust  # lazy: only this sub-command needs it

    if not user:
        return None
    mine = adjust.normalise_rates(user)
    try:
        bundled = adjust.exchange_rates()
    except FileNotFoundError:
        return mine
    keep = ~bundled.set_index(["currency", "year"]).index.isin(
        mine.set_index(["currency", "year"]).index
    )
    both = pd.concat([mine, bundled[keep]], ignore_index=True)
    return adjust.normalise_rates(both[["currency", "year", "rate", "quote"]])


# ---------------------------------------------------------------------------
# shared plumbing
# ---------------------------------------------------------------------------


def _bundled_profile(member: str | None):
    """The bundled or workspace profile of ``member``, or None for a name not in the cohort."""
    from . import members  # lazy: only this sub-command needs it

    if not member:
        return None
    try:
        return members.member_profile(member)
    except (KeyError, FileNotFoundError):
        return None


def _member_mappings(member: str, ledgers: Sequence[str]) -> list[str] | None:
    """A cohort member's own mapping for each of its ledger files given (by file name)."""
    from . import members  # lazy: only this sub-command needs it

    files = members.ledger_files(member)
    by_name = {Path(p).name: m for p, m in zip(files["ledger"], files["mapping"], strict=True)}
    found = [by_name.get(Path(x).name) for x in ledgers]
    return found if all(found) else None


def _rate_hint(exc: KeyError) -> ValueError:
    """A missing exchange rate, with the flag that supplies it."""
    from .inventory import InventoryInputError  # lazy: only this sub-command needs it

    text = exc.args[0] if exc.args else str(exc)
    if "--rate" in text:  # adjust.MissingRateError already names the flag
        return InventoryInputError(text)
    return InventoryInputError(
        f"{text} Supply the rate with --rate CUR:YEAR=VALUE (units of the currency per US "
        "dollar, annual average), e.g. --rate NOK:2009=5.8."
    )


def _print_warnings(caught: list) -> None:
    seen = set()
    for w in caught:
        msg = str(w.message)
        if msg not in seen:
            seen.add(msg)
            print(f"warning: {msg}", file=sys.stderr)


def _run(args: argparse.Namespace, *, screening: bool) -> int:
    from . import inventory, outdir  # lazy: only this sub-command needs it

    outdir.check_output_dir(args.out)  # before any work
    ledgers = list(args.ledgers)
    member = args.member
    prof = _bundled_profile(member)
    mappings = list(args.mapping or [])
    if not mappings and prof is not None:
        mappings = _member_mappings(prof.slug, ledgers) or []
    if not mappings:
        raise CommandError(
            f"No column mapping for {ledgers[0]}: pass --mapping FILE (YAML). "
            f"`cohort mapping suggest {ledgers[0]} -o mapping.yaml` proposes one."
        )
    country = args.country or (prof.country if prof is not None else None)
    chart = getattr(args, "chart", None) or (prof.chart if prof is not None else None)
    rates = with_bundled_rates(parse_rates(getattr(args, "rate", None)))
    fiscal_year = args.year if screening else args.fiscal_year
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            inv = inventory.run_inventory(
                ledgers,
                member=member or Path(ledgers[0]).stem,
                fiscal_year=fiscal_year,
                mapping=mappings,
                overrides=args.overrides,
                factors=args.factors,
                chart=chart or None,
                country=country,
                rates=rates,
                progress=sys.stderr.isatty(),
            )
        except KeyError as exc:
            if "exchange rate" not in str(exc).lower():
                raise
            raise _rate_hint(exc) from None
        finally:
            _print_warnings([w for w in caught if not issubclass(w.category, DeprecationWarning)])
    if screening:
        inv.settings["screening"] = (
            "Screening estimate: purchases identified from the account codes (art) of an "
            "accounts or budget file, without vendors or dates; lower quality than a ledger."
        )
    written = inventory.write_outputs(inv, args.out, progress=sys.stderr.isatty())
    if screening:
        print("SCREENING ESTIMATE (from account totals, not payments):")
    print(inventory.run_summary(inv))
    print(f"Outputs in {args.out}:")
    for p in written:
        print(f"  {Path(p).name}")
    return 0


# ---------------------------------------------------------------------------
# the commands
# ---------------------------------------------------------------------------


def cli_inventory(args: argparse.Namespace) -> int:
    """``cohort inventory FILE... --mapping M [--mapping M2] --out DIR [...]``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``cohort inventory`` (:func:`cohort_helpers.cli.build_parser`):
        ``ledgers``, ``mapping``, ``member``, ``fiscal_year``, ``country``,
        ``factors``, ``overrides``, ``chart``, ``rate`` and ``out``.

    Returns
    -------
    int
        0 once the outputs (``lines.csv``, ``summary.csv``, ``inventory.xlsx``,
        ...) are written in ``args.out`` and the run summary is printed.
        Bad input raises (:class:`CommandError`,
        :class:`~cohort_helpers.inventory.InventoryInputError`), which the
        ``cohort`` command turns into exit code 2 and a message.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cohort_helpers.cli import build_parser
    >>> _ = Path("ap.csv").write_text("Date,Vendor,Description,Amount\\n"
    ...                               "2022-03-01,Acme Janitorial,JANITORIAL SERVICES,1000.00\\n")
    >>> args = build_parser().parse_args(["inventory", "ap.csv", "--out", "out"])
    >>> cli_inventory(args)  # a file without a mapping: the message says how to get one
    Traceback (most recent call last):
    cohort_helpers.commands.CommandError: No column mapping for ap.csv: pass --mapping FILE (YAML). ...
    >>> _ = Path("map.yaml").write_text("columns: {date: Date, vendor: Vendor, "
    ...     "description: Description, amount: Amount}\\ncurrency: USD\\n")
    >>> args = build_parser().parse_args(["inventory", "ap.csv", "--mapping", "map.yaml", "--out", "out"])
    >>> cli_inventory(args)  # a whole inventory: a few seconds, 8 files  # doctest: +SKIP
    ap, fiscal year 2022 (chosen: it holds 100.0% of the spend; the files cover 2022)
    ...
    0
    """
    return _run(args, screening=False)


def cli_screen(args: argparse.Namespace) -> int:
    """``cohort screen FILE --mapping M --country NO --year Y --out DIR``.

    As :func:`cli_inventory`, for an accounts or budget file; the outputs and
    the printed summary are marked as a screening estimate.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``cohort screen`` (:func:`cohort_helpers.cli.build_parser`):
        ``ledgers``, ``mapping``, ``member``, ``year``, ``country``,
        ``factors``, ``overrides``, ``chart``, ``rate`` and ``out``.

    Returns
    -------
    int
        0 once the outputs (``lines.csv``, ``summary.csv``, ``inventory.xlsx``,
        ...) are written in ``args.out`` and the run summary is printed.
        Bad input raises (:class:`CommandError`,
        :class:`~cohort_helpers.inventory.InventoryInputError`), which the
        ``cohort`` command turns into exit code 2 and a message.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cohort_helpers.cli import build_parser
    >>> _ = Path("ap.csv").write_text("Date,Vendor,Description,Amount\\n"
    ...                               "2022-03-01,Acme Janitorial,JANITORIAL SERVICES,1000.00\\n")
    >>> args = build_parser().parse_args(["screen", "ap.csv", "--year", "2022", "--out", "out"])
    >>> cli_screen(args)  # a file without a mapping: the message says how to get one
    Traceback (most recent call last):
    cohort_helpers.commands.CommandError: No column mapping for ap.csv: pass --mapping FILE (YAML). ...
    >>> _ = Path("map.yaml").write_text("columns: {date: Date, vendor: Vendor, "
    ...     "description: Description, amount: Amount}\\ncurrency: USD\\n")
    >>> args = build_parser().parse_args(["screen", "ap.csv", "--year", "2022", "--mapping", "map.yaml", "--out", "out"])
    >>> cli_screen(args)  # a whole inventory: a few seconds, 8 files  # doctest: +SKIP
    SCREENING ESTIMATE (from account totals, not payments):
    ...
    0
    """
    return _run(args, screening=True)


def _spend_years(lines: pd.DataFrame, fiscal_year: int) -> set[int]:
    """Years whose exchange rates the notebooks need: the payments' calendar years and the
    fiscal year (the budget year of the downscaling exercises)."""
    years = {int(fiscal_year)}
    if "date" in lines and lines["date"].notna().any():
        years |= {int(y) for y in lines["date"].dt.year.dropna().unique()}
    return years


def _missing_rate_lines(currency: str, years: set[int]) -> list[str]:
    """Warnings for the years of a non-USD member without an exchange rate."""
    from . import adjust  # lazy: only this sub-command needs it

    if currency == "USD" or not years:
        return []
    try:
        have = set(adjust.exchange_rates().query("currency == @currency")["year"])
    except FileNotFoundError:
        have = set()
    return [
        f"warning: no {currency} per USD rate for {y}: the notebooks need one to convert this "
        f"member's spend. Add it with `cohort member add ... --rate {currency}:{y}=VALUE "
        "--replace` (annual average, units per US dollar)."
        for y in sorted(years - have)
    ]


def cli_member_add(args: argparse.Namespace) -> int:
    """``cohort member add NAME --country .. --ledger FILE... --mapping M [...]``.

    Reads each ledger with its mapping (to check it and choose its fiscal
    year), then copies the files into the workspace as a member the session
    notebooks can run (:func:`cohort_helpers.workspace.add_member`).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``cohort member add``: ``name``, ``country``,
        ``ledger`` and ``mapping`` (one mapping for all ledgers or one each),
        ``fiscal_year``, ``lgo``, ``residents``, ``employees``,
        ``operating_budget``, ``capital_budget``, ``display_name``, ``rate``,
        ``workspace`` (sets ``COHORT_WORKSPACE`` for the process) and ``replace``.

    Returns
    -------
    int
        0 once the member's folder is written; what was added, and how to use
        it in a notebook, is printed.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cohort_helpers.cli import build_parser
    >>> _ = Path("ap.csv").write_text("Date,Vendor,Description,Amount\\n"
    ...                               "2022-03-01,Acme Janitorial,JANITORIAL SERVICES,1000.00\\n")
    >>> _ = Path("map.yaml").write_text("columns: {date: Date, vendor: Vendor, "
    ...     "description: Description, amount: Amount}\\ncurrency: USD\\n")
    >>> args = build_parser().parse_args(["member", "add", "my_town", "--country", "US",
    ...     "--ledger", "ap.csv", "--mapping", "map.yaml", "--workspace", "ws"])
    >>> cli_member_add(args)
    Added member 'my_town' in ws/members/my_town
      ap.csv: fiscal year 2022
      no LGO inventory given: the notebooks skip the comparison with Scope 1 and 2
    In a session notebook, set  member = "my_town"  in the parameters cell.
    The workspace folder is ws (set COHORT_WORKSPACE to move it).
    0
    >>> sorted(p.name for p in Path("ws/members/my_town").iterdir())
    ['ledgers', 'mappings', 'member.yaml']
    """
    from . import inventory, ledger, workspace  # lazy: only this sub-command needs it

    if args.workspace:
        import os

        os.environ[workspace.WORKSPACE_ENV] = str(Path(args.workspace).expanduser())
    ledgers = list(args.ledger)
    maps = list(args.mapping)
    if len(maps) == 1:
        maps = maps * len(ledgers)
    if len(maps) != len(ledgers):
        raise CommandError(
            f"{len(ledgers)} --ledger file(s) but {len(maps)} --mapping file(s): give one "
            "mapping for all, or one per ledger in the same order."
        )
    years: list[int] = []
    spend_years: set[int] = set()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for led, mp in zip(ledgers, maps, strict=True):
            m = inventory.prepare_mappings([led], mp, args.country)[0]
            lines = ledger.read_ledger(led, m)
            year, _ = inventory.choose_fiscal_year(lines, args.fiscal_year)
            years.append(year)
            spend_years.update(_spend_years(lines, year))
    _print_warnings(caught)
    folder = workspace.add_member(
        args.name,
        country=args.country,
        ledgers=ledgers,
        mappings=maps,
        fiscal_years=years,
        display_name=args.display_name,
        lgo=args.lgo,
        residents=args.residents,
        employees=args.employees,
        operating_budget=args.operating_budget,
        capital_budget=args.capital_budget,
        rates=parse_rates(getattr(args, "rate", None)),
        replace=args.replace,
    )
    slug = folder.name
    print(f"Added member {slug!r} in {folder}")
    for led, y in zip(ledgers, years, strict=True):
        print(f"  {Path(led).name}: fiscal year {y}")
    if not args.lgo:
        print("  no LGO inventory given: the notebooks skip the comparison with Scope 1 and 2")
    for line in _missing_rate_lines(workspace.read_member(slug)["currency"], spend_years):
        print(line, file=sys.stderr)
    print(f'In a session notebook, set  member = "{slug}"  in the parameters cell.')
    print(f"The workspace folder is {workspace.workspace_dir()} (set COHORT_WORKSPACE to move it).")
    return 0


def cli_mapping_suggest(args: argparse.Namespace) -> int:
    """``cohort mapping suggest FILE... [--country US|GB|NO] [-o MAPPING.yaml]``.

    Prints (or writes) the suggested mapping with the reason for each line as a
    YAML comment, then a preview of the first rows read with it, the rows and
    spend read, and the roles it could not fill. Several files with ``-o``:
    ``-o`` is a folder and each file gets ``<file stem>.yaml``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``cohort mapping suggest``: ``ledgers``,
        ``country`` (or None) and ``out`` (a file, a folder or None to print).

    Returns
    -------
    int
        0 when every file's mapping could be suggested, 1 when one could not
        (its report says why).

    Examples
    --------
    >>> from pathlib import Path
    >>> from cohort_helpers.cli import build_parser
    >>> _ = Path("ap.csv").write_text("Date,Vendor,Description,Amount\\n"
    ...                               "2022-03-01,Acme Janitorial,JANITORIAL SERVICES,1000.00\\n")
    >>> args = build_parser().parse_args(["mapping", "suggest", "ap.csv", "-o", "ap.yaml"])
    >>> cli_mapping_suggest(args)
    Wrote ap.yaml
    ap.csv:
      rows read 1, spend read 1,000.00; blank rows 0, summary rows 0, filtered rows 0
    ...
    0
    >>> print(Path("ap.yaml").read_text().split("columns:")[1].splitlines()[1])
      amount: "Amount"  # the header 'Amount' is a usual name for the amount
    """
    from . import ledger  # lazy: only this sub-command needs it

    files = list(args.ledgers)
    out = Path(args.out) if args.out else None
    several = len(files) > 1
    if out is not None and several and out.suffix.lower() in (".yaml", ".yml"):
        raise CommandError(
            f"{len(files)} files but one output file {out}: give a folder with -o (each file "
            "gets <name>.yaml), or one file at a time."
        )
    problems = 0
    for k, f in enumerate(files):
        sugg = ledger.suggest(f, args.country)
        text = sugg.to_yaml()
        if out is None:
            if k:
                print("---")
            print(text, end="")
            print("\n".join("# " + x for x in sugg.report().splitlines()))
        else:
            target = out / f"{Path(f).stem}.yaml" if several else out
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"Wrote {target}")
            print(sugg.report())
        problems += sugg.problem is not None
    return 1 if problems else 0
