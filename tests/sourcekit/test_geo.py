"""Straight-line distances are computed correctly, and bad input says what is wrong."""

import math

import pandas as pd
import pytest

from sourcekit import load_places
from sourcekit.geo import (
    EARTH_MEAN_RADIUS_KM,
    both_names,
    distance_claims_with_great_circle,
    great_circle_km,
    haversine_km,
    lonlat_aspect,
    places_near,
)
from sourcekit.paths import PROJECT_ROOT


def spherical_law_of_cosines_km(lat1, lon1, lat2, lon2):
    """An independent formula for the same distance, to check the haversine against."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    cos_angle = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return EARTH_MEAN_RADIUS_KM * math.acos(max(-1.0, min(1.0, cos_angle)))


def test_the_mean_earth_radius_is_the_iugg_value():
    assert EARTH_MEAN_RADIUS_KM == 6371.0088


def test_one_degree_along_a_meridian_is_the_radius_times_pi_over_180():
    assert haversine_km(10, 20, 11, 20) == pytest.approx(
        EARTH_MEAN_RADIUS_KM * math.pi / 180, rel=1e-12
    )


def test_a_quarter_of_the_equator_and_half_the_globe():
    assert haversine_km(0, 0, 0, 90) == pytest.approx(
        EARTH_MEAN_RADIUS_KM * math.pi / 2, rel=1e-12
    )
    assert haversine_km(0, 0, 0, 180) == pytest.approx(EARTH_MEAN_RADIUS_KM * math.pi, rel=1e-12)


def test_distance_is_zero_to_itself_and_symmetric():
    assert haversine_km(39.76, 46.75, 39.76, 46.75) == 0
    assert haversine_km(39.76, 46.75, 40.18, 44.52) == pytest.approx(
        haversine_km(40.18, 44.52, 39.76, 46.75)
    )


def test_a_degree_of_longitude_shrinks_with_the_cosine_of_latitude():
    at_40 = haversine_km(40, 46, 40, 46.001)
    at_0 = haversine_km(0, 46, 0, 46.001)
    assert at_40 / at_0 == pytest.approx(math.cos(math.radians(40)), rel=1e-6)


def test_every_pair_of_places_agrees_with_an_independent_formula():
    places = load_places()
    rows = list(places.itertuples())
    for a in rows:
        for b in rows:
            expected = spherical_law_of_cosines_km(
                a.latitude, a.longitude, b.latitude, b.longitude
            )
            assert great_circle_km(a.place_id, b.place_id, places) == pytest.approx(
                expected, abs=1e-3
            ), (a.place_id, b.place_id)


@pytest.mark.parametrize(
    "bad",
    [(91, 0, 0, 0), (0, 181, 0, 0), (0, 0, -90.5, 0), (0, 0, 0, "east"), (float("nan"), 0, 0, 0)],
)
def test_coordinates_off_the_globe_raise_a_clear_message(bad):
    with pytest.raises(ValueError, match="must (lie between|be a number)"):
        haversine_km(*bad)


def test_an_unknown_place_id_names_the_known_ones():
    with pytest.raises(KeyError, match="known place ids: .*shusha"):
        great_circle_km("shusha", "shushi")


def test_places_near_keeps_only_places_within_the_radius_nearest_first():
    near = places_near("shusha", 50)
    assert near["km_from_centre"].is_monotonic_increasing
    assert (near["km_from_centre"] <= 50).all()
    assert near.iloc[0]["place_id"] == "shusha"
    assert "moscow" not in set(near["place_id"])
    with pytest.raises(ValueError, match="positive"):
        places_near("shusha", 0)


def test_both_names_keeps_every_name_of_a_place():
    assert both_names(pd.Series({"name": "Shusha", "other_names": "Shushi"})) == "Shusha/Shushi"
    assert (
        both_names(pd.Series({"name": "Aghdam", "other_names": "Agdam; Akna"}))
        == "Aghdam/Agdam/Akna"
    )
    assert both_names(pd.Series({"name": "Goris", "other_names": pd.NA})) == "Goris"


def test_distance_claims_keep_a_claim_without_a_number_without_a_number():
    claims = distance_claims_with_great_circle().set_index("claim_id")
    raw = pd.read_csv(
        PROJECT_ROOT / "data" / "distance_claims.csv", dtype=str, keep_default_na=False
    ).set_index("claim_id")
    for claim_id, row in claims.iterrows():
        if raw.at[claim_id, "km_max"] == "":
            assert pd.isna(row["km_max"]) and pd.isna(row["km_min"])
        assert row["great_circle_km"] == pytest.approx(
            great_circle_km(row["from_place"], row["to_place"])
        )
        assert raw.at[claim_id, "unit_stated"] in row["words"]


def test_lonlat_aspect_is_one_over_the_cosine_of_the_mean_latitude():
    assert lonlat_aspect([0, 0]) == pytest.approx(1.0)
    assert lonlat_aspect([39, 41]) == pytest.approx(1 / math.cos(math.radians(40)))
    with pytest.raises(ValueError):
        lonlat_aspect([])
