"""A downloaded chapter's ``glue`` (sourcekit.glue, no myst-nb) stores values as myst-nb's does."""

import sys

import myst_nb.ext.glue as myst_nb_glue_module
import pytest

import sourcekit.glue as course_glue


@pytest.mark.parametrize("display", [True, False])
def test_glue_without_myst_nb_records_what_myst_nb_records(monkeypatch, display):
    recorded = {"myst-nb": [], "course": []}
    monkeypatch.setattr(
        myst_nb_glue_module,
        "ipy_display",
        lambda *args, **kwargs: recorded["myst-nb"].append((args, kwargs)),
    )
    myst_nb_glue_module.glue("straight_km", 9.87, display=display)

    import IPython.display

    monkeypatch.setattr(
        IPython.display,
        "display",
        lambda *args, **kwargs: recorded["course"].append((args, kwargs)),
    )
    monkeypatch.setitem(
        sys.modules, "myst_nb", None
    )  # as in a download's environment: import fails
    course_glue.glue("straight_km", 9.87, display=display)

    assert recorded["course"] == recorded["myst-nb"] and len(recorded["course"]) == 1
    bundle = recorded["course"][0][0][0]
    assert (
        any(key.endswith("text/plain") for key in bundle) and bundle[next(iter(bundle))] == "9.87"
    )
    assert all(key.startswith(course_glue.GLUE_PREFIX) for key in bundle) != display
