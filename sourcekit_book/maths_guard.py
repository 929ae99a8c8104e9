"""Fail the strict build on a page with mathematics: MathJax would load from a CDN.

The course ships no MathJax, and the site must work offline.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def refuse_maths_without_mathjax(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Fail the strict build on a page with maths: MathJax would come from a CDN."""
    if app.builder.format != "html" or doctree is None:
        return
    domain = app.env.get_domain("math")
    if domain.has_equations(pagename) and "://" in str(app.config.mathjax_path):
        logger.warning(
            "page %s has mathematics, so it would load MathJax from "
            "%s and the site would not work "
            "offline; write the formula in words, or vendor MathJax "
            "in _vendor/ and set mathjax_path",
            pagename,
            app.config.mathjax_path,
        )
