"""Build the bundled assessment watchlist ``aspi-china-defence-universities``.

Source: ASPI's China Defence Universities Tracker as mirrored in the MISP galaxy cluster
``clusters/china-defence-universities.json`` (MISP/misp-galaxy, last changed 2020-08-22; CC0 1.0 /
BSD-2), a copy of which is in ``../shared/realdata/aspi/``. Only facts are shipped: names in
English and Chinese, aliases, ASPI's category, supervising agencies, the tracker page. ASPI's own
risk levels (very high ... low) are not in that file, so the tier below is kvanalytics' rule by
category, not ASPI's rating.

Usage::

    python scripts/build_aspi_watchlist.py [SOURCE_JSON] [OUT_CSV]

defaults ``../shared/realdata/aspi/china-defence-universities.json`` and
``kvanalytics/data/watchlists/aspi-china-defence-universities.csv``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "realdata" / "aspi" / "china-defence-universities.json"
OUT = ROOT / "kvanalytics" / "data" / "watchlists" / "aspi-china-defence-universities.csv"
LIST = "aspi-china-defence-universities"
CITATION = (
    "Australian Strategic Policy Institute (ASPI), International Cyber Policy Centre, "
    "China Defence Universities Tracker (https://unitracker.aspi.org.au), as mirrored in "
    "MISP galaxy china-defence-universities (last changed 2020-08-22)"
)
LIST_DATE = "2020-08-22"

#: The tier (0 none .. 3 restricted) of each ASPI category, and why.
TIER_BY_CATEGORY: dict[str, tuple[int, str]] = {
    "Military": (3, "part of the People's Liberation Army or the armed police"),
    "Seven sons of national defence": (
        3,
        "one of the 'Seven Sons of National Defence', run by MIIT as core defence research and "
        "training institutions",
    ),
    "Defence industry conglomerate": (
        3,
        "a state-owned defence conglomerate developing weapons and military equipment",
    ),
    "Security": (
        2,
        "an institution of the public or state security apparatus (policing, surveillance)",
    ),
    "Civilian": (
        1,
        "a civilian university with defence laboratories, defence research or a defence "
        "supervising agency: risk depends on the field and the laboratory",
    ),
}
COLUMNS = ["list", "entry_id", "name", "aliases", "country", "listed_on", "list_date"]
COLUMNS += ["source", "kind", "category", "tier", "reason", "note"]
_NAME = re.compile(r"^(?P<en>.*\S)\s*\((?P<zh>[^()]*)\)\s*$")


def _row(value: dict) -> dict[str, str]:
    """One watchlist row of a tracker entry; an unknown category is an error."""
    meta = value["meta"]
    m = _NAME.match(value["value"])
    english, chinese = (m["en"], m["zh"].strip()) if m else (value["value"], "")
    (category,) = meta["categories"]
    if category not in TIER_BY_CATEGORY:
        raise SystemExit(f"unknown ASPI category {category!r}: add it to TIER_BY_CATEGORY")
    tier, why = TIER_BY_CATEGORY[category]
    aliases = [a.strip() for a in [chinese, *meta.get("aliases", [])] if a.strip()]
    aliases = [a for a in dict.fromkeys(aliases) if a != english and "|" not in a]
    url = meta["refs"][0]
    agencies = "; ".join(meta.get("supervising agencies", []))
    return {
        "list": LIST,
        "entry_id": "aspi-" + url.rstrip("/").rsplit("/", 1)[-1],
        "name": english,
        "aliases": "|".join(aliases),
        "country": "CN",
        "listed_on": "",
        "list_date": LIST_DATE,
        "source": f"{CITATION}; {url}",
        "kind": "assessment",
        "category": category,
        "tier": str(tier),
        "reason": f"ASPI category {category}: tier {tier}, {why}",
        "note": f"supervising agencies: {agencies}" if agencies else "",
    }


def build(source: Path) -> str:
    """The watchlist CSV text built from the tracker JSON (rows sorted by entry id)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    rows = sorted((_row(v) for v in data["values"]), key=lambda r: r["entry_id"])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SOURCE
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.write_text(build(source), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
