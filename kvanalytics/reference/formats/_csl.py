"""The US Consolidated Screening List CSV (International Trade Administration), both layouts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ...schemas import TEXT
from .._canonical import _finish_watchlist, _split_list, _text_column, _variants
from .._validate import (
    PathArg,
    _blank_to_na,
    _check_columns,
    _iso2_codes,
    _parse_dates,
    _Problems,
    _read_text_csv,
    _spreadsheet_rows,
)

_CSL_SOURCE = "US Consolidated Screening List (International Trade Administration)"
_CSL_REQUIRED = ("source", "name", "alt_names", "start_date", "addresses")


def _address_codes(addr: Any, known: frozenset[str]) -> tuple[set[str], bool]:
    """The ISO2 codes ending the ``;``-separated addresses, and whether one had none."""
    codes: set[str] = set()
    unknown = False
    if isinstance(addr, str):
        for a in addr.split(";"):
            a = a.strip()
            if not a:
                continue
            last = a.rsplit(",", 1)[-1].strip()
            if last in known:
                codes.add(last)
            else:
                unknown = True
    return codes, unknown


def _csl_countries(addresses: pd.Series, *coded: pd.Series) -> tuple[list[Any], list[Any]]:
    """Country per CSL row (from the ISO2 code ending each address, and the citizenship and
    nationality columns): the single code, and all codes joined (NA when any address has no
    code, so that the entry is never blocked out by country)."""
    known = _iso2_codes()
    single: list[Any] = []
    every: list[Any] = []
    extra = list(zip(*[c.tolist() for c in coded], strict=True)) if coded else [()] * len(addresses)
    for addr, others in zip(addresses.tolist(), extra, strict=True):
        codes, unknown = _address_codes(addr, known)
        for o in others:
            if isinstance(o, str):
                codes.update(t for t in re.split(r"[;,\s]+", o) if t in known)
        joined = ";".join(sorted(codes)) if codes and not unknown else pd.NA
        single.append(next(iter(codes)) if len(codes) == 1 and not unknown else pd.NA)
        every.append(joined)
    return single, every


def _checked_csl(path: Path) -> tuple[pd.DataFrame, pd.Series, pd.Series, pd.Series]:
    """The raw rows, their row numbers, names and start dates, every row checked."""
    file = str(path)
    raw = _read_text_csv(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    _check_columns(raw, file, _CSL_REQUIRED)
    rows = _spreadsheet_rows(len(raw))
    P = _Problems(file)
    names = _blank_to_na(raw["name"])
    P.add_mask(raw, names.isna().to_numpy(bool), "name", "a non-blank name", rows)
    src = _blank_to_na(raw["source"])
    P.add_mask(raw, src.isna().to_numpy(bool), "source", "the name of a source list", rows)
    listed_on = _parse_dates(raw, "start_date", P, rows)
    P.raise_if_any("the Consolidated Screening List", "Is this a CSL export?")
    return raw, rows, names, listed_on


def read_csl(path: PathArg, *, list_date: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Read the US Consolidated Screening List CSV (International Trade Administration).

    Both layouts are read: the 28-column one (``source, entity_number, type, programs, name,
    ...``) and the newer one with a leading ``_id`` column. **Each source list is its own
    list**, named ``"US CSL: <list>"`` after the part of ``source`` before " - " (``"US CSL:
    Entity List (EL)"``, ``"US CSL: Unverified List (UVL)"``, ``"US CSL: Specially Designated
    Nationals (SDN)"``...), so that coverage and hits say which government list it is; every
    CSL list is a *designation*. ``entry_id`` is ``<code>:<_id or entity_number>`` or, for rows
    with neither (Entity List rows of the old layout), ``<code>:row<n>`` (not stable between
    editions). ``alt_names`` (``;``-separated) become alias rows; ``start_date`` is
    ``listed_on``; ``programs`` is ``program``; ``ids`` are ``identifiers``; ``type`` gives
    ``entity_type`` (NA when blank, as for Entity List rows). The country comes from the ISO2
    code ending each address and the ``citizenships``/``nationalities`` columns.

    Parameters
    ----------
    path : str or PathLike
        The CSV file.
    list_date : date-like, optional
        Date of the list edition (the file does not carry one); NaT when not given.

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist.

    Raises
    ------
    ReferenceDataError
        Missing columns, a row without a name or with a bad ``start_date``.

    Examples
    --------
    >>> csl = read_csl("csl.csv")  # doctest: +SKIP
    >>> csl.groupby("list")["entry_id"].nunique()  # doctest: +SKIP
    """
    path = Path(path)
    raw, rows, names, listed_on = _checked_csl(path)
    layout = "CSL with _id" if "_id" in raw.columns else "CSL 28 columns"
    src = _blank_to_na(raw["source"])
    code = src.str.extract(r"\(([A-Z0-9]+)\)", expand=False).fillna(src)
    list_name = "US CSL: " + src.str.split(" - ", n=1).str[0].str.strip()
    col = _text_column
    own_id = col(raw, "_id").fillna(col(raw, "entity_number"))
    entry_id = code + ":" + own_id.fillna("row" + rows.astype(str).astype(TEXT))
    url = col(raw, "source_list_url")
    source = (_CSL_SOURCE + ", " + src + (", " + url).fillna("")).astype(TEXT)
    country, countries = _csl_countries(
        col(raw, "addresses"), col(raw, "citizenships"), col(raw, "nationalities")
    )
    date = pd.Timestamp(list_date) if list_date is not None else pd.NaT
    entries = pd.DataFrame(
        {
            "list": list_name.to_numpy(),
            "kind": "designation",
            "entry_id": entry_id.to_numpy(),
            "name": names.to_numpy(),
            "country": pd.array(country, dtype=TEXT),
            "countries": pd.array(countries, dtype=TEXT),
            "identifiers": col(raw, "ids").to_numpy(),
            "listed_on": listed_on.to_numpy(),
            "program": col(raw, "programs").to_numpy(),
            "source": source.to_numpy(),
            "list_date": date,
            "entity_type": col(raw, "type").str.lower().to_numpy(),
        }
    )
    aliases = _split_list(col(raw, "alt_names"), ";").map(
        lambda xs: [re.sub(r"^and\s+", "", x) for x in xs]
    )
    meta = {
        str(lst): {
            "kind": "designation",
            "source": f"{_CSL_SOURCE}, {s}",
            "list_date": date if list_date is not None else None,
            "file": str(path),
            "format": layout,
        }
        for lst, s in zip(list_name, src, strict=True)
    }
    return _finish_watchlist(_variants(entries, aliases), meta)
