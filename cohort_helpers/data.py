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
    "DataNotVerifiedError",
    "SentinelError",
    "UnverifiedDataWarning",
    "ALLOW_ENV",
    "Sentinel",
    "SENTINELS",
    "add_sentinels",
    "allow_unverified",
    "check_file",
    "provenance",
    "verification_summary",
    "verification_warning",
    "cache_dir",
    "locate",
    "fetch_file",
    "fetch_all",
    "verify",
    "status",
    "open_dataset",
    "shared_dataset",
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


class DataNotVerifiedError(RuntimeError):
    """A reference file is not the file as published and was not accepted.

    Deliberately not a :class:`DataFormatError`: code that falls back when a
    table is *missing or unreadable* must not fall back silently when a table
    is *different*; the run stops.
    """


class SentinelError(DataNotVerifiedError):
    """A known value of a reference file (a sentinel) differs: the run stops."""


class UnverifiedDataWarning(UserWarning):
    """A reference file differs from the published one and was accepted on request."""


#: Environment variable that accepts reference files whose SHA-256 differs
#: (``cohort --allow-unverified`` sets it, so notebook kernels inherit it).
ALLOW_ENV = "COHORT_ALLOW_UNVERIFIED"


@dataclass(frozen=True)
class RefFile:
    """One registered reference file.

    Attributes
    ----------
    optional : bool
        A file only some runs need (a newer factor set): missing is not an error
        for ``cohort data list``; a run that asks for it says where to get it.
    get_from : str
        Where to get a file that has no direct download URL (a record page, a form).
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
    optional: bool = False
    get_from: str = ""

    @property
    def filename(self) -> str:
        """The file's name (the last part of ``relpath``).

        Returns
        -------
        str

        Examples
        --------
        >>> REGISTRY["sef_co2e"].filename
        'SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv'
        """
        return self.relpath.rsplit("/", 1)[-1]

    @property
    def where_to_get(self) -> str:
        """Where to get the file: its download URL, else the page named in ``get_from``.

        Returns
        -------
        str

        Examples
        --------
        >>> REGISTRY["sef_co2e"].where_to_get.startswith("https://")
        True
        """
        return (
            self.url
            or self.get_from
            or (
                "the publisher's download form (Watershed: Open CEDA); save it as "
                f"{self.relpath} in your data folder"
            )
        )


_EPA = "https://pasteur.epa.gov/uploads/10.23719/1531143/"
#: The Zenodo record of SEF v1.4.0 (Cornerstone, 14 Oct 2025).
SEF_V14_RECORD = "https://zenodo.org/records/17202747"
_USEEIO_CS = "https://raw.githubusercontent.com/cornerstone-data/useeior/90f4d7a022a3ecb2043535c30b473cd1068078a8/data/"
_USEEIO = (
    "https://raw.githubusercontent.com/USEPA/useeior/1565a70b7da2e50ff7ab5fc344fc0ba95f307a8a/data/"
)
_SCF = "https://raw.githubusercontent.com/USEPA/supply-chain-factors/ac7920126ee6b909065de9e35c4a82461f02b384/Data%20Quality/"
_CENSUS = "https://www.census.gov/naics/2017NAICS/"

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
    RefFile(
        "naics_index",
        "census_naics2017/2017_NAICS_Index_File.xlsx",
        _CENSUS + "2017_NAICS_Index_File.xlsx",
        "fb3b428300f698aa3d623e1a0edc50aaa3b729e930b7cdc22851825f487fb1ac",
        "NAICS 2017 index: about 20,000 plain-word items with their 6-digit code",
        "US Census Bureau",
        "public domain (US Government work)",
    ),
    RefFile(
        "naics_codes",
        "census_naics2017/2-6 digit_2017_Codes.xlsx",
        _CENSUS + "2-6%20digit_2017_Codes.xlsx",
        "043e5720a4123359d54c57218ba8cb5edafae012adab995419916ac1bd968c14",
        "NAICS 2017 codes and titles, 2 to 6 digits",
        "US Census Bureau",
        "public domain (US Government work)",
    ),
    RefFile(
        "naics_descriptions",
        "census_naics2017/2017_NAICS_Descriptions.xlsx",
        _CENSUS + "2017_NAICS_Descriptions.xlsx",
        "dbf320991b1ab31e3f8475faa075bd4426dfcdcb0055c2e7c7d45ebe9a6bbb7d",
        "NAICS 2017 titles and descriptions, 2 to 6 digits",
        "US Census Bureau",
        "public domain (US Government work)",
    ),
    RefFile(
        "mcc_codes",
        "mcc/mcc_codes.csv",
        "https://raw.githubusercontent.com/greggles/mcc-codes/"
        "16e8ab17db2111272f959482d39c0bb8b48b4a19/mcc_codes.csv",
        "1870af6f01a7b5fa4f89d597f70b3f2481e063e9470549e3a16405f748cb1f9d",
        "Merchant category codes (MCC) with USDA and IRS descriptions",
        "greggles/mcc-codes (texts from USDA and IRS lists)",
        "Unlicense (public domain)",
    ),
    RefFile(
        "sef_v14",
        "sef_v1.4/SupplyChainGHGEmissionFactors_v1.4.0_NAICS.xlsx",
        None,
        "",
        "Supply Chain GHG Emission Factors v1.4.0 (Cornerstone: Stanford and ERG), NAICS-6, "
        "kg CO2e per 2024 USD, purchaser price, AR6 GWP-100",
        "Cornerstone (Stanford University and ERG), Zenodo record 17202747",
        "as stated on the Zenodo record",
        alternatives=(
            "SupplyChainGHGEmissionFactors_v1.4.0_NAICS_CO2e_USD2024.csv",
            "SupplyChainGHGEmissionFactors_v1.4.0_NAICS.csv",
        ),
        optional=True,
        get_from=f"{SEF_V14_RECORD} (Zenodo record 17202747): download the SEF v1.4.0 workbook "
        "and save it as sef_v1.4/SupplyChainGHGEmissionFactors_v1.4.0_NAICS.xlsx (or its CO2e "
        "sheet as sef_v1.4/SupplyChainGHGEmissionFactors_v1.4.0_NAICS_CO2e_USD2024.csv) in the "
        f"folder named by {DATA_ENV}; its SHA-256 is not registered here, so it is checked by "
        "structure",
    ),
    RefFile(
        "open_ceda_2025",
        "open_ceda_2025/open_ceda_2025.csv",
        None,
        "",
        "Open CEDA 2025: kg CO2e per USD, producer price, country rows",
        "Watershed",
        "CC BY-SA 4.0; attribution 'CEDA by Watershed' required",
        alternatives=("open_ceda_2025.xlsx",),
        optional=True,
        get_from="the publisher's download form (Watershed: Open CEDA 2025); save the workbook or "
        f"its main sheet as CSV as open_ceda_2025/open_ceda_2025.csv in the folder named by "
        f"{DATA_ENV}",
    ),
]

#: Every registered reference file, by short name.
REGISTRY: dict[str, RefFile] = {f.name: f for f in _FILES}


# --------------------------------------------------------------------------
# Sentinels: known values per registered file
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentinel:
    """A known value of a reference file, checked whenever its bytes are not as published.

    Attributes
    ----------
    what : str
        Plain description, e.g. ``"cement 327310, with margins"``.
    expected : number or str
        The published value.
    get : callable
        Takes the file's tidy table (what :func:`open_dataset` returns) and
        returns the value.
    tol : float
        Absolute tolerance for numbers (0: exact).

    Examples
    --------
    >>> import pandas as pd
    >>> Sentinel("rows", 2, len).check(pd.DataFrame({"a": [1, 2, 3]}))
    'rows: 3, expected 2'
    """

    what: str
    expected: object
    get: Callable[[pd.DataFrame], object]
    tol: float = 0.0

    def check(self, frame: pd.DataFrame) -> str | None:
        """None when the value is as expected, else what differs (one line).

        Parameters
        ----------
        frame : DataFrame
            The file as its reader returns it.

        Returns
        -------
        str or None

        Examples
        --------
        >>> import pandas as pd
        >>> Sentinel("rows", 1576, len).check(pd.DataFrame({"a": range(3)}))
        'rows: 3, expected 1576'
        """
        try:
            got = self.get(frame)
        except Exception as exc:  # a missing row or column is a difference too
            return f"{self.what}: not found ({exc.__class__.__name__}: {exc})"
        if isinstance(self.expected, int | float) and not isinstance(self.expected, bool):
            try:
                ok = abs(float(got) - float(self.expected)) <= self.tol
            except (TypeError, ValueError):
                ok = False
        else:
            ok = got == self.expected
        return None if ok else f"{self.what}: {got!r}, expected {self.expected!r}"


def _at(key_col: str, key: str, col: str, **where: object) -> Callable[[pd.DataFrame], object]:
    def get(df: pd.DataFrame) -> object:
        m = df[key_col].astype(str) == key
        for c, v in where.items():
            m &= df[c] == v
        return df.loc[m, col].item()

    return get


def _total(col: str) -> Callable[[pd.DataFrame], float]:
    return lambda df: float(df[col].astype(float).sum())


def _nunique(col: str) -> Callable[[pd.DataFrame], int]:
    return lambda df: int(df[col].nunique())


#: Known values per registered file (by registry name). Files added to the
#: registry add theirs with :func:`add_sentinels`; a file without sentinels is
#: checked for structure only.
SENTINELS: dict[str, tuple[Sentinel, ...]] = {
    "sef_co2e": (
        Sentinel("NAICS codes", 1016, _nunique("naics6")),
        Sentinel("rows", 1016, len),
        Sentinel(
            "cement 327310, with margins", 3.924, _at("naics6", "327310", "sef_with_margins"), 1e-9
        ),
        Sentinel(
            "median factor with margins",
            0.173,
            lambda d: float(d["sef_with_margins"].median()),
            1e-9,
        ),
        Sentinel("sum of factors with margins", 286.408, _total("sef_with_margins"), 1e-6),
        Sentinel("sum of factors without margins", 269.234, _total("sef_without_margins"), 1e-6),
        Sentinel("sum of margins", 17.216, _total("sef_margins"), 1e-6),
        Sentinel("unit", "kg CO2e/2022 USD, purchaser price", lambda d: str(d.attrs.get("unit"))),
    ),
    "sef_bygas": (
        Sentinel("rows", 18288, len),
        Sentinel("NAICS codes", 1016, _nunique("naics6")),
        Sentinel(
            "sum of all gases, with margins", 201.9094947108571, _total("sef_with_margins"), 1e-6
        ),
        Sentinel(
            "sum of carbon dioxide, with margins",
            198.0446,
            lambda d: float(d.loc[d["ghg"] == "Carbon dioxide", "sef_with_margins"].sum()),
            1e-6,
        ),
    ),
    "bea_price_index": (
        Sentinel("rows", 11256, len),
        Sentinel("BEA sectors", 402, _nunique("bea_code")),
        Sentinel(
            "first and last year", (1997, 2024), lambda d: (int(d.year.min()), int(d.year.max()))
        ),
        Sentinel(
            "largest distance from 100 in 2017 (2017 = 100)",
            0.0,
            lambda d: float((d.loc[d["year"] == 2017, "price_index"] - 100).abs().max()),
            1e-9,
        ),
        Sentinel(
            "cement 327310 in 2022",
            121.061,
            _at("bea_code", "327310", "price_index", year=2022),
            1e-6,
        ),
        Sentinel("sum of all index values", 1069125.317902648, _total("price_index"), 1e-4),
    ),
    "bea_use_table": (
        Sentinel("shape", (400, 425), lambda d: d.shape),
        Sentinel("GSLGO column total", 2807909.0, lambda d: float(d["GSLGO"].sum()), 1e-3),
        Sentinel(
            "GSLGO total intermediate inputs (T005)",
            356474.0,
            lambda d: float(d.at["T005", "GSLGO"]),
            1e-3,
        ),
        Sentinel("GSLGO petroleum 324110", 37661.0, lambda d: float(d.at["324110", "GSLGO"]), 1e-3),
        Sentinel("sum of the whole table", 265644678.0, lambda d: float(d.to_numpy().sum()), 1e-1),
    ),
    "bea_commodity_names": (
        Sentinel("rows", 402, len),
        Sentinel("name of 327310", "Cement manufacturing", _at("bea_code", "327310", "bea_name")),
    ),
    "dq_scores": (
        Sentinel("rows", 1576, len),
        Sentinel("sum of reliability scores", 5284, _total("reliability")),
        Sentinel("sum of temporal scores", 3152, _total("temporal")),
        Sentinel("sum of technological scores", 4209, _total("technological")),
    ),
    "open_ceda": (
        Sentinel("country rows (148 countries and Rest of World)", 149, _nunique("country_code")),
        Sentinel("values", 59600, len),
        Sentinel(
            "Norway, oilseed farming 1111A0",
            0.404,
            _at("bea_code", "1111A0", "kg_co2e_per_usd", country_code="NOR"),
            1e-9,
        ),
        Sentinel("sum of all factors", 38046.604, _total("kg_co2e_per_usd"), 1e-4),
    ),
    "naics_index": (
        Sentinel("index items (cross-references dropped)", 20057, len),
        Sentinel("6-digit codes", 1055, _nunique("naics6")),
        Sentinel(
            "code of 'Ambulance services, air or ground'",
            "621910",
            _at("index_item", "Ambulance services, air or ground", "naics6"),
        ),
    ),
    "naics_codes": (
        Sentinel("codes, 2 to 6 digits", 2196, _nunique("naics")),
        Sentinel(
            "title of 237", "Heavy and Civil Engineering Construction", _at("naics", "237", "title")
        ),
    ),
    "naics_descriptions": (
        Sentinel("codes", 2196, _nunique("naics")),
        Sentinel(
            "title of 111 (superscript T stripped)", "Crop Production", _at("naics", "111", "title")
        ),
    ),
    "mcc_codes": (
        Sentinel("merchant category codes", 981, _nunique("mcc")),
        Sentinel("description of 0742", "Veterinary Services", _at("mcc", "0742", "description")),
    ),
}


def add_sentinels(name: str, *sentinels: Sentinel) -> None:
    """Register known values for a registered file (checked when its bytes are not as published).

    Parameters
    ----------
    name : str
        Registry key.
    *sentinels : Sentinel
        The known values.

    Returns
    -------
    None

    Examples
    --------
    >>> add_sentinels("dq_scores", Sentinel("rows", 1576, len))  # doctest: +SKIP
    """
    _get(name)
    SENTINELS[name] = (*SENTINELS.get(name, ()), *sentinels)


def allow_unverified() -> bool:
    """True when ``COHORT_ALLOW_UNVERIFIED`` is set to 1/true/yes (``--allow-unverified``).

    Returns
    -------
    bool

    Examples
    --------
    >>> import os
    >>> allow_unverified() == (os.environ.get(ALLOW_ENV, "").lower() in ("1", "true", "yes"))
    True
    """
    return os.environ.get(ALLOW_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------
# Where files are
# --------------------------------------------------------------------------


def cache_dir() -> Path:
    """Folder where downloaded reference files are kept.

    ``COHORT_CACHE_DIR`` wins; otherwise the platform's user cache.

    Returns
    -------
    Path

    Examples
    --------
    >>> isinstance(cache_dir(), Path)
    True
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
    >>> found, where = locate("sef_co2e")
    >>> found.name, where
    ('SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv', 'COHORT_DATA_DIR')
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


def _refetch_hint(ref: RefFile, file: Path) -> str:
    if ref.url:
        return (
            f"Re-fetch it: delete {file} and run `cohort data fetch` (downloads {ref.url} "
            f"into the user cache), or put the file as published at {ref.relpath} in the folder "
            f"named by {DATA_ENV}."
        )
    return f"Get it again from {ref.where_to_get}."


def _read_structure(name: str, file: Path) -> pd.DataFrame:
    """The file's tidy table, checked for layout; DataFormatError naming file, URL, fix."""
    ref = _get(name)
    try:
        return _READERS[name](file)
    except DataFormatError as exc:
        raise DataFormatError(f"{exc}\n{_refetch_hint(ref, file)}") from exc
    except ImportError:
        raise
    except Exception as exc:  # truncated .rda, damaged zip ...: the reader failed its own way
        raise DataFormatError(
            f"Reference file {file} ({ref.title}) cannot be read "
            f"({exc.__class__.__name__}: {exc}). It is probably truncated or damaged "
            f"(an interrupted download or copy).\n{_refetch_hint(ref, file)}"
        ) from exc


def _sentinel_failures(name: str, frame: pd.DataFrame) -> list[str]:
    return [m for m in (s.check(frame) for s in SENTINELS.get(name, ())) if m]


def _hash_known(ref: RefFile, file: Path) -> bool:
    """True when the registry has a published SHA-256 for this very file name."""
    return bool(ref.sha256) and file.name == ref.filename


def verify(name: str, file: str | os.PathLike) -> str:
    """Check a file against the registry: its SHA-256, else its layout and known values.

    Returns ``"sha256 ok"`` when the bytes are as published. Otherwise the
    file is read, its layout checked and every :data:`SENTINELS` value of it
    compared; then ``"structure ok (sha256 differs)"`` (or ``"structure ok
    (no published sha256)"`` for a file the registry has no hash for). A file
    whose SHA-256 differs is **not verified** even then: see
    :func:`check_file` for what a run accepts.

    Parameters
    ----------
    name : str
        Registry key.
    file : path-like
        The file to check.

    Returns
    -------
    str
        What was checked.

    Raises
    ------
    DataFormatError
        Not readable or not in the expected layout (the message names the
        file, where it comes from and how to re-fetch it).
    SentinelError
        A known value differs (e.g. a changed factor).

    Examples
    --------
    >>> verify("dq_scores", locate("dq_scores")[0])
    'sha256 ok'
    """
    ref = _get(name)
    file = Path(file)
    if _hash_known(ref, file) and _sha256(file) == ref.sha256:
        return "sha256 ok"
    frame = _read_structure(name, file)
    bad = _sentinel_failures(name, frame)
    if bad:
        raise SentinelError(
            f"Reference file {file} ({ref.title}) is not the file as published: "
            + "; ".join(bad)
            + f".\n{_refetch_hint(ref, file)}"
        )
    return "structure ok (sha256 differs)" if ref.sha256 else "structure ok (no published sha256)"


#: Verification of each file used in this process (memo: a file is hashed once
#: per size and modification time); :func:`provenance` reports it.
_CHECKED: dict[tuple[str, str, int, int], dict] = {}


def check_file(name: str, file: str | os.PathLike, *, allow: bool | None = None) -> dict:
    """Verify a reference file before a run uses it; stop the run when it is not acceptable.

    - SHA-256 as published: ``state = "verified"``.
    - A file the registry has no hash for (a user-supplied form such as the
      Open CEDA workbook, or a factor set registered with a structure check
      only): layout and known values are checked, ``state = "structure
      checked"``.
    - SHA-256 differs: ``state = "NOT VERIFIED"``. Refused
      (:class:`DataNotVerifiedError`) unless ``allow`` (default:
      ``COHORT_ALLOW_UNVERIFIED``, set by ``cohort --allow-unverified``);
      when allowed, every known value (:data:`SENTINELS`) is checked and any
      difference stops the run (:class:`SentinelError`); an
      :class:`UnverifiedDataWarning` is issued and every output of the run
      says NOT VERIFIED (:func:`provenance`).

    Parameters
    ----------
    name : str
        Registry key.
    file : path-like
        The file to check.
    allow : bool, optional
        Accept a file that is not as published (default: ``COHORT_ALLOW_UNVERIFIED``).

    Returns
    -------
    dict
        ``name``, ``file``, ``sha256``, ``published_sha256``, ``state``,
        ``sentinels`` (known values checked), ``title``, ``url``.

    Raises
    ------
    DataNotVerifiedError
        Not the published file and not accepted, or unreadable (the message
        names the file, its source URL and how to re-fetch it).
    SentinelError
        Accepted on request but a known value differs.

    Examples
    --------
    >>> check_file("dq_scores", locate("dq_scores")[0])["state"]
    'verified'
    """
    ref = _get(name)
    file = Path(file)
    st = file.stat()
    key = (name, os.path.abspath(file), st.st_size, st.st_mtime_ns)
    allow = allow_unverified() if allow is None else allow
    rec = _CHECKED.get(key)
    if rec is None:
        digest = _sha256(file)
        rec = dict(
            name=name,
            file=str(file),
            sha256=digest,
            published_sha256=ref.sha256 or "",
            state="verified",
            sentinels=0,
            title=ref.title,
            url=ref.url or "",
        )
        if not (_hash_known(ref, file) and digest == ref.sha256):
            try:
                frame = _read_structure(name, file)
            except DataFormatError as exc:
                raise DataNotVerifiedError(str(exc)) from exc
            bad = _sentinel_failures(name, frame)
            rec["sentinels"] = len(SENTINELS.get(name, ()))
            rec["state"] = "NOT VERIFIED" if _hash_known(ref, file) else "structure checked"
            if bad:
                raise SentinelError(
                    f"Reference file {file} ({ref.title}) is NOT the file as published "
                    f"(SHA-256 {digest[:12]}..., published {ref.sha256[:12] or 'unknown'}...), "
                    "and known values differ: "
                    + "; ".join(bad)
                    + f".\nThe run stops: results would be wrong. {_refetch_hint(ref, file)}"
                )
        _CHECKED[key] = rec
        if rec["state"] == "NOT VERIFIED" and allow:
            warnings.warn(
                f"Reference data NOT VERIFIED: {file} differs from the published file "
                f"(SHA-256 {digest[:12]}..., published {ref.sha256[:12]}...); accepted because "
                f"--allow-unverified / {ALLOW_ENV}=1 is set; its {rec['sentinels']} known values "
                "are as published. Every output of this run says NOT VERIFIED.",
                UnverifiedDataWarning,
                stacklevel=3,
            )
    if rec["state"] == "NOT VERIFIED" and not allow:
        raise DataNotVerifiedError(
            f"Reference file {file} ({ref.title}) is NOT VERIFIED: its SHA-256 "
            f"{rec['sha256']} differs from the published {ref.sha256}. "
            f"{_refetch_hint(ref, file)}\n"
            f"To use it anyway (e.g. a re-encoded copy), run with --allow-unverified or set "
            f"{ALLOW_ENV}=1: its known values are then checked and every output is marked "
            "NOT VERIFIED."
        )
    return dict(rec)


def provenance() -> list[dict]:
    """The reference files used in this process, with SHA-256 and verification state.

    One record per file (see :func:`check_file`), in the order first used;
    :meth:`cohort_helpers.inventory.Inventory.readme` puts them in every output.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> _ = check_file("dq_scores", locate("dq_scores")[0])
    >>> "dq_scores" in [r["name"] for r in provenance()]
    True
    """
    by_name: dict[str, list[dict]] = {}
    for rec in _CHECKED.values():
        by_name.setdefault(rec["name"], []).append(rec)
    out = []
    for name, recs in by_name.items():
        if name not in REGISTRY:  # an entry removed again (tests, a plugin unloaded)
            continue
        # the file a run would use now (the data folder may have changed in this process)
        found = locate(name)
        now = [r for r in recs if found and Path(r["file"]) == found[0]]
        if not now:
            continue  # only copies elsewhere, or no longer found (an earlier data folder)
        out.append(dict(now[-1]))
    return out


def verification_summary(records: list[dict]) -> str:
    """One line for an output's metadata: verified, or which files are NOT VERIFIED.

    Parameters
    ----------
    records : list of dict
        :func:`provenance` records.

    Returns
    -------
    str

    Examples
    --------
    >>> verification_summary([{"name": "sef_co2e", "state": "verified"}])
    'all 1 reference file(s) verified (SHA-256 as published)'
    """
    if not records:
        return "no registered reference file was read in this run"
    bad = [r for r in records if r["state"] == "NOT VERIFIED"]
    if bad:
        return (
            "NOT VERIFIED: "
            + ", ".join(r["name"] for r in bad)
            + " differ(s) from the published file (SHA-256), accepted with --allow-unverified; "
            "known values were checked and equal, but the results are not reproducible from "
            "the published data"
        )
    other = [r for r in records if r["state"] != "verified"]
    if other:
        return (
            f"{len(records) - len(other)} verified (SHA-256 as published); "
            + ", ".join(r["name"] for r in other)
            + " checked by structure and known values (no published SHA-256)"
        )
    return f"all {len(records)} reference file(s) verified (SHA-256 as published)"


def verification_warning(records: list[dict] | None = None) -> str:
    """A banner for the top and bottom of a run when some file is NOT VERIFIED, else ``""``.

    Parameters
    ----------
    records : list of dict, optional
        :func:`provenance` records (default: this process's).

    Returns
    -------
    str

    Examples
    --------
    >>> verification_warning([{"name": "sef_co2e", "state": "verified"}])
    ''
    """
    records = provenance() if records is None else records
    bad = [r for r in records if r["state"] == "NOT VERIFIED"]
    if not bad:
        return ""
    files = "; ".join(f"{r['file']} (sha256 {r['sha256'][:12]}...)" for r in bad)
    return (
        f"WARNING: reference data NOT VERIFIED: {files}. These files differ from the "
        "published ones; the results are marked NOT VERIFIED."
    )


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
        + (
            f"Then either set {DATA_ENV} to the folder that holds "
            f"'{ref.relpath.split('/')[0]}/' or run `cohort data fetch` on a machine "
            "with internet access."
            if ref.url
            else f"Then set {DATA_ENV} to the folder that holds '{ref.relpath.split('/')[0]}/' "
            "(this file cannot be downloaded automatically)."
        )
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
    verify_file: bool = True,
) -> Path:
    """Return the local path of a registered file (verified), downloading it if needed.

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
    verify_file : bool
        Check the file with :func:`check_file` (SHA-256, else layout and
        known values; refused when not as published unless
        ``--allow-unverified``). Every reader of the registry goes through here.

    Returns
    -------
    Path

    Raises
    ------
    DataNotVerifiedError
        The file is not the published one and was not accepted.
    DataNotFoundError
        Not found and not downloadable; the message names the file, its URL
        and ``COHORT_DATA_DIR``. Fails within about ``DOWNLOAD_TIMEOUT``
        seconds when the network is down.

    Examples
    --------
    >>> fetch_file("bea_price_index", download=False).name
    'Detail_CPI_IO_17sch.rda'
    """
    ref = _get(name)
    found = locate(name, path)
    if found is not None:
        if verify_file:
            check_file(name, found[0])
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
            if verify_file and result != "sha256 ok":
                check_file(name, got)  # NOT VERIFIED: refused unless --allow-unverified
            return got
    raise DataNotFoundError(_missing_message(ref, path, why))


def fetch_all(progressbar: bool = True) -> dict[str, Path | Exception]:
    """Fetch every downloadable registered file; return path or error per name.

    Parameters
    ----------
    progressbar : bool
        Show download progress.

    Returns
    -------
    dict
        Name -> path, or the error that stopped it.

    Examples
    --------
    >>> results = fetch_all()  # doctest: +SKIP
    """
    out: dict[str, Path | Exception] = {}
    for name, ref in REGISTRY.items():
        if ref.optional and ref.url is None and locate(name) is None:
            continue  # a user-supplied optional file: nothing to fetch
        try:
            out[name] = fetch_file(name, progressbar=progressbar)
        except (DataNotFoundError, DataFormatError, DataNotVerifiedError) as exc:
            out[name] = exc
    return out


def status(path: str | os.PathLike | None = None, check: bool = True) -> list[dict]:
    """One record per registered file: where found and whether it verifies.

    Parameters
    ----------
    path : path-like, optional
        A data folder searched first.
    check : bool
        Verify each file found (slower).

    Returns
    -------
    list of dict
        Keys ``name``, ``file``, ``found_in``, ``location``, ``check``
        (stdlib only, so it works before set-up).

    Examples
    --------
    >>> list(status(check=False)[0])
    ['name', 'file', 'found_in', 'location', 'check']
    """
    rows = []
    for name, ref in REGISTRY.items():
        found = locate(name, path)
        if found is None:
            rows.append(
                dict(
                    name=name,
                    file=ref.relpath,
                    found_in="missing",
                    location="",
                    check="optional, not present (only runs that ask for it need it)"
                    if ref.optional
                    else "missing",
                )
            )
            continue
        file, label = found
        if check:
            try:
                result = verify(name, file)
            except SentinelError as exc:
                result = f"NOT VERIFIED: sha256 differs and known values differ: {exc}"
            except (DataFormatError, ImportError) as exc:
                result = f"FAILED: {exc}"
            else:
                n = len(SENTINELS.get(name, ()))
                if result == "structure ok (sha256 differs)" and file.name == ref.filename:
                    result = (
                        f"NOT VERIFIED: sha256 differs from the published file; structure and "
                        f"{n} known values ok (used only with --allow-unverified)"
                    )
                elif result.startswith("structure ok"):
                    result = f"{result}; {n} known values ok"
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

    try:
        result = pyreadr.read_r(str(file))
    except Exception as exc:  # pyreadr.LibrdataError and friends: truncated or not R data
        ref = next((r for r in REGISTRY.values() if r.filename == Path(file).name), None)
        hint = f"\n{_refetch_hint(ref, Path(file))}" if ref else ""
        raise DataFormatError(
            f"{file}: cannot be read as R data ({exc.__class__.__name__}: {exc}); "
            f"the file is probably truncated or damaged.{hint}"
        ) from exc
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
    >>> sef = read_sef()
    >>> len(sef), float(sef.set_index("naics6").at["327310", "sef_with_margins"])
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

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        Long form with columns ``bea_code`` (str), ``year`` (int) and
        ``price_index`` (float, 2017 = 100). 402 sectors x 1997..2024.

    Examples
    --------
    >>> pi = read_price_index()
    >>> bool(pi.query("year == 2017").price_index.eq(100).all())
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

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        Commodities (index ``bea_code``) x industries and final-demand columns
        (``GSLGO``, ``F10S00``, ...), as published, including total rows
        (``T005`` ...). Use :func:`cohort_helpers.downscale` for profiles.

    Examples
    --------
    >>> use = read_use_table()
    >>> bool(use.loc["324110", "GSLGO"] > 0)
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

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        ``bea_code``, ``bea_name``

    Examples
    --------
    >>> read_commodity_names().iloc[0].tolist()
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

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        ``bea_code``, ``flowable`` and the five scores ``reliability``,
        ``temporal``, ``geographical``, ``technological``,
        ``data_collection`` (int).

    Examples
    --------
    >>> read_dq_scores().columns[:2].tolist()
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
                "gwp",
                "gwp set",
                "data year",
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
        gwp=meta.get("gwp") or meta.get("gwp_set") or "",
        data_year=meta.get("data_year", ""),
        base_year_stated="base_year" in meta,
        attribution=OPEN_CEDA_ATTRIBUTION
        if "2024" in meta.get("ceda_version", "CEDA 2024")
        else f"CEDA by Watershed ({meta.get('ceda_version', 'Open CEDA')}, CC BY-SA 4.0)",
        source=str(file),
    )
    return out


def read_open_ceda(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """Open CEDA 2024 country factors (producer price), tidy long form.

    Reads the semicolon CSV export (cover lines, decimal commas) or the
    workbook (``.xlsx``, first sheet with the same layout).

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        ``country_code`` (ISO3, e.g. ``NOR``), ``country``, ``bea_code``,
        ``sector_name``, ``unit``, ``kg_co2e_per_usd``. ``attrs`` holds
        ``price_type`` ("Producer price"), ``base_year``, ``currency``,
        ``version``, ``licence`` and the required ``attribution``.

    Examples
    --------
    >>> ceda = read_open_ceda()
    >>> ceda.attrs["attribution"]
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


def _census_frame(file: Path, columns: dict[str, str], reader_name: str) -> pd.DataFrame:
    """A Census NAICS workbook's columns (matched by their start, spacing ignored), as text."""
    import pandas as pd

    raw = pd.read_excel(file, dtype=str)
    found = {}
    for want, start in columns.items():
        col = next(
            (c for c in raw.columns if " ".join(str(c).split()).lower().startswith(start)), None
        )
        if col is None:
            raise DataFormatError(
                f"{file}: no column starting with {start!r} (columns: "
                f"{', '.join(map(str, raw.columns))}); {reader_name} expects the Census layout."
            )
        found[want] = raw[col]
    df = pd.DataFrame(found).dropna(subset=[next(iter(columns))])
    for c in df.columns:
        df[c] = df[c].astype(str).str.strip()
    return df.reset_index(drop=True)


def read_naics_index(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """The Census NAICS 2017 index: ``naics6`` and ``index_item`` (about 20,000 rows).

    The 25 cross-reference rows (code ``******``, "Contractors -- see specific
    activity") are dropped.

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        ``naics6``, ``index_item``

    Examples
    --------
    >>> read_naics_index().columns.tolist()
    ['naics6', 'index_item']
    """

    file = Path(file) if file is not None else fetch_file("naics_index")
    df = _census_frame(file, {"naics6": "naics17", "index_item": "index item"}, "read_naics_index")
    df = df[df["naics6"].str.fullmatch(r"\d{6}")].reset_index(drop=True)
    return df.astype({"naics6": "str", "index_item": "str"})


def read_naics_titles(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """Census NAICS 2017 codes (2-6 digits) and titles: ``naics``, ``title``.

    Sector ranges (``31-33``) are kept as written; a trailing superscript "T"
    (trilateral marker of the descriptions file) is removed.

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        ``naics``, ``title``

    Examples
    --------
    >>> read_naics_titles().set_index("naics").loc["237", "title"]
    'Heavy and Civil Engineering Construction'
    """

    file = Path(file) if file is not None else fetch_file("naics_codes")
    df = _census_frame(
        file, {"naics": "2017 naics us code", "title": "2017 naics us title"}, "read_naics_titles"
    )
    df["title"] = df["title"].str.replace(r"(?<=[a-z)])T$", "", regex=True).str.strip()
    return df[df["naics"] != ""].reset_index(drop=True)


def read_naics_descriptions(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """Census NAICS 2017 descriptions: ``naics``, ``title`` (trailing "T" removed), ``description``.

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        ``naics``, ``title``, ``description``

    Examples
    --------
    >>> read_naics_descriptions().shape[1]
    3
    """

    file = Path(file) if file is not None else fetch_file("naics_descriptions")
    df = _census_frame(
        file,
        {"naics": "code", "title": "title", "description": "description"},
        "read_naics_descriptions",
    )
    df["title"] = df["title"].str.replace(r"T$", "", regex=True).str.strip()
    return df


def read_mcc_codes(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """The public MCC list: ``mcc`` (4 digits, text) and ``description``.

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        ``mcc``, ``description``

    Examples
    --------
    >>> read_mcc_codes().columns.tolist()
    ['mcc', 'description']
    """
    import pandas as pd

    file = Path(file) if file is not None else fetch_file("mcc_codes")
    raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    if "mcc" not in raw.columns:
        raise DataFormatError(f"{file}: no 'mcc' column (columns: {', '.join(raw.columns)}).")
    desc = next((c for c in ("edited_description", "combined_description") if c in raw), None)
    out = pd.DataFrame(
        {
            "mcc": raw["mcc"].str.strip().str.zfill(4),
            "description": raw[desc].str.strip() if desc else "",
        }
    )
    return out.astype("str")


#: Columns a SEF v1.4 file must have (the v1.3 names; the CO2e sheet of the workbook).
SEF_V14_MIN_CODES = 1000


def read_sef_v14(file: str | os.PathLike | None = None) -> pd.DataFrame:
    """SEF v1.4.0 (Zenodo record 17202747): the CO2e sheet of the workbook, or its CSV.

    The workbook holds a CO2e sheet and by-gas sheets. The sheet used is the
    first whose header has the SEF columns (:data:`SEF_COLUMNS`) and whose
    ``Unit`` names CO2e, preferring a sheet with "CO2e" in its name. A CSV is
    read as the v1.3 file is. Returns the :func:`read_sef` layout.

    Parameters
    ----------
    file : path-like, optional
        The file (default: the registered one, found or downloaded by :func:`fetch_file`).

    Returns
    -------
    DataFrame
        The :func:`read_sef` layout.

    Raises
    ------
    DataFormatError
        No sheet in the SEF layout (the message lists the sheets and the expected columns).

    Examples
    --------
    >>> read_sef_v14().attrs["dollar_year"]  # doctest: +SKIP
    2024
    """
    import pandas as pd

    file = Path(file) if file else fetch_file("sef_v14")
    if file.suffix.lower() not in {".xlsx", ".xlsm"}:
        return read_sef(file)
    sheets = pd.read_excel(file, sheet_name=None, dtype=str)
    order = sorted(sheets, key=lambda n: 0 if "co2e" in n.lower() else 1)
    for name in order:
        df = sheets[name]
        if all(c in df.columns for c in SEF_COLUMNS):
            units = df["Unit"].dropna().astype(str)
            if len(units) and units.str.contains("CO2e", case=False).all():
                import tempfile

                with tempfile.TemporaryDirectory() as tmp:  # one code path for the layout
                    csv = Path(tmp) / f"{file.stem}.csv"
                    df.to_csv(csv, index=False)
                    out = read_sef(csv)
                out.attrs.update(source=f"{file} (sheet {name!r})")
                return out
    raise DataFormatError(
        f"{file}: no sheet in the SEF layout with CO2e units. Sheets: {list(sheets)}. "
        f"Expected columns: {SEF_COLUMNS}."
    )


def _check_sef_v14(file: Path) -> pd.DataFrame:
    df = read_sef_v14(file)
    n = df["naics6"].nunique()
    if n < SEF_V14_MIN_CODES:
        raise DataFormatError(
            f"{file}: {n} NAICS codes; SEF v1.4 has about 1,016 (expected at least "
            f"{SEF_V14_MIN_CODES})."
        )
    if not df.attrs.get("dollar_year"):
        raise DataFormatError(f"{file}: the Unit column names no dollar year ('kg CO2e/2024 USD').")
    return df


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
    "naics_index": read_naics_index,
    "naics_codes": read_naics_titles,
    "naics_descriptions": read_naics_descriptions,
    "mcc_codes": read_mcc_codes,
    "sef_v14": _check_sef_v14,
    "open_ceda_2025": read_open_ceda,
}

_OPENERS: dict[str, Callable[..., pd.DataFrame]] = {
    "sef_co2e": lambda f: read_sef(f, by_gas=False),
    "sef_bygas": lambda f: read_sef(f, by_gas=True),
    "bea_price_index": read_price_index,
    "bea_use_table": read_use_table,
    "bea_commodity_names": read_commodity_names,
    "dq_scores": read_dq_scores,
    "open_ceda": read_open_ceda,
    "naics_index": read_naics_index,
    "naics_codes": read_naics_titles,
    "naics_descriptions": read_naics_descriptions,
    "mcc_codes": read_mcc_codes,
    "sef_v14": read_sef_v14,
    "open_ceda_2025": read_open_ceda,
}


def open_dataset(name: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Open a registered reference file as a tidy DataFrame (like xarray.tutorial).

    Parameters
    ----------
    name : str
        One of :data:`REGISTRY`'s keys.
    path : path-like, optional
        A file or data folder to use first.

    Returns
    -------
    DataFrame
        What the file's reader returns (e.g. :func:`read_sef`).

    Examples
    --------
    >>> open_dataset("bea_commodity_names").shape
    (402, 2)
    """
    _get(name)
    return _OPENERS[name](fetch_file(name, path))


#: Tables read by :func:`shared_dataset`, keyed by name, path and data folder.
_SHARED: dict[tuple[str, str | None, str | None], pd.DataFrame] = {}


def shared_dataset(name: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """A registered reference table read once per name, path and data folder, then shared.

    The same object is returned on every call (modules that look codes up many
    times read the file once): treat it as read-only and copy it before changing it.
    ``COHORT_DATA_DIR`` is part of the key, so pointing it elsewhere reads afresh.

    Parameters
    ----------
    name : str
        One of :data:`REGISTRY`'s keys.
    path : path-like, optional
        A file or data folder to use first (as in :func:`open_dataset`).

    Returns
    -------
    DataFrame
        What :func:`open_dataset` returns, shared between callers.

    Examples
    --------
    >>> a = shared_dataset("bea_commodity_names")
    >>> a is shared_dataset("bea_commodity_names") and not a.empty
    True
    """
    key = (name, str(path) if path else None, os.environ.get(DATA_ENV))
    if key not in _SHARED:
        _SHARED[key] = open_dataset(name, path)
    return _SHARED[key]


# --------------------------------------------------------------------------
# Command-line helpers (stdlib only): used by the Makefile before set-up
# --------------------------------------------------------------------------


def preflight(required: tuple[str, ...] | None = None) -> int:
    """Fail fast (exit 1) when required reference data can't be had.

    Checks every downloadable file: present, or its publisher reachable.
    Prints an actionable message naming the file, its URL and
    ``COHORT_DATA_DIR``.

    Parameters
    ----------
    required : tuple of str, optional
        Registry keys a run needs (default: every downloadable file).

    Returns
    -------
    int
        A process exit code: 0 when everything can be had, else 1.

    Examples
    --------
    >>> preflight()  # doctest: +SKIP
    0
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
