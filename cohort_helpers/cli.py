"""The ``cohort`` command.

Sub-commands (``cohort --help`` lists them):

``cohort data list|fetch``                  reference data registry
``cohort run --member NAME --out DIR``      execute the session notebooks
``cohort datasets build|check|list|describe``  the synthetic cohort
``cohort exercises build|check|answer-keys``   homework from solutions
``cohort notebooks freeze NOTEBOOK ...``         course authors: commit-ready notebooks
``cohort inventory FILE ... --mapping M --out DIR``   an inventory from your own exports
``cohort screen FILE --mapping M --country NO --year Y --out DIR``  from an accounts file
``cohort member add NAME --country .. --ledger FILE --mapping M``  your government

Each handler returns a process exit code: 0 success, 1 a check failed,
2 bad input (with a message a participant can act on).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import DEFAULT_MEMBER, __version__


def _lazy(module: str, func: str):
    """Handler that imports ``cohort_helpers.<module>`` only when called."""

    def handler(args: argparse.Namespace) -> int:
        mod = importlib.import_module(f"cohort_helpers.{module}")
        return int(getattr(mod, func)(args) or 0)

    return handler


def _data_list(args: argparse.Namespace) -> int:
    from . import data

    rows = data.status(path=args.path, check=not args.no_check)
    width = max(len(r["name"]) for r in rows)
    print(f"{'name':<{width}}  {'found in':<16}  check / location")
    for r in rows:
        where = r["location"] or data.REGISTRY[r["name"]].where_to_get
        print(f"{r['name']:<{width}}  {r['found_in']:<16}  {r['check']}")
        print(f"{'':<{width}}  {'':<16}  {where}")
    found = sum(r["found_in"] != "missing" for r in rows)
    ok = sum(r["check"].startswith(("sha256 ok", "structure ok")) for r in rows)
    print(f"{found} of {len(rows)} files found, {ok} verified.")
    return 0 if ok == len(rows) or args.no_check and found == len(rows) else 1


def _data_fetch(args: argparse.Namespace) -> int:
    from . import data

    results = data.fetch_all(progressbar=not args.quiet)
    failed = 0
    for name, got in results.items():
        if isinstance(got, Exception):
            failed += 1
            print(f"{name}: NOT AVAILABLE\n{got}\n", file=sys.stderr)
        else:
            print(f"{name}: {got}")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cohort",
        description="Supply-chain GHG inventory cohort: data, notebooks, inventories.",
    )
    p.add_argument("--version", action="version", version=f"cohort-helpers {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    # data -----------------------------------------------------------------
    d = sub.add_parser("data", help="reference data (EPA factors, BEA tables, Open CEDA)")
    dsub = d.add_subparsers(dest="data_command", required=True)
    dl = dsub.add_parser("list", help="every registered file, where found, whether it verifies")
    dl.add_argument("--path", help="a data folder to look in first")
    dl.add_argument("--no-check", action="store_true", help="skip SHA-256/structure checks")
    dl.set_defaults(handler=_data_list)
    df = dsub.add_parser("fetch", help="download missing files into the user cache")
    df.add_argument("--quiet", action="store_true", help="no progress bars")
    df.set_defaults(handler=_data_fetch)

    # run ------------------------------------------------------------------
    r = sub.add_parser("run", help="execute every session notebook for one member")
    r.add_argument(
        "--member", default=DEFAULT_MEMBER, help=f"cohort member (default {DEFAULT_MEMBER})"
    )
    r.add_argument("--out", default=None, help="output folder (default build/<member>)")
    r.add_argument("--no-html", action="store_true", help="skip the HTML export")
    r.set_defaults(handler=_lazy("runner", "cli_run"))

    # datasets -------------------------------------------------------------
    ds = sub.add_parser("datasets", help="the synthetic cohort in datasets/")
    dssub = ds.add_subparsers(dest="datasets_command", required=True)
    b = dssub.add_parser("build", help="regenerate the synthetic cohort (deterministic)")
    b.add_argument(
        "--out", default=None, help="folder to write (default: the repository's datasets/)"
    )
    dssub.add_parser("check", help="exit 0 only if datasets/ equals a fresh build, byte for byte")
    dssub.add_parser("list", help="one tab-separated line per ledger file")
    dssub.add_parser("describe", help="excluded shares and purchase mix per member-year")
    for name in ("build", "check", "list", "describe"):
        dssub.choices[name].set_defaults(handler=_lazy("synth", "cli_datasets"))

    # exercises ------------------------------------------------------------
    ex = sub.add_parser("exercises", help="homework: exercises generated from solutions")
    exsub = ex.add_subparsers(dest="exercises_command", required=True)
    exsub.add_parser("build", help="write exercises/ from solutions/")
    exsub.add_parser("check", help="exit non-zero when exercises/ is out of date")
    ak = exsub.add_parser("answer-keys", help="execute solutions and render them to HTML")
    ak.add_argument("--out", default="build/answer_keys")
    ak.add_argument("--member", default=DEFAULT_MEMBER)
    for name in ("build", "check", "answer-keys"):
        exsub.choices[name].set_defaults(handler=_lazy("exercises", "cli_exercises"))

    # notebooks (course authors) -------------------------------------------
    nbp = sub.add_parser("notebooks", help="course authors: commit-ready notebooks")
    nbsub = nbp.add_subparsers(dest="notebooks_command", required=True)
    fr = nbsub.add_parser(
        "freeze", help="execute, keep only '# NBVAL_CHECK_OUTPUT' outputs, add slide metadata"
    )
    fr.add_argument("notebooks", nargs="+")
    fr.add_argument("--member", default=DEFAULT_MEMBER)
    fr.set_defaults(handler=_lazy("authoring", "cli_notebooks"))

    # inventory ------------------------------------------------------------
    def own_data_options(q: argparse.ArgumentParser, *, screening: bool) -> None:
        q.add_argument(
            "--mapping",
            action="append",
            metavar="MAPPING.yaml",
            help="column mapping (YAML); repeat it to give one per file, in file order "
            "(default for a bundled member: its own)",
        )
        q.add_argument("--out", required=True, help="folder for the outputs")
        q.add_argument(
            "--member",
            help="name of the government (any name; a bundled member's slug "
            "also selects its chart of accounts)",
        )
        q.add_argument(
            "--country",
            type=str.upper,
            choices=["US", "GB", "NO"],
            help="sets currency and fiscal-year start (US July, GB April, NO January) where "
            "the mapping does not",
        )
        if screening:
            q.add_argument("--year", type=int, help="the accounts or budget year")
        else:
            q.add_argument(
                "--fiscal-year",
                type=int,
                help="default: the fiscal year that holds most of the spend (said in the output)",
            )
        q.add_argument(
            "--rate",
            action="append",
            metavar="CUR:YEAR=VALUE",
            help="an annual exchange rate (units of CUR per US dollar), e.g. NOK:2009=5.8; "
            "repeatable",
        )
        q.add_argument("--factors", default="sef_v1.3", help="factor set name or SEF-layout file")
        q.add_argument("--overrides", help="classification overrides (CSV)")
        q.add_argument("--chart", help="a chart of accounts of the bundled rules (optional)")

    inv = sub.add_parser(
        "inventory", help="a reconciled, classified Scope 3 inventory from ledger exports"
    )
    inv.add_argument("ledgers", nargs="+", metavar="FILE", help="exports: CSV, TXT, XLSX or XLS")
    own_data_options(inv, screening=False)
    inv.set_defaults(handler=_lazy("commands", "cli_inventory"))

    scr = sub.add_parser(
        "screen", help="a screening inventory from an accounts or budget file (no vendors/dates)"
    )
    scr.add_argument("ledgers", nargs="+", metavar="FILE", help="accounts or budget file(s)")
    own_data_options(scr, screening=True)
    scr.set_defaults(handler=_lazy("commands", "cli_screen"))

    # member ---------------------------------------------------------------
    mem = sub.add_parser("member", help="your own government as a cohort member")
    msub = mem.add_subparsers(dest="member_command", required=True)
    ma = msub.add_parser("add", help="register your government in your workspace")
    ma.add_argument("name", help="the member's short name, e.g. my_city")
    ma.add_argument("--country", type=str.upper, choices=["US", "GB", "NO"], required=True)
    ma.add_argument("--ledger", action="append", required=True, metavar="FILE")
    ma.add_argument("--mapping", action="append", required=True, metavar="MAPPING.yaml")
    ma.add_argument("--fiscal-year", type=int, help="default: the year holding most spend")
    ma.add_argument("--lgo", help="your LGO (Scope 1 and 2) inventory, CSV")
    ma.add_argument("--residents", type=int)
    ma.add_argument("--employees", type=int)
    ma.add_argument("--operating-budget", type=float)
    ma.add_argument("--capital-budget", type=float)
    ma.add_argument("--display-name", help='e.g. "City of Columbia"')
    ma.add_argument(
        "--workspace", help="workspace folder (default: $COHORT_WORKSPACE or ~/cohort-workspace)"
    )
    ma.add_argument("--replace", action="store_true", help="replace a member of that name")
    ma.set_defaults(handler=_lazy("commands", "cli_member_add"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cohort`` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
