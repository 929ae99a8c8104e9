"""One look for every chart in the book: palette, sizes, and who-said-it colours.

The palette is Okabe and Ito's, chosen because it stays distinguishable for
the common forms of colour blindness; colours always come with a second cue
(a label, a marker shape or a legend entry) so that no reading depends on
colour alone. Charts colour by *who makes a claim*, the question this course
keeps asking, and each side keeps its colour across all four chapters.
"""

import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.text import Text
from matplotlib.transforms import Bbox

#: Okabe-Ito colour-blind-safe palette (Okabe & Ito, 2008, "Color Universal Design").
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
    "grey": "#777777",
}

#: The colour of each kind of claimant, used by every chart in the book.
SIDE_COLOURS = {
    "Armenian": OKABE_ITO["orange"],
    "Azerbaijani": OKABE_ITO["blue"],
    "Russian": OKABE_ITO["reddish purple"],
    "Turkish": OKABE_ITO["vermillion"],
    "third party": OKABE_ITO["bluish green"],
    "outlet": OKABE_ITO["grey"],
    "document": OKABE_ITO["grey"],
    "both": OKABE_ITO["black"],
    "unspecified": OKABE_ITO["grey"],
}

#: Marker shapes that pair with SIDE_COLOURS, so colour is never the only cue.
SIDE_MARKERS = {
    "Armenian": "o",
    "Azerbaijani": "s",
    "Russian": "D",
    "Turkish": "^",
    "third party": "v",
    "outlet": "X",
    "document": "X",
    "both": "P",
    "unspecified": "X",
}

#: A sequence for categories that are not sides (documents, kinds of reaction).
SEQUENCE = [
    OKABE_ITO[name]
    for name in (
        "blue",
        "orange",
        "bluish green",
        "reddish purple",
        "sky blue",
        "vermillion",
        "yellow",
        "black",
    )
]


def side_colour(side: str) -> str:
    """The book's colour for a claimant's side; grey for anything unlisted."""
    return SIDE_COLOURS.get(side, OKABE_ITO["grey"])


def side_marker(side: str) -> str:
    """The marker shape paired with a side's colour."""
    return SIDE_MARKERS.get(side, "X")


#: How wide a phone shows a chart, in CSS px: a 390 px screen less the page's margins. A chart
#: image is scaled to the text column, so on a phone every chart is this wide, whatever its size.
PHONE_WIDTH_PX = 345

#: The smallest text a chart may show at that width, in CSS px.
MIN_TEXT_PX = 11

#: CSS px to the inch of a chart on a desktop page: matplotlib's inline backend shows a figure at
#: figure.dpi (and "retina" halves its doubled pixels back to that size); a page never enlarges
#: a chart beyond it, only shrinks it to the column.
SCREEN_DPI = 100

#: The width of every chart in the book, in inches. Narrow enough that a phone shrinks it only
#: a little (text of :data:`TEXT_SIZE` stays at least :data:`MIN_TEXT_PX`), wide enough for the
#: longest labels; on a desktop the chart is shown at its own size,
#: :data:`SCREEN_DPI` px to the inch.
FIGURE_WIDTH = 4.6

#: What the saved image may add to :data:`FIGURE_WIDTH`: figures are saved with a tight
#: bounding box, 0.1 in of padding on each side, so the image is a little wider than the figure.
WIDTH_ALLOWANCE = 0.25


def min_font_size(width: float) -> float:
    """The smallest font size, in points, that stays :data:`MIN_TEXT_PX` high on a phone.

    An image ``width`` inches wide is ``width * 72`` points across, and a phone
    shows it :data:`PHONE_WIDTH_PX` CSS px wide, so one point becomes
    ``PHONE_WIDTH_PX / (width * 72)`` px. A wider chart needs larger type.
    """
    return MIN_TEXT_PX * width * 72 / PHONE_WIDTH_PX


def _half_points_up(size: float) -> float:
    return math.ceil(size * 2 - 1e-9) / 2


#: The size of every piece of text in a chart (labels, ticks, legends, annotations), in points:
#: the smallest half point that keeps :data:`MIN_TEXT_PX` on a phone, allowance included.
TEXT_SIZE = _half_points_up(min_font_size(FIGURE_WIDTH + WIDTH_ALLOWANCE))

#: Titles: a point larger than the text, and bold.
TITLE_SIZE = TEXT_SIZE + 1


def shown_width(fig) -> float:
    """The width, in inches, of the image a figure is saved as: its tight bounding box, padded.

    The book saves every chart with ``bbox_inches="tight"`` (the inline backend
    and :func:`sourcekit.explorer.figure_png` alike), so text that runs past
    the figure's edge makes the image wider and everything in it smaller on
    a phone. Draws the figure.
    """
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    return box.width + 2 * mpl.rcParams["savefig.pad_inches"]


def text_sizes_on_phone(fig, width_px: int = PHONE_WIDTH_PX) -> pd.DataFrame:
    """Every visible piece of text in ``fig`` and how many CSS px high a phone shows it.

    One row per :class:`matplotlib.text.Text` with something to read (tick
    labels, axis labels, titles, legend entries and titles, annotations):
    ``text``, ``points`` and ``px``, the size on screen when the image is
    ``width_px`` wide. The image's width is the larger of the figure's width
    and the saved image's (:func:`shown_width`), so text that sticks out
    counts against the chart. Sorted smallest first.
    """
    width = max(fig.get_figwidth(), shown_width(fig))
    rows = [
        {"text": text.get_text(), "points": float(text.get_fontsize())}
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and _drawn(text)
    ]
    sizes = pd.DataFrame(rows, columns=["text", "points"])
    sizes["px"] = sizes["points"] * width_px / (width * 72)
    return sizes.sort_values("px", kind="stable").reset_index(drop=True)


def _drawn(text) -> bool:
    """Whether a Text artist can be drawn at all: it does not belong to hidden axes."""
    parent = getattr(text, "axes", None)
    return parent is None or parent.get_visible()


def make_room_for_labels(ax, texts, axis: str = "both", rounds: int = 3):
    """Widen the axes' limits until every label sits inside them.

    A label written beside a point near the edge runs out of the axes: over
    the tick labels, or past the figure's edge, which widens the saved image
    and so shrinks every label on a phone (see :func:`shown_width`). The
    limits grow to the labels' extent; a few rounds settle it, because the
    axes keep their size while the data take less room. ``axis`` ("x", "y"
    or "both") says which limits may grow: keep a limit that something is
    drawn to (an open end's arrow) fixed.
    """
    figure = ax.figure
    for _ in range(rounds):
        figure.canvas.draw()
        # A few points of air around the labels, measured on the page, not in data units.
        union = Bbox.union(
            [text.get_window_extent().padded(4 * figure.dpi / 72) for text in texts]
        )
        (ax0, ay0), (ax1, ay1) = ax.transData.inverted().transform(union.get_points())
        x_limits = (
            _grow(ax.get_xlim(), sorted((ax0, ax1))) if axis in ("x", "both") else ax.get_xlim()
        )
        y_limits = (
            _grow(ax.get_ylim(), sorted((ay0, ay1))) if axis in ("y", "both") else ax.get_ylim()
        )
        if (x_limits, y_limits) == (ax.get_xlim(), ax.get_ylim()):
            break
        ax.set_xlim(*x_limits)
        ax.set_ylim(*y_limits)


def _grow(limits, extent):
    """Axis limits widened to take in ``extent`` (low, high), keeping an inverted axis inverted."""
    low, high = sorted(limits)
    grown = (min(low, extent[0]), max(high, extent[1]))
    return tuple(grown[::-1]) if limits[0] > limits[1] else grown


def use_book_style():
    """Set matplotlib defaults for the book: readable text, no chart junk.

    Call once in a notebook's import cell. Figures are sized for the text
    column and rendered at a resolution that stays sharp on a phone.
    """
    mpl.rcParams.update(
        {
            "figure.figsize": (FIGURE_WIDTH, 3.4),
            "figure.dpi": SCREEN_DPI,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            # Every text size follows from the figure width (see min_font_size): "medium"
            # text (ticks, labels, legends) is TEXT_SIZE, titles TITLE_SIZE.
            "font.size": TEXT_SIZE,
            "axes.titlesize": TITLE_SIZE,
            "axes.labelsize": TEXT_SIZE,
            "xtick.labelsize": TEXT_SIZE,
            "ytick.labelsize": TEXT_SIZE,
            "legend.fontsize": TEXT_SIZE,
            "legend.title_fontsize": TEXT_SIZE,
            "figure.titlesize": TITLE_SIZE,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": mpl.cycler(color=SEQUENCE),
            "legend.frameon": False,
        }
    )
    serve_sharp_figures()


def serve_sharp_figures():
    """Have the notebook's inline figures drawn at twice their pixel density ("retina").

    matplotlib's inline backend draws figures at ``figure.dpi`` (1x), which a
    phone's 2x or 3x screen shows blurred. At "retina" the PNG has twice the
    pixels and says its display size is half of that, so the page shows it at
    the same size, sharp. Does nothing outside IPython (tests, scripts).
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def new_figure(width=FIGURE_WIDTH, height=3.4):
    """A figure and axes in the book's size, for charts built step by step.

    A width other than :data:`FIGURE_WIDTH` needs text of :func:`min_font_size`
    for that width (plus :data:`WIDTH_ALLOWANCE`) to stay readable on a phone.
    """
    return plt.subplots(figsize=(width, height), layout="constrained")
