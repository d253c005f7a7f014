"""Countries: names and codes in 13 languages -> ISO 3166-1 alpha-2, display names, the table.

Everything here works on *distinct* values and maps back, so that a million-row column costs as
much as its few hundred distinct spellings (DESIGN.md, Scale).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
import pycountry

from ..config import PACKAGE_DATA
from ..errors import ReferenceDataError
from ._text import _WS, fold

__all__ = [
    "COUNTRY_LANGUAGES",
    "REGIONS",
    "country_name",
    "country_table",
    "to_iso2",
    "unknown_countries",
]

# Sources, in order of precedence: the project's alias file (kvanalytics/data/country_aliases.csv),
# then pycountry (codes, names and its bundled translations, _PYCOUNTRY_LOCALES). Nothing else: no
# fuzzy matching, no country_converter (it breaks under pandas 3, DESIGN.md). Keys are folded
# text (see fold); a second, punctuation-free key makes "U.S.A." and "Korea Republic of" match.

#: Languages of names that :func:`to_iso2` recognises and :func:`country_name` displays: those of
#: the headers ingest recognises (Norwegian as bokmål and nynorsk).
COUNTRY_LANGUAGES = ("en", "nl", "nb", "nn", "fr", "de", "es", "it", "pt", "sv", "da", "fi", "pl")
#: pycountry's gettext locales for each translated language (bokmål ships as ``nb_NO``; Portuguese
#: reads both the European and the Brazilian catalogue: Irão and Irã are both Iran).
_PYCOUNTRY_LOCALES = {
    "nl": ("nl",),
    "fr": ("fr",),
    "de": ("de",),
    "nb": ("nb_NO",),
    "nn": ("nn",),
    "es": ("es",),
    "it": ("it",),
    "pt": ("pt", "pt_BR"),
    "sv": ("sv",),
    "da": ("da",),
    "fi": ("fi",),
    "pl": ("pl",),
}
#: Continental regions of UN M49, the values of ``country_table()["region"]``.
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")

_ALIAS_FILE = "country_aliases.csv"
_REGION_FILE = "country_regions.csv"
_DROP = re.compile(r"[.'`]")  # "U.S.A." -> "usa", "People's" -> "peoples"
_PUNCT = re.compile(r"[^a-z0-9 ]")  # after fold the text is ASCII


def _strip_keys(folded: str) -> tuple[str, ...]:
    """Punctuation-free variants of a folded name: dots and apostrophes dropped, or spaced."""
    dropped = _WS.sub(" ", _PUNCT.sub(" ", _DROP.sub("", folded))).strip()
    spaced = _WS.sub(" ", _PUNCT.sub(" ", folded)).strip()
    return (dropped,) if dropped == spaced else (dropped, spaced)


def _read_package_csv(name: str) -> pd.DataFrame:
    # keep_default_na=False: "NA" is Namibia, never missing (DESIGN.md, dependency pitfalls)
    return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _aliases() -> pd.DataFrame:
    """The alias file with a ``key`` column (the folded alias); checked once, raises once."""
    df = _read_package_csv(_ALIAS_FILE)
    missing = {"alias", "iso2", "language", "note", "display"} - set(df.columns)
    if missing:
        raise ReferenceDataError(f"{_ALIAS_FILE}: missing columns {sorted(missing)}")
    df = df.assign(
        alias=df["alias"].str.strip(),
        iso2=df["iso2"].str.strip().str.upper(),
        display=df["display"].str.strip().isin(["1", "true", "True", "yes"]),
    )
    df = df.assign(key=[fold(a) for a in df["alias"]])
    problems: list[str] = []
    rows = zip(df.index, df["alias"], df["key"], df["iso2"], df["language"], strict=True)
    for i, alias, key, code, lang in rows:
        if not key or not re.fullmatch(r"[A-Z]{2}", code) or lang not in COUNTRY_LANGUAGES:
            problems.append(f"row {i + 2}: {alias!r} -> {code!r} ({lang!r})")
    # nunique first (vectorised; a per-group unique() costs 0.2 s on 3,600 rows)
    n_codes = df.groupby("key")["iso2"].nunique()
    twice_keys = df[df["key"].isin(n_codes.index[n_codes > 1])]
    codes = twice_keys.groupby("key", sort=False)["iso2"].unique()
    problems += [f"alias {k!r} -> {', '.join(v)}" for k, v in codes.items()]
    shown = df.loc[df["display"], ["iso2", "language"]]
    twice = shown[shown.duplicated(keep=False)].drop_duplicates()
    pairs = zip(twice["iso2"], twice["language"], strict=True)
    problems += [f"{code}/{lang}: two display names" for code, lang in pairs]
    if problems:
        raise ReferenceDataError(
            f"{_ALIAS_FILE}: {len(problems)} problem(s), e.g. {'; '.join(problems[:3])}. Each "
            "folded alias must map to one ISO2 code (settle ambiguous names there), language must "
            f"be one of {', '.join(COUNTRY_LANGUAGES)}, and each code has one display name per "
            "language."
        )
    return df


@lru_cache(maxsize=1)
def _pycountry_names() -> pd.DataFrame:
    """Every name pycountry knows, with code and language: columns name, iso2, language."""
    translators = [
        (lang, gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc]).gettext)
        for lang, locales in _PYCOUNTRY_LOCALES.items()
        for loc in locales
    ]
    rows = []
    for c in pycountry.countries:
        # common_name is translated too where the catalogue has it (nl: "Zuid-Korea")
        names = [getattr(c, a, None) for a in ("name", "official_name", "common_name")]
        for n in filter(None, names):
            rows.append((n, c.alpha_2, "en"))
            rows.extend((t(n), c.alpha_2, lang) for lang, t in translators)
    return pd.DataFrame(rows, columns=["name", "iso2", "language"]).drop_duplicates()


def _unique_map(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Split key -> code pairs into the unambiguous map and the ambiguous keys with their codes."""
    found: dict[str, set[str]] = {}
    for key, code in pairs:
        if key:
            found.setdefault(key, set()).add(code)
    unique = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    return unique, {k: v for k, v in found.items() if len(v) > 1}


@lru_cache(maxsize=1)
def _lookups() -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """Build (exact, stripped, unresolved): folded key -> ISO2, punctuation-free key -> ISO2.

    The alias file wins over pycountry. A key pycountry gives two codes for (a name in one language
    that is another country's name in another) is left out unless the alias file settles it; such
    keys are returned as ``unresolved`` (a test keeps that empty).
    """
    aliases = _aliases()
    names = _pycountry_names()
    folded = [fold(n) for n in names["name"]]
    py_exact, py_amb = _unique_map(zip(folded, names["iso2"], strict=True))
    py_strip, py_strip_amb = _unique_map(
        (k, c) for f, c in zip(folded, names["iso2"], strict=True) for k in _strip_keys(f)
    )
    # codes: exact only, so that "n.a." (not applicable) is not Namibia
    codes = {c.alpha_2.lower(): c.alpha_2 for c in pycountry.countries}
    codes |= {c.alpha_3.lower(): c.alpha_2 for c in pycountry.countries}
    alias_exact = dict(zip(aliases["key"], aliases["iso2"], strict=True))
    alias_strip, alias_strip_amb = _unique_map(
        (k, c) for f, c in alias_exact.items() for k in _strip_keys(f)
    )
    exact = py_exact | codes | alias_exact
    stripped = py_strip | alias_strip
    unresolved = {k: v for k, v in py_amb.items() if k not in alias_exact}
    unresolved |= {k: v for k, v in py_strip_amb.items() if k not in alias_strip}
    unresolved |= alias_strip_amb
    for k in alias_strip_amb:  # ambiguous in the alias file itself: not settled by pycountry
        stripped.pop(k, None)
    return exact, stripped, unresolved


def _resolve(value: object) -> str | None:
    """ISO2 of one distinct value, or None."""
    exact, stripped, _ = _lookups()
    key = fold(str(value))
    if not key:
        return None
    code = exact.get(key)
    if code is None:
        for k in _strip_keys(key):
            code = stripped.get(k)
            if code is not None:
                break
    return code


def _as_series(values: pd.Series | Iterable[str | None]) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)


def to_iso2(values: pd.Series | Iterable[str | None]) -> pd.Series:
    """Normalise country names or codes to ISO 3166-1 alpha-2; unknown or blank gives ``pd.NA``.

    Recognises names in the languages of :data:`COUNTRY_LANGUAGES` (English, Dutch, Norwegian
    bokmål and nynorsk, French, German, Spanish, Italian, Portuguese, Swedish, Danish, Finnish,
    Polish), official long forms, ISO2/ISO3 codes in any case, older names (Wit-Rusland,
    Byelorussia, Swaziland) and usual variants (UK, VS, EE. UU., Holanda, Volksrepubliek China),
    with or without punctuation and accents. A name that means two countries (across languages) is
    not recognised unless the alias file settles it (``Kongo`` is CG). Kosovo is ``XK``
    (user-assigned, not in ISO 3166). Sources: the alias file ``kvanalytics/data/
    country_aliases.csv`` first, then pycountry and its bundled translations. Matching is exact on
    folded text (see :func:`fold`); there is no fuzzy guessing, so an unknown name stays NA (list
    them with :func:`unknown_countries`). Each distinct value is resolved once, then mapped back.

    Parameters
    ----------
    values : Series or iterable of str
        Names or codes, in any case and accents. Missing values give NA.

    Returns
    -------
    Series
        ``string`` dtype of ISO2 codes; the index (and name) of a Series input.

    Examples
    --------
    >>> to_iso2(["Russische Federatie", "Hviterussland", "NA", "U.S.A.", "Atlantis", None]).tolist()
    ['RU', 'BY', 'NA', 'US', <NA>, <NA>]
    >>> to_iso2(["HOLANDA", "EE. UU.", "Valko-Venäjä", "Wielka Brytania", "Corea"]).tolist()
    ['NL', 'US', 'BY', 'GB', <NA>]
    """
    s = _as_series(values)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = pd.array([*(_resolve(u) for u in uniques), None], dtype="string")
    # code -1 (missing) takes the trailing None
    return pd.Series(mapped.take(codes), index=s.index, name=s.name, dtype="string")


def unknown_countries(values: pd.Series | Iterable[str | None]) -> pd.DataFrame:
    """Distinct values that do not resolve to a country (see :func:`to_iso2`), with their counts.

    Missing and blank values are not listed: they are absent, not unknown.

    Parameters
    ----------
    values : Series or iterable of str
        Country names or codes as read.

    Returns
    -------
    DataFrame
        Columns ``value`` (string, as given) and ``count`` (int64), by count descending, then value.

    Examples
    --------
    >>> unknown_countries(["NL", "Atlantis", "EU", "Atlantis", "", None]).to_dict("records")
    [{'value': 'Atlantis', 'count': 2}, {'value': 'EU', 'count': 1}]
    """
    s = _as_series(values)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    keep = [i for i, u in enumerate(uniques) if fold(str(u)) and _resolve(u) is None]
    out = pd.DataFrame(
        {
            "value": pd.array([str(uniques[i]) for i in keep], dtype="string"),
            "count": counts[keep].astype("int64"),
        }
    )
    return out.sort_values(["count", "value"], ascending=[False, True], ignore_index=True)


@lru_cache(maxsize=1)
def _display_names() -> dict[str, dict[str, str]]:
    """language -> {ISO2: short display name}, from the alias file's ``display`` rows."""
    out: dict[str, dict[str, str]] = {lang: {} for lang in COUNTRY_LANGUAGES}
    shown = _aliases().loc[lambda d: d["display"]]
    for lang, code, name in zip(shown["language"], shown["iso2"], shown["alias"], strict=True):
        out[lang][code] = name
    return out


def country_name(codes: pd.Series | Iterable[str | None], lang: str = "en") -> pd.Series:
    """Short display names of ISO2 codes, for charts and tables.

    Names are CLDR's short names (via the alias file's ``display`` rows), shortened where CLDR's
    are long: ``"Russia"``/``"Rusland"``, ``"Netherlands"``/``"Nederland"``, ``"Hong Kong"``
    (not ``"RAE de Hong Kong (China)"``).

    Parameters
    ----------
    codes : Series or iterable of str
        ISO 3166-1 alpha-2 codes (any case), or ``XK`` for Kosovo.
    lang : {"en", "nl", "nb", "nn", "fr", "de", "es", "it", "pt", "sv", "da", "fi", "pl"}
        Language of the names (:data:`COUNTRY_LANGUAGES`).

    Returns
    -------
    Series
        ``string`` dtype; NA for missing or unknown codes; the index (and name) of a Series input.

    Examples
    --------
    >>> country_name(["RU", "NL", "XK", "ZZ"], "nl").tolist()
    ['Rusland', 'Nederland', 'Kosovo', <NA>]
    >>> country_name(["RU", "NL", "GB"], "pl").tolist()
    ['Rosja', 'Holandia', 'Wielka Brytania']
    """
    if lang not in COUNTRY_LANGUAGES:
        raise ValueError(
            f"lang={lang!r} is not supported; use one of {', '.join(COUNTRY_LANGUAGES)}"
        )
    s = _as_series(codes)
    names = _display_names()[lang]
    keys, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = pd.array([*(names.get(str(u).strip().upper()) for u in uniques), None], dtype="string")
    return pd.Series(mapped.take(keys), index=s.index, name=s.name, dtype="string")


@lru_cache(maxsize=1)
def _country_table() -> pd.DataFrame:
    rows = [(c.alpha_2, c.alpha_3) for c in pycountry.countries]
    rows.append(("XK", "XKX"))  # user-assigned, as used by the EU and the World Bank
    df = pd.DataFrame(rows, columns=["iso2", "iso3"]).sort_values("iso2", ignore_index=True)
    regions = _read_package_csv(_REGION_FILE).set_index("iso2")["region"]
    return pd.DataFrame(
        {
            "iso2": df["iso2"].astype("string"),
            "iso3": df["iso3"].astype("string"),
            "name_en": country_name(df["iso2"], "en"),
            # "" in the file (Antarctica has no M49 region) is unknown, not a region
            "region": df["iso2"].map(regions).replace("", pd.NA).astype("string"),
        }
    )


def country_table() -> pd.DataFrame:
    """ISO 3166-1 countries plus Kosovo (``XK``) with alpha-3, English name and UN M49 region.

    Returns
    -------
    DataFrame
        One row per country, by ``iso2``; columns ``iso2``, ``iso3`` (``XKX`` for Kosovo),
        ``name_en`` (as :func:`country_name`) and ``region`` (Africa, Americas, Asia, Europe,
        Oceania; NA for Antarctica), all ``string`` dtype. A fresh copy on every call.

    Examples
    --------
    >>> country_table().set_index("iso2").loc[["NL", "NA", "XK"], "region"].tolist()
    ['Europe', 'Africa', 'Europe']
    """
    return _country_table().copy()
