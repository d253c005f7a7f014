"""Reference data: country risk profiles and institution watchlists, bundled or read from files.

**Risk profiles** map countries to a tier (0 none, 1 watch, 2 high, 3 restricted) with a reason,
source and date per country; profile-level facts (name, description, source, date) are in
``df.attrs["profile"]``. Bundled: ``nl-2022-freeze``, ``eu-restrictive-measures``,
``freedom-house-2024`` and the dated ``freedom-house`` (editions 2013-2024, each in force from
its release date) (:func:`list_risk_profiles`). The tier of a country in a profile is decided in
one place, :func:`risk_tiers` (one row per country, per edition in a dated profile; a country
given twice is an error; a country not in the profile has no tier; ``at=`` picks the edition in
force, none before the first), used by exposure and impact alike. Several profiles (*lenses*)
combine by the highest tier, every lens's reason kept (:func:`combine_profiles`;
``risk_tiers([...])``); :func:`risk_tiers_at` gives the tables in force over many days at once.

A lens "countries of concern in national threat assessments" (Norway's guidelines, seed 003,
name the assessments of E-tjenesten, PST and NSM but no country list) is not bundled: no citable
list is available to the project. Supply it as a profile CSV (``country,tier,reason,source``,
optionally ``valid_from``/``valid_to`` per edition) citing the assessment each row comes from.

**Watchlists** are tidy tables with one row per *name variant* (the listed name and each alias):
``list, kind, entry_id, name, is_alias, country, identifiers, listed_on, program, source,
list_date`` plus ``entity_type`` (entity, individual, vessel, aircraft; NA when the list does
not say), ``countries`` (every ISO2 code the entry's addresses or nationalities give, ``;``
separated, NA when any of them is unknown), ``reason`` and ``note``. ``kind`` keeps government
**designations** (sanctions, export control) apart from **assessments** (statements, ratings).
Per-list facts (kind, source, date, file, number of entries) are in ``df.attrs["watchlists"]``.

Readers exist for the real formats (``formats/``): the US Consolidated Screening List CSV
(:func:`read_csl`), OFAC's legacy ``sdn.csv`` (:func:`read_sdn`), the UN Security Council
consolidated list XML (:func:`read_un_xml`); and a simple CSV for institution lists
(:func:`read_watchlist`).

**Registries** of institutions serve as the ``reference=`` of partner matching: the Erasmus
Charter for Higher Education holders list (:func:`read_erasmus_charter`, CSV or XLSX as the
Commission publishes it), with :func:`lookup_identifiers` to find partners by Erasmus code or PIC
before any fuzzy step.

Every reader checks the whole file and raises one :class:`~kvanalytics.errors.ReferenceDataError`
naming the file, row, column and what was expected; the error's ``problems`` attribute holds
all failures as a table. Row numbers count the header as row 1, as a spreadsheet shows them.
ISO codes are read with ``keep_default_na=False``: ``"NA"`` is Namibia, never missing.

==========================  ===============================================================
module                      holds
==========================  ===============================================================
``_validate``               problems collected and raised once; text, dates, ISO2, columns
``_canonical``              the canonical profile and watchlist tables, name variants
``_freedom_house``          Freedom in the World facts and the profile derived from them
``_profiles``               reading, listing, loading profiles; :func:`risk_tiers`
``formats/``                the real list formats (CSL, SDN, UN) and which one a file is
``_watchlists``             the simple watchlist CSV, bundled lists, :func:`load_watchlist`
``_registries``             institution registries: the Erasmus Charter holders list
==========================  ===============================================================
"""

from ._canonical import KINDS, PROFILE_COLUMNS, TIERS, WATCHLIST_COLUMNS
from ._freedom_house import (
    FH_RELEASE,
    FH_STATUS,
    FREEDOM_HOUSE_FACTS,
    dated_profile_from_freedom_house,
    freedom_house_facts,
    risk_profile_from_freedom_house,
)
from ._profiles import (
    COMBINE_RULES,
    COMBINED_COLUMNS,
    RISK_PROFILE_DIR,
    TIER_COLUMNS,
    ProfilesArg,
    combine_profiles,
    list_risk_profiles,
    load_risk_profile,
    read_risk_profile,
    risk_tiers,
    risk_tiers_at,
)
from ._registries import ERASMUS_CHARTER_COLUMNS, lookup_identifiers, read_erasmus_charter
from ._watchlists import (
    WATCHLIST_CSV_OPTIONAL,
    WATCHLIST_CSV_REQUIRED,
    WATCHLIST_DIR,
    list_watchlists,
    load_watchlist,
    read_watchlist,
)
from .formats import read_csl, read_sdn, read_un_xml

__all__ = [
    "COMBINED_COLUMNS",
    "COMBINE_RULES",
    "ERASMUS_CHARTER_COLUMNS",
    "FH_RELEASE",
    "FH_STATUS",
    "FREEDOM_HOUSE_FACTS",
    "KINDS",
    "PROFILE_COLUMNS",
    "RISK_PROFILE_DIR",
    "TIERS",
    "TIER_COLUMNS",
    "WATCHLIST_COLUMNS",
    "WATCHLIST_CSV_OPTIONAL",
    "WATCHLIST_CSV_REQUIRED",
    "WATCHLIST_DIR",
    "ProfilesArg",
    "combine_profiles",
    "dated_profile_from_freedom_house",
    "freedom_house_facts",
    "list_risk_profiles",
    "list_watchlists",
    "load_risk_profile",
    "load_watchlist",
    "lookup_identifiers",
    "read_csl",
    "read_erasmus_charter",
    "read_risk_profile",
    "read_sdn",
    "read_un_xml",
    "read_watchlist",
    "risk_profile_from_freedom_house",
    "risk_tiers",
    "risk_tiers_at",
]
