"""Normalisation of free text to canonical values: text folding and countries (ISO 3166-1 alpha-2).

Everything here works on *distinct* values and maps back, so that a million-row column costs as
much as its few hundred distinct spellings (DESIGN.md, Scale).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd
from anyascii import anyascii

_WS = re.compile(r"\s+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Fold text for comparison: NFKC, transliterate to ASCII, lower case, collapse white space.

    Parameters
    ----------
    text : str
        Any text, in any script.

    Returns
    -------
    str
        The folded text; ``"Beløp  (EUR)"`` becomes ``"belop (eur)"``.

    Examples
    --------
    >>> fold("  Fakultät  für\\tPhysik ")
    'fakultat fur physik'
    """
    text = unicodedata.normalize("NFKC", text)
    return _WS.sub(" ", anyascii(text)).strip().lower()


def fold_series(values: pd.Series) -> pd.Series:
    """Fold every value of a text Series (see :func:`fold`), computing each distinct value once.

    Examples
    --------
    >>> fold_series(pd.Series(["Ja", "JA ", None])).tolist()
    ['ja', 'ja', <NA>]
    """
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    folded = pd.array([fold(str(u)) for u in uniques], dtype="string")
    out = pd.Series(pd.array([pd.NA] * len(values), dtype="string"), index=values.index)
    mask = codes >= 0
    out[mask] = folded.take(codes[mask])
    return out


# ------------------------------------------------------------------------------------------------
# Countries
# ------------------------------------------------------------------------------------------------

#: pycountry locales whose names are recognised (Dutch, French, German, Norwegian bokmål/nynorsk).
COUNTRY_LOCALES = ("nl", "fr", "de", "nb_NO", "nn")
#: Display languages of :func:`country_name` and the pycountry locale behind each.
DISPLAY_LOCALES = {"en": None, "nl": "nl", "fr": "fr", "de": "de", "nb": "nb_NO", "nn": "nn"}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _country_key(text: str) -> str:
    """Fold and drop punctuation: ``"U.S.A."`` and ``"usa"`` share a key."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def _read_package_csv(name: str) -> pd.DataFrame:
    from .config import PACKAGE_DATA

    # keep_default_na=False: "NA" is Namibia, never missing (DESIGN.md, dependency pitfalls)
    return pd.read_csv(PACKAGE_DATA / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    """Folded name or code -> ISO2, from pycountry (with its translations) and the alias file.

    A key that pycountry's sources give two codes for is dropped unless the alias file settles it;
    the alias file always wins.
    """
    import gettext

    import pycountry

    found: dict[str, set[str]] = {}

    def add(text: str | None, code: str) -> None:
        if text:
            for k in {fold(text), _country_key(text)}:
                if k:
                    found.setdefault(k, set()).add(code)

    translators = []
    for loc in COUNTRY_LOCALES:
        try:
            translators.append(
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc])
            )
        except OSError:  # a locale missing from this pycountry build
            continue
    for c in pycountry.countries:
        names = [getattr(c, a, None) for a in ("name", "official_name", "common_name")]
        for n in names:
            add(n, c.alpha_2)
            for t in translators:
                if n:
                    add(t.gettext(n), c.alpha_2)
        add(c.alpha_2, c.alpha_2)
        add(c.alpha_3, c.alpha_2)
    lookup = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    aliases = _read_package_csv("country_aliases.csv")
    for alias, code in zip(aliases["alias"], aliases["iso2"], strict=True):
        for k in {fold(alias), _country_key(alias)}:
            lookup[k] = code
    lookup["xk"] = lookup["xkx"] = "XK"
    return lookup


def to_iso2(values: pd.Series | Iterable[str | None]) -> pd.Series:
    """Normalise country names or codes to ISO 3166-1 alpha-2; unknown or blank gives ``pd.NA``.

    Recognises English, Dutch, French, German and Norwegian (bokmål, nynorsk) names from
    pycountry's translations, official long forms, ISO2/ISO3 codes in any case, and the project's
    alias file (older names such as Wit-Rusland, usual variants such as UK or Volksrepubliek
    China, and Kosovo as ``XK``). There is no fuzzy guessing: an unknown name stays NA.

    Parameters
    ----------
    values : Series or iterable of str
        Names or codes, in any case and accents.

    Returns
    -------
    Series
        ``string`` dtype, same index as a Series input.

    Examples
    --------
    >>> to_iso2(["Russische Federatie", "Hviterussland", "NA", "Atlantis", None]).tolist()
    ['RU', 'BY', 'NA', <NA>, <NA>]
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    lookup = _country_lookup()
    mapped = [
        lookup.get(fold(str(u))) or lookup.get(_country_key(str(u))) if str(u).strip() else None
        for u in uniques
    ]
    arr = pd.array([*mapped, None], dtype="string")
    return pd.Series(arr.take(codes), index=s.index, dtype="string")


@lru_cache(maxsize=8)
def _display_names(lang: str) -> dict[str, str]:
    import gettext

    import pycountry

    loc = DISPLAY_LOCALES[lang]
    tr = (
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc]).gettext
        if loc
        else (lambda x: x)
    )
    out = {}
    for c in pycountry.countries:
        base = getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = tr(base)
    short = {
        "en": {
            "RU": "Russia",
            "KR": "South Korea",
            "KP": "North Korea",
            "IR": "Iran",
            "SY": "Syria",
            "VN": "Vietnam",
            "BO": "Bolivia",
            "VE": "Venezuela",
            "TZ": "Tanzania",
            "MD": "Moldova",
            "LA": "Laos",
            "CD": "DR Congo",
            "GB": "United Kingdom",
            "US": "United States",
            "TW": "Taiwan",
            "PS": "Palestine",
            "XK": "Kosovo",
        },
        "nl": {
            "RU": "Rusland",
            "BY": "Belarus",
            "KR": "Zuid-Korea",
            "KP": "Noord-Korea",
            "IR": "Iran",
            "US": "Verenigde Staten",
            "GB": "Verenigd Koninkrijk",
            "TW": "Taiwan",
            "XK": "Kosovo",
            "CD": "DR Congo",
        },
    }
    out.update(short.get(lang, {}))
    out.setdefault("XK", "Kosovo")
    return out


def country_name(codes: pd.Series | Iterable[str | None], lang: str = "en") -> pd.Series:
    """Short display names of ISO2 codes in English, Dutch, French, German or Norwegian.

    Examples
    --------
    >>> country_name(["RU", "NL", "XK"], "nl").tolist()
    ['Rusland', 'Nederland', 'Kosovo']
    """
    if lang not in DISPLAY_LOCALES:
        raise ValueError(f"lang={lang!r}: use one of {', '.join(DISPLAY_LOCALES)}")
    s = codes if isinstance(codes, pd.Series) else pd.Series(list(codes), dtype=object)
    names = _display_names(lang)
    return pd.Series(
        [names.get(str(c)) if isinstance(c, str) else None for c in s],
        index=s.index,
        dtype="string",
    )


def country_table() -> pd.DataFrame:
    """ISO countries (plus Kosovo) with alpha-3, English name and UN continental region.

    Examples
    --------
    >>> country_table().set_index("iso2").loc["NL", "region"]
    'Europe'
    """
    import pycountry

    regions = _read_package_csv("country_regions.csv").set_index("iso2")["region"]
    rows = [
        (c.alpha_2, c.alpha_3, getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
    ]
    rows.append(("XK", "XKX", "Kosovo"))
    df = pd.DataFrame(rows, columns=["iso2", "iso3", "name_en"]).astype("string")
    df["region"] = df["iso2"].map(regions).astype("string")
    return df


def unknown_countries(values: pd.Series | Iterable[str | None]) -> pd.DataFrame:
    """Distinct non-blank values that do not resolve to a country, with their counts.

    Examples
    --------
    >>> unknown_countries(["NL", "Atlantis", "Atlantis"]).to_dict("records")
    [{'value': 'Atlantis', 'count': 2}]
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    s = s.astype("string")
    bad = s[to_iso2(s).isna() & s.notna() & (s.str.strip() != "")]
    out = bad.value_counts().rename_axis("value").reset_index(name="count")
    return out.astype({"value": "string", "count": "int64"})
