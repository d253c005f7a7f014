"""The live what-if (kvanalytics.widgets): controls <-> scenario, published outputs, and the app
driven in-process (widget values set as a user would, outputs read back)."""

from __future__ import annotations

import asyncio
import json
import re
import socket

import pandas as pd
import pytest

from kvanalytics import cli
from kvanalytics import widgets as kvw
from kvanalytics.errors import ScenarioError
from kvanalytics.ingest import read_headcounts, read_partnerships
from kvanalytics.scenarios import MEASURES, impact, list_scenarios, load_scenario

BUNDLED = list(list_scenarios()["name"])


@pytest.fixture(scope="module")
def tables(sample_dir):
    p = read_partnerships(sample_dir / "sample_partnerships.csv", errors="collect").table
    h = read_headcounts(sample_dir / "sample_headcounts.xlsx", errors="collect").table
    return p, h


def _headline(app: kvw.WhatIfApp) -> dict[str, str]:
    """metric -> the text shown in the app's headline."""
    cards = re.findall(
        r"data-metric='([^']+)'>.*?kv-headline-value'>([^<]*)<", app.headline.value, re.S
    )
    return dict(cards)


def _cells(html_text: str) -> list[str]:
    return re.findall(r"<td[^>]*>([^<]*)</td>", html_text)


# --------------------------------------------------------------------------------------------
# Controls <-> scenario
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [kvw.CUSTOM, *BUNDLED])
def test_a_scenario_s_own_control_values_give_the_scenario_back(name):
    base = load_scenario(name or kvw.CUSTOM_SCENARIO)
    assert kvw.scenario_from_controls(kvw.controls_from_scenario(name), name) == base


def test_a_changed_control_changes_the_scenario_and_keeps_what_the_controls_do_not_show():
    values = kvw.controls_from_scenario("whatif-new-country")
    s = kvw.scenario_from_controls({**values, "countries": ("CN", "IR")}, "whatif-new-country")
    base = load_scenario("whatif-new-country")
    assert s.name == "whatif-new-country (what-if)"
    assert s.targets.countries == ("CN", "IR")
    assert s.targets.fields == base.targets.fields  # not a control: kept from the base
    assert s.targets.fields_mode == "intersect"
    assert s.exemptions == base.exemptions


def test_a_scoped_measure_keeps_its_scope_while_ticked_and_a_new_one_is_unscoped():
    name = "no-2023-risk-based"
    base = load_scenario(name)
    scoped = {m: sc for m, sc in base.measures.on().items() if not sc.is_all}
    assert scoped, "the Norwegian scenario scopes its measures"
    values = kvw.controls_from_scenario(name)
    s = kvw.scenario_from_controls(
        {**values, "measures": (*values["measures"], "freeze_institutional")}, name
    )
    on = s.measures.on()
    for m, scope in scoped.items():
        assert on[m] == scope
    assert on["freeze_institutional"].is_all


def test_a_range_keeps_its_central_value_until_its_ends_move():
    name = "nl-2022-freeze"
    values = kvw.controls_from_scenario(name)
    assert values["support_take_up_rate"] == (0.05, 0.3)
    same = kvw.scenario_from_controls(values, name).assumptions.support_take_up_rate
    assert same.central == 0.15
    moved = kvw.scenario_from_controls({**values, "support_take_up_rate": (0.1, 0.5)}, name)
    r = moved.assumptions.support_take_up_rate
    assert (r.low, r.central, r.high) == (0.1, pytest.approx(0.3), 0.5)


def test_a_range_the_base_does_not_use_is_none_and_ignored():
    values = kvw.controls_from_scenario(kvw.CUSTOM)
    assert values["support_take_up_rate"] is None
    s = kvw.scenario_from_controls({**values, "support_take_up_rate": (0.2, 0.4)})
    assert s.assumptions.support_take_up_rate is None


def test_controls_that_target_nothing_raise_one_scenario_error_naming_the_targets():
    values = kvw.controls_from_scenario(kvw.CUSTOM)
    with pytest.raises(ScenarioError, match="no target"):
        kvw.scenario_from_controls({**values, "countries": (), "watchlists": ()})


def test_every_control_has_a_distinct_key_and_a_reader_for_every_bundled_scenario():
    keys = [c.key for c in kvw.CONTROLS]
    assert len(keys) == len(set(keys))
    for name in BUNDLED:
        assert set(kvw.controls_from_scenario(name)) == set(keys)


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------


def test_outputs_are_published_small_people_counts_never_shown(tables):
    p, h = tables
    imp = impact("nl-2022-freeze", p, h)
    out = kvw.whatif_outputs(imp, chart=False)
    bf = imp.by_faculty
    people = [m for m in kvw.TABLE_METRICS if (bf.loc[bf["metric"] == m, "unit"] == "people").any()]
    assert people, "the Dutch freeze stops incoming exchange"
    for m in people:
        raw = bf.loc[bf["metric"] == m].set_index("faculty")["central"].round(0)
        shown = out.table.set_index("faculty")[m]
        small = raw[(raw >= 1) & (raw < 5)]
        assert len(small), f"the sample has small cells in {m}"
        for fac in small.index:
            assert shown[fac] in ("<5", "x"), (m, fac, shown[fac])
        body = shown.drop(index=kvw._label("total", "en"))
        hidden = body.isin(["<5", "x"]).sum()
        assert hidden != 1, f"{m}: one hidden cell beside a total can be recomputed"
    assert out.headline.loc[out.headline["unit"] == "people", "text"].notna().all()


def test_a_small_headline_people_count_shows_as_below_threshold(tables):
    p, h = tables
    s = kvw.scenario_from_controls(
        {"countries": ("DK",), "measures": ("freeze_institutional", "recall_exchange_out")}
    )
    imp = impact(s, p, h)
    central = imp.metric("exchange_out_recalled")[1]
    assert 1 <= round(central) < 5, "fixture: two outgoing students in Denmark"
    out = kvw.whatif_outputs(imp, chart=False)
    text = out.headline.set_index("metric").loc["exchange_out_recalled", "text"]
    assert text.startswith("<5"), text
    assert str(round(central)) not in text


def test_outputs_are_written_for_people_in_the_language(tables):
    p, h = tables
    imp = impact("nl-2022-freeze", p, h)
    nl = kvw.whatif_outputs(imp, lang="nl", chart=False)
    money = nl.headline.set_index("metric").loc["value_eur_stopped", "text"]
    assert money.startswith("€ ") and "." in money  # € 417.655 (Dutch thousands separator)
    html_text = kvw._table_html(nl.table, "nl")
    assert "Faculteit" in html_text and "Totaal" in html_text
    assert not re.search(r"\b(nan|NaN|<NA>|agreements_frozen|None)\b", html_text)


def test_the_chart_has_a_bar_per_faculty_hit_and_no_people_counts(tables):
    p, h = tables
    imp = impact("nl-2022-freeze", p, h)
    chart = kvw.whatif_outputs(imp).chart
    bf = imp.by_faculty
    for m in kvw.CHART_METRICS:
        assert not (bf.loc[bf["metric"] == m, "unit"] == "people").any()
    frozen = bf.loc[(bf["metric"] == "agreements_frozen") & (bf["central"] > 0)]
    widths = re.findall(r"class='kv-bar' style='width:([0-9.]+)%'", chart)
    assert len(widths) >= len(frozen) and max(map(float, widths)) == 100.0
    assert "Agreements frozen" in chart and "€ " in chart
    nothing = kvw.scenario_from_controls({"countries": ("NZ",), "measures": ("review",)})
    assert kvw.whatif_outputs(impact(nothing, p, h)).chart == ""  # no empty panels


# --------------------------------------------------------------------------------------------
# The app, driven in-process
# --------------------------------------------------------------------------------------------


def test_picking_a_scenario_fills_the_controls_and_computes_once(tables):
    app = kvw.whatif_app(*tables)
    before = app.updates
    app.picker.value = "be-2022-rur-signatories"
    assert app.updates == before + 1
    assert app.controls["watchlists"].value == ("rur-2022-signatories",)
    assert app.controls["countries"].value == ()
    assert app.impact is not None and app.impact.scenario == load_scenario(app.picker.value)


def test_each_bundled_scenario_picked_is_computed_as_it_is(tables):
    app = kvw.whatif_app(*tables)
    for name in BUNDLED:
        app.picker.value = name
        assert app.message.value == "", name
        assert app.impact.scenario == load_scenario(name)  # not "<name> (what-if)"


def test_unticking_a_measure_changes_the_headline_and_the_table(tables):
    app = kvw.whatif_app(*tables, scenario="nl-2022-freeze")
    first, table = _headline(app), app.table.value
    assert first["agreements_frozen"] not in ("", "0")
    app.controls["measures"].value = tuple(
        m for m in app.controls["measures"].value if m != "freeze_institutional"
    )
    assert _headline(app)["agreements_frozen"] == "0"
    assert app.table.value != table
    assert app.impact.scenario.name == "nl-2022-freeze (what-if)"


def test_a_ticked_box_is_one_change(tables):
    app = kvw.whatif_app(*tables, scenario="nl-2022-freeze")
    before = app.updates
    app.controls["measures"]._boxes["condition"].value = True
    assert app.updates == before + 1
    assert "condition" in app.impact.scenario.measures.on()


def test_an_invalid_scenario_shows_a_message_not_a_traceback(tables):
    app = kvw.whatif_app(*tables)
    app.controls["countries"].value = ()
    assert "no target" in app.message.value and "kv-error" in app.message.value
    assert "Traceback" not in app.message.value
    assert app.impact is None and app.headline.value == "" and app.chart.value == ""
    app.controls["countries"].value = ("RU",)
    assert app.message.value == "" and app.impact is not None


def test_an_empty_effective_date_is_a_message(tables):
    app = kvw.whatif_app(*tables)
    app.controls["effective"].value = None
    assert "effective" in app.message.value


def test_countries_show_names_beside_codes_and_measures_read_as_labels(tables):
    app = kvw.whatif_app(*tables, lang="nl")
    options = dict(app.controls["countries"].options)
    assert options["Rusland (RU)"] == "RU"
    boxes = app.controls["measures"]._boxes
    assert set(boxes) == set(MEASURES)
    assert all("_" not in b.description for b in boxes.values())
    assert boxes["freeze_institutional"].description == "Institutionele banden bevriezen"


def test_changes_in_quick_succession_recompute_once(tables):
    async def drive() -> int:
        app = kvw.whatif_app(*tables, debounce=0.05)
        await asyncio.sleep(0.2)  # the first computation
        before = app.updates
        app.controls["countries"].value = ("RU",)
        app.controls["countries"].value = ("RU", "BY", "CN")
        app.controls["effective"].value = pd.Timestamp("2027-06-01").date()
        await asyncio.sleep(0.3)
        assert app.impact.scenario.targets.countries == ("RU", "BY", "CN")
        return app.updates - before

    assert asyncio.run(drive()) == 1


def test_dashboard_inputs_follow_the_settings_file_of_the_command(
    tmp_path, sample_dir, monkeypatch
):
    settings = tmp_path / "settings.json"
    settings.write_text(
        json.dumps(
            {
                "options": {"partnerships": [str(sample_dir / "sample_partnerships.csv")]},
                "lang": "nl",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv(kvw.ENV_SETTINGS, str(settings))
    inputs = kvw.dashboard_inputs(project_file="no/such/kvanalytics.yaml")
    assert inputs.lang == "nl" and inputs.headcounts is None and len(inputs.partnerships) > 0
    app = kvw.whatif_app(inputs.partnerships, inputs.headcounts, lang=inputs.lang)
    assert app.message.value == ""  # without headcounts people are unknown, not an error


# --------------------------------------------------------------------------------------------
# The dashboard command: every user error before a server starts
# --------------------------------------------------------------------------------------------


def _dashboard(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["dashboard", "--no-browser", *args])
    return code, capsys.readouterr().err


def test_a_missing_input_is_an_error_before_any_server_starts(capsys, monkeypatch):
    monkeypatch.setattr(cli.subprocess, "Popen", _no_server)
    code, err = _dashboard(capsys, "--partnerships", "no/such/export.csv")
    assert code == 2 and "no/such/export.csv" in err and "no such file" in err
    assert "Traceback" not in err


def test_conflicting_inputs_and_a_bad_port_are_refused(capsys, monkeypatch, sample_dir):
    monkeypatch.setattr(cli.subprocess, "Popen", _no_server)
    code, err = _dashboard(capsys, "--project", "kvanalytics.yaml", "--data", str(sample_dir))
    assert code == 2 and "--project conflicts with --data" in err
    code, err = _dashboard(capsys, "--port", "70000", "--data", str(sample_dir))
    assert code == 2 and "--port 70000" in err


def test_a_busy_port_is_a_clear_error(capsys, monkeypatch, sample_dir):
    monkeypatch.setattr(cli.subprocess, "Popen", _no_server)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, err = _dashboard(capsys, "--port", str(port), "--data", str(sample_dir))
    assert code == 2 and f"127.0.0.1:{port} is in use" in err and "--port" in err


def _no_server(*args, **kwargs):
    raise AssertionError("a server was started")


def test_lenses_control_combines_bundled_profiles_and_keeps_the_users_own(tables):
    app = kvw.whatif_app(*tables, scenario="no-2023-risk-based")
    assert set(app.values()["lenses"]) == {"freedom-house", "eu-restrictive-measures"}
    before = app.impact.summary.set_index("metric")["central"]
    app.controls["lenses"].value = ("freedom-house",)
    lenses = [t.name for t in app.impact.scenario.targets.risk_lenses]
    assert lenses == ["countries-of-concern", "freedom-house"]  # the user's lens is kept
    after = app.impact.summary.set_index("metric")["central"]
    assert after["agreements_reviewed"] <= before["agreements_reviewed"]
    app.controls["lenses"].value = ()
    assert [t.name for t in app.impact.scenario.targets.risk_lenses] == ["countries-of-concern"]


def test_economic_value_shows_once_its_figures_are_entered(tables):
    app = kvw.whatif_app(*tables, scenario="nl-2022-freeze")
    assert "tuition_eur_lost" not in _headline(app)  # not given: no made-up figure
    app.controls["exemptions"].value = ("individual_ties",)  # degree students no longer exempt
    for key, value in [
        ("tuition_eur_per_year", (2500.0, 15000.0)),
        ("study_years", (3.0, 4.0)),
        ("years_remaining", (1.0, 2.0)),
        ("horizon_years", (3.0, 3.0)),
    ]:
        app.controls[key].value = value
    shown = _headline(app)
    lost = app.impact.summary.set_index("metric").loc["degree_students_lost"]
    tuition = app.impact.summary.set_index("metric").loc["tuition_eur_lost"]
    assert tuition["low"] == pytest.approx(lost["low"] * 2500 * 1)
    assert tuition["high"] == pytest.approx(lost["high"] * 15000 * 2)
    assert "tuition_eur_lost" in shown and "€" in shown["tuition_eur_lost"]
    assert "direct_contribution_eur_lost" not in shown  # cost per student not given
    sources = app.impact.scenario.assumptions.sources
    assert dict(sources)["tuition_eur_per_year"] == "entered in the dashboard"
    app.controls["tuition_eur_per_year"].value = (0.0, 0.0)  # 0-0: not given again
    assert "tuition_eur_lost" not in _headline(app)


def test_the_app_shows_what_reading_the_inputs_said_in_its_language():
    """``read_inputs`` notes ("8 input rows rejected") were never shown on the dashboard: a user
    saw figures without knowing rows were left out. They are shown above the controls, in Dutch
    with ``lang="nl"``, and ``dashboard_inputs`` carries them."""
    from pathlib import Path

    data = Path(__file__).parent / "data" / "newuser"
    inputs = kvw.dashboard_inputs(project_file=data / "kvanalytics.yaml", lang="nl")
    assert any("4 input rows rejected" in n for n in inputs.notes)
    app = kvw.whatif_app(
        inputs.partnerships, inputs.headcounts, lang=inputs.lang, notes=inputs.notes, debounce=0
    )
    intro = app.children[0].value
    assert "4 invoerrijen afgewezen" in intro and "rejected" not in intro


def test_economic_sliders_read_whole_euros_and_years_not_two_decimals():
    """The dashboard showed '0.00 – 0.00' for tuition in euros and for years of study."""
    from kvanalytics.widgets import CONTROLS, Choices

    choices = Choices(countries=("RU",), watchlists=(), lang="en", lenses=())
    made = {c.key: c.make(choices) for c in CONTROLS}
    assert made["tuition_eur_per_year"].readout_format == ",.0f"
    assert made["horizon_years"].readout_format == ",.0f"
    assert made["study_years"].readout_format == ".1f"


def test_the_headline_and_the_table_are_one_publication(tables):
    """The headline total of a people metric is the table's total row, both as
    Impact.published gives them, so the headline never shows a total the table hid (and a
    shown total less the shown faculties never gives back a hidden one)."""
    p, h = tables
    imp = impact("nl-2022-freeze", p, h)
    out = kvw.whatif_outputs(imp, chart=False)
    pub = imp.published()
    total = out.table.set_index("faculty").loc[kvw._label("total", "en")]
    summary = pub["summary"].set_index("metric")
    people = [
        m for m in out.table.columns if m in summary.index and summary.loc[m, "unit"] == "people"
    ]
    assert people, "the Dutch freeze has people metrics in the table"
    for m in people:
        assert total[m] == summary.loc[m, "central"], m
        parts = pub["by_faculty"].loc[pub["by_faculty"]["metric"] == m].set_index("faculty")
        shown = out.table.set_index("faculty")[m].drop(index=kvw._label("total", "en"))
        for fac, v in shown.items():
            assert v == (parts.loc[fac, "central"] if fac in parts.index else 0), (m, fac)
    head = out.headline.set_index("metric")
    for m in head.index.intersection(people):
        assert head.loc[m, "central"] == summary.loc[m, "central"]
