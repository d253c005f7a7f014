"""OpenSanctions FollowTheMoney (FtM) entity files: one JSON object per line.

What is read, and why (the vocabulary is ``kvanalytics/data/ftm_vocabulary.csv``):

- **Entries** are the entities OpenSanctions marks ``"target": true`` whose schema is an
  ``Organization`` (Company, PublicBody, ...) or a ``LegalEntity`` (party of unknown type):
  ``entity_type`` "entity", screened against partners. ``Person`` targets are read as
  "individual", ``Vessel``/``Airplane`` as "vessel"/"aircraft": kept so the coverage table counts
  them, never screened against partner institutions (``screen``'s ``entity_types``).
- ``Sanction`` entities are not entries: each gives, for the entity it names (``entity``), the
  programme (``programId``, else ``program``), the authority and the listing date
  (``listingDate``, else ``startDate``; the earliest full date is ``listed_on``).
- Other schemata (Ownership, Address, Directorship, Family, Passport...) and non-target
  entities (owners, subsidiaries found in registries) are counted in
  ``attrs["watchlists"][list]["not_read"]``; schemata unknown to FollowTheMoney are kept out too
  and listed with their line numbers under ``unknown_schemata``.
- **Kind**: ``designation`` when a topic is a government list (``sanction``, ``export.control``,
  ``debarment``...) or a Sanction entity names the entry; otherwise ``assessment`` (``poi``,
  ``role.*``, ``sanction.linked``: OpenSanctions' own judgement, not a government's).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ...config import PACKAGE_DATA
from ...errors import ReferenceDataError
from ...schemas import TEXT
from .._canonical import _finish_watchlist, _variants
from .._validate import _DATE, PathArg, _check_file, _iso2_codes, _Problems

_FTM_FORMAT = "OpenSanctions FollowTheMoney JSON lines"
_FTM_SOURCE = "OpenSanctions (https://www.opensanctions.org), FollowTheMoney export"
_FTM_FIX = "Is this an OpenSanctions FollowTheMoney export (one JSON entity per line)?"
#: Name properties read as variants; ``weakAlias`` is left out (OpenSanctions: too weak to match).
_NAME_PROPS = ("name", "alias", "previousName", "abbreviation")


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, dict[str, str]]:
    """``field -> {value: meaning}`` from ``data/ftm_vocabulary.csv``."""
    v = pd.read_csv(PACKAGE_DATA / "ftm_vocabulary.csv", dtype=str, keep_default_na=False)
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for field, value, meaning in zip(v["field"], v["value"], v["meaning"], strict=True):
        out[field][value] = meaning
    return dict(out)


def _model() -> Any:
    # followthemoney is imported here: it takes ~0.6 s and only FtM files need it
    from followthemoney import model

    return model


def _lines(path: Path, P: _Problems) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of every non-blank line; a bad line is a problem."""
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                P.add(n, "line", line.strip()[:60], f"a JSON object ({exc.msg})")
                continue
            if not isinstance(obj, dict) or not obj.get("id") or not obj.get("schema"):
                P.add(n, "line", line.strip()[:60], "a JSON object with 'id' and 'schema'")
                continue
            yield n, obj


def _entity_type(schema: Any) -> str | None:
    """The entity type of the first schema of the vocabulary that ``schema`` is (file order:
    Person before LegalEntity, which it also is)."""
    for name, etype in _vocabulary()["schema"].items():
        if schema.is_a(name):
            return etype
    return None


def _kind(topics: list[str], sanctioned: bool) -> str:
    kinds = _vocabulary()["topic"]
    # the topic itself ("sanction.linked"), else its family ("crime.fin" -> "crime")
    found = {kinds.get(t, kinds.get(t.split(".", 1)[0])) for t in topics}
    return "designation" if sanctioned or "designation" in found else "assessment"


def _first_date(values: list[str]) -> str | None:
    full = sorted(v[:10] for v in values if len(v) >= 10)
    return full[0] if full else None


def _sanction_facts(sanctions: list[dict[str, list[str]]]) -> dict[str, Any]:
    """Programme(s), earliest listing date and authorities of an entry's Sanction entities."""
    programs: set[str] = set()
    authorities: set[str] = set()
    dates: list[str] = []
    for p in sanctions:
        programs.update(p.get("programId") or p.get("program") or [])
        authorities.update(p.get("authority", []))
        dates += p.get("listingDate") or p.get("startDate") or []
    return {"programs": programs, "authorities": authorities, "listed_on": _first_date(dates)}


def _countries(proxy: Any) -> tuple[Any, Any]:
    """(the single ISO2 code, every code joined); NA when unknown or not an ISO code."""
    from followthemoney.types import registry  # with _model(): optional heavy library

    codes = {c.upper() for c in proxy.get_type_values(registry.country)}
    if not codes or not codes <= _iso2_codes():
        return pd.NA, pd.NA
    return (next(iter(codes)) if len(codes) == 1 else pd.NA), ";".join(sorted(codes))


def _identifiers(proxy: Any) -> tuple[Any, str]:
    """Identifier values (``;``-joined, for the identifier step of screening) and a note naming
    each one's property (``innCode 1832090230``)."""
    from followthemoney.types import registry  # with _model(): optional heavy library

    ignored = _vocabulary()["identifier_ignored"]
    pairs = sorted(
        {
            (prop.name, v)
            for prop, v in proxy.itervalues()
            if prop.type == registry.identifier and prop.name not in ignored
        }
    )
    values = list(dict.fromkeys(v for _, v in pairs))
    note = ", ".join(f"{p} {v}" for p, v in pairs)
    return ("; ".join(values) if values else pd.NA), note


def _entry(proxy: Any, obj: dict[str, Any], sanctions: list[dict[str, list[str]]]) -> dict:
    """One canonical entry of a target entity, and its aliases."""
    topics = proxy.get("topics")
    facts = _sanction_facts(sanctions)
    programs = facts["programs"] | set(proxy.get("programId"))
    country, countries = _countries(proxy)
    ids, id_note = _identifiers(proxy)
    datasets = ", ".join(obj.get("datasets", []))
    note = "; ".join(
        x
        for x in (
            f"identifiers: {id_note}" if id_note else "",
            f"sanctioned by: {', '.join(sorted(facts['authorities']))}"
            if facts["authorities"]
            else "",
            f"datasets: {datasets}" if datasets else "",
        )
        if x
    )
    urls = proxy.get("sourceUrl")
    return {
        "kind": _kind(topics, bool(sanctions)),
        "entry_id": proxy.id,
        "name": obj.get("caption") or (proxy.get("name") or [proxy.id])[0],
        "country": country,
        "countries": countries,
        "identifiers": ids,
        "listed_on": facts["listed_on"],
        "program": "; ".join(sorted(programs)) or pd.NA,
        "source": f"{_FTM_SOURCE}" + (f", {urls[0]}" if urls else ""),
        "entity_type": _entity_type(proxy.schema),
        "reason": f"OpenSanctions topics: {', '.join(topics)}" if topics else pd.NA,
        "note": note or pd.NA,
        "_aliases": [v for p in _NAME_PROPS for v in proxy.get(p)],
    }


def _read_objects(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], _Problems]:
    P = _Problems(str(path))
    return list(_lines(path, P)), P


def read_ftm(path: PathArg, *, name: str | None = None) -> pd.DataFrame:
    """Read an OpenSanctions FollowTheMoney entity file (JSON lines) into a watchlist.

    What is kept and why is in the module docstring: target organisations and legal entities
    (screened), target persons, vessels and aircraft (read, not screened against institutions),
    with the programme and listing date of the ``Sanction`` entities naming them. The listed
    name is the entity's ``caption``; ``name``, ``alias``, ``previousName`` and ``abbreviation``
    values in every script are aliases. ``identifiers`` are FtM identifier properties (INN, OGRN,
    LEI, registration and tax numbers...) except codes that do not identify one party (KPP).
    ``list_date`` is the file's latest ``last_seen`` (the export has no edition date).

    Parameters
    ----------
    path : str or PathLike
        The ``.ftm.json`` / ``.json`` / ``.jsonl`` file (UTF-8, one entity per line).
    name : str, optional
        List name; default ``"OpenSanctions: <file name without extensions>"``.

    Returns
    -------
    pandas.DataFrame
        A canonical watchlist; ``attrs["watchlists"][list]`` also holds ``not_read`` (entities
        not read, by schema or "non-target <schema>") and ``unknown_schemata`` (schema -> lines).

    Raises
    ------
    ReferenceDataError
        A missing or empty file, or lines that are not JSON objects with ``id`` and ``schema``
        (every such line named), or an entity FollowTheMoney refuses.

    Examples
    --------
    >>> wl = read_ftm("zala_entities.ftm.json")  # doctest: +SKIP
    >>> wl.loc[~wl["is_alias"], ["name", "kind", "program"]].head(1)  # doctest: +SKIP
    """
    from followthemoney.exc import InvalidData  # with _model(): optional heavy library

    path = Path(path)
    _check_file(path)
    model = _model()
    objects, P = _read_objects(path)
    P.raise_if_any("the FtM file", _FTM_FIX)
    if not objects:
        raise ReferenceDataError(f"{path}: no FtM entity in the file. {_FTM_FIX}")
    list_name = name or f"OpenSanctions: {path.name.split('.')[0]}"
    sanctions: dict[str, list[dict[str, list[str]]]] = defaultdict(list)
    not_read: Counter[str] = Counter()
    unknown: dict[str, list[int]] = defaultdict(list)
    targets: list[tuple[int, dict[str, Any]]] = []
    for n, obj in objects:
        schema = model.get(obj["schema"])
        if schema is None:
            unknown[str(obj["schema"])].append(n)
        elif schema.is_a("Sanction"):
            for e in obj.get("properties", {}).get("entity", []):
                sanctions[e].append(obj.get("properties", {}))
        elif not obj.get("target") or _entity_type(schema) is None:
            not_read[("" if obj.get("target") else "non-target ") + schema.name] += 1
        else:
            targets.append((n, obj))
    records = []
    for n, obj in targets:
        try:
            proxy = model.get_proxy(obj)
        except InvalidData as exc:
            P.add(n, "properties", obj["id"], f"a valid FtM {obj['schema']} ({exc})")
            continue
        records.append(_entry(proxy, obj, sanctions.get(proxy.id, [])))
    P.raise_if_any("the FtM file", _FTM_FIX)
    return _ftm_watchlist(records, objects, list_name, path, dict(not_read), dict(unknown))


def _ftm_watchlist(
    records: list[dict[str, Any]],
    objects: list[tuple[int, dict[str, Any]]],
    list_name: str,
    path: Path,
    not_read: dict[str, int],
    unknown: dict[str, list[int]],
) -> pd.DataFrame:
    """The canonical watchlist of the entries read, with the per-list facts."""
    cols = ["kind", "entry_id", "name", "country", "countries", "identifiers", "listed_on"]
    cols += ["program", "source", "entity_type", "reason", "note", "_aliases"]
    entries = pd.DataFrame(records, columns=cols)
    seen = [str(o.get("last_seen", ""))[:10] for _, o in objects if o.get("last_seen")]
    list_date = pd.Timestamp(max(seen)) if seen else pd.NaT
    entries = entries.assign(
        list=list_name,
        listed_on=pd.to_datetime(entries["listed_on"], format="%Y-%m-%d").astype(_DATE),
        list_date=pd.Series(list_date, index=entries.index, dtype=_DATE),
        country=entries["country"].astype(TEXT),
        countries=entries["countries"].astype(TEXT),
    )
    aliases = entries.pop("_aliases")
    kinds = sorted(entries["kind"].unique()) or ["designation"]
    meta = {
        list_name: {
            "kind": "; ".join(kinds),
            "source": _FTM_SOURCE,
            "list_date": list_date if pd.notna(list_date) else None,
            "file": str(path),
            "format": _FTM_FORMAT,
            "not_read": not_read,
            "unknown_schemata": unknown,
        }
    }
    return _finish_watchlist(_variants(entries, aliases), meta)
