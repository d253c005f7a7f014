"""Write the unseen-exports corpus (tests/data/unseen/) byte for byte, deterministically.

Partner lists and headcounts in thirteen languages laid out the way international-office
systems export them (Mobility-Online, MoveON, SAP, Osiris, FS, Ladok, hand-made Excel): title
blocks, several sheets, totals rows in the file's language, foreign missing markers, Erasmus
codes with and without a country column, countries in the file's language and colloquially.

Two sets: ``check_*`` files were written (with their expected outcome in ``expected.csv``)
before anything was tuned, and are never tuned against; ``tune_*`` files are what the
vocabulary was fixed against. The expected outcomes are reasoned by hand in ``expected.csv``,
not computed here. Workbooks reuse the deterministic writer of ``make_hostile.py``.

Usage: ``python tests/data/unseen/make_unseen.py [OUT_DIR]`` (default: this folder).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("make_hostile", HERE.parent / "make_hostile.py")
assert _spec is not None and _spec.loader is not None
_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hostile)
Date = _hostile.Date
xlsx_bytes = _hostile.xlsx_bytes

Rows = list[list[object]]


def csv_bytes(rows: Rows, *, sep: str = ",", encoding: str = "utf-8", eol: str = "\r\n") -> bytes:
    """The rows as a CSV export: ``encoding`` (``utf-8-sig`` writes a BOM), ``sep``, ``eol``."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode(encoding)


def serial(iso: str) -> object:
    """An Excel date cell for an ISO date."""
    import datetime as dt  # only here: the generator's one date helper

    d = dt.date.fromisoformat(iso)
    return Date((d - dt.date(1899, 12, 30)).days)


# ------------------------------------------------------------------------------------------------
# The checking set: written before any tuning, never tuned against
# ------------------------------------------------------------------------------------------------


def checking() -> dict[str, bytes]:
    f: dict[str, bytes] = {}
    # MoveON, Italian, utf-8 with BOM, ';'; a 'Totale' row; 'n.d.' for an unknown end date
    f["check_moveon_it.csv"] = csv_bytes(
        [
            ["Codice accordo", "Istituto partner", "Paese", "Codice Erasmus", "Tipo di accordo",
             "Data inizio", "Data fine", "Facoltà"],
            ["IT-2023-01", "Freie Universität Berlin", "Germania", "D  BERLIN01",
             "Mobilità studenti", "01/09/2023", "31/08/2027", "Ingegneria"],
            ["IT-2023-02", "Universidad de Granada", "Spagna", "E  GRANADA01", "Mobilità studenti",
             "01/09/2023", "31/08/2027", "Lettere"],
            ["IT-2023-03", "Université de Lyon", "Francia", "F  LYON01", "Ricerca", "15/01/2024",
             "n.d.", "Scienze"],
            ["IT-2024-04", "Universiteit Leiden", "Paesi Bassi", "NL LEIDEN01", "Mobilità studenti",
             "01/09/2024", "31/08/2028", "Lettere"],
            ["IT-2024-05", "University of Glasgow", "Regno Unito", "UK GLASGOW01", "Ricerca",
             "01/03/2024", "28/02/2026", "Medicina"],
            ["IT-2024-06", "Universiteit Utrecht", "Olanda", "NL UTRECHT01", "Mobilità studenti",
             "01/09/2024", "31/08/2028", "Scienze"],
            ["Totale", None, None, None, None, None, None, None],
        ],
        sep=";", encoding="utf-8-sig",
    )  # fmt: skip
    # Ladok-like hand-made Excel, Swedish: title block, 'Totalt' row, an info sheet
    f["check_ladok_sv.xlsx"] = xlsx_bytes(
        {
            "Avtal": [
                ["Utbytesavtal 2025 – Lunds universitet, internationella avdelningen"],
                [],
                ["Avtals-ID", "Partneruniversitet", "Land/region", "Avtalstyp", "Giltigt från",
                 "Giltigt till", "Fakultet", "Erasmuskod"],
                ["LU-101", "Universität Hamburg", "Tyskland", "Studentutbyte",
                 serial("2022-08-01"), serial("2027-07-31"), "Naturvetenskap", "D  HAMBURG01"],
                ["LU-102", "Rijksuniversiteit Groningen", "Nederländerna", "Studentutbyte",
                 serial("2023-08-01"), None, "Samhällsvetenskap", "NL GRONING01"],
                ["LU-103", "University of Leeds", "Storbritannien", "Forskningssamarbete",
                 serial("2024-01-01"), serial("2026-12-31"), "Medicin", "UK LEEDS01"],
                ["LU-104", "ETH Zürich", "Schweiz", "Studentutbyte", serial("2021-08-01"),
                 serial("2026-07-31"), "Teknik", "CH ZURICH01"],
                ["LU-105", "University of California, Berkeley", "USA", "Forskningssamarbete",
                 serial("2023-05-01"), serial("2028-04-30"), "Teknik", None],
                ["LU-106", "Seoul National University", "Sydkorea", "Studentutbyte",
                 serial("2024-08-01"), serial("2029-07-31"), "Ekonomi", None],
                [None, "Totalt", None, None, None, None, None, None],
            ],
            "Info": [["Källa", "Ladok / manuellt sammanställd"], ["Datum", "2025-02-03"]],
        },
        merged={"Avtal": ["A1:H1"]},
    )  # fmt: skip
    # FS (Norway), bokmål, cp1252, ';'; 'Sum' row; one Erasmus code that disagrees with Land
    f["check_fs_nb.csv"] = csv_bytes(
        [
            ["Avtalenr", "Institusjon", "Land", "Avtaletype", "Gyldig fra", "Gyldig til",
             "Fakultet", "Erasmuskode"],
            ["FS-0012", "Universität Heidelberg", "Tyskland", "Utveksling", "01.08.2022",
             "31.07.2027", "Det medisinske fakultet", "D  HEIDELB01"],
            ["FS-0013", "Universiteit van Amsterdam", "Nederland", "Utveksling", "01.08.2023",
             "31.07.2028", "Det humanistiske fakultet", "NL AMSTERD01"],
            ["FS-0014", "University of Bristol", "Storbritannia", "Forskning", "01.01.2024",
             "", "Det matematisk-naturvitenskapelige fakultet", "UK BRISTOL01"],
            ["FS-0015", "Universität Bern", "Sveits", "Utveksling", "01.08.2021", "31.07.2026",
             "Det juridiske fakultet", "CH BERN01"],
            ["FS-0016", "Sorbonne Université", "Frankrike", "Utveksling", "01.08.2024",
             "31.07.2029", "Det humanistiske fakultet", "F  PARIS468"],
            ["FS-0017", "Københavns Universitet", "Danmark", "Forskning", "01.03.2023",
             "28.02.2027", "Det medisinske fakultet", "S  LUND01"],
            ["Sum", "", "", "", "", "", "", ""],
        ],
        sep=";", encoding="cp1252",
    )  # fmt: skip
    # Osiris, Dutch, tab-separated utf-8; no id column; 'Totaal' row; '-' as missing end date
    f["check_osiris_nl.csv"] = csv_bytes(
        [
            ["Instelling partner", "Land", "Soort uitwisseling", "Begindatum", "Einddatum",
             "Faculteit", "Erasmus code", "Contactpersoon partner", "E-mail"],
            ["Humboldt-Universität zu Berlin", "Duitsland", "Studentenuitwisseling",
             "01-09-2023", "31-08-2028", "Geesteswetenschappen", "D  BERLIN13", "Dr. K. Maier",
             "k.maier@hu-berlin.de"],
            ["University of Manchester", "Engeland", "Studentenuitwisseling", "01-09-2022", "-",
             "Bètawetenschappen", "UK MANCHES01", "J. Smith", "j.smith@manchester.ac.uk"],
            ["Univerzita Karlova", "Tsjechië", "Stafuitwisseling", "01-02-2024", "31-01-2029",
             "Rechtsgeleerdheid", "CZ PRAHA07", "P. Novák", "novak@cuni.cz"],
            ["Boston University", "Verenigde Staten", "Studentenuitwisseling", "15-08-2023",
             "14-08-2026", "Sociale Wetenschappen", "", "A. Brown", "abrown@bu.edu"],
            ["Universität Zürich", "Zwitserland", "Studentenuitwisseling", "01-09-2021",
             "31-08-2026", "Geneeskunde", "CH ZURICH02", "M. Keller", "keller@uzh.ch"],
            ["Universitat de Barcelona", "Spanje", "Studentenuitwisseling", "01-09-2024",
             "31-08-2029", "Geesteswetenschappen", "E  BARCELO01", "L. Puig", "puig@ub.edu"],
            ["Totaal", "", "", "", "", "", "", "", ""],
        ],
        sep="\t", encoding="utf-8",
    )  # fmt: skip
    # SAP export, German, no title; 'Gesamt' in the id column; Ansprechpartner (a false friend)
    f["check_sap_de.xlsx"] = xlsx_bytes(
        {
            "Tabelle1": [
                ["Vertragsnummer", "Partnerhochschule", "Land", "Vertragsart", "Gültig ab",
                 "Gültig bis", "Fakultät", "Erasmus-Code", "Ansprechpartner"],
                ["4500012301", "Université de Strasbourg", "Frankreich", "Studierendenaustausch",
                 serial("2022-10-01"), serial("2027-09-30"), "Philosophische Fakultät",
                 "F  STRASBO48", "Dr. Martin"],
                ["4500012302", "University of Edinburgh", "Vereinigtes Königreich",
                 "Forschungskooperation", serial("2023-01-01"), serial("2025-12-31"),
                 "Medizinische Fakultät", "UK EDINBUR01", "Prof. Smith"],
                ["4500012303", "Universiteit Gent", "Belgien", "Studierendenaustausch",
                 serial("2021-10-01"), serial("2026-09-30"), "Philosophische Fakultät",
                 "B  GENT01", "Frau Peeters"],
                ["4500012304", "Univerzita Karlova", "Tschechien", "Studierendenaustausch",
                 serial("2024-10-01"), None, "Juristische Fakultät", "CZ PRAHA07", "Herr Novák"],
                ["4500012305", "Technische Universiteit Eindhoven", "Holland",
                 "Forschungskooperation", serial("2023-04-01"), serial("2026-03-31"),
                 "Fakultät für Physik", "NL EINDHOV17", "Dr. de Vries"],
                ["4500012306", "Universität Wien", "Österreich", "Studierendenaustausch",
                 serial("2022-10-01"), serial("2027-09-30"), "Juristische Fakultät", "A  WIEN01",
                 "Mag. Huber"],
                ["Gesamt", None, None, None, None, None, None, None, None],
            ]
        }
    )  # fmt: skip
    # Mobility-Online, Spanish, cp1252, ';'; 'N/D' for unknown end; 'TOTAL' row with places
    f["check_mobility_online_es.csv"] = csv_bytes(
        [
            ["ID Acuerdo", "Universidad de destino", "País", "Código Erasmus", "Tipo de acuerdo",
             "Fecha inicio", "Fecha fin", "Centro", "Plazas"],
            ["MO-3301", "Universität Stuttgart", "Alemania", "D  STUTTGA01", "Intercambio",
             "01/09/2022", "31/08/2027", "ETSI Industriales", "3"],
            ["MO-3302", "TU Delft", "Holanda", "NL DELFT01", "Intercambio", "01/09/2023", "N/D",
             "ETSI Caminos", "2"],
            ["MO-3303", "Imperial College London", "Reino Unido", "UK LONDON029", "Investigación",
             "01/01/2024", "31/12/2026", "ETSI Industriales", "1"],
            ["MO-3304", "Politecnico di Torino", "Italia", "I  TORINO02", "Intercambio",
             "01/09/2021", "31/08/2026", "ETSI Caminos", "4"],
            ["MO-3305", "Georgia Institute of Technology", "EEUU", "", "Investigación",
             "01/02/2024", "31/01/2027", "ETSI Aeronáutica", "2"],
            ["MO-3306", "KTH Kungliga Tekniska högskolan", "Suecia", "S  STOCKHO04",
             "Intercambio", "01/09/2024", "31/08/2029", "ETSI Aeronáutica", "2"],
            ["TOTAL", "", "", "", "", "", "", "", "14"],
        ],
        sep=";", encoding="cp1252",
    )  # fmt: skip
    # Polish headcounts, utf-8, ','; 'Razem' row
    f["check_headcounts_pl.csv"] = csv_bytes(
        [
            ["Rok akademicki", "Wydział", "Kategoria", "Obywatelstwo", "Liczba studentów"],
            ["2024/2025", "Wydział Elektroniki", "Doktoranci", "Niemcy", "4"],
            ["2024/2025", "Wydział Elektroniki", "Doktoranci", "Ukraina", "12"],
            ["2024/2025", "Wydział Chemiczny", "Doktoranci", "Hiszpania", "3"],
            ["2024/2025", "Wydział Chemiczny", "Doktoranci", "Białoruś", "7"],
            ["2024/2025", "Wydział Chemiczny", "Doktoranci", "Chiny", "9"],
            ["Razem", "", "", "", "35"],
        ],
    )  # fmt: skip
    # Finnish hand-made workbook: two title rows, d.m.yyyy text dates, 'Yhteensä' row
    f["check_fi_partners.xlsx"] = xlsx_bytes(
        {
            "Sopimukset": [
                ["Kansainväliset yhteistyösopimukset"],
                ["Päivitetty 3.2.2025"],
                [],
                ["Sopimustunnus", "Yhteistyökorkeakoulu", "Maa", "Sopimustyyppi",
                 "Voimassa alkaen", "Voimassa asti", "Tiedekunta"],
                ["S-2201", "Universität Leipzig", "Saksa", "Opiskelijavaihto", "1.8.2022",
                 "31.7.2027", "Humanistinen tiedekunta"],
                ["S-2202", "Stockholms universitet", "Ruotsi", "Opiskelijavaihto", "1.8.2023",
                 "31.7.2028", "Humanistinen tiedekunta"],
                ["S-2203", "Universiteit Twente", "Alankomaat", "Tutkimusyhteistyö", "1.1.2024",
                 "31.12.2026", "Teknillinen tiedekunta"],
                ["S-2204", "University of York", "Iso-Britannia", "Opiskelijavaihto", "1.8.2021",
                 "31.7.2026", "Kasvatustieteellinen tiedekunta"],
                ["S-2205", "Tohoku University", "Japani", "Tutkimusyhteistyö", "1.4.2023",
                 "31.3.2028", "Teknillinen tiedekunta"],
                ["S-2206", "Tartu Ülikool", "Viro", "Opiskelijavaihto", "1.8.2024", "",
                 "Humanistinen tiedekunta"],
                ["Yhteensä", None, None, None, None, None, None],
            ]
        },
        merged={"Sopimukset": ["A1:G1", "A2:G2"]},
    )  # fmt: skip
    # Portuguese, utf-8, ','; 'n/d' end; an unknown country; 'Total' row
    f["check_pt_parceiros.csv"] = csv_bytes(
        [
            ["Código do acordo", "Instituição parceira", "País", "Código Erasmus",
             "Tipo de acordo", "Data de início", "Data de fim", "Unidade orgânica"],
            ["AC-501", "Universität Freiburg", "Alemanha", "D  FREIBUR01", "Mobilidade",
             "01/09/2023", "31/08/2028", "Faculdade de Letras"],
            ["AC-502", "Universidad de Salamanca", "Espanha", "E  SALAMAN02", "Mobilidade",
             "01/09/2022", "31/08/2027", "Faculdade de Letras"],
            ["AC-503", "Universiteit Maastricht", "Holanda", "NL MAASTRI01", "Investigação",
             "01/01/2024", "n/d", "Faculdade de Medicina"],
            ["AC-504", "University of Warwick", "Reino Unido", "UK COVENTR02", "Mobilidade",
             "01/09/2021", "31/08/2026", "Faculdade de Economia"],
            ["AC-505", "Universidade de São Paulo", "Brasil", "", "Investigação", "01/03/2023",
             "28/02/2028", "Faculdade de Medicina"],
            ["AC-506", "University of Texas at Austin", "Estados Unidos", "", "Mobilidade",
             "01/08/2024", "31/07/2029", "Faculdade de Engenharia"],
            ["AC-507", "Universidade da Atlântida", "Atlântida", "", "Mobilidade", "01/09/2024",
             "31/08/2029", "Faculdade de Letras"],
            ["Total", "", "", "", "", "", "", ""],
        ],
    )  # fmt: skip
    # Danish headcounts workbook: no group column (given by --set); 'I alt' row
    f["check_headcounts_da.xlsx"] = xlsx_bytes(
        {
            "Udveksling": [
                ["Indrejsende udvekslingsstuderende efter nationalitet"],
                [],
                ["Studieår", "Fakultet", "Nationalitet", "Antal studerende"],
                ["2024/25", "Det Natur- og Biovidenskabelige Fakultet", "Tyskland", 14],
                ["2024/25", "Det Natur- og Biovidenskabelige Fakultet", "Norge", 6],
                ["2024/25", "Det Humanistiske Fakultet", "Sverige", 8],
                ["2024/25", "Det Humanistiske Fakultet", "Holland", 5],
                ["2024/25", "Det Samfundsvidenskabelige Fakultet", "Kina", 11],
                ["2024/25", "Det Samfundsvidenskabelige Fakultet", "Storbritannien", 7],
                ["I alt", None, None, 51],
            ]
        }
    )  # fmt: skip
    # French, utf-8, ';'; 'NC' end; 'Total général' row; a contact person (false friend)
    f["check_fr_conventions.csv"] = csv_bytes(
        [
            ["N° convention", "Établissement partenaire", "Pays", "Code Erasmus",
             "Type d'accord", "Date de début", "Date de fin", "Composante",
             "Personne de contact"],
            ["CV-2023-11", "Universität Mannheim", "Allemagne", "D  MANNHEI01", "Échange",
             "01/09/2023", "31/08/2028", "UFR Économie", "M. Weber"],
            ["CV-2022-12", "University of Nottingham", "Royaume-Uni", "UK NOTTING01",
             "Échange", "01/09/2022", "31/08/2027", "UFR Lettres", "Mrs Jones"],
            ["CV-2024-13", "Universiteit Antwerpen", "Belgique", "B  ANTWERP01", "Recherche",
             "01/01/2024", "NC", "UFR Sciences", "Dr Janssens"],
            ["CV-2021-14", "Radboud Universiteit", "Hollande", "NL NIJMEGE01", "Échange",
             "01/09/2021", "31/08/2026", "UFR Lettres", "Mw. Bakker"],
            ["CV-2023-15", "Université de Genève", "Suisse", "CH GENEVE01", "Échange",
             "01/09/2023", "31/08/2028", "UFR Sciences", "M. Favre"],
            ["CV-2024-16", "McGill University", "Canada", "", "Recherche", "01/05/2024",
             "30/04/2029", "UFR Sciences", "Ms. Tremblay"],
            ["Total général", "", "", "", "", "", "", "", ""],
        ],
        sep=";",
    )  # fmt: skip
    # Nynorsk headcounts, utf-8, ';'; group by --set; 'Totalt' row
    f["check_headcounts_nn.csv"] = csv_bytes(
        [
            ["Studieår", "Fakultet", "Statsborgarskap", "Tal studentar"],
            ["2023/2024", "Fakultet for naturvitskap", "Tyskland", "9"],
            ["2023/2024", "Fakultet for naturvitskap", "Sverige", "4"],
            ["2023/2024", "Fakultet for humaniora", "Nederland", "6"],
            ["2023/2024", "Fakultet for humaniora", "Storbritannia", "3"],
            ["2023/2024", "Fakultet for humaniora", "Kina", "5"],
            ["Totalt", "", "", "27"],
        ],
        sep=";",
    )  # fmt: skip
    return f


def tuning() -> dict[str, bytes]:
    f: dict[str, bytes] = {}
    # Mobility-Online, Spanish workbook: title block, no country column (the Erasmus code gives
    # it), a legend sheet, 'Suma total' row
    f["tune_mo_es_socios.xlsx"] = xlsx_bytes(
        {
            "Socios": [
                ["Convocatoria Erasmus+ 2025/26 – Plazas por socio"],
                ["Escuela Técnica Superior de Ingeniería"],
                [],
                ["Socio", "Código Erasmus", "Ciudad", "Área de estudio", "Plazas", "Meses"],
                ["Technische Universität Dresden", "D  DRESDEN02", "Dresden", "0714", 2, 10],
                ["Aalto-yliopisto", "SF ESPOO12", "Espoo", "0714", 2, 5],
                ["Politechnika Wrocławska", "PL WROCLAW02", "Wrocław", "0715", 3, 10],
                ["Université Grenoble Alpes", "F  GRENOBL55", "Grenoble", "0714", 2, 10],
                [
                    "Norges teknisk-naturvitenskapelige universitet",
                    "N  TRONDHE01",
                    "Trondheim",
                    "0713",
                    1,
                    10,
                ],
                ["Suma total", None, None, None, 10, 45],
            ],
            "Leyenda": [["Área de estudio", "Código ISCED-F 2013"], ["Meses", "por plaza"]],
        },
        merged={"Socios": ["A1:F1", "A2:F2"]},
    )
    # MoveON, Italian, tab-separated; no country column; 'Totale complessivo' row
    f["tune_moveon_it_erasmus.csv"] = csv_bytes(
        [
            ["Ateneo partner", "Codice Erasmus", "Area disciplinare", "Posti", "Mensilità",
             "Referente"],
            ["Universität Wien", "A  WIEN01", "Giurisprudenza", "2", "10", "Prof. Bianchi"],
            ["Universidad Complutense de Madrid", "E  MADRID03", "Lettere", "3", "9",
             "Prof.ssa Rossi"],
            ["Uniwersytet Jagielloński", "PL KRAKOW01", "Storia", "2", "5", "Prof. Verdi"],
            ["Københavns Universitet", "DK KOBENHA01", "Biologia", "1", "10", "Prof. Neri"],
            ["Totale complessivo", "", "", "8", "34", ""],
        ],
        sep="\t",
    )  # fmt: skip
    # Polish partner list, utf-8, ';'; 'Lp.' ordinal; 'brak' end; 'Razem' row
    f["tune_pl_uczelnie.csv"] = csv_bytes(
        [
            ["Lp.", "Uczelnia partnerska", "Kraj", "Kod Erasmus", "Rodzaj umowy",
             "Data rozpoczęcia", "Data zakończenia", "Wydział", "Osoba kontaktowa"],
            ["1", "Universität Leipzig", "Niemcy", "D  LEIPZIG01", "Wymiana studentów",
             "01.10.2022", "30.09.2027", "Wydział Filologiczny", "dr Kowalski"],
            ["2", "Université de Bordeaux", "Francja", "F  BORDEAU58", "Wymiana studentów",
             "01.10.2023", "30.09.2028", "Wydział Chemii", "dr Nowak"],
            ["3", "Universidad de Sevilla", "Hiszpania", "E  SEVILLA01", "Współpraca naukowa",
             "01.01.2024", "brak", "Wydział Chemii", "prof. Wiśniewski"],
            ["4", "Università di Bologna", "Włochy", "I  BOLOGNA01", "Wymiana studentów",
             "01.10.2021", "30.09.2026", "Wydział Filologiczny", "dr Wójcik"],
            ["5", "Masarykova univerzita", "Czechy", "CZ BRNO05", "Wymiana studentów",
             "01.10.2024", "30.09.2029", "Wydział Prawa", "dr Kamińska"],
            ["6", "University of Sheffield", "Wielka Brytania", "UK SHEFFIE01",
             "Współpraca naukowa", "01.03.2023", "28.02.2026", "Wydział Chemii", "prof. Lewandowski"],
            ["", "Razem", "", "", "", "", "", "", ""],
        ],
        sep=";",
    )  # fmt: skip
    # Danish, cp1252, ';'; England is GB; 'I alt' row; Kontaktperson (false friend)
    f["tune_da_partnere.csv"] = csv_bytes(
        [
            ["Aftale-ID", "Partnerinstitution", "Land", "Aftaletype", "Gyldig fra", "Gyldig til",
             "Fakultet", "Kontaktperson"],
            ["AU-7001", "Universität Kiel", "Tyskland", "Studenterudveksling", "01-08-2022",
             "31-07-2027", "Natural Sciences", "Hr. Jensen"],
            ["AU-7002", "Universiteit Leiden", "Holland", "Studenterudveksling", "01-08-2023",
             "31-07-2028", "Arts", "Fru Hansen"],
            ["AU-7003", "University of Exeter", "England", "Forskningssamarbejde", "01-01-2024",
             "31-12-2026", "Health", "Hr. Nielsen"],
            ["AU-7004", "Université de Montpellier", "Frankrig", "Studenterudveksling",
             "01-08-2021", "31-07-2026", "Natural Sciences", "Fru Pedersen"],
            ["AU-7005", "Uppsala universitet", "Sverige", "Studenterudveksling", "01-08-2024",
             "", "Arts", "Hr. Andersen"],
            ["AU-7006", "University of Michigan", "USA", "Forskningssamarbejde", "01-05-2023",
             "30-04-2028", "Health", "Fru Larsen"],
            ["I alt", "", "", "", "", "", "", ""],
        ],
        sep=";", encoding="cp1252",
    )  # fmt: skip
    # Swedish, utf-8, tab; no id column; 'Summa' row; '–' end
    f["tune_sv_utbyte.csv"] = csv_bytes(
        [
            ["Lärosäte", "Land", "Avtalstyp", "Startdatum", "Slutdatum", "Fakultet",
             "Antal platser", "Kontaktperson"],
            ["Universität Göttingen", "Tyskland", "Utbytesavtal", "2022-08-01", "2027-07-31",
             "Humanistiska fakulteten", "2", "Anna Berg"],
            ["Université de Lille", "Frankrike", "Utbytesavtal", "2023-08-01", "2028-07-31",
             "Humanistiska fakulteten", "2", "Erik Lund"],
            ["Universidad de Valencia", "Spanien", "Utbytesavtal", "2024-01-01", "–",
             "Samhällsvetenskapliga fakulteten", "3", "Karin Holm"],
            ["Università di Padova", "Italien", "Forskningsavtal", "2021-08-01", "2026-07-31",
             "Medicinska fakulteten", "1", "Lars Ek"],
            ["Universiteit Gent", "Belgien", "Utbytesavtal", "2024-08-01", "2029-07-31",
             "Samhällsvetenskapliga fakulteten", "2", "Maria Sjö"],
            ["University of Toronto", "Kanada", "Forskningsavtal", "2023-05-01", "2028-04-30",
             "Medicinska fakulteten", "1", "Johan Ås"],
            ["Summa", "", "", "", "", "", "11", ""],
        ],
        sep="\t",
    )  # fmt: skip
    # Finnish, utf-8 with BOM, ';'; Hollanti is NL; 'Yhteensä' row; Yhteyshenkilö (false friend)
    f["tune_fi_vaihto.csv"] = csv_bytes(
        [
            ["Yhteistyökorkeakoulu", "Maa", "Erasmus-koodi", "Sopimuksen tyyppi", "Alkamispäivä",
             "Päättymispäivä", "Tiedekunta", "Yhteyshenkilö"],
            ["Universität Münster", "Saksa", "D  MUNSTER01", "Opiskelijavaihto", "1.8.2022",
             "31.7.2027", "Oikeustieteellinen tiedekunta", "Liisa Virtanen"],
            ["Université de Nantes", "Ranska", "F  NANTES01", "Opiskelijavaihto", "1.8.2023",
             "31.7.2028", "Humanistinen tiedekunta", "Matti Korhonen"],
            ["Universidad de Zaragoza", "Espanja", "E  ZARAGOZ01", "Tutkimusyhteistyö",
             "1.1.2024", "31.12.2026", "Lääketieteellinen tiedekunta", "Anna Mäkinen"],
            ["Università di Pisa", "Italia", "I  PISA01", "Opiskelijavaihto", "1.8.2021",
             "31.7.2026", "Humanistinen tiedekunta", "Juha Nieminen"],
            ["Universiteit Utrecht", "Hollanti", "NL UTRECHT01", "Opiskelijavaihto", "1.8.2024",
             "31.7.2029", "Oikeustieteellinen tiedekunta", "Sari Lehtonen"],
            ["University of Washington", "Yhdysvallat", "", "Tutkimusyhteistyö", "1.5.2023",
             "30.4.2028", "Lääketieteellinen tiedekunta", "Pekka Salo"],
            ["Yhteensä", "", "", "", "", "", "", ""],
        ],
        sep=";", encoding="utf-8-sig",
    )  # fmt: skip
    # FS (Norway) headcounts workbook: title, a summary sheet before it, 'Totalt' row
    f["tune_nb_headcounts.xlsx"] = xlsx_bytes(
        {
            "Forside": [["Internasjonale studenter 2024"], ["Kilde: FS, uttrekk 01.10.2024"]],
            "Studenter": [
                ["Internasjonale studenter per fakultet og statsborgerskap"],
                [],
                ["Studieår", "Fakultet", "Studentkategori", "Statsborgerskap",
                 "Antall studenter"],
                ["2024/25", "Fakultet for ingeniørvitenskap", "Innreisende utvekslingsstudenter",
                 "Tyskland", 12],
                ["2024/25", "Fakultet for ingeniørvitenskap", "Innreisende utvekslingsstudenter",
                 "Frankrike", 8],
                ["2024/25", "Fakultet for ingeniørvitenskap", "Ph.d.-kandidater", "Kina", 15],
                ["2024/25", "Det humanistiske fakultet", "Ph.d.-kandidater", "Nederland", 3],
                ["Totalt", None, None, None, 38],
            ],
        },
        merged={"Studenter": ["A1:E1"]},
    )  # fmt: skip
    # Dutch headcounts, cp1252, ';'; '.' (SPSS) as an unknown count; 'Totaal' row
    f["tune_nl_headcounts.csv"] = csv_bytes(
        [
            ["Collegejaar", "Faculteit", "Doelgroep", "Nationaliteit", "Aantal"],
            ["2023-2024", "Faculteit der Letteren", "Inkomende uitwisselingsstudenten",
             "Duitsland", "21"],
            ["2023-2024", "Faculteit der Letteren", "Inkomende uitwisselingsstudenten", "Belgie",
             "9"],
            ["2023-2024", "Faculteit der Bètawetenschappen", "Promovendi", "China", "17"],
            ["2023-2024", "Faculteit der Bètawetenschappen", "Promovendi", "Italië", "."],
            ["2023-2024", "Faculteit der Bètawetenschappen", "Promovendi",
             "Verenigd Koninkrijk", "4"],
            ["Totaal", "", "", "", "51"],
        ],
        sep=";", encoding="cp1252",
    )  # fmt: skip
    # German headcounts workbook; 'Summe' row
    f["tune_de_headcounts.xlsx"] = xlsx_bytes(
        {
            "Daten": [
                ["Studienjahr", "Fakultät", "Personengruppe", "Nationalität", "Anzahl"],
                ["2024/25", "Fakultät für Maschinenbau", "Doktoranden", "Frankreich", 6],
                ["2024/25", "Fakultät für Maschinenbau", "Doktoranden", "Italien", 4],
                ["2024/25", "Fakultät für Informatik", "Doktoranden", "Türkei", 9],
                ["2024/25", "Fakultät für Informatik", "Doktoranden", "Indien", 14],
                ["2024/25", "Fakultät für Informatik", "Doktoranden", "China", 11],
                ["Summe", None, None, None, 44],
            ]
        }
    )  # fmt: skip
    # French headcounts, utf-8, ';'; 'Total' row
    f["tune_fr_effectifs.csv"] = csv_bytes(
        [
            ["Année universitaire", "Composante", "Population", "Nationalité", "Effectif"],
            ["2024-2025", "UFR Sciences", "Doctorants", "Maroc", "7"],
            ["2024-2025", "UFR Sciences", "Doctorants", "Chine", "5"],
            ["2024-2025", "UFR Lettres", "Mobilité entrante", "Italie", "12"],
            ["2024-2025", "UFR Lettres", "Mobilité entrante", "Allemagne", "9"],
            ["2024-2025", "UFR Lettres", "Doctorants", "Sénégal", "3"],
            ["Total", "", "", "", "36"],
        ],
        sep=";",
    )  # fmt: skip
    # MoveON, English, ','; UK/USA/Holland; 'N/A' end; Status; 'Grand Total' row
    f["tune_en_moveon.csv"] = csv_bytes(
        [
            ["Agreement ID", "Partner institution", "Partner country", "Erasmus code",
             "Agreement type", "Valid from", "Valid until", "Faculty", "Contact person",
             "Status"],
            ["AG-0101", "Universität Bonn", "Germany", "D  BONN01", "Student exchange",
             "2022-09-01", "2027-08-31", "Faculty of Arts", "Dr Klein", "Active"],
            ["AG-0102", "Erasmus Universiteit Rotterdam", "Holland", "NL ROTTERD01",
             "Student exchange", "2023-09-01", "N/A", "Faculty of Law", "Ms de Boer", "Active"],
            ["AG-0103", "King's College London", "UK", "UK LONDON011", "Research",
             "2024-01-01", "2026-12-31", "Faculty of Medicine", "Prof Ward", "Active"],
            ["AG-0104", "Yale University", "USA", "", "Research", "2019-05-01", "2024-04-30",
             "Faculty of Medicine", "Prof Lee", "Expired"],
            ["AG-0105", "Korea University", "South Korea", "", "Student exchange",
             "2024-09-01", "2029-08-31", "Faculty of Arts", "Dr Kim", "Active"],
            ["AG-0106", "Univerzita Karlova", "Czechia", "CZ PRAHA07", "Student exchange",
             "2021-09-01", "2026-08-31", "Faculty of Law", "Dr Dvořák", "Active"],
            ["Grand Total", "", "", "", "", "", "", "", "", ""],
        ],
    )  # fmt: skip
    # Hand-made English workbook: title, a notes sheet, School merged down its rows
    f["tune_en_handmade.xlsx"] = xlsx_bytes(
        {
            "Notes": [["Partnerships list kept by the International Office"]],
            "Partners 2024": [
                ["International partnerships – School of Engineering"],
                [],
                ["School", "Institution", "Country", "Type", "Start date", "End date"],
                ["Engineering", "ETH Zurich", "Switzerland", "Exchange", serial("2022-09-01"),
                 serial("2027-08-31")],
                ["Engineering", "Tsinghua University", "China", "Research", serial("2023-01-01"),
                 serial("2025-12-31")],
                ["Engineering", "Universidade de Lisboa", "Portugal", "Exchange",
                 serial("2024-09-01"), None],
                ["Computing", "University of Tokyo", "Japan", "Research", serial("2021-04-01"),
                 serial("2026-03-31")],
                ["Computing", "Politecnico di Milano", "Italy", "Exchange", serial("2023-09-01"),
                 serial("2028-08-31")],
                ["Total", None, None, None, None, None],
            ],
        },
        merged={"Partners 2024": ["A1:F1"]},
    )  # fmt: skip
    # Dutch, utf-8 with BOM, ','; 'Aantal studenten' is not an id; 'Totaal' row
    f["tune_nl_partners.csv"] = csv_bytes(
        [
            ["Partnerinstelling", "Land", "Type overeenkomst", "Ingangsdatum", "Einddatum",
             "Faculteit", "Erasmuscode", "Aantal studenten"],
            ["Universität zu Köln", "Duitsland", "Uitwisseling", "01-09-2022", "31-08-2027",
             "Faculteit der Rechtsgeleerdheid", "D  KOLN01", "4"],
            ["University of Leeds", "Groot-Brittannië", "Onderzoek", "01-01-2024",
             "31-12-2026", "Faculteit der Geneeskunde", "UK LEEDS01", "0"],
            ["Sorbonne Université", "Frankrijk", "Uitwisseling", "01-09-2023", "31-08-2028",
             "Faculteit der Letteren", "F  PARIS468", "3"],
            ["Göteborgs universitet", "Zweden", "Uitwisseling", "01-09-2021", "31-08-2026",
             "Faculteit der Letteren", "S  GOTEBOR01", "2"],
            ["Universitetet i Oslo", "Noorwegen", "Uitwisseling", "01-09-2024", "",
             "Faculteit der Rechtsgeleerdheid", "N  OSLO01", "2"],
            ["Yonsei University", "Zuid-Korea", "Uitwisseling", "01-09-2023", "31-08-2028",
             "Faculteit der Letteren", "", "5"],
            ["Totaal", "", "", "", "", "", "", "16"],
        ],
        encoding="utf-8-sig",
    )  # fmt: skip
    # German partner list, cp1252, ';'; England, Großbritannien; 'Summe' row
    f["tune_de_partner.csv"] = csv_bytes(
        [
            ["Partneruniversität", "Land", "Erasmus-Code", "Art der Vereinbarung", "Beginn",
             "Ende", "Fachbereich"],
            ["Université Paris Cité", "Frankreich", "F  PARIS482", "Studierendenaustausch",
             "01.10.2022", "30.09.2027", "Fachbereich Physik"],
            ["Universidad de Granada", "Spanien", "E  GRANADA01", "Studierendenaustausch",
             "01.10.2023", "30.09.2028", "Fachbereich Geschichte"],
            ["University of Oxford", "Großbritannien", "UK OXFORD01", "Forschungskooperation",
             "01.01.2024", "31.12.2026", "Fachbereich Physik"],
            ["University of Bath", "England", "UK BATH01", "Studierendenaustausch",
             "01.10.2021", "30.09.2026", "Fachbereich Geschichte"],
            ["Universität Basel", "Schweiz", "CH BASEL01", "Studierendenaustausch",
             "01.10.2024", "30.09.2029", "Fachbereich Physik"],
            ["Uniwersytet Warszawski", "Polen", "PL WARSZAW01", "Forschungskooperation",
             "01.03.2023", "28.02.2026", "Fachbereich Geschichte"],
            ["Summe", "", "", "", "", "", ""],
        ],
        sep=";", encoding="cp1252",
    )  # fmt: skip
    # Portuguese workbook, no country column; 'Total' row
    f["tune_pt_erasmus.xlsx"] = xlsx_bytes(
        {
            "Vagas": [
                ["Mobilidade Erasmus+ – Vagas 2025/2026"],
                [],
                ["Instituição", "Código Erasmus", "Área científica", "Vagas"],
                ["Universidad de Oviedo", "E  OVIEDO01", "Engenharia", 2],
                ["Universität Innsbruck", "A  INNSBRU01", "Ciências", 3],
                ["Vilniaus universitetas", "LT VILNIUS01", "Letras", 2],
                ["Univerza v Ljubljani", "SI LJUBLJA01", "Ciências", 1],
                ["Total", None, None, 8],
            ]
        },
        merged={"Vagas": ["A1:D1"]},
    )  # fmt: skip
    # Italian headcounts, utf-8, ';'; 'Totale' row
    f["tune_it_headcounts.csv"] = csv_bytes(
        [
            ["Anno accademico", "Dipartimento", "Tipologia", "Cittadinanza", "Numero studenti"],
            ["2024/2025", "Dipartimento di Fisica", "Dottorandi", "Germania", "3"],
            ["2024/2025", "Dipartimento di Fisica", "Dottorandi", "Spagna", "5"],
            ["2024/2025", "Dipartimento di Chimica", "Dottorandi", "Cina", "8"],
            ["2024/2025", "Dipartimento di Chimica", "Dottorandi", "Albania", "2"],
            ["2024/2025", "Dipartimento di Chimica", "Dottorandi", "Stati Uniti", "1"],
            ["Totale", "", "", "", "19"],
        ],
        sep=";",
    )  # fmt: skip
    # Spanish headcounts, cp1252, ';'; 'Total general' row
    f["tune_es_headcounts.csv"] = csv_bytes(
        [
            ["Curso académico", "Centro", "Colectivo", "Nacionalidad", "Número de estudiantes"],
            ["2024-25", "Facultad de Ciencias", "Doctorandos", "Alemania", "4"],
            ["2024-25", "Facultad de Ciencias", "Doctorandos", "Francia", "3"],
            ["2024-25", "Facultad de Ciencias", "Doctorandos", "México", "10"],
            ["2024-25", "Facultad de Derecho", "Doctorandos", "China", "6"],
            ["2024-25", "Facultad de Derecho", "Doctorandos", "Marruecos", "2"],
            ["Total general", "", "", "", "25"],
        ],
        sep=";", encoding="cp1252",
    )  # fmt: skip
    # Swedish headcounts (Ladok), utf-8, ','; 'Totalt' row
    f["tune_sv_headcounts.csv"] = csv_bytes(
        [
            ["Läsår", "Fakultet", "Kategori", "Medborgarskap", "Antal studenter"],
            ["2023/24", "Teknisk fakultet", "Doktorander", "Tyskland", "5"],
            ["2023/24", "Teknisk fakultet", "Doktorander", "Kina", "13"],
            ["2023/24", "Teknisk fakultet", "Doktorander", "Indien", "9"],
            ["2023/24", "Medicinska fakulteten", "Doktorander", "Iran", "6"],
            ["2023/24", "Medicinska fakulteten", "Doktorander", "Finland", "2"],
            ["Totalt", "", "", "", "35"],
        ],
    )  # fmt: skip
    # Nynorsk partner list, utf-8, ';'; 'Sum' row
    f["tune_nn_avtalar.csv"] = csv_bytes(
        [
            ["Avtalenummer", "Institusjon", "Land", "Avtaletype", "Gyldig frå", "Gyldig til",
             "Fakultet"],
            ["HVL-201", "Universität Rostock", "Tyskland", "Utveksling", "01.08.2022",
             "31.07.2027", "Fakultet for ingeniørfag"],
            ["HVL-202", "Hogeschool Utrecht", "Nederland", "Utveksling", "01.08.2023",
             "31.07.2028", "Fakultet for lærarutdanning"],
            ["HVL-203", "University of Stirling", "Storbritannia", "Forsking", "01.01.2024",
             "31.12.2026", "Fakultet for helse"],
            ["HVL-204", "Université de Rennes", "Frankrike", "Utveksling", "01.08.2021",
             "31.07.2026", "Fakultet for lærarutdanning"],
            ["HVL-205", "Universidad de Málaga", "Spania", "Utveksling", "01.08.2024", "",
             "Fakultet for helse"],
            ["Sum", "", "", "", "", "", ""],
        ],
        sep=";",
    )  # fmt: skip
    # Finnish headcounts workbook; 'Yhteensä' row
    f["tune_fi_headcounts.xlsx"] = xlsx_bytes(
        {
            "Taul1": [
                ["Lukuvuosi", "Tiedekunta", "Ryhmä", "Kansalaisuus", "Opiskelijoiden määrä"],
                ["2024-2025", "Luonnontieteellinen tiedekunta", "Tohtorikoulutettavat", "Saksa", 3],
                ["2024-2025", "Luonnontieteellinen tiedekunta", "Tohtorikoulutettavat", "Venäjä",
                 7],
                ["2024-2025", "Teknillinen tiedekunta", "Tohtorikoulutettavat", "Kiina", 12],
                ["2024-2025", "Teknillinen tiedekunta", "Tohtorikoulutettavat", "Viro", 2],
                ["2024-2025", "Teknillinen tiedekunta", "Tohtorikoulutettavat", "Ruotsi", 1],
                ["Yhteensä", None, None, None, 25],
            ]
        }
    )  # fmt: skip
    # English Erasmus-only list, tab; no country column; 'Total' row
    f["tune_en_erasmus_only.csv"] = csv_bytes(
        [
            ["Partner", "Erasmus Code", "Subject area", "Places"],
            ["Universiteit van Amsterdam", "NL AMSTERD01", "Economics", "2"],
            ["Uniwersytet Warszawski", "PL WARSZAW01", "Economics", "2"],
            ["Helsingin yliopisto", "SF HELSINK01", "History", "1"],
            ["Università di Bologna", "I  BOLOGNA01", "History", "3"],
            ["Total", "", "", "8"],
        ],
        sep="\t",
    )  # fmt: skip
    # German Excel pivot table (compact form): the faculty only on its first row, a subtotal
    # per faculty ('Medizin Ergebnis'), 'Gesamtergebnis'; period and group by --set
    f["tune_de_pivot.xlsx"] = xlsx_bytes(
        {
            "Pivot": [
                ["Incoming-Studierende nach Fakultät und Staatsangehörigkeit, WS 2024/25"],
                [],
                ["Fakultät", "Staatsangehörigkeit", "Anzahl"],
                ["Medizin", "Frankreich", 6],
                [None, "Italien", 4],
                ["Medizin Ergebnis", None, 10],
                ["Informatik", "Indien", 14],
                [None, "China", 11],
                ["Informatik Ergebnis", None, 25],
                ["Gesamtergebnis", None, 35],
            ]
        },
        merged={"Pivot": ["A1:C1"]},
    )  # fmt: skip
    # Hand-made workbook with the faculty merged down its rows (real merged cells)
    f["tune_merged_faculty.xlsx"] = xlsx_bytes(
        {
            "Partners": [
                ["Faculty", "Partner", "Country", "Kind", "Start"],
                ["Law", "Universiteit Leiden", "Netherlands", "exchange", serial("2022-09-01")],
                [None, "KU Leuven", "Belgium", "exchange", serial("2023-09-01")],
                ["Medicine", "Karolinska Institutet", "Sweden", "research", serial("2021-01-01")],
                [None, "Charité – Universitätsmedizin Berlin", "Germany", "research",
                 serial("2024-01-01")],
            ]
        },
        merged={"Partners": ["A2:A3", "A4:A5"]},
    )  # fmt: skip
    # Excel's CSV with a 'sep=;' line, German, cp1252; a footnote under the table
    f["tune_sep_line_de.csv"] = csv_bytes(
        [
            ["sep=;"],
            ["Partnerhochschule", "Land", "Vertragsart", "Beginn", "Fakultät"],
            ["Universität Wien", "Österreich", "Studierendenaustausch", "01.10.2023",
             "Philosophische Fakultät"],
            ["ETH Zürich", "Schweiz", "Forschungskooperation", "01.01.2024",
             "Mathematisch-Naturwissenschaftliche Fakultät"],
            ["Universität Innsbruck", "Österreich", "Studierendenaustausch", "01.10.2022",
             "Philosophische Fakultät"],
            ["Summe", "", "", "", ""],
            [],
            ["Quelle: SAP, Stand 03.02.2025", "", "", "", ""],
        ],
        sep=";", encoding="cp1252",
    )  # fmt: skip
    # MoveON, English, 46 columns (the widest file: header inference is timed on it)
    wide = [
        "Agreement ID", "Agreement status", "Agreement type", "Mobility type", "Home institution",
        "Home institution Erasmus code", "Home faculty", "Partner institution",
        "Partner institution (local name)", "Partner institution Erasmus code",
        "Partner institution PIC", "Partner country", "Partner city", "Partner faculty",
        "Contact person (partner)", "Contact e-mail (partner)", "Contact person (home)",
        "Coordinator (home)", "Start date", "End date", "Valid from academic year",
        "Valid to academic year", "Subject area code (ISCED)", "Subject area", "Education level",
        "Study cycle", "Number of mobilities", "Number of students outgoing",
        "Number of students incoming", "Number of staff mobilities", "Total months",
        "Months per student", "Language requirement", "Language level", "Created on",
        "Last modified", "Modified by", "Remarks", "Signature date home",
        "Signature date partner", "Notes", "Web page", "Fact sheet", "Nomination deadline",
        "Application deadline", "Inter-institutional agreement number",
    ]  # fmt: skip

    def wide_row(i: int, partner: str, code: str, pic: str, country: str, start: str) -> list[str]:
        end = f"{int(start[:4]) + 5}-08-31"
        return [
            f"MO-{i:04d}", "Active", "Erasmus+ KA131", "Student mobility for studies",
            "Universidad Politécnica de Valencia", "E  VALENCI02", "ETSI Telecomunicación",
            partner, partner, code, pic, country, "", "", "Dr X", "x@example.org", "Ms Y",
            "Prof Z", start, end, f"{start[:4]}/{int(start[2:4]) + 1}", f"{end[:4]}", "0714",
            "Electronics and automation", "Bachelor", "1", "4", "2", "2", "1", "20", "5", "B2",
            "English", "2023-01-15", "2024-06-01", "admin", "", "2023-02-01", "2023-02-10", "",
            "", "", "15 May", "1 June", f"IIA-{i}",
        ]  # fmt: skip

    f["tune_moveon_wide_en.csv"] = csv_bytes(
        [
            wide,
            wide_row(1, "Technische Universität Berlin", "D  BERLIN02", "999884635", "Germany",
                     "2023-09-01"),
            wide_row(2, "Politecnico di Milano", "I  MILANO02", "999879785", "Italy",
                     "2023-09-01"),
            wide_row(3, "Aalto University", "SF ESPOO12", "999890297", "Finland", "2024-09-01"),
            wide_row(4, "Technical University of Denmark", "DK LYNGBY01", "999986320",
                     "Denmark", "2022-09-01"),
        ]
    )  # fmt: skip
    # Two headers equally good for one field: ingest stops and prints the columns= line
    f["tune_ambiguous_en.csv"] = csv_bytes(
        [
            ["Partner institution", "Partner country", "Home faculty", "Home department",
             "Agreement type", "Start date"],
            ["Universität Wien", "Austria", "Engineering", "Electronics", "Exchange",
             "2023-09-01"],
        ]
    )  # fmt: skip
    # Hand-made Swedish headcounts in the wide layout (one column per group): read once per
    # group with --columns and --set; 'Totalt' row
    f["tune_sv_wide_headcounts.xlsx"] = xlsx_bytes(
        {
            "Utbyte 2024": [
                ["Utbytesstudenter läsåret 2024/25 per land"],
                [],
                ["Fakultet", "Land", "Inresande", "Utresande"],
                ["Teknisk fakultet", "Tyskland", 12, 9],
                ["Teknisk fakultet", "Frankrike", 7, 4],
                ["Humanistiska fakulteten", "Italien", 5, 8],
                ["Totalt", None, 24, 21],
            ]
        },
        merged={"Utbyte 2024": ["A1:D1"]},
    )  # fmt: skip
    return f


def corpus() -> dict[str, bytes]:
    return {**checking(), **tuning()}


def main(out: Path = HERE) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files = corpus()
    for name, data in files.items():
        (out / name).write_bytes(data)
    print(f"wrote {len(files)} files to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
