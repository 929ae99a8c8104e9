"""The map and distance charts draw what the tables hold: no invented numbers, both names."""

import matplotlib

matplotlib.use("Agg")

import pytest

from sourcekit import load_source_manifest, name_usage_table
from sourcekit.geo import distance_claims_with_great_circle, great_circle_km, places_near
from sourcekit.maps import describe_name_forms, plot_distance_claims, plot_name_forms, plot_places
from sourcekit.names import VOICES


def test_the_map_labels_every_place_with_all_its_names_and_corrects_the_aspect():
    places = places_near("shusha", 80)
    ax = plot_places(places)
    labels = {t.get_text() for t in ax.texts}
    assert "Shusha/Shushi" in labels and "Stepanakert/Khankendi" in labels
    assert len(labels) == len(places)
    assert ax.get_aspect() == pytest.approx(1.3, abs=0.05)  # 1 / cos(about 39.8 degrees)


def test_the_map_refuses_a_route_through_a_place_it_does_not_show():
    places = places_near("shusha", 10)
    with pytest.raises(KeyError, match="goris"):
        plot_places(places, route=["shusha", "goris"])
    with pytest.raises(ValueError, match="no places"):
        plot_places(places.iloc[0:0])


def test_the_distance_chart_draws_a_bar_only_where_a_document_gives_a_number():
    claims = distance_claims_with_great_circle()
    documents = list(load_source_manifest()["source_id"])
    ax = plot_distance_claims(claims, documents)
    bars = sorted(round(p.get_width(), 6) for p in ax.patches if p.get_width() > 0)
    numbers = sorted(round(float(v), 6) for v in claims["km_max"].dropna())
    assert bars == numbers
    texts = " ".join(t.get_text() for t in ax.texts)
    for words in claims["words"]:
        assert words in texts
    silent = set(documents) - set(claims["source_id"])
    assert texts.count("gives no distance") == len(silent)
    straight = great_circle_km("shusha", "stepanakert")
    assert any(abs(line.get_xdata()[0] - straight) < 1e-9 for line in ax.get_lines())


def test_the_distance_chart_plots_one_pair_of_places_at_a_time():
    claims = distance_claims_with_great_circle()
    mixed = claims.copy()
    mixed.loc[mixed.index[0], "to_place"] = "goris"
    with pytest.raises(ValueError, match="one pair of places"):
        plot_distance_claims(mixed, ["000"])


def test_the_name_chart_and_its_alt_text_show_the_same_counts():
    usage = name_usage_table()
    ax = plot_name_forms(usage, "the city")
    city = usage[usage["referent"] == "the city"]
    widths = sorted(int(p.get_width()) for p in ax.patches)
    assert widths == sorted(city[list(VOICES)].to_numpy().ravel().tolist())
    text = describe_name_forms(usage, "the city")
    for row in city.to_dict("records"):
        said = f"{row['form']} {row['count']}"
        if row["count"]:
            said += (
                f" ({row['narrator']} in its own voice, {row['reported speech']} in reported "
                f"speech, {row['inside quotation']} inside quotation)"
            )
        assert said in text.split(f"document {row['source_id']}: ")[1].split(";")[0]
    with pytest.raises(KeyError, match="known referents"):
        plot_name_forms(usage, "the moon")
