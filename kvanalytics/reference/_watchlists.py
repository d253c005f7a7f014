"""Institution watchlists: the simple kvanalytics watchlist CSV, the bundled lists, and loading
any supported list by name or path (the real list formats are read by ``formats/``)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import PACKAGE_DATA
from ..errors import UnknownNameError
from ..schemas import TEXT
from ._canonical import KINDS, _finish_watchlist, _split_list, _variants
from ._validate import (
    _DATE,
    _ISO_DATE,
    PathArg,
    _blank_to_na,
    _check_columns,
    _check_iso2,
    _parse_dates,
    _Problems,
    _read_index,
    _read_text_csv,
    _spreadsheet_rows,
)
from .formats import READERS, read_ftm, sniff_format

WATCHLIST_DIR = PACKAGE_DATA / "watchlists"
#: Every EU sanctions regime, classified (built by ``scripts/build_eu_profile.py``).
EU_REGIMES_FILE = PACKAGE_DATA / "eu_sanctions_regimes.csv"

#: Columns of the simple watchlist CSV (:func:`read_watchlist`).
WATCHLIST_CSV_REQUIRED = ("name", "kind")
WATCHLIST_CSV_OPTIONAL = (
    "aliases",
    "country",
    "identifiers",
    "listed_on",
    "source",
    "list",
    "entry_id",
    "reason",
    "note",
    "program",
    "list_date",
    "category",
    "tier",
)
#: Optional columns kept after the canonical ones when a file has them (an assessment list's
#: own category, and the tier 0..3 its index description documents per category).
WATCHLIST_EXTRA_COLUMNS = ("category", "tier")


def _checked_watchlist_csv(path: Path, name: str | None) -> tuple[pd.DataFrame, pd.Series]:
    """The entries of a watchlist CSV (one row per entry), every row checked, and the text of
    their ``aliases`` column; ``category`` and ``tier`` only when the file has them."""
    file = str(path)
    raw = _read_text_csv(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    _check_columns(raw, file, WATCHLIST_CSV_REQUIRED, WATCHLIST_CSV_OPTIONAL)
    extra = [c for c in WATCHLIST_EXTRA_COLUMNS if c in raw.columns]
    for c in WATCHLIST_CSV_OPTIONAL:
        if c not in raw.columns:
            raw[c] = ""
    rows = _spreadsheet_rows(len(raw))
    P = _Problems(file)
    names = _blank_to_na(raw["name"])
    P.add_mask(raw, names.isna().to_numpy(bool), "name", "a non-blank name", rows)
    kind = _blank_to_na(raw["kind"]).str.lower()
    kind_ok = kind.isin(KINDS).fillna(False).to_numpy(bool)
    P.add_mask(raw, ~kind_ok, "kind", "designation or assessment", rows)
    country = _check_iso2(raw, "country", P, rows, required=False)
    listed_on = _parse_dates(raw, "listed_on", P, rows)
    list_date = _parse_dates(raw, "list_date", P, rows)
    list_name = _blank_to_na(raw["list"]).fillna(name or path.stem)
    entry_id = _blank_to_na(raw["entry_id"]).fillna(rows.astype(str).astype(TEXT))
    dup = pd.DataFrame({"l": list_name, "e": entry_id}).duplicated(keep="first").to_numpy(bool)
    P.add_mask(raw, dup, "entry_id", "an entry_id unique within its list", rows)
    tier = _blank_to_na(raw["tier"])
    tier_ok = tier.isna() | tier.isin(["0", "1", "2", "3"])
    P.add_mask(raw, ~tier_ok.to_numpy(bool), "tier", "a tier 0, 1, 2 or 3 (or empty)", rows)
    P.raise_if_any("the watchlist", "Fix the rows listed and read the file again.")
    text = {c: _blank_to_na(raw[c]).to_numpy() for c in ("identifiers", "program", "source")}
    entries = pd.DataFrame(
        {
            "list": list_name.to_numpy(),
            "kind": kind.to_numpy(),
            "entry_id": entry_id.to_numpy(),
            "name": names.to_numpy(),
            "country": country.to_numpy(),
            "countries": country.to_numpy(),
            "identifiers": text["identifiers"],
            "listed_on": listed_on.to_numpy(),
            "program": text["program"],
            "source": text["source"],
            "list_date": list_date.to_numpy(),
            "reason": _blank_to_na(raw["reason"]).to_numpy(),
            "note": _blank_to_na(raw["note"]).to_numpy(),
        }
    )
    if "category" in extra:
        entries["category"] = _blank_to_na(raw["category"]).to_numpy()
    if "tier" in extra:
        entries["tier"] = pd.array(pd.to_numeric(tier).to_numpy(), dtype="Int64")
    return entries, _blank_to_na(raw["aliases"])


def _csv_list_meta(entries: pd.DataFrame, file: str) -> dict[str, dict[str, Any]]:
    """Per list of the file: its kind(s), sources, latest list date."""
    meta: dict[str, dict[str, Any]] = {}
    for lst, g in entries.groupby("list", sort=False):
        kinds = sorted(g["kind"].dropna().unique())
        sources = g["source"].dropna().unique().tolist()
        dates = pd.Series(g["list_date"]).dropna()
        meta[str(lst)] = {
            "kind": kinds[0] if len(kinds) == 1 else "; ".join(kinds),
            "source": "; ".join(sources) if sources else None,
            "list_date": dates.max() if len(dates) else None,
            "file": file,
            "format": "kvanalytics watchlist CSV",
        }
    return meta


def read_watchlist(path: PathArg, *, name: str | None = None) -> pd.DataFrame:
    """Read an institution watchlist from the simple CSV format and check every row.

    Columns: ``name`` and ``kind`` (``designation`` for government sanctions or export-control
    lists, ``assessment`` for anything else) are required; optional are ``aliases`` (separated
    by ``|``), ``country`` (ISO2, ``NA`` is Namibia), ``identifiers`` (e.g. ROR ids, separated
    by ``;``), ``listed_on`` and ``list_date`` (``YYYY-MM-DD``), ``source``, ``list`` (list
    name; default ``name=`` or the file name), ``entry_id`` (default: the row number; unique per
    list), ``program``, ``reason`` and ``note``; ``category`` (an assessment list's own
    category) and ``tier`` (0..3, the tier the list's description documents for it) are kept
    as two more columns when the file has them. Any other column is an error, so that a typo
    (``alias``) cannot silently drop data.

    An OpenSanctions FollowTheMoney file (JSON lines) is read with
    :func:`kvanalytics.reference.read_ftm` instead.

    Parameters
    ----------
    path : str or PathLike
        The CSV file (UTF-8).
    name : str, optional
        List name for rows without a ``list`` value; default the file name without extension.

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist (one row per name variant, see :mod:`kvanalytics.reference`).

    Raises
    ------
    ReferenceDataError
        A missing, empty or unreadable file, unknown or missing columns, a blank name, a kind
        other than designation/assessment, a bad country code or date, a duplicated entry_id
        (file, row and column named).

    Examples
    --------
    >>> from kvanalytics.config import PACKAGE_DATA
    >>> wl = read_watchlist(PACKAGE_DATA / "watchlists" / "example-institutions.csv")
    >>> wl[["name", "is_alias"]].head(2).values.tolist()
    [['Example Institute of Fictional Physics', False], ['EIFP', True]]
    """
    path = Path(path)
    if sniff_format(path) == "ftm":  # JSON lines can never be this CSV: read them as FtM
        return read_ftm(path, name=name)
    entries, aliases = _checked_watchlist_csv(path, name)
    variants = _variants(entries, _split_list(aliases, "|"))
    out = _finish_watchlist(variants, _csv_list_meta(entries, str(path)))
    for c in WATCHLIST_EXTRA_COLUMNS:
        if c in variants.columns:
            out[c] = pd.Series(variants[c].to_numpy(), dtype="Int64" if c == "tier" else TEXT)
    return out


def list_watchlists() -> pd.DataFrame:
    """The bundled watchlists with their kind, size, description, source and date.

    Returns
    -------
    pandas.DataFrame
        ``name, kind, entries, description, source, list_date``.

    Examples
    --------
    >>> list_watchlists()["name"].tolist()
    ['example-institutions', 'rur-2022-signatories', 'aspi-china-defence-universities']
    """
    idx = _read_index(WATCHLIST_DIR)
    counts = [load_watchlist(n)["entry_id"].nunique() for n in idx["name"]]
    return pd.DataFrame(
        {
            "name": idx["name"].astype(TEXT),
            "kind": idx["kind"].astype(TEXT),
            "entries": pd.array(counts, dtype="Int64"),
            "description": idx["description"].astype(TEXT),
            "source": idx["source"].astype(TEXT),
            "list_date": pd.to_datetime(_blank_to_na(idx["list_date"]), format=_ISO_DATE).astype(
                _DATE
            ),
        }
    )


def load_watchlist(name_or_path: str | PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Load a bundled watchlist by name, or any supported watchlist file by path.

    A file is read by the reader its format needs (:func:`kvanalytics.reference.formats.
    sniff_format`): ``.xml`` -> :func:`read_un_xml`; a CSV with ``source`` and ``alt_names``
    columns -> :func:`read_csl`; a headerless CSV with ``-0-`` fields -> :func:`read_sdn`;
    otherwise :func:`read_watchlist`.

    Parameters
    ----------
    name_or_path : str, PathLike or DataFrame
        A name from :func:`list_watchlists` (``"example-institutions"``,
        ``"rur-2022-signatories"``) or a path. A DataFrame is returned as a copy.

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist.

    Raises
    ------
    UnknownNameError
        Neither a bundled name nor an existing file.
    ReferenceDataError
        A file that its reader refuses (a directory, empty, malformed...).

    Examples
    --------
    >>> wl = load_watchlist("rur-2022-signatories")
    >>> wl["kind"].unique().tolist()
    ['assessment']
    """
    if isinstance(name_or_path, pd.DataFrame):
        return name_or_path.copy()
    idx = _read_index(WATCHLIST_DIR).set_index("name")
    key = str(name_or_path)
    if key in idx.index:
        row = idx.loc[key]
        wl = read_watchlist(WATCHLIST_DIR / row["file"], name=key)
        for meta in wl.attrs["watchlists"].values():
            meta.update(description=row["description"], bundled_source=row["source"])
            if "complete" in row.index and str(row["complete"]).strip():  # the list says so
                meta["complete"] = str(row["complete"]).strip().lower() == "true"
        return wl
    path = Path(name_or_path)
    if key.strip() and path.exists():  # "" would be the current directory
        fmt = sniff_format(path)
        return READERS[fmt](path) if fmt is not None else read_watchlist(path)
    raise UnknownNameError(
        f"{key!r} is not a bundled watchlist ({', '.join(idx.index)}) nor an existing file."
    )


def eu_sanctions_regimes() -> pd.DataFrame:
    """Every EU sanctions regime with its category, country, tier and CELEX references.

    ``category`` is ``country`` (the country has a tier in the ``eu-restrictive-measures``
    profile), ``thematic`` (terrorism, ISIL/Al-Qaida, Hamas/PIJ, chemical weapons, cyber,
    human rights: designations anywhere), ``protective``, ``misappropriation``, ``territory``,
    ``claims`` or ``blocking`` (designation regimes, no country tier). ``program_keys`` are the
    Sanctions Map keys (``UKR``); OpenSanctions programme ids are ``EU-<key>``.

    Returns
    -------
    pandas.DataFrame
        ``regime_id, name, category, country, tier, measures, program_keys, has_lists, celex``.

    Examples
    --------
    >>> r = eu_sanctions_regimes().set_index("regime_id")
    >>> r.loc["47", ["category", "celex"]].tolist()
    ['thematic', '32019D0797;32019R0796']
    """
    out = _read_text_csv(EU_REGIMES_FILE)
    return out.assign(
        **{c: _blank_to_na(out[c]) for c in ("country", "program_keys", "celex")},
        tier=pd.array(pd.to_numeric(_blank_to_na(out["tier"])).to_numpy(), dtype="Int64"),
    )
