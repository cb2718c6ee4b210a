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
``cohort mapping suggest FILE... [--country US|GB|NO] [-o MAPPING.yaml]``  a column mapping

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


GENERATOR = "tools.synth"


def _generator(args: argparse.Namespace) -> int:
    """``cohort datasets build|check``: run the generator of the repository (``tools/synth/``).

    The generator is an authors' tool, not part of the installed package. It is
    imported from ``sys.path`` (``python -m`` from the repository root) or else
    from the checkout that holds this package (an editable install); without
    either, the command says so and returns 2.
    """
    try:
        mod = importlib.import_module(GENERATOR)
    except ModuleNotFoundError as exc:
        if exc.name not in ("tools", GENERATOR):
            raise
        from . import paths  # lazy: the CLI imports only what the command it runs needs

        root = paths.repo_root()
        if root is None or not (root / "tools" / "synth" / "__init__.py").is_file():
            print(
                f"`cohort datasets {args.datasets_command}` needs the dataset generator "
                "(tools/synth/ in the curriculum repository), which is not part of the "
                "installed package. Run it from a checkout of the repository (`make data` "
                "there). `cohort datasets list` and `describe` work without it.",
                file=sys.stderr,
            )
            return 2
        sys.path.insert(0, str(root))
        sys.modules.pop("tools", None)  # an unrelated top-level ``tools``, if one was found
        mod = importlib.import_module(GENERATOR)
    return int(mod.cli_datasets(args) or 0)


def _data_list(args: argparse.Namespace) -> int:
    from . import data  # lazy: keeps `cohort --help` fast

    rows = data.status(path=args.path, check=not args.no_check)
    width = max(len(r["name"]) for r in rows)
    print(f"{'name':<{width}}  {'found in':<16}  check / location")
    for r in rows:
        where = r["location"] or data.REGISTRY[r["name"]].where_to_get
        print(f"{r['name']:<{width}}  {r['found_in']:<16}  {r['check']}")
        print(f"{'':<{width}}  {'':<16}  {where}")
    is_opt = [data.REGISTRY[r["name"]].optional for r in rows]
    req = [r for r, o in zip(rows, is_opt, strict=True) if not o]
    opt = [r for r, o in zip(rows, is_opt, strict=True) if o]
    found = sum(r["found_in"] != "missing" for r in req)
    ok = sum(r["check"].startswith(("sha256 ok", "structure ok")) for r in req)
    print(f"{found} of {len(req)} files found, {ok} verified.")
    if opt:
        here = sum(r["found_in"] != "missing" for r in opt)
        print(f"Optional files (newer factor sets you may add): {here} of {len(opt)} present.")
    from . import factors  # the factor sets built on these files (--factors NAME)

    print("\nFactor sets (--factors NAME; Open CEDA takes NAME:ISO3, e.g. open_ceda_2024:NOR):")
    for name, r in factors.factor_set_table().iterrows():
        here = "present" if r["present"] else f"not present: get it from {r['where']}"
        print(
            f"  {name:<15} {r['dollar_year']} USD, GWP {r['gwp']}, {r['price_basis']}, "
            f"data year {r['data_year']}; {here}"
        )
    bad = [r["name"] for r in rows if r["check"].startswith("NOT VERIFIED")]
    if bad:
        print(
            f"NOT VERIFIED: {', '.join(bad)}. Runs refuse these files unless you pass "
            "--allow-unverified (known values are still checked; outputs are marked NOT "
            "VERIFIED). Re-fetch them with `cohort data fetch` after deleting them.",
            file=sys.stderr,
        )
    opt_bad = [r for r in opt if r["found_in"] != "missing" and not r["check"].startswith(
        ("sha256 ok", "structure ok", "not checked"))]  # fmt: skip
    all_ok = ok == len(req) or args.no_check and found == len(req)
    return 0 if all_ok and not opt_bad else 1


def _data_fetch(args: argparse.Namespace) -> int:
    from . import data  # lazy: keeps `cohort --help` fast

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
    r.set_defaults(handler=_lazy("course.runner", "cli_run"))

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
    for name in ("build", "check"):  # the generator: authors, from a checkout
        dssub.choices[name].set_defaults(handler=_generator)
    for name in ("list", "describe"):  # read the folder: work without the generator
        dssub.choices[name].set_defaults(handler=_lazy("datasets", "cli_datasets"))

    # exercises ------------------------------------------------------------
    ex = sub.add_parser("exercises", help="homework: exercises generated from solutions")
    exsub = ex.add_subparsers(dest="exercises_command", required=True)
    exsub.add_parser("build", help="write exercises/ from solutions/")
    exsub.add_parser("check", help="exit non-zero when exercises/ is out of date")
    ak = exsub.add_parser("answer-keys", help="execute solutions and render them to HTML")
    ak.add_argument("--out", default="build/answer_keys")
    ak.add_argument("--member", default=DEFAULT_MEMBER)
    for name in ("build", "check", "answer-keys"):
        exsub.choices[name].set_defaults(handler=_lazy("course.exercises", "cli_exercises"))

    # notebooks (course authors) -------------------------------------------
    nbp = sub.add_parser("notebooks", help="course authors: commit-ready notebooks")
    nbsub = nbp.add_subparsers(dest="notebooks_command", required=True)
    fr = nbsub.add_parser(
        "freeze", help="execute, keep only 'nbval-check-output' outputs, add slide metadata"
    )
    fr.add_argument("notebooks", nargs="+")
    fr.add_argument("--member", default=DEFAULT_MEMBER)
    fr.set_defaults(handler=_lazy("course.authoring", "cli_notebooks"))
    ed = nbsub.add_parser(
        "editions", help="participant copies (no instructor notes) and instructor copies"
    )
    ed.add_argument("--out", default="build/editions")
    ed.set_defaults(handler=_lazy("course.authoring", "cli_notebooks"))
    co = nbsub.add_parser(
        "conventions",
        help="nbval markers to tags, instructor notes collapsed, glossary links (no execution)",
    )
    co.add_argument("notebooks", nargs="+")
    co.set_defaults(handler=_lazy("course.authoring", "cli_notebooks"))

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

    # mapping --------------------------------------------------------------
    mp = sub.add_parser("mapping", help="column mappings for your own exports")
    mpsub = mp.add_subparsers(dest="mapping_command", required=True)
    sg = mpsub.add_parser(
        "suggest",
        help="propose a column mapping (YAML, with the reason for each line) and preview it",
    )
    sg.add_argument("ledgers", nargs="+", metavar="FILE", help="exports: CSV, TXT, XLSX or XLS")
    sg.add_argument(
        "--country",
        type=str.upper,
        choices=["US", "GB", "NO"],
        help="sets currency, fiscal-year start and day-first dates (default: guessed)",
    )
    sg.add_argument(
        "-o",
        "--out",
        metavar="MAPPING.yaml",
        help="write the mapping here (a folder for several files); default: print it",
    )
    sg.set_defaults(handler=_lazy("commands", "cli_mapping_suggest"))

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
        "--rate",
        action="append",
        metavar="CUR:YEAR=VALUE",
        help="an annual average exchange rate the bundled tables lack (units per USD), "
        "kept with the member and used by the notebooks, e.g. GBP:2017=0.776",
    )
    ma.add_argument(
        "--workspace", help="workspace folder (default: $COHORT_WORKSPACE or ~/cohort-workspace)"
    )
    ma.add_argument("--replace", action="store_true", help="replace a member of that name")
    ma.set_defaults(handler=_lazy("commands", "cli_member_add"))
    return p


#: Environment variable: show tracebacks (same as ``--debug``).
DEBUG_ENV = "COHORT_DEBUG"


def _add_common_options(parser: argparse.ArgumentParser, top: bool) -> None:
    """``--debug`` and ``--allow-unverified`` before or after the sub-command."""
    default = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="show the full traceback when something goes wrong (for bug reports)",
    )
    parser.add_argument(
        "--allow-unverified",
        action="store_true",
        default=default,
        help="use reference files whose SHA-256 differs from the published one (their known "
        "values are still checked; every output is marked NOT VERIFIED)",
    )
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            for sub in choices.values():
                if isinstance(sub, argparse.ArgumentParser):
                    _add_common_options(sub, top=False)


class _Terminated(SystemExit):
    """SIGTERM, turned into a normal exit so ``finally`` blocks remove temporary files."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess test
    raise _Terminated(143)


def _where(exc: BaseException) -> str:
    name = getattr(exc, "filename", None)
    return f"{name}: " if name else ""


def describe_error(exc: BaseException, args: argparse.Namespace | None = None) -> str:
    """One actionable message for an error that reached the top of the ``cohort`` command.

    The project's own errors already name the file, line and column and say
    what to do; they are shown as they are. Errors from Python or a library
    (a missing file, a permission, a damaged workbook ...) are put in words.

    Examples
    --------
    >>> describe_error(FileNotFoundError(2, "No such file or directory", "ap.csv"))
    'ap.csv: no such file. Check the path (and that the file was saved there).'
    """
    import csv
    import errno
    import zipfile
    from xml.etree.ElementTree import ParseError

    inputs = ", ".join(str(x) for x in (getattr(args, "ledgers", None) or []))
    reading = f" while reading {inputs}" if inputs else ""
    text = str(exc).strip()
    if isinstance(exc, FileNotFoundError) and getattr(exc, "filename", None):
        return f"{exc.filename}: no such file. Check the path (and that the file was saved there)."
    if isinstance(exc, PermissionError):
        return (
            f"{_where(exc)}permission denied. Check that you may read (or write) it; close it "
            "if it is open in Excel; or choose another folder."
        )
    if isinstance(exc, IsADirectoryError):
        return f"{_where(exc)}is a folder where a file is expected. Give the file's path."
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return f"{_where(exc)}is a file where a folder is expected. Choose another --out folder."
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"{_where(exc)}the disk is full. Free some space or choose another --out folder."
    if isinstance(exc, MemoryError):
        return (
            "Ran out of memory" + reading + ". Close other programs, or split the export into "
            "smaller files (one per quarter) and run them one by one."
        )
    if isinstance(exc, csv.Error) and "field larger than field limit" in text:
        return (
            f"A field{reading} is longer than 131,072 characters: the file is probably not a "
            "CSV export (one very long line, or a binary file saved as .csv). Open it in a text "
            "editor to check, and export it again from the finance system."
        )
    if isinstance(exc, zipfile.BadZipFile | ParseError):
        return (
            f"An Excel file{reading} is damaged or not a real .xlsx ({exc.__class__.__name__}: "
            f"{text}). Open it in Excel and save it again as .xlsx (or export CSV), then retry."
        )
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"A file{reading} is not text in a known encoding ({text}). Save it as CSV UTF-8 "
            "from Excel, or check that it is the export and not a PDF or a program file."
        )
    if isinstance(exc, ValueError) and "sheet is too large" in text.lower():
        return (
            "A table has more rows than one Excel sheet holds (1,048,576). The CSV files have "
            "every row; write the workbook with a row limit."
        )
    from . import data  # lazy: keeps `cohort --help` fast

    own = (data.DataNotFoundError, data.DataFormatError, data.DataNotVerifiedError)
    try:
        from .ledger import LedgerError  # lazy: keeps `cohort --help` fast

        own = (*own, LedgerError)
    except ImportError:  # pragma: no cover
        pass
    try:
        from .outdir import OutputDirError  # lazy: keeps `cohort --help` fast

        own = (*own, OutputDirError)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(exc, own) or (isinstance(exc, ValueError | KeyError) and text):
        return text.strip("'\"") if isinstance(exc, KeyError) else text
    return (
        f"Unexpected error{reading}: {exc.__class__.__name__}: {text or '(no message)'}. "
        "This is probably a bug: run the same command with --debug and report the output."
    )


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {message}", file=file or sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cohort`` command.

    Nothing reaches the user as a traceback: every error is one message (what
    went wrong, which file/line/column, what to do) and exit code 2; ``--debug``
    (or ``COHORT_DEBUG=1``) shows the traceback as well. SIGTERM and Ctrl-C
    stop the run cleanly (no temporary files left; exit 143 and 130).
    ``--allow-unverified`` sets ``COHORT_ALLOW_UNVERIFIED=1`` for this run (and
    the notebook kernels it starts).
    """
    import os
    import signal
    import traceback
    import warnings

    parser = build_parser()
    _add_common_options(parser, top=True)
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False)) or os.environ.get(DEBUG_ENV, "") in ("1", "true")
    from .data import ALLOW_ENV  # lazy: keeps `cohort --help` fast

    allow_before = os.environ.get(ALLOW_ENV)
    if getattr(args, "allow_unverified", False):
        os.environ[ALLOW_ENV] = "1"  # notebook kernels started by this run inherit it
    old_term = None
    try:
        old_term = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (e.g. called from a test thread)
        pass
    old_show = warnings.showwarning
    if not debug:
        warnings.showwarning = _show_warning
    code = 2
    try:
        code = args.handler(args)
    except KeyboardInterrupt:
        print("\nStopped (Ctrl-C). No partial output was kept.", file=sys.stderr)
        code = 130
    except _Terminated:
        print("\nStopped (SIGTERM). No partial output was kept.", file=sys.stderr)
        code = 143
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BrokenPipeError:  # output piped into `head`
        code = 0
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {describe_error(exc, args)}", file=sys.stderr)
        if not debug:
            print("(run again with --debug to see the details)", file=sys.stderr)
        code = 2
    finally:
        if allow_before is None:
            os.environ.pop(ALLOW_ENV, None)
        else:
            os.environ[ALLOW_ENV] = allow_before
        warnings.showwarning = old_show
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        try:
            from .data import verification_warning  # lazy: keeps `cohort --help` fast

            banner = verification_warning()
        except Exception:  # the banner must never hide the run's own result
            banner = ""
        if banner:
            print(banner, file=sys.stderr)
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
