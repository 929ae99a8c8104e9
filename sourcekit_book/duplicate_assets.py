"""Include each script and stylesheet once per page (a script registered
twice is a JavaScript error).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def drop_duplicate_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Include each script and stylesheet once per page.

    sphinx-thebe and sphinx-togglebutton register their inline configuration
    scripts twice under Jupyter Book; the second ``const THEBE_JS_URL`` is a
    JavaScript error on every page ("Identifier has already been declared").
    """
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if not assets:
            continue
        seen, unique = set(), []
        for asset in assets:
            # The same inline script is registered once with filename None and once with "".
            filename = getattr(asset, "filename", asset) or ""
            attributes = getattr(asset, "attributes", {})
            identity = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
            if identity not in seen:
                seen.add(identity)
                unique.append(asset)
        context[key] = unique
