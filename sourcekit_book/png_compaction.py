"""Keep chapter pages within their weight budget by lightening their chart images.

Chart PNGs (inline, in ``_images/``, and the explorer views saved in a page's
widget state) are re-encoded as near-lossless 256-colour PNGs, and the explorer
views are served as image files instead of base64 text inside the page.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from pathlib import Path

from sphinx.application import Sphinx

#: A re-encoded image may differ from the original by at most this much in
#: any colour channel (0-255).
PNG_MAX_CHANNEL_DIFFERENCE = 8
#: The script type under which myst-nb saves a page's widget state.
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
#: An inline PNG in a page's HTML or widget state.
INLINE_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def compact_chart_png(data: bytes) -> bytes:
    """The same chart as a 256-colour palette PNG, when that is smaller and faithful.

    A matplotlib chart has a few flat colours plus their anti-aliased edges, so
    a 256-colour palette (maximum-coverage quantisation, no dithering) keeps
    every pixel within a level or two of the original at about a third of the
    size; that is what keeps a chapter with explorers (every view is embedded
    in the page) under its page-weight budget. An image with transparency, one
    already in palette form, or one the palette would visibly change is
    returned unchanged.
    """
    from PIL import Image, ImageChops

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:
        return data
    if image.format != "PNG" or image.mode not in ("RGB", "RGBA"):
        return data
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255:
        return data  # transparency: keep as drawn
    rgb = image.convert("RGB")
    palette = rgb.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    difference = ImageChops.difference(rgb, palette.convert("RGB")).getextrema()
    if max(high for _, high in difference) > PNG_MAX_CHANNEL_DIFFERENCE:
        return data
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    compacted = buffer.getvalue()
    return compacted if len(compacted) < len(data) else data


def compact_inline_pngs(text: str) -> str:
    """``text`` with every inline base64 PNG re-encoded by :func:`compact_chart_png`."""

    def replace(match):
        original = base64.b64decode(match.group(1))
        return "data:image/png;base64," + base64.b64encode(compact_chart_png(original)).decode(
            "ascii"
        )

    return INLINE_PNG.sub(replace, text)


def widget_images_to_files(app: Sphinx, pagename: str, state: str, pathto) -> str:
    """``state`` (a page's saved widget state) with each inline PNG moved
    to a file in ``_images/``.

    An explorer embeds every view in the page; as base64 text each image is a
    third larger than the file, and the page's HTML must be read whole before
    anything shows. As files (named by their content, so an unchanged view
    keeps its name) they cost their size once, and the views still work
    offline. The downloadable notebook keeps its images inside it.
    """
    folder = Path(app.outdir) / "_images"
    folder.mkdir(parents=True, exist_ok=True)

    def replace(match):
        image = compact_chart_png(base64.b64decode(match.group(1)))
        name = f"widget-{hashlib.sha256(image).hexdigest()[:32]}.png"
        path = folder / name
        if not path.exists():
            path.write_bytes(image)
        return pathto(f"_images/{name}", 1)

    return INLINE_PNG.sub(replace, state)


def compact_page_pngs(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Lighten the charts embedded in a page: inline in its HTML,
    or in its widgets' saved state.
    """
    if app.builder.format != "html" or doctree is None:
        return
    body = context.get("body")
    if body and "data:image/png;base64," in body:
        context["body"] = compact_inline_pngs(body)
    for index, script in enumerate(context.get("script_files") or []):
        attributes = getattr(script, "attributes", {})
        script_body = attributes.get("body", "")
        if attributes.get("type") == WIDGET_STATE_TYPE and "data:image/png;base64," in script_body:
            from sphinx.builders.html._assets import _JavaScript

            context["script_files"][index] = _JavaScript(
                script.filename,
                priority=script.priority,
                **{
                    **attributes,
                    "body": widget_images_to_files(app, pagename, script_body, context["pathto"]),
                },
            )


def compact_image_files(app: Sphinx, exception: Exception | None) -> None:
    """Lighten the chart files the pages load from ``_images/`` (each file once:
    palette PNGs are skipped).
    """
    if exception is not None or app.builder.format != "html":
        return
    for path in (Path(app.outdir) / "_images").glob("*.png"):
        data = path.read_bytes()
        if len(data) > 25 and data[25] == 3:
            continue  # colour type 3: already a palette PNG
        compacted = compact_chart_png(data)
        if compacted is not data:
            path.write_bytes(compacted)
