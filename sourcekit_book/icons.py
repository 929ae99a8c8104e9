"""Serve only the icons the book uses, as inline SVG, instead of Font Awesome's 1.45 MB script.

pydata-sphinx-theme puts ``fontawesome.js`` (every Font Awesome icon, 1.45 MB
uncompressed) on every page so that it can turn a dozen ``<i class="fa-...">``
tags into SVG in the browser; it was a third of a chapter's first visit. Here
the same SVG paths are taken from that same file at build time and written
into the pages in place of the tags, and the script is no longer loaded:
the icons look the same, cost a few hundred bytes each, and need no script.
Font Awesome Free's icons are CC BY 4.0 and its code MIT (its licence file
stays published in ``_static/scripts/``).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where pydata-sphinx-theme publishes the script, relative to the site's root.
FONTAWESOME_SCRIPT = Path("_static", "scripts", "fontawesome.js")
#: The script's <script> tag in a page.
FONTAWESOME_TAG = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\n?'
)
#: An empty icon element: <i class="fa-solid fa-bars"></i> or <span
#: class="fa-solid fa-list"></span>.
ICON_TAG = re.compile(r'<(i|span)\b([^>]*\bclass="([^"]*\bfa-[^"]*)"[^>]*)>\s*</\1>')
#: One icon in the script: name: [width, height, [aliases], "unicode", "path" or [paths]].
ICON_ENTRY = re.compile(
    r'(?:"([a-z0-9-]+)"|\b([a-z0-9]+)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]*)",("[^"]*"|\[[^\]]*\])\]'
)
#: The call that registers a style's icons, e.g. d("fas",x).
STYLE_CALL = re.compile(r'\b[a-zA-Z_$][\w$]*\("(fas|far|fab)",[a-zA-Z_$][\w$]*\)')
#: Class names that choose a style, and the style they choose.
STYLE_CLASSES = {
    "fa-solid": "fas",
    "fas": "fas",
    "fa-regular": "far",
    "far": "far",
    "fa-brands": "fab",
    "fab": "fab",
}
#: Class names that are not icon names.
NOT_ICON_NAMES = {
    "fa-lg",
    "fa-xs",
    "fa-sm",
    "fa-xl",
    "fa-2x",
    "fa-fw",
    "fa-spin",
    "fa-pulse",
} | set(STYLE_CLASSES)


@lru_cache(maxsize=4)
def icon_paths(script: Path, mtime: float) -> dict[tuple[str, str], tuple[int, int, list[str]]]:
    """Every icon in Font Awesome's script: (style, name or alias) -> (width, height,
    SVG paths).
    """
    text = script.read_text(encoding="utf-8")
    icons: dict = {}
    start = 0
    for call in STYLE_CALL.finditer(text):
        style = call.group(1)
        for entry in ICON_ENTRY.finditer(text, start, call.start()):
            name = entry.group(1) or entry.group(2)
            width, height = int(entry.group(3)), int(entry.group(4))
            raw = entry.group(7)
            paths = re.findall(r'"([^"]*)"', raw) if raw.startswith("[") else [raw.strip('"')]
            aliases = [a.strip('"') for a in entry.group(5).split(",") if a.startswith('"')]
            for key in [name, *aliases, "U+" + entry.group(6)]:
                icons.setdefault((style, key), (width, height, [p for p in paths if p]))
        start = call.end()
    return icons


def icon_svg(icons: dict, attributes: str, classes: str) -> str | None:
    """The inline SVG for one icon tag, or None if the icon is not in the script."""
    names = classes.split()
    style = next((STYLE_CLASSES[n] for n in names if n in STYLE_CLASSES), "fas")
    icon = next(
        (
            icons.get((style, n[3:]))
            for n in names
            if n.startswith("fa-") and n not in NOT_ICON_NAMES and icons.get((style, n[3:]))
        ),
        None,
    )
    if icon is None:
        return None
    width, height, paths = icon
    # Keep the tag's own attributes (data-mode chooses which colour-mode icon shows), except a
    # title: the icons sit in buttons that carry their own name, so the SVG is decoration.
    kept = re.sub(r'\s(class|title|aria-hidden)="[^"]*"', "", " " + attributes).strip()
    body = "".join(f'<path fill="currentColor" d="{html.escape(p)}"></path>' for p in paths)
    return (
        f'<svg class="{html.escape(classes)} svg-inline--fa" '
        f'{kept + " " if kept else ""}aria-hidden="true" '
        'focusable="false" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 '
        f'{width} {height}">{body}</svg>'
    )


#: The theme's stylesheet, which draws each admonition's icon with the Font Awesome font.
THEME_STYLESHEET = Path("_static", "styles", "pydata-sphinx-theme.css")
ADMONITION_ICON_VARIABLE = re.compile(r"--pst-icon-admonition-([\w-]+):var\(--pst-icon-([\w-]+)\)")
GLYPH_VARIABLE = re.compile(r'--pst-icon-([\w-]+):"(\\[0-9a-fA-F]+|[^"\\])"')
ADMONITION_CLASS = re.compile(r'class="([^"]*\badmonition\b[^"]*)"')


def admonition_icon_style(stylesheet: str, icons: dict, page: str) -> str:
    """A <style> that draws the page's admonition icons from SVG masks instead of the icon font.

    The theme writes each admonition's icon as a Font Awesome glyph in the
    title's ``::after``, which alone makes a page download the 153 KB solid
    font. The same glyph, looked up by its code point, becomes a mask image.
    """
    if "admonition-title" not in page:
        return ""
    glyphs = {}
    for name, glyph in GLYPH_VARIABLE.findall(stylesheet):
        code = int(glyph[1:], 16) if glyph.startswith("\\") else ord(glyph)
        glyphs[name] = f"U+{code:x}"
    kinds = dict(ADMONITION_ICON_VARIABLE.findall(stylesheet))
    used = {"default"} | {
        kind
        for classes in ADMONITION_CLASS.findall(page)
        for kind in classes.split()
        if kind in kinds
    }
    rules = []
    for kind in sorted(used):
        icon = icons.get(("fas", glyphs.get(kinds.get(kind, ""), "")))
        if icon is None:
            continue
        width, height, paths = icon
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
            + "".join(f'<path d="{p}"/>' for p in paths)
            + "</svg>"
        )
        url = 'url("data:image/svg+xml,' + quote(svg) + '")'
        selector = (
            "html div.admonition > .admonition-title::after"
            if kind == "default"
            else f"html div.admonition.{kind} > .admonition-title::after"
        )
        extra = (
            'content: ""; background-color: currentColor; -webkit-mask: center / contain '
            "no-repeat; mask: center / contain no-repeat; "
            if kind == "default"
            else ""
        )
        rules.append(f"{selector} {{ {extra}-webkit-mask-image: {url}; mask-image: {url}; }}")
    return (
        "<style>/* admonition icons as SVG masks (sourcekit_book/icons.py) */\n"
        + "\n".join(rules)
        + "</style>\n"
        if rules
        else ""
    )


def inline_icons(text: str, icons: dict) -> tuple[str, list[str]]:
    """``text`` with every icon tag replaced by its SVG and the script's tag removed;
    and the icons not found.
    """
    missing = []

    def replace(match):
        svg = icon_svg(icons, match.group(2), match.group(3))
        if svg is None:
            missing.append(match.group(3))
            return match.group(0)
        return svg

    return FONTAWESOME_TAG.sub("", ICON_TAG.sub(replace, text)), missing


def inline_used_icons(app: Sphinx, exception: Exception | None) -> None:
    """Write the icons into every page as SVG and drop ``fontawesome.js`` from them."""
    if exception is not None or app.builder.format != "html":
        return
    script = Path(app.outdir) / FONTAWESOME_SCRIPT
    if not script.is_file():
        return
    icons = icon_paths(script, script.stat().st_mtime)
    if not icons:
        logger.warning(
            "no icons found in %s: the theme's Font Awesome changed "
            "form; the pages keep the script",
            script,
        )
        return
    theme_css = Path(app.outdir) / THEME_STYLESHEET
    stylesheet = theme_css.read_text(encoding="utf-8") if theme_css.is_file() else ""
    for page in Path(app.outdir).rglob("*.html"):
        if "_static" in page.relative_to(app.outdir).parts:
            continue
        text = page.read_text(encoding="utf-8")
        if "fontawesome.js" not in text and "fa-" not in text and "admonition-title" not in text:
            continue
        new, missing = inline_icons(text, icons)
        if missing:
            # Keep the script on this page, so that the icon it cannot draw still shows.
            logger.warning(
                "%s: icon(s) %s not found in Font Awesome's script; that page keeps the script",
                page.relative_to(app.outdir),
                ", ".join(sorted(set(missing))),
            )
            new = ICON_TAG.sub(
                lambda m: icon_svg(icons, m.group(2), m.group(3)) or m.group(0), text
            )
        if "admonition icons as SVG masks" in new:
            new = re.sub(
                r"<style>/\* admonition icons as SVG masks .*?</style>\n", "", new, flags=re.S
            )
        new = new.replace("</head>", admonition_icon_style(stylesheet, icons, new) + "</head>", 1)
        if new != text:
            page.write_text(new, encoding="utf-8")
