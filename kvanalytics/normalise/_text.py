"""Text folding: the one comparison form of free text (case, accents, scripts, white space)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd
from anyascii import anyascii

__all__ = ["fold", "fold_series"]

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
    if not text.isascii():  # ASCII is its own NFKC form and transliteration
        text = anyascii(unicodedata.normalize("NFKC", text))
    return _WS.sub(" ", text).strip().lower()


def fold_series(values: pd.Series) -> pd.Series:
    """Fold every value of a text Series (see :func:`fold`), computing each distinct value once.

    Parameters
    ----------
    values : Series
        Text values; missing values stay NA.

    Returns
    -------
    Series
        ``string`` dtype, the index of ``values``.

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
