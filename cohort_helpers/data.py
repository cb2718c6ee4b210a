"""Reference-data registry: published files the curriculum uses but does not own.

Every file is registered with where it comes from, its SHA-256 and a reader
that returns a tidy :class:`pandas.DataFrame`. A file is looked for, in order:

1. an explicit ``path`` given by the caller (a file, or a data folder);
2. the folder named by the environment variable ``COHORT_DATA_DIR``;
3. the user cache (``COHORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/cohort-helpers``,
   else ``~/.cache/cohort-helpers``), downloaded there on first use.

Data folders and the cache share one layout: ``<sub-folder>/<file name>``, as
in the registry below. Nothing here is bundled with the package.

The module imports only the standard library at import time (pandas, pyreadr
and pooch are imported by the functions that need them), so the Makefile can
run ``python3 -m cohort_helpers.data preflight`` before any set-up.

Examples
--------
>>> from cohort_helpers import data
>>> sef = data.open_dataset("sef_co2e")          # doctest: +SKIP
>>> sef.loc[sef.naics6 == "327310", "sef_with_margins"].item()  # doctest: +SKIP
3.924
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DATA_ENV",
    "CACHE_ENV",
    "REGISTRY",
    "RefFile",
    "DataNotFoundError",
    "DataFormatError",
    "cache_dir",
    "locate",
    "fetch_file",
    "fetch_all",
    "verify",
    "status",
    "open_dataset",
    "read_sef",
    "read_price_index",
    "read_use_table",
    "read_commodity_names",
    "read_dq_scores",
    "read_open_ceda",
    "OPEN_CEDA_ATTRIBUTION",
]

#: Environment variable naming a folder that holds the reference files.
DATA_ENV = "COHORT_DATA_DIR"
#: Environment variable overriding the download cache folder.
CACHE_ENV = "COHORT_CACHE_DIR"
#: Seconds to wait for a publisher's server before giving up.
DOWNLOAD_TIMEOUT = 20

#: Attribution that must accompany any result computed with Open CEDA.
OPEN_CEDA_ATTRIBUTION = "CEDA by Watershed (Open CEDA 2024, CC BY-SA 4.0)"

SEF_COLUMNS = [
    "2017 NAICS Code",
    "2017 NAICS Title",
    "GHG",
    "Unit",
    "Supply Chain Emission Factors without Margins",
    "Margins of Supply Chain Emission Factors",
    "Supply Chain Emission Factors with Margins",
    "Reference USEEIO Code",
]
SEF_NAICS_ROWS = 1016


class DataNotFoundError(FileNotFoundError):
    """A registered reference file is neither present nor downloadable."""


class DataFormatError(ValueError):
    """A reference file is present but does not have the expected layout."""


@dataclass(frozen=True)
class RefFile:
    """One registered reference file.

    Attributes
    ----------
    name : str
        Short key used in code, e.g. ``"sef_co2e"``.
    relpath : str
        ``sub-folder/file name`` inside a data folder or the cache.
    url : str or None
        Where a user's machine downloads it; ``None`` when the publisher
        requires a form (the user supplies the file).
    sha256 : str
        Hash of the file as published.
    title, publisher, licence : str
        What it is, who publishes it, under which terms.
    alternatives : tuple of str
        Other accepted file names in the same sub-folder (e.g. the workbook
        form of Open CEDA), verified by structure instead of hash.
    """

    name: str
    relpath: str
    url: str | None
    sha256: str
    title: str
    publisher: str
    licence: str
    alternatives: tuple[str, ...] = field(default=())

    @property
    def filename(self) -> str:
        return self.relpath.rsplit("/", 1)[-1]

    @property
    def where_to_get(self) -> str:
        return self.url or (
            "the publisher's download form (Watershed: Open CEDA); save it as "
            f"{self.relpath} in your data folder"
        )


_EPA = "https://pasteur.epa.gov/uploads/10.23719/1531143/"
_USEEIO_CS = "https://raw.githubusercontent.com/cornerstone-data/useeior/90f4d7a022a3ecb2043535c30b473cd1068078a8/data/"
_USEEIO = (
    "https://raw.githubusercontent.com/USEPA/useeior/1565a70b7da2e50ff7ab5fc344fc0ba95f307a8a/data/"
)
_SCF = "https://raw.githubusercontent.com/USEPA/supply-chain-factors/ac7920126ee6b909065de9e35c4a82461f02b384/Data%20Quality/"

_FILES = [
    RefFile(
        "sef_co2e",
        "epa_sef_v1.3/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv",
        _EPA + "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv",
        "c7f508646ee091cb2218be65dec0e2bdb6143ba8511773d486c9e87f6df84177",
        "EPA Supply Chain GHG Emission Factors v1.3, CO2e, NAICS-6, 2022 USD",
        "US EPA (DOI 10.23719/1531143)",
        "public domain (US Government work)",
    ),
    RefFile(
        "sef_bygas",
        "epa_sef_v1.3/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv",
        _EPA + "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv",
        "963952e5911dd5c5a4408172192b327c1583b5491a5b80c2d7cb03260411ee16",
        "EPA Supply Chain GHG Emission Factors v1.3, by gas, NAICS-6, 2022 USD",
        "US EPA (DOI 10.23719/1531143)",
        "public domain (US Government work)",
    ),
    RefFile(
        "bea_price_index",
        "useeior/Detail_CPI_IO_17sch.rda",
        _USEEIO_CS + "Detail_CPI_IO_17sch.rda",
        "1ef7b32a5a495852277290885c7456eb70fcd575a39663f5404803d6a8c923de",
        "BEA gross-output chain-type price index by detail sector, 2017 = 100",
        "BEA via cornerstone-data/useeior",
        "MIT (code); BEA data public domain",
    ),
    RefFile(
        "bea_use_table",
        "useeior/Detail_Use_2017_PUR_BeforeRedef_17sch.rda",
        _USEEIO + "Detail_Use_2017_PUR_BeforeRedef_17sch.rda",
        "3d650365332bdb4da0fcce792e34bdd6acb32bfecec46b3854b232adf9687ff6",
        "BEA 2017 detail Use table, purchaser prices, million USD",
        "BEA via USEPA/useeior",
        "MIT (code); BEA data public domain",
    ),
    RefFile(
        "bea_commodity_names",
        "useeior/Detail_CommodityCodeName_2017.rda",
        _USEEIO + "Detail_CommodityCodeName_2017.rda",
        "acc6bcb05cd36e9e0a24b438d4dcb95b24a815e51f5d27447cf6635c350b9c50",
        "BEA 2017 detail commodity codes and names",
        "BEA via USEPA/useeior",
        "MIT (code); BEA data public domain",
    ),
    RefFile(
        "dq_scores",
        "supply-chain-factors/DQ_USEEIOv2.0.16-GHG.csv",
        _SCF + "DQ_USEEIOv2.0.16-GHG.csv",
        "b5d46ea4159f319004b93f8fc9c8d5cb93fcefc50e600380dd132623d368d73c",
        "Data-quality (pedigree) scores per USEEIO sector and gas",
        "US EPA (USEPA/supply-chain-factors)",
        "MIT",
    ),
    RefFile(
        "open_ceda",
        "open_ceda_2024/open_ceda_2024.csv",
        None,
        "c428736798bf9ecdc76f290a34fdc16c0236caa21f14ff679abe0d3003a18828",
        "Open CEDA 2024: kg CO2e per 2022 USD, producer price, 148 countries",
        "Watershed",
        "CC BY-SA 4.0; attribution 'CEDA by Watershed' required",
        alternatives=("open_ceda_2024.xlsx",),
    ),
]

#: Every registered reference file, by short name.
REGISTRY: dict[str, RefFile] = {f.name: f for f in _FILES}


# --------------------------------------------------------------------------
# Where files are
# --------------------------------------------------------------------------


def cache_dir() -> Path:
    """Folder where downloaded reference files are kept.

    ``COHORT_CACHE_DIR`` wins; otherwise the platform's user cache.

    Examples
    --------
    >>> cache_dir().name  # doctest: +SKIP
    'cohort-helpers'
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":  # pragma: no cover
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":  # pragma: no cover
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cohort-helpers"


def _get(name: str) -> RefFile:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise KeyError(f"No reference file called {name!r}. Registered: {known}.") from None


def _candidates(ref: RefFile, folder: Path) -> list[Path]:
    sub = ref.relpath.rsplit("/", 1)[0]
    names = (ref.filename, *ref.alternatives)
    return [folder / sub / n for n in names] + [folder / n for n in names]


def _search_folders(path: str | os.PathLike | None) -> list[tuple[str, Path]]:
    folders: list[tuple[str, Path]] = []
    if path is not None:
        folders.append(("explicit path", Path(path).expanduser()))
    env = os.environ.get(DATA_ENV)
    if env:
        folders.append((DATA_ENV, Path(env).expanduser()))
    folders.append(("user cache", cache_dir()))
    return folders


def locate(name: str, path: str | os.PathLike | None = None) -> tuple[Path, str] | None:
    """Find a registered file without downloading it.

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"sef_co2e"``.
    path : path-like, optional
        A file (used as is) or a data folder searched first.

    Returns
    -------
    (Path, str) or None
        The file and where it was found (``"explicit path"``,
        ``"COHORT_DATA_DIR"`` or ``"user cache"``), or ``None``.

    Examples
    --------
    >>> locate("sef_co2e")  # doctest: +SKIP
    (PosixPath('/data/epa_sef_v1.3/Supply...csv'), 'COHORT_DATA_DIR')
    """
    ref = _get(name)
    if path is not None and Path(path).is_file():
        return Path(path), "explicit path"
    for label, folder in _search_folders(path):
        for cand in _candidates(ref, folder):
            if cand.is_file():
                return cand, label
    return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(name: str, file: str | os.PathLike) -> str:
    """Check a file against the registry.

    Returns ``"sha256 ok"`` when the bytes match; otherwise checks the
    structure with the file's reader and returns ``"structure ok (sha256
    differs)"``. Raises :class:`DataFormatError` when neither holds.

    Examples
    --------
    >>> verify("dq_scores", locate("dq_scores")[0])  # doctest: +SKIP
    'sha256 ok'
    """
    ref = _get(name)
    file = Path(file)
    if file.name == ref.filename and _sha256(file) == ref.sha256:
        return "sha256 ok"
    try:
        _READERS[name](file)
    except DataFormatError:
        raise
    except Exception as exc:  # reader failed in an unexpected way
        raise DataFormatError(f"{file}: cannot be read as {ref.title}: {exc}") from exc
    return "structure ok (sha256 differs)"


def _missing_message(ref: RefFile, path: str | os.PathLike | None, why: str = "") -> str:
    looked = "\n".join(
        f"  - {label}: {folder / ref.relpath}" for label, folder in _search_folders(path)
    )
    env = os.environ.get(DATA_ENV)
    env_note = (
        f"{DATA_ENV} is set to {env!r} but the file is not there."
        if env
        else f"{DATA_ENV} is not set."
    )
    return (
        f"Reference file {ref.relpath!r} ({ref.title}) was not found.\n"
        f"Looked in:\n{looked}\n"
        f"{env_note}\n"
        + (f"Download failed: {why}\n" if why else "")
        + f"Get it from: {ref.where_to_get}\n"
        f"Then either set {DATA_ENV} to the folder that holds "
        f"'{ref.relpath.split('/')[0]}/' or run `cohort data fetch` on a machine "
        "with internet access."
    )


def _host_reachable(url: str, timeout: float = 10.0) -> str | None:
    """Return None if the URL's host accepts a TCP connection, else the reason."""
    parts = urlparse(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return None
    except OSError as exc:
        return f"cannot reach {parts.hostname}:{port} ({exc.__class__.__name__}: {exc})"


def _download(ref: RefFile, progressbar: bool = True) -> Path:
    import pooch  # imported here: only needed when downloading

    target_dir = cache_dir() / ref.relpath.rsplit("/", 1)[0]
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=DOWNLOAD_TIMEOUT)
    # known_hash=None: we verify ourselves so that a re-encoded but
    # structurally identical file is accepted with a warning.
    got = pooch.retrieve(
        ref.url,
        known_hash=None,
        fname=ref.filename,
        path=target_dir,
        downloader=downloader,
        progressbar=progressbar,
    )
    return Path(got)


def fetch_file(
    name: str,
    path: str | os.PathLike | None = None,
    *,
    download: bool = True,
    progressbar: bool = True,
) -> Path:
    """Return the local path of a registered file, downloading it if needed.

    Parameters
    ----------
    name : str
        Registry key.
    path : path-like, optional
        File or data folder to use first.
    download : bool
        Download into the user cache when the file is not found.
    progressbar : bool
        Show a progress bar while downloading.

    Raises
    ------
    DataNotFoundError
        Not found and not downloadable; the message names the file, its URL
        and ``COHORT_DATA_DIR``. Fails within about ``DOWNLOAD_TIMEOUT``
        seconds when the network is down.

    Examples
    --------
    >>> fetch_file("bea_price_index").name  # doctest: +SKIP
    'Detail_CPI_IO_17sch.rda'
    """
    ref = _get(name)
    found = locate(name, path)
    if found is not None:
        return found[0]
    if not download or ref.url is None:
        raise DataNotFoundError(_missing_message(ref, path))
    why = _host_reachable(ref.url, timeout=DOWNLOAD_TIMEOUT)
    if why is None:
        try:
            got = _download(ref, progressbar=progressbar)
        except Exception as exc:  # network errors come in many classes
            why = f"{exc.__class__.__name__}: {exc}"
        else:
            try:
                result = verify(name, got)
            except DataFormatError as exc:
                got.unlink(missing_ok=True)
                raise DataNotFoundError(
                    _missing_message(ref, path, f"the downloaded file is not valid: {exc}")
                ) from exc
            if result != "sha256 ok":
                warnings.warn(
                    f"{got}: bytes differ from the registered SHA-256 but the "
                    "structure checks out; using it.",
                    stacklevel=2,
                )
            return got
    raise DataNotFoundError(_missing_message(ref, path, why))


def fetch_all(progressbar: bool = True) -> dict[str, Path | Exception]:
    """Fetch every downloadable registered file; return path or error per name.

    Examples
    --------
    >>> results = fetch_all()  # doctest: +SKIP
    """
    out: dict[str, Path | Exception] = {}
    for name in REGISTRY:
        try:
            out[name] = fetch_file(name, progressbar=progressbar)
        except (DataNotFoundError, DataFormatError) as exc:
            out[name] = exc
    return out


def status(path: str | os.PathLike | None = None, check: bool = True) -> list[dict]:
    """One record per registered file: where found and whether it verifies.

    Returns a list of dicts (stdlib only, so it works before set-up) with keys
    ``name``, ``file``, ``found_in``, ``location``, ``check``.

    Examples
    --------
    >>> [r["check"] for r in status()]  # doctest: +SKIP
    ['sha256 ok', ...]
    """
    rows = []
    for name, ref in REGISTRY.items():
        found = locate(name, path)
        if found is None:
            rows.append(
                dict(name=name, file=ref.relpath, found_in="missing", location="", check="missing")
            )
            continue
        file, label = found
        if check:
            try:
                result = verify(name, file)
            except (DataFormatError, ImportError) as exc:
                result = f"FAILED: {exc}"
        else:
            result = "not checked"
        rows.append(
            dict(name=name, file=ref.relpath, found_in=label, location=str(file), check=result)
        )
    return rows


# --------------------------------------------------------------------------
# Readers: tidy DataFrames
# --------------------------------------------------------------------------


def _read_rda(file: Path):
    import pyreadr

    result = pyreadr.read_r(str(file))
    if len(result) != 1:
        raise DataFormatError(f"{file}: expected one R object, found {list(result)}")
    return next(iter(result.values()))


def _naics_str(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)


def read_sef(file: str | os.PathLike | None = None, by_gas: bool = False) -> pd.DataFrame:
    """EPA Supply Chain GHG Emission Factors (v1.3 layout).

    Parameters
    ----------
    file : path-like, optional
        A file in the SEF layout (any version); default: the registered v1.3.
    by_gas : bool
        Read the by-gas file (kg of each gas per USD) instead of CO2e.

    Returns
    -------
    DataFrame
        One row per NAICS code (per gas when ``by_gas``) with columns
        ``naics6`` (str), ``naics_title``, ``ghg``, ``unit``,
        ``sef_without_margins``, ``sef_margins``, ``sef_with_margins``
        (kg per USD, purchaser price) and ``bea_code`` (the
        ``Reference USEEIO Code``). ``attrs`` holds ``dollar_year`` and
        ``unit`` as read from the file.

    Examples
    --------
    >>> sef = read_sef()  # doctest: +SKIP
    >>> len(sef), sef.set_index("naics6").at["327310", "sef_with_margins"]  # doctest: +SKIP
    (1016, 3.924)
    """
    import pandas as pd

    if file is None:
        file = fetch_file("sef_bygas" if by_gas else "sef_co2e")
    file = Path(file)
    try:
        raw = pd.read_csv(file, dtype={"2017 NAICS Code": str, "Reference USEEIO Code": str})
    except Exception as exc:
        raise DataFormatError(f"{file}: not a readable CSV ({exc})") from exc
    missing = [c for c in SEF_COLUMNS if c not in raw.columns]
    if missing:
        raise DataFormatError(
            f"{file}: not in the EPA SEF layout; missing column(s) {missing}. "
            f"Expected columns: {SEF_COLUMNS}"
        )
    out = raw[SEF_COLUMNS].copy()
    out.columns = [
        "naics6",
        "naics_title",
        "ghg",
        "unit",
        "sef_without_margins",
        "sef_margins",
        "sef_with_margins",
        "bea_code",
    ]
    out["naics6"] = _naics_str(out["naics6"])
    for col in ["sef_without_margins", "sef_margins", "sef_with_margins"]:
        out[col] = pd.to_numeric(out[col], errors="raise")
    bad = ~out["naics6"].str.fullmatch(r"\d{6}")
    if bad.any():
        i = int(bad.idxmax())
        raise DataFormatError(
            f"{file}, line {i + 2}, column '2017 NAICS Code': {out.at[i, 'naics6']!r} "
            "is not a 6-digit NAICS code."
        )
    units = out["unit"].dropna().unique()
    import re

    year = None
    for u in units:
        m = re.search(r"(\d{4}) USD", str(u))
        if m:
            year = int(m.group(1))
    out.attrs.update(dollar_year=year, unit=str(units[0]) if len(units) else "", source=str(file))
    if not by_gas and out["naics6"].nunique() != len(out):
        dup = out.loc[out["naics6"].duplicated(), "naics6"].iloc[0]
        raise DataFormatError(f"{file}: NAICS code {dup} appears more than once.")
    return out


def read_price_index(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """BEA chain-type gross-output price index per BEA detail sector.

    Returns
    -------
    DataFrame
        Long form with columns ``bea_code`` (str), ``year`` (int) and
        ``price_index`` (float, 2017 = 100). 402 sectors x 1997..2024.

    Examples
    --------
    >>> pi = read_price_index()  # doctest: +SKIP
    >>> pi.query("year == 2017").price_index.eq(100).all()  # doctest: +SKIP
    True
    """
    import pandas as pd

    file = Path(file) if file else fetch_file("bea_price_index")
    wide = _read_rda(file)
    if not all(str(c).isdigit() for c in wide.columns):
        raise DataFormatError(f"{file}: expected one column per year, got {list(wide.columns)[:5]}")
    wide.index = wide.index.astype(str)
    wide.index.name = "bea_code"
    long = wide.reset_index().melt(id_vars="bea_code", var_name="year", value_name="price_index")
    long["year"] = long["year"].astype(int)
    long["price_index"] = pd.to_numeric(long["price_index"])
    return long.sort_values(["bea_code", "year"], ignore_index=True)


def read_use_table(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """BEA 2017 detail Use table in purchaser prices (million USD).

    Returns
    -------
    DataFrame
        Commodities (index ``bea_code``) x industries and final-demand columns
        (``GSLGO``, ``F10S00``, ...), as published, including total rows
        (``T005`` ...). Use :func:`cohort_helpers.downscale` for profiles.

    Examples
    --------
    >>> use = read_use_table()  # doctest: +SKIP
    >>> use.loc["324110", "GSLGO"] > 0  # doctest: +SKIP
    True
    """
    file = Path(file) if file else fetch_file("bea_use_table")
    use = _read_rda(file)
    if "GSLGO" not in use.columns:
        raise DataFormatError(f"{file}: no 'GSLGO' column; not the BEA detail Use table.")
    use.index = use.index.astype(str)
    use.index.name = "bea_code"
    use.columns = [str(c) for c in use.columns]
    return use.astype(float)


def read_commodity_names(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """BEA 2017 detail commodity codes and names: ``bea_code``, ``bea_name``.

    Examples
    --------
    >>> read_commodity_names().iloc[0].tolist()  # doctest: +SKIP
    ['1111A0', 'Oilseed farming']
    """
    file = Path(file) if file else fetch_file("bea_commodity_names")
    df = _read_rda(file)
    need = ["BEA_2017_Detail_Commodity_Code", "BEA_2017_Detail_Commodity_Name"]
    if list(df.columns[:2]) != need:
        raise DataFormatError(f"{file}: expected columns {need}, got {list(df.columns)}")
    out = df[need].copy()
    out.columns = ["bea_code", "bea_name"]
    out["bea_code"] = out["bea_code"].astype(str)
    return out.reset_index(drop=True)


DQ_COLUMNS = {
    "SectorCode": "bea_code",
    "Flowable": "flowable",
    "ReliabilityScore": "reliability",
    "TemporalCorrelation": "temporal",
    "GeographicalCorrelation": "geographical",
    "TechnologicalCorrelation": "technological",
    "DataCollection": "data_collection",
}


def read_dq_scores(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """Data-quality (pedigree) scores, 1 best .. 5 worst, per sector and gas.

    Returns
    -------
    DataFrame
        ``bea_code``, ``flowable`` and the five scores ``reliability``,
        ``temporal``, ``geographical``, ``technological``,
        ``data_collection`` (int).

    Examples
    --------
    >>> read_dq_scores().columns[:2].tolist()  # doctest: +SKIP
    ['bea_code', 'flowable']
    """
    import pandas as pd

    file = Path(file) if file else fetch_file("dq_scores")
    raw = pd.read_csv(file, dtype={"SectorCode": str})
    missing = [c for c in DQ_COLUMNS if c not in raw.columns]
    if missing:
        raise DataFormatError(f"{file}: missing data-quality column(s) {missing}")
    out = raw[list(DQ_COLUMNS)].rename(columns=DQ_COLUMNS)
    for c in list(DQ_COLUMNS.values())[2:]:
        out[c] = pd.to_numeric(out[c], errors="raise").astype(int)
    return out


def _ceda_from_grid(rows: list[list[str]], file: Path) -> pd.DataFrame:
    """Parse Open CEDA's main-sheet grid (cover lines, names row, codes row)."""
    import pandas as pd

    meta: dict[str, str] = {}
    codes_at = None
    for i, row in enumerate(rows):
        cells = [str(c).strip() if c is not None else "" for c in row]
        nonempty = [c for c in cells if c]
        if len(nonempty) >= 2 and len(nonempty) <= 3 and i < 60:
            key = nonempty[0].rstrip(":").lower()
            if key in {
                "release date",
                "ceda version",
                "license",
                "base year",
                "price type",
                "currency",
            }:
                meta[key.replace(" ", "_")] = nonempty[-1]
        if "Country Code" in cells:
            codes_at = i
            break
    if codes_at is None or codes_at == 0:
        raise DataFormatError(
            f"{file}: no header row with 'Country Code' found; not the Open CEDA main sheet layout."
        )
    codes_row = [str(c).strip() if c is not None else "" for c in rows[codes_at]]
    names_row = [str(c).strip() if c is not None else "" for c in rows[codes_at - 1]]
    c0 = codes_row.index("Country Code")
    first_sector = c0 + 3  # Country Code; Country; unit; sectors...
    sector_cols = [j for j in range(first_sector, len(codes_row)) if codes_row[j]]
    records = []
    for k, row in enumerate(rows[codes_at + 1 :], start=codes_at + 2):
        cells = list(row) + [None] * (len(codes_row) - len(row))
        iso = str(cells[c0] or "").strip()
        if not iso:
            continue
        country = str(cells[c0 + 1] or "").strip()
        unit = str(cells[c0 + 2] or "").strip()
        for j in sector_cols:
            v = cells[j]
            if v is None or str(v).strip() == "":
                val = float("nan")
            elif isinstance(v, (int, float)):
                val = float(v)
            else:
                try:
                    val = float(str(v).strip().replace(" ", "").replace(",", "."))
                except ValueError:
                    raise DataFormatError(
                        f"{file}, line {k}, column {codes_row[j]}: {v!r} is not a number"
                    ) from None
            records.append(
                (iso, country, codes_row[j], names_row[j] if j < len(names_row) else "", unit, val)
            )
    out = pd.DataFrame(
        records,
        columns=["country_code", "country", "bea_code", "sector_name", "unit", "kg_co2e_per_usd"],
    )
    if out.empty:
        raise DataFormatError(f"{file}: the Open CEDA table has no country rows.")
    out.attrs.update(
        price_type=meta.get("price_type", "Producer price"),
        base_year=int(meta.get("base_year", 2022)),
        currency=meta.get("currency", "US Dollar"),
        version=meta.get("ceda_version", "CEDA 2024"),
        licence=meta.get("license", "CC BY-SA 4.0"),
        attribution=OPEN_CEDA_ATTRIBUTION,
        source=str(file),
    )
    return out


def read_open_ceda(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """Open CEDA 2024 country factors (producer price), tidy long form.

    Reads the semicolon CSV export (cover lines, decimal commas) or the
    workbook (``.xlsx``, first sheet with the same layout).

    Returns
    -------
    DataFrame
        ``country_code`` (ISO3, e.g. ``NOR``), ``country``, ``bea_code``,
        ``sector_name``, ``unit``, ``kg_co2e_per_usd``. ``attrs`` holds
        ``price_type`` ("Producer price"), ``base_year``, ``currency``,
        ``version``, ``licence`` and the required ``attribution``.

    Examples
    --------
    >>> ceda = read_open_ceda()  # doctest: +SKIP
    >>> ceda.attrs["attribution"]  # doctest: +SKIP
    'CEDA by Watershed (Open CEDA 2024, CC BY-SA 4.0)'
    """
    import csv
    import io

    file = Path(file) if file else fetch_file("open_ceda")
    if file.suffix.lower() in {".xlsx", ".xlsm"}:
        import openpyxl

        wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return _ceda_from_grid(rows, file)


def _check_sef(file: Path, by_gas: bool) -> pd.DataFrame:
    df = read_sef(file, by_gas=by_gas)
    n = df["naics6"].nunique()
    if n != SEF_NAICS_ROWS:
        raise DataFormatError(f"{file}: {n} NAICS codes, expected {SEF_NAICS_ROWS}.")
    if not df["unit"].astype(str).str.contains("USD").all():
        raise DataFormatError(f"{file}: unit column does not name USD.")
    return df


_READERS: dict[str, Callable[[Path], object]] = {
    "sef_co2e": lambda f: _check_sef(f, by_gas=False),
    "sef_bygas": lambda f: _check_sef(f, by_gas=True),
    "bea_price_index": read_price_index,
    "bea_use_table": read_use_table,
    "bea_commodity_names": read_commodity_names,
    "dq_scores": read_dq_scores,
    "open_ceda": read_open_ceda,
}

_OPENERS: dict[str, Callable[..., pd.DataFrame]] = {
    "sef_co2e": lambda f: read_sef(f, by_gas=False),
    "sef_bygas": lambda f: read_sef(f, by_gas=True),
    "bea_price_index": read_price_index,
    "bea_use_table": read_use_table,
    "bea_commodity_names": read_commodity_names,
    "dq_scores": read_dq_scores,
    "open_ceda": read_open_ceda,
}


def open_dataset(name: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Open a registered reference file as a tidy DataFrame (like xarray.tutorial).

    Parameters
    ----------
    name : str
        One of :data:`REGISTRY`'s keys.
    path : path-like, optional
        A file or data folder to use first.

    Examples
    --------
    >>> open_dataset("bea_commodity_names").shape  # doctest: +SKIP
    (402, 2)
    """
    _get(name)
    return _OPENERS[name](fetch_file(name, path))


# --------------------------------------------------------------------------
# Command-line helpers (stdlib only): used by the Makefile before set-up
# --------------------------------------------------------------------------


def preflight(required: tuple[str, ...] | None = None) -> int:
    """Fail fast (exit 1) when required reference data can't be had.

    Checks every downloadable file: present, or its publisher reachable.
    Prints an actionable message naming the file, its URL and
    ``COHORT_DATA_DIR``. Returns a process exit code.
    """
    names = required or tuple(n for n, r in REGISTRY.items() if r.url)
    problems = []
    checked_hosts: dict[str, str | None] = {}
    for name in names:
        ref = REGISTRY[name]
        if locate(name) is not None:
            continue
        host = urlparse(ref.url).hostname if ref.url else None
        if host not in checked_hosts:
            checked_hosts[host] = _host_reachable(ref.url, timeout=10) if ref.url else "no URL"
        why = checked_hosts[host]
        if why:
            problems.append(_missing_message(ref, None, why))
    if problems:
        print("Reference data is missing and cannot be downloaded:\n", file=sys.stderr)
        print("\n\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["preflight"]:
        raise SystemExit(preflight())
    print("usage: python -m cohort_helpers.data preflight", file=sys.stderr)
    raise SystemExit(2)
