"""OFAC's Specially Designated Nationals list in its legacy ``sdn.csv`` layout."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ...errors import ReferenceDataError
from .._canonical import _finish_watchlist, _variants
from .._validate import PathArg, _blank_to_na, _check_file, _Problems, _spreadsheet_rows

_SDN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
_SDN_ALIAS = re.compile(r"\b[afn]\.k\.a\.,?\s+'(.+?)'(?=\s*(?:[;.,)]|$))")
_SDN_LIST = "OFAC SDN"
_SDN_SOURCE = (
    "US Treasury OFAC, Specially Designated Nationals and Blocked Persons List "
    "(legacy sdn.csv), https://sanctionslist.ofac.treas.gov/Home/SdnList"
)


def _read_sdn_raw(path: Path) -> pd.DataFrame:
    """The headerless file as text, UTF-8 or else Windows-1252 (older editions)."""
    _check_file(path)
    for enc in ("utf-8", "cp1252"):
        try:
            return pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding=enc)
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            raise ReferenceDataError(
                f"{path}: the file is empty; expected OFAC's legacy sdn.csv."
            ) from None
        except pd.errors.ParserError as exc:
            raise ReferenceDataError(f"{path}: not a well-formed CSV ({exc}).") from None
    raise ReferenceDataError(f"{path}: neither UTF-8 nor Windows-1252 text.")  # pragma: no cover


def _checked_sdn(path: Path) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The entry rows (the end-of-file mark dropped), entry numbers and names, all checked."""
    file = str(path)
    raw = _read_sdn_raw(path)
    if raw.shape[1] != len(_SDN_COLUMNS):
        raise ReferenceDataError(
            f"{file}: row 1: {raw.shape[1]} columns; expected the 12 columns of the legacy "
            f"sdn.csv ({', '.join(_SDN_COLUMNS)}), without a header."
        )
    raw.columns = list(_SDN_COLUMNS)
    rows = _spreadsheet_rows(len(raw), first=1)  # no header: row 1 is the first entry
    # The official file ends with an end-of-file mark (Ctrl-Z) on a line of its own.
    ent = raw["ent_num"].str.strip().str.strip("\x1a")
    keep = (ent != "").to_numpy(bool)
    raw, rows, ent = raw[keep], rows[keep], ent[keep]
    P = _Problems(file)
    ok = ent.str.fullmatch(r"\d+").fillna(False).to_numpy(bool)
    P.add_mask(raw, ~ok, "ent_num", "an integer entry number", rows)
    P.add_mask(raw, ent.duplicated().to_numpy(bool) & ok, "ent_num", "a unique entry number", rows)
    names = _blank_to_na(raw["SDN_Name"])
    P.add_mask(raw, names.isna().to_numpy(bool), "SDN_Name", "a non-blank name", rows)
    P.raise_if_any("the SDN list", "Is this OFAC's legacy sdn.csv?")
    return raw, ent, names


def read_sdn(path: PathArg, *, list_date: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Read OFAC's Specially Designated Nationals list in its legacy ``sdn.csv`` layout.

    The file has no header and 12 columns (ent_num, SDN_Name, SDN_Type, Program, Title,
    Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks); ``-0-`` means empty
    and becomes NA. Every row is read: ``entity_type`` is ``entity`` where SDN_Type is empty,
    else ``individual``, ``vessel`` or ``aircraft`` (:func:`kvanalytics.screening.screen`
    screens institutions against entities only). Aliases ``a.k.a. '...'`` (and ``f.k.a.``,
    ``n.k.a.``) in Remarks become alias rows. Programs ``"NPWMD] [IFSR"`` become
    ``"NPWMD; IFSR"``. The legacy file has no listing dates and no addresses (those are in
    OFAC's separate ``add.csv``): ``listed_on`` is NaT and ``country`` NA, so screening never
    blocks SDN entries by country.

    Parameters
    ----------
    path : str or PathLike
        The ``sdn.csv`` file.
    list_date : date-like, optional
        Date of the list edition (the file does not carry one).

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist, list ``"OFAC SDN"``, kind ``designation``.

    Raises
    ------
    ReferenceDataError
        Not 12 columns, or an ent_num that is not a unique integer.

    Examples
    --------
    >>> sdn = read_sdn("sdn.csv")  # doctest: +SKIP
    >>> sdn.query("entry_id == '306'")["name"].tolist()  # doctest: +SKIP
    ['BANCO NACIONAL DE CUBA', 'BNC']
    """
    path = Path(path)
    raw, ent, names = _checked_sdn(path)
    stype = _blank_to_na(raw["SDN_Type"]).str.lower().fillna("entity")
    program = _blank_to_na(raw["Program"]).str.replace(r"\]\s*\[", "; ", regex=True)
    remarks = _blank_to_na(raw["Remarks"])
    aliases = pd.Series(
        [_SDN_ALIAS.findall(r) if isinstance(r, str) else [] for r in remarks.astype(object)],
        dtype=object,
    )
    date = pd.Timestamp(list_date) if list_date is not None else pd.NaT
    entries = pd.DataFrame(
        {
            "list": _SDN_LIST,
            "kind": "designation",
            "entry_id": ent.to_numpy(),
            "name": names.to_numpy(),
            "listed_on": pd.NaT,
            "program": program.to_numpy(),
            "source": _SDN_SOURCE,
            "list_date": date,
            "entity_type": stype.to_numpy(),
        }
    )
    meta = {
        _SDN_LIST: {
            "kind": "designation",
            "source": _SDN_SOURCE,
            "list_date": date if list_date is not None else None,
            "file": str(path),
            "format": "OFAC legacy sdn.csv",
        }
    }
    return _finish_watchlist(_variants(entries, aliases), meta)
