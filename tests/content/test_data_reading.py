"""The tables' reading of the documents: balanced, attributed, and defined.

Each test names a way a table can misread its sources that a reader of the
course once found: a side that is a nationality, a clause of attribution left
out, one side's loaded lines dropped, an event filed as a reaction, an
inference that looks like the document's date, a coded value nobody defined.
"""

import pytest

import sourcekit
from sourcekit import schema
from sourcekit.display import data_dictionary

CHOICE_COLUMNS = [(t, c) for t in schema.ALL_TABLES for c in t.columns if c.kind == "choice"]


@pytest.mark.parametrize(
    "table,column", CHOICE_COLUMNS, ids=lambda x: getattr(x, "name", getattr(x, "file", ""))
)
def test_every_allowed_value_is_defined_and_printed_in_the_dictionary(table, column):
    definitions = dict(column.definitions)
    assert set(definitions) == set(column.choices), (
        f"{table.file}.{column.name}: undefined values {set(column.choices) - set(definitions)}"
    )
    assert all(len(meaning) > 5 for meaning in definitions.values())
    printed = (
        data_dictionary(table).loc[column.name].iloc[-1]
    )  # the cell that ends with the meaning
    for value, meaning in definitions.items():
        assert f"'{value}': {meaning}" in printed


def test_every_value_used_in_a_table_is_one_the_schema_defines():
    frames = sourcekit.load_all_tables()
    for table, column in CHOICE_COLUMNS:
        used = set(frames[table.file][column.name].dropna())
        assert used <= set(dict(column.definitions)), (table.file, column.name)


def test_inferred_dates_are_defined_as_the_courses_inference():
    basis = dict(next(c for c in schema.TIMELINE.columns if c.name == "date_basis").definitions)
    assert "course's inference" in basis["inferred"] and "course's inference" in basis["relative"]
    assert (sourcekit.load_timeline()["date_basis"] == "inferred").sum() > 0


# A side is whose position a speaker speaks for, not a nationality.
PRESS = ("Novaya Gazeta", "Reuters", "BBC", "Al Jazeera", "journalist")


def test_no_newspaper_or_journalist_is_coded_as_a_state_or_a_party():
    timeline = sourcekit.load_timeline()
    press = timeline[timeline["reported_by"].str.contains("|".join(PRESS))]
    assert not press.empty
    assert set(press["reporter_side"]) <= {"third party", "document"}, press[
        ["event_id", "reported_by", "reporter_side"]
    ]


def test_russian_means_the_russian_state_in_both_side_columns():
    timeline, claims = sourcekit.load_timeline(), sourcekit.load_casualty_claims()
    russian = list(timeline.loc[timeline["reporter_side"] == "Russian", "reported_by"]) + list(
        claims.loc[claims["claimant_side"] == "Russian", "claimant"]
    )
    assert russian and all(
        any(word in who for word in ("Putin", "Kremlin", "peacekeeping")) for who in russian
    ), russian


def test_the_house_of_culture_strike_keeps_its_attribution_to_local_residents():
    timeline = sourcekit.load_timeline()
    strike = timeline[timeline["event_key"] == "house_of_culture_strike"].iloc[0]
    assert "according to local residents" in strike["quote"]
    assert "according to local residents" in strike["event"]


@pytest.mark.parametrize("source_id", ["001", "002", "003"])
def test_the_azerbaijani_officials_loaded_lines_are_kept_beside_their_conciliatory_ones(source_id):
    reactions = sourcekit.load_reactions()
    officials = reactions[
        (reactions["source_id"] == source_id)
        & (reactions["country"] == "Azerbaijan")
        & reactions["actor_kind"].isin(["head of state or government", "government official"])
    ]
    assert (
        officials["quote"].str.contains("liberat|occup|junta|by force|no force", regex=True).any()
    )


def test_the_loaded_words_in_summaries_stay_inside_quotation_marks():
    reactions, timeline = sourcekit.load_reactions(), sourcekit.load_timeline()
    import re

    for text in list(reactions["summary"]) + list(timeline["event"]):
        bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", str(text))
        assert not re.search(r"\b(liberat\w*|occupied|occupation|junta)\b", bare, re.I), text


def test_no_event_of_the_wider_war_is_filed_as_a_reaction_to_the_battle():
    """Truces, ceasefires, mediation and the helicopter are in the timeline;
    the earliest reaction follows the fighting for the city.
    """
    reactions, timeline = sourcekit.load_reactions(), sourcekit.load_timeline()
    assert not set(reactions["reaction_kind"]) & {"mediation", "peacekeeping", "incident"}
    assert (
        not reactions["quote"]
        .str.contains("helicopter|truce|brokered|peacekeep|Minsk", regex=True)
        .any()
    )
    battle = timeline[
        timeline["event_key"].isin(
            ["stepanyan_reports_overnight_combat", "aliyev_announces_capture"]
        )
    ]
    assert reactions["date"].dropna().min() >= battle["date"].min()
    for key in (
        "us_brokered_ceasefire",
        "russian_brokered_truces",
        "russian_helicopter_shot_down",
    ):
        assert key in set(timeline["event_key"])


def test_the_putin_figure_is_dated_by_the_courses_labelled_inference():
    claims = sourcekit.load_casualty_claims().set_index("claim_id")
    relative = claims[claims["quote"].str.contains("last month|recently|on Monday", regex=True)]
    for claim_id, row in relative.iterrows():
        if "last month" in row["quote"] and "Barda" in row["quote"]:
            # The Barda figures stand at the report's date; only the strike is 'last month'.
            continue
        assert row["as_of_basis"] in ("relative", "course's inference"), claim_id
        assert "The course's inference" in str(row["as_of_note"]), claim_id
    assert claims.loc["C07", "as_of_basis"] == "course's inference"
    assert "'recently', which does not date" in claims.loc["C07", "as_of_note"]
    undated_note = claims[claims["as_of_basis"] == "document date"]["as_of_note"]
    assert undated_note.isna().all()
