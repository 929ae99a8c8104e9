"""Distances between the places the documents name, computed from coordinates.

The documents give distances in words and rounded numbers ("about 15
kilometres", "only about 10 km", "a few kilometers"). To set them beside
something that does not depend on any document, this module computes the
great-circle ("as the crow flies") distance from the coordinates in
``data/places.csv``, which carry their public reference. A road between two
mountain towns is always longer than that straight line, so a document's
figure is expected to lie *above* it; how far above is a question for the
reader, not something this module decides.
"""

import math

import pandas as pd

from .data import load_distance_claims, load_places

#: Mean radius of the Earth in kilometres: the IUGG mean radius R1 = (2a + b) / 3
#: of the GRS 80 ellipsoid (Moritz, H. (2000), "Geodetic Reference System 1980",
#: Journal of Geodesy 74, 128-133). A sphere of this radius is the usual choice for
#: the haversine formula; its error against the ellipsoid is at most about 0.5 %.
EARTH_MEAN_RADIUS_KM = 6371.0088


def _degrees(name, value, limit) -> float:
    """``value`` as a float of decimal degrees, or a ValueError saying what is wrong."""
    try:
        degrees = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number of decimal degrees, got {value!r}") from None
    if math.isnan(degrees) or not -limit <= degrees <= limit:
        raise ValueError(f"{name} must lie between -{limit} and {limit} degrees, got {value!r}")
    return degrees


def haversine_km(lat1, lon1, lat2, lon2, radius_km=EARTH_MEAN_RADIUS_KM) -> float:
    """Great-circle distance in km between two points given in decimal degrees.

    Uses the haversine formula (R. W. Sinnott (1984), "Virtues of the
    Haversine", Sky and Telescope 68(2), 159), which stays accurate for the
    short distances this course needs, where the spherical law of cosines
    loses precision to rounding:

        h = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)
        d = 2 R · asin(√h)

    with φ latitude, λ longitude and R :data:`EARTH_MEAN_RADIUS_KM`.
    A latitude outside ±90 or a longitude outside ±180 raises ValueError:
    swapped latitude and longitude are the usual mistake.
    """
    lat1, lon1 = _degrees("lat1", lat1, 90), _degrees("lon1", lon1, 180)
    lat2, lon2 = _degrees("lat2", lat2, 90), _degrees("lon2", lon2, 180)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = math.radians(lat2 - lat1)
    d_lambda = math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # min() guards against h creeping above 1 by rounding for antipodal points.
    return 2 * radius_km * math.asin(min(1.0, math.sqrt(h)))


def _place_row(places: pd.DataFrame, place_id: str):
    matches = places[places["place_id"] == place_id]
    if matches.empty:
        known = ", ".join(sorted(places["place_id"]))
        raise KeyError(f"no place {place_id!r} in data/places.csv; known place ids: {known}")
    return matches.iloc[0]


def great_circle_km(from_place: str, to_place: str, places: pd.DataFrame | None = None) -> float:
    """Straight-line distance in km between two places of ``places.csv``, by id.

    ``great_circle_km("shusha", "stepanakert")``. An unknown id raises a
    KeyError that lists the known ones.
    """
    places = load_places() if places is None else places
    a, b = _place_row(places, from_place), _place_row(places, to_place)
    return haversine_km(
        float(a["latitude"]), float(a["longitude"]), float(b["latitude"]), float(b["longitude"])
    )


def places_near(centre: str, radius_km: float, places: pd.DataFrame | None = None) -> pd.DataFrame:
    """The places within ``radius_km`` of ``centre``, nearest first.

    Adds a column ``km_from_centre``. Used to pick the places for a regional
    map, so far-away places (Moscow, Kocaeli) do not squash the nearby ones
    into a dot.
    """
    places = load_places() if places is None else places
    if radius_km <= 0:
        raise ValueError(f"radius_km must be positive, got {radius_km}")
    distances = [great_circle_km(centre, place_id, places) for place_id in places["place_id"]]
    near = places.assign(km_from_centre=distances)
    near = near[near["km_from_centre"] <= radius_km]
    return near.sort_values("km_from_centre", kind="stable").reset_index(drop=True)


def both_names(place: pd.Series, separator: str = "/") -> str:
    """A place's label with every name it goes by, e.g. "Shusha/Shushi".

    The course gives both (or all) names of a contested place rather than
    choosing one: ``other_names`` holds them separated by "; ". The table does
    not record which side uses which name, so none is dropped here.
    """
    names = [str(place["name"])]
    other = place.get("other_names")
    if other is not None and not pd.isna(other):
        names += [part.strip() for part in str(other).split(";") if part.strip()]
    return separator.join(names)


def distance_claims_with_great_circle(
    claims: pd.DataFrame | None = None, places: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every distance a document gives, beside the great-circle distance.

    Adds ``great_circle_km`` (computed from coordinates) and ``words``, the
    document's own phrasing of the distance ("about 15 kilometres", "a few
    kilometers"), built from ``qualifier``, ``value_stated`` and
    ``unit_stated`` so a chart can label each bar in the document's words.
    Bounds stay as the table has them: a claim with no number keeps no number.
    """
    claims = load_distance_claims() if claims is None else claims
    places = load_places() if places is None else places
    out = claims.copy()
    out["great_circle_km"] = [
        great_circle_km(a, b, places) for a, b in zip(out["from_place"], out["to_place"])
    ]
    out["words"] = [
        _distance_words(q, v, u)
        for q, v, u in zip(out["qualifier"], out["value_stated"], out["unit_stated"])
    ]
    return out


def _distance_words(qualifier, value, unit) -> str:
    number = "" if value is None or pd.isna(value) else f"{float(value):g} "
    prefix = "" if qualifier == "exact" else f"{qualifier} "
    return f"{prefix}{number}{unit}"


def lonlat_aspect(latitudes) -> float:
    """The y/x aspect ratio that makes a lon/lat scatter look right near ``latitudes``.

    A degree of longitude is shorter than a degree of latitude by the cosine of
    the latitude (about 0.77 at Shusha/Shushi's 39.8° N), so a plot with equal
    degree scales stretches the map east-west. Setting the axes' aspect to
    1 / cos(mean latitude) undoes that, well enough for a region a few hundred
    kilometres across.
    """
    values = [float(v) for v in latitudes]
    if not values:
        raise ValueError("need at least one latitude")
    mean = sum(values) / len(values)
    return 1.0 / math.cos(math.radians(mean))
