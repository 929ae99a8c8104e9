"""Every chart's text can be read on a phone: at least 11 CSS px when the image is 345 px wide.

A chart image is scaled to the text column; on a 390 px phone that is about
345 px, so a label of ``s`` points in an image ``w`` inches wide is shown
``s * 345 / (w * 72)`` px high. These tests run every code cell of every
chapter, as the book build does, and measure every visible piece of text
(tick labels, axis labels, titles, legend entries, annotations) in every
figure the chapters show, the explorers' views included. The image's width
is the larger of the figure's and the saved image's (a label that runs past
the figure's edge widens the image and shrinks everything in it).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

import sourcekit.explorer
from sourcekit.charts import (
    FIGURE_WIDTH,
    MIN_TEXT_PX,
    PHONE_WIDTH_PX,
    SCREEN_DPI,
    shown_width,
    text_sizes_on_phone,
)
from tests.content.test_chapters import CHAPTERS, chapter_source, code_cells

#: Slow (runs every chapter's cells): `make test-fast` leaves these out.
pytestmark = pytest.mark.slow


def measure(fig, where: str) -> dict:
    """What a phone reader gets from one figure: its image width and its text sizes."""
    return {
        "where": where,
        "width": max(fig.get_figwidth(), shown_width(fig)),
        "sizes": text_sizes_on_phone(fig),
    }


def run_chapter(stem: str, monkeypatch) -> list:
    """Run a chapter's code cells top to bottom and measure every figure it shows.

    ``plt.show()`` (the chapters' figures) and the explorers' renderer
    (:func:`sourcekit.explorer.figure_png`, one call per view) are wrapped so
    that each figure is measured just before it is shown.
    """
    measured = []
    render = sourcekit.explorer.figure_png

    def figure_png(fig):
        measured.append(
            measure(
                fig,
                f"explorer view {sum(m['where'].startswith('explorer') for m in measured) + 1}",
            )
        )
        return render(fig)

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            measured.append(
                measure(
                    plt.figure(number),
                    f"figure {sum(m['where'].startswith('figure') for m in measured) + 1}",
                )
            )
        plt.close("all")

    monkeypatch.setattr(sourcekit.explorer, "figure_png", figure_png)
    monkeypatch.setattr(plt, "show", show)
    namespace = {"__name__": "__main__"}
    # use_book_style() in the chapter's first cell sets rcParams; keep them from
    # leaking into other tests.
    with mpl.rc_context():
        for number, cell in enumerate(code_cells(chapter_source(stem))):
            exec(compile(cell["source"], f"{stem}.md, code cell {number}", "exec"), namespace)
    return measured


def too_small(measured: list) -> list:
    """'where: "text" is N px' for each piece of text under MIN_TEXT_PX on a phone."""
    problems = []
    for figure in measured:
        small = figure["sizes"][figure["sizes"]["px"] < MIN_TEXT_PX]
        for row in small.itertuples(index=False):
            problems.append(
                f"{figure['where']} ({figure['width']:.2f} in wide): {row.text[:40]!r} is "
                f"{row.points:g} pt, {row.px:.1f} px"
            )
    return problems


# --------------------------------------------------------------------------
# The measure can fail: tests of the test.
# --------------------------------------------------------------------------


def _figure(width=FIGURE_WIDTH, **text):
    fig, ax = plt.subplots(figsize=(width, 3), layout="constrained")
    ax.plot([0, 1], [0, 1], label="a line")
    ax.tick_params(labelsize=12)
    ax.xaxis.label.set_size(12)
    ax.legend(fontsize=text.get("legend", 12))
    ax.set_xlabel("x", fontsize=12)
    ax.annotate("a note", (0.5, 0.5), fontsize=text.get("annotation", 12))
    return fig


def test_the_measure_passes_a_chart_with_large_enough_text():
    assert too_small([measure(_figure(), "sample")]) == []


@pytest.mark.parametrize("part", ["legend", "annotation"])
def test_the_measure_catches_small_text(part):
    problems = too_small([measure(_figure(**{part: 9}), "sample")])
    assert len(problems) == 1 and ("'a line'" if part == "legend" else "'a note'") in problems[0]


def test_the_measure_catches_small_tick_labels():
    fig = _figure()
    fig.axes[0].tick_params(axis="y", labelsize=9)
    assert any("9 pt" in problem for problem in too_small([measure(fig, "sample")]))


def test_a_wide_figure_needs_larger_text():
    assert too_small([measure(_figure(width=7.5), "sample")]), (
        "12 pt in a 7.5 in chart is 7.7 px on a phone"
    )


def test_text_past_the_edge_widens_the_image():
    fig = _figure()
    fig.text(0.6, 0.5, "a label far too long to fit inside the chart", fontsize=12)
    assert shown_width(fig) > FIGURE_WIDTH + 1
    assert too_small([measure(fig, "sample")])


# --------------------------------------------------------------------------
# The chapters' charts.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_chart_text_is_at_least_11_px_on_a_phone(stem, monkeypatch):
    measured = run_chapter(stem, monkeypatch)
    assert any(m["where"].startswith("figure") for m in measured), (
        f"{stem}: no figure was shown, so nothing was measured"
    )
    assert any(m["where"].startswith("explorer") for m in measured), (
        f"{stem}: no explorer view was drawn, so nothing was measured"
    )
    for figure in measured:
        assert len(figure["sizes"]), f"{stem}, {figure['where']}: no text found to measure"
        # The formula assumes the page shrinks the image to the column; an image narrower than
        # the column would not be enlarged (inline figures), and its text would be smaller.
        assert figure["width"] * SCREEN_DPI >= PHONE_WIDTH_PX, (
            f"{stem}, {figure['where']}: narrower than a phone's column"
        )
    problems = too_small(measured)
    assert not problems, (
        f"{stem}: text under {MIN_TEXT_PX} px when the chart is shown {PHONE_WIDTH_PX} px wide "
        f"(use charts.TEXT_SIZE and keep labels inside the figure):\n  " + "\n  ".join(problems)
    )
