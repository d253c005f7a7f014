"""Build the bundled risk profile ``eu-restrictive-measures`` and the table of every EU regime.

Source: the EU Sanctions Map's regime table as kept by OpenSanctions
(``datasets/eu/sanctions_map/programs.csv``, opensanctions/opensanctions @ b71c7389, MIT; facts
from https://www.sanctionsmap.eu), a copy of which is in ``../shared/realdata/eu/``: 55 regimes
with ``regime_id, program_keys, has_lists, framework_celexes, name``.

Every regime is classified by :data:`REGIMES` below (keyed by ``regime_id``, since 20 regimes
have no programme key, China's 1989 arms embargo among them):

- ``country``: measures against a country's state, authorities or situation; the country gets a
  tier (at least 1) in the profile, the highest of its regimes, with each regime's reason;
- ``thematic``: terrorism, ISIL/Al-Qaida, Hamas/PIJ, chemical weapons, cyber-attacks, human
  rights: designations of persons and entities anywhere, never a country tier;
- ``protective`` (a regime against those destabilising a country: Moldova, Ukraine's territorial
  integrity), ``misappropriation`` (funds stolen from Tunisia, Ukraine), ``territory`` (Crimea,
  occupied Ukrainian areas, Transnistria: no ISO code of their own), ``claims`` and ``blocking``
  (legal protections, not measures against a country): designation regimes, no country tier.

Tiers (0 none .. 3 restricted), by what a country's regimes touch:

- 3: scientific and technical cooperation, technology transfer or whole economic sectors
  (DPRK: UN Security Council resolution 2321 (2016) suspends scientific and technical
  cooperation; Russia and Belarus: comprehensive sectoral measures; Iran: bans on nuclear,
  missile and drone technology and technical assistance);
- 2: an arms embargo together with bans on exports of dual-use goods or equipment for internal
  repression, or sectoral measures against state bodies (Syria, Myanmar, Venezuela, Libya);
- 1: any other country regime: targeted listings (asset freezes, travel bans) and/or an arms
  embargo only (China's 1989 arms embargo, Türkiye 2019, Niger 2023, ...).

China's arms embargo (regime 10) rests on the European Council's declaration of Madrid,
26-27 June 1989, a political declaration with no CFSP legal act: the source has no programme key
and no CELEX for it; the profile names the declaration in ``reason`` and leaves ``celex`` empty.

Usage::

    python scripts/build_eu_profile.py [PROGRAMS_CSV] [PROFILE_CSV] [REGIMES_CSV]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "realdata" / "eu" / "sanctions_map_programs.csv"
PROFILE = ROOT / "kvanalytics" / "data" / "risk_profiles" / "eu-restrictive-measures.csv"
REGIMES_OUT = ROOT / "kvanalytics" / "data" / "eu_sanctions_regimes.csv"
CITATION = (
    "EU Sanctions Map (https://www.sanctionsmap.eu), regime table as kept by OpenSanctions "
    "(datasets/eu/sanctions_map/programs.csv)"
)
CHINA_1989 = "European Council, Madrid, 26-27 June 1989: declaration on China (arms embargo)"

_SECTORAL = "comprehensive sectoral measures"
#: regime_id -> (category, ISO2 or "", tier or 0, what the regime touches).
REGIMES: dict[str, tuple[str, str, int, str]] = {
    "1": ("country", "AF", 1, "asset freezes, travel bans and an arms embargo on the Taliban"),
    "2": (
        "country",
        "BY",
        3,
        f"{_SECTORAL}: bans on exports of dual-use goods and advanced technology, trade and "
        "financial restrictions, asset freezes",
    ),
    "4": ("country", "BA", 1, "framework for targeted listings (asset freezes, travel bans)"),
    "5": ("thematic", "", 0, "ISIL (Da'esh) and Al-Qaida: designations anywhere"),
    "6": ("thematic", "", 0, "terrorism (Common Position 2001/931): designations anywhere"),
    "7": ("country", "BI", 1, "targeted listings (asset freezes, travel bans)"),
    "8": (
        "country",
        "MM",
        2,
        "arms embargo, bans on exports of dual-use goods to the military and border police and of "
        "equipment for internal repression, asset freezes including state enterprises",
    ),
    "9": ("country", "CF", 1, "arms embargo and targeted listings"),
    "10": ("country", "CN", 1, f"arms embargo only ({CHINA_1989}; no legal act, no CELEX)"),
    "11": ("country", "CD", 1, "arms embargo and targeted listings"),
    "14": ("country", "GN", 1, "targeted listings (asset freezes, travel bans)"),
    "15": ("country", "GW", 1, "targeted listings (asset freezes, travel bans)"),
    "16": ("claims", "", 0, "protection against claims by the Haitian authorities (1994)"),
    "17": (
        "country",
        "IR",
        2,
        "human rights: bans on exports of equipment for internal repression and "
        "telecommunications monitoring, asset freezes",
    ),
    "18": (
        "country",
        "IR",
        3,
        "non-proliferation: bans on transfers of nuclear- and missile-related goods, technology "
        "and technical assistance, asset freezes on state bodies",
    ),
    "19": ("country", "IQ", 1, "freezes of funds of the former regime, arms embargo"),
    "20": (
        "country",
        "KP",
        3,
        "non-proliferation: scientific and technical cooperation suspended under UN Security "
        "Council resolution 2321 (2016), arms embargo, dual-use export bans and comprehensive "
        "sectoral measures",
    ),
    "21": ("country", "LB", 1, "arms embargo under UN Security Council resolution 1701 (2006)"),
    "22": ("country", "LB", 1, "listings related to the 14 February 2005 bombing in Beirut"),
    "23": (
        "country",
        "LY",
        2,
        "arms embargo and asset freezes including state investment bodies",
    ),
    "25": ("territory", "", 0, "Transnistrian region (no ISO code): targeted listings"),
    "26": (
        "country",
        "RU",
        3,
        f"{_SECTORAL} (Regulation 833/2014): bans on exports of dual-use goods and advanced "
        "technology, on technical assistance, trade, finance and services",
    ),
    "27": ("claims", "", 0, "protection against claims (UN Security Council resolution 757)"),
    "28": ("claims", "", 0, "protection against claims (UN Security Council resolution 757)"),
    "29": ("country", "SO", 1, "arms embargo and targeted listings"),
    "30": ("country", "SS", 1, "arms embargo and targeted listings"),
    "31": ("country", "SD", 1, "arms embargo and targeted listings"),
    "32": (
        "country",
        "SY",
        2,
        "arms embargo, bans on exports of equipment for internal repression and "
        "telecommunications monitoring, asset freezes",
    ),
    "33": ("misappropriation", "", 0, "funds misappropriated from the Tunisian state"),
    "34": ("country", "LB", 1, "listings related to the 14 February 2005 bombing in Beirut"),
    "35": ("misappropriation", "", 0, "funds misappropriated from the Ukrainian state"),
    "36": (
        "protective",
        "",
        0,
        "listings of those undermining Ukraine's territorial integrity (mostly Russian actors)",
    ),
    "37": ("territory", "", 0, "Crimea and Sevastopol (no ISO code): trade and investment bans"),
    "38": ("blocking", "", 0, "blocking statute against extra-territorial US legislation"),
    "39": ("country", "YE", 1, "targeted arms embargo and listings"),
    "40": ("country", "ZW", 1, "arms embargo"),
    "42": ("country", "ML", 1, "targeted listings (asset freezes, travel bans)"),
    "43": ("claims", "", 0, "protection against claims (UN Security Council resolution 883)"),
    "44": (
        "country",
        "VE",
        2,
        "arms embargo, bans on exports of equipment for internal repression and "
        "telecommunications monitoring, asset freezes",
    ),
    "46": ("thematic", "", 0, "chemical weapons: designations anywhere"),
    "47": ("thematic", "", 0, "cyber-attacks: designations anywhere"),
    "48": ("country", "NI", 1, "targeted listings (asset freezes, travel bans)"),
    "49": (
        "country",
        "TR",
        1,
        "targeted listings for unauthorised drilling in the Eastern Mediterranean",
    ),
    "50": ("thematic", "", 0, "serious human rights violations: designations anywhere"),
    "51": ("country", "LB", 1, "framework for targeted listings (situation in Lebanon)"),
    "52": (
        "territory",
        "",
        0,
        "occupied non-government-controlled areas of Ukraine (no ISO code): trade bans",
    ),
    "54": ("country", "HT", 1, "targeted listings and arms embargo on listed persons"),
    "55": (
        "protective",
        "",
        0,
        "listings of those destabilising Moldova (the regime protects the Moldovan state)",
    ),
    "56": (
        "country",
        "IR",
        2,
        "bans on exports of components for drones and missiles, asset freezes",
    ),
    "57": ("country", "SD", 1, "targeted listings (political transition of Sudan)"),
    "58": ("country", "NE", 1, "targeted listings (asset freezes, travel bans)"),
    "59": ("country", "GT", 1, "targeted listings of those undermining democracy"),
    "60": ("thematic", "", 0, "Hamas and Palestinian Islamic Jihad: designations anywhere"),
    "61": ("country", "RU", 1, "human rights situation in Russia: targeted listings"),
    "63": ("country", "RU", 1, "Russia's destabilising (hybrid) activities: targeted listings"),
}
REGIME_COLUMNS = ["regime_id", "name", "category", "country", "tier", "measures"]
REGIME_COLUMNS += ["program_keys", "has_lists", "celex"]


def _read(source: Path) -> list[dict[str, str]]:
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    unknown = [r["regime_id"] for r in rows if r["regime_id"] not in REGIMES]
    if unknown:
        raise SystemExit(f"regimes {unknown} are not classified: add them to REGIMES")
    return rows


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def regimes_table(source: Path) -> str:
    """Every regime of the source with its category, country, tier and CELEX references."""
    out = []
    for r in _read(source):
        category, country, tier, measures = REGIMES[r["regime_id"]]
        out.append(
            {
                "regime_id": r["regime_id"],
                "name": " ".join(r["name"].split()),
                "category": category,
                "country": country,
                "tier": str(tier) if category == "country" else "",
                "measures": measures,
                "program_keys": r["program_keys"],
                "has_lists": r["has_lists"],
                "celex": r["framework_celexes"],
            }
        )
    return _csv(out, REGIME_COLUMNS)


def profile(source: Path) -> str:
    """The profile: one row per country with a country regime, its highest tier, every
    regime's reason and CELEX references (sorted by country)."""
    by_country: dict[str, list[tuple[dict[str, str], int, str]]] = {}
    for r in _read(source):
        category, country, tier, measures = REGIMES[r["regime_id"]]
        if category == "country":
            by_country.setdefault(country, []).append((r, tier, measures))
    out = []
    for country in sorted(by_country):
        regs = by_country[country]
        tier = max(t for _, t, _ in regs)
        reason = "; ".join(
            f"tier {t}: {' '.join(r['name'].split())} (regime {r['regime_id']}): {m}"
            for r, t, m in sorted(regs, key=lambda x: (-x[1], int(x[0]["regime_id"])))
        )
        celex = sorted({c for r, _, _ in regs for c in r["framework_celexes"].split(";") if c})
        out.append(
            {
                "country": country,
                "tier": str(tier),
                "reason": f"EU restrictive measures, highest tier {tier}. {reason}",
                "source": CITATION,
                "date": "",
                "regimes": ";".join(r["regime_id"] for r, _, _ in regs),
                "celex": ";".join(celex),
            }
        )
    return _csv(out, ["country", "tier", "reason", "source", "date", "regimes", "celex"])


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SOURCE
    prof = Path(argv[1]) if len(argv) > 1 else PROFILE
    regs = Path(argv[2]) if len(argv) > 2 else REGIMES_OUT
    prof.write_text(profile(source), encoding="utf-8")
    regs.write_text(regimes_table(source), encoding="utf-8")
    print(f"wrote {prof} and {regs}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
