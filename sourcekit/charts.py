"""One look for every chart in the book: palette, sizes, and who-said-it colours.

The palette is Okabe and Ito's, chosen because it stays distinguishable for
the common forms of colour blindness; colours always come with a second cue
(a label, a marker shape or a legend entry) so that no reading depends on
colour alone. Charts colour by *who makes a claim*, the question this course
keeps asking, and each side keeps its colour across all four chapters.
"""

import matplotlib as mpl
import matplotlib.pyplot as plt

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
SEQUENCE = [OKABE_ITO[name] for name in ("blue", "orange", "bluish green", "reddish purple", "sky blue", "vermillion", "yellow", "black")]


def side_colour(side: str) -> str:
    """The book's colour for a claimant's side; grey for anything unlisted."""
    return SIDE_COLOURS.get(side, OKABE_ITO["grey"])


def side_marker(side: str) -> str:
    """The marker shape paired with a side's colour."""
    return SIDE_MARKERS.get(side, "X")


def use_book_style():
    """Set matplotlib defaults for the book: readable text, no chart junk.

    Call once in a notebook's import cell. Figures are sized for the text
    column and rendered at a resolution that stays sharp on a phone.
    """
    mpl.rcParams.update(
        {
            "figure.figsize": (7.5, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "font.size": 11,
            "axes.titlesize": 12,
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


def new_figure(width=7.5, height=4.2):
    """A figure and axes in the book's size, for charts built step by step."""
    return plt.subplots(figsize=(width, height), layout="constrained")
