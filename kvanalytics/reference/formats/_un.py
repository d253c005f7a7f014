"""The UN Security Council consolidated sanctions list (XML)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import ReferenceDataError
from ...normalise import to_iso2
from ...schemas import TEXT
from .._canonical import _finish_watchlist, _variants
from .._validate import _DATE, PathArg, _check_file, _parse_dates, _Problems

_UN_LIST = "UN SC Consolidated List"
_UN_SOURCE = (
    "United Nations Security Council Consolidated List, "
    "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
)
_UN_FIX = "Is this the UN SC consolidated list XML?"
#: (parent element, entry element, entity_type) of the entries read.
_UN_ENTITIES = ("ENTITIES", "ENTITY", "entity")
_UN_INDIVIDUALS = ("INDIVIDUALS", "INDIVIDUAL", "individual")
_UN_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ENTRY_COLUMNS = ["entry_id", "name", "listed_on", "program", "entity_type", "reason"]


def _un_text(el: ET.Element, tag: str) -> str | None:
    t = el.findtext(tag)
    t = t.strip() if t else ""
    return t or None


def _un_root(path: Path) -> ET.Element:
    """The ``CONSOLIDATED_LIST`` root element of a well-formed file."""
    _check_file(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ReferenceDataError(f"{path}: not well-formed XML ({exc}).") from None
    if root.tag != "CONSOLIDATED_LIST":
        raise ReferenceDataError(
            f"{path}: root element <{root.tag}>; expected <CONSOLIDATED_LIST> (UN SC list XML)."
        )
    return root


def _un_entry(
    el: ET.Element, etype: str, where: str, P: _Problems
) -> tuple[dict[str, Any], list[str], list[str]]:
    """One entry's fields, its aliases and its raw country names (addresses for entities,
    nationalities for individuals); a missing reference number or name is a problem."""
    ref = _un_text(el, "REFERENCE_NUMBER") or _un_text(el, "DATAID")
    if etype == "entity":
        name = _un_text(el, "FIRST_NAME")
        places = [_un_text(a, "COUNTRY") for a in el.findall("ENTITY_ADDRESS")]
    else:
        parts = [_un_text(el, t) for t in _UN_NAME_PARTS]
        name = " ".join(p for p in parts if p) or None
        places = [_un_text(v, ".") for v in el.findall("NATIONALITY/VALUE")]
    if not ref:
        P.add(where, "REFERENCE_NUMBER", "", "a reference number or DATAID")
    if not name:
        P.add(where, "FIRST_NAME", "", "a name")
    alias_tag = "ENTITY_ALIAS" if etype == "entity" else "INDIVIDUAL_ALIAS"
    names = [_un_text(a, "ALIAS_NAME") for a in el.findall(alias_tag)]
    names.append(_un_text(el, "NAME_ORIGINAL_SCRIPT"))
    if name and " ; " in name:
        names += name.split(" ; ")
    listed = _un_text(el, "LISTED_ON") or ""
    record = {
        "entry_id": ref,
        "name": name,
        # xsd:date may carry a time zone ("2015-03-27-04:00"): keep the date
        "listed_on": re.sub(r"^(\d{4}-\d{2}-\d{2}).+$", r"\1", listed),
        "program": _un_text(el, "UN_LIST_TYPE"),
        "entity_type": etype,
        "reason": _un_text(el, "COMMENTS1"),
    }
    aliases = [a.strip().strip('"').strip() for a in names if a]
    return record, aliases, [p for p in places if p]


def _un_entries(
    root: ET.Element, individuals: bool, P: _Problems
) -> tuple[pd.DataFrame, list[list[str]], list[list[str]], list[str]]:
    """Every entry (entities, then individuals): fields, aliases, country names, positions."""
    recs: list[dict[str, Any]] = []
    aliases: list[list[str]] = []
    countries_raw: list[list[str]] = []
    wheres: list[str] = []
    groups = [_UN_ENTITIES, _UN_INDIVIDUALS] if individuals else [_UN_ENTITIES]
    for parent_tag, tag, etype in groups:
        parent = root.find(parent_tag)
        if parent is None:
            continue
        for n, el in enumerate(parent.findall(tag), 1):
            where = f"{tag} {n}"
            record, names, places = _un_entry(el, etype, where, P)
            recs.append(record)
            aliases.append(names)
            countries_raw.append(places)
            wheres.append(where)
    return pd.DataFrame(recs, columns=_ENTRY_COLUMNS), aliases, countries_raw, wheres


def _un_countries(countries_raw: list[list[str]]) -> tuple[list[Any], list[Any], list[str]]:
    """Per entry, the single ISO2 code and every code joined (NA when a name does not map),
    and the names that do not map."""
    distinct = sorted({c for cs in countries_raw for c in cs})
    # "China, Hong Kong Special Administrative Region": try the part after the comma too
    tail = [
        re.sub(r"\s+Special Administrative Region$", "", c.rsplit(",", 1)[-1]) for c in distinct
    ]
    mapped = {
        c: a if isinstance(a, str) else b
        for c, a, b in zip(
            distinct, to_iso2(distinct).tolist(), to_iso2(tail).tolist(), strict=True
        )
    }
    unmapped = sorted(k for k, v in mapped.items() if not isinstance(v, str))
    single: list[Any] = []
    every: list[Any] = []
    for cs in countries_raw:
        codes = {mapped[c] for c in cs}
        ok = bool(codes) and all(isinstance(c, str) for c in codes)
        every.append(";".join(sorted(codes)) if ok else pd.NA)
        single.append(next(iter(codes)) if ok and len(codes) == 1 else pd.NA)
    return single, every, unmapped


def read_un_xml(path: PathArg, *, individuals: bool = True) -> pd.DataFrame:
    """Read the UN Security Council consolidated sanctions list (XML).

    Entities (``ENTITIES/ENTITY``) and, unless ``individuals=False``, individuals are read.
    ``entry_id`` is the UN reference number (``KPe.001``); the name is ``FIRST_NAME`` (for
    individuals the name parts joined); aliases are ``ALIAS_NAME`` values, the name in original
    script, and the parts of a name given as ``"A ; B"``. ``program`` is ``UN_LIST_TYPE``
    (DPRK, Iran, Al-Qaida...), ``listed_on`` is ``LISTED_ON``, ``list_date`` the file's
    ``dateGenerated``. Countries of entity addresses (individuals: nationalities) are mapped
    with :func:`kvanalytics.normalise.to_iso2`; names that do not map are listed in
    ``attrs["watchlists"][list]["unmapped_countries"]`` and make the entry's ``countries`` NA.

    Parameters
    ----------
    path : str or PathLike
        The XML file.
    individuals : bool
        Also read individuals (``entity_type`` "individual").

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist, list ``"UN SC Consolidated List"``, kind ``designation``.

    Raises
    ------
    ReferenceDataError
        Not a CONSOLIDATED_LIST document, or an entry without a name or reference number.

    Examples
    --------
    >>> un = read_un_xml("consolidated.xml")  # doctest: +SKIP
    >>> un.query("entity_type == 'entity'")["entry_id"].nunique()  # doctest: +SKIP
    273
    """
    path = Path(path)
    file = str(path)
    root = _un_root(path)
    generated = root.get("dateGenerated")
    list_date = pd.to_datetime(generated[:10], errors="coerce") if generated else pd.NaT
    P = _Problems(file)
    entries, aliases, countries_raw, wheres = _un_entries(root, individuals, P)
    P.raise_if_any("the UN consolidated list", _UN_FIX)
    listed_on = _parse_dates(entries, "listed_on", P, pd.Series(wheres, dtype=object))
    P.raise_if_any("the UN consolidated list", "LISTED_ON should be YYYY-MM-DD.")
    single, every, unmapped = _un_countries(countries_raw)
    entries = entries.assign(
        list=_UN_LIST,
        kind="designation",
        listed_on=listed_on.to_numpy(),
        country=pd.array(single, dtype=TEXT),
        countries=pd.array(every, dtype=TEXT),
        source=_UN_SOURCE,
        list_date=pd.Series(list_date, index=entries.index, dtype=_DATE),
    )
    meta = {
        _UN_LIST: {
            "kind": "designation",
            "source": _UN_SOURCE,
            "list_date": list_date if pd.notna(list_date) else None,
            "file": file,
            "format": "UN SC consolidated list XML",
            "unmapped_countries": unmapped,
        }
    }
    return _finish_watchlist(_variants(entries, pd.Series(aliases, dtype=object)), meta)
