"""The book's build machinery: a Sphinx extension, one module per concern.

The book is read from ``_build/html`` as often as from a web server, sometimes
in a classroom with no internet, so the published site must be complete
without a network, light enough for a phone, and never stale. Listed in
``_config.yml`` under ``sphinx.extra_extensions`` as ``sourcekit_book``;
each concern lives in the module named for it:

=========================  ====================================================================
module                     what it does
=========================  ====================================================================
``widget_manager``         serves the vendored widget manager (``_vendor/``) from the site,
                           only on pages with widgets, instead of from a CDN
``downloads``              offers each chapter's executed notebook as an ``.ipynb`` download,
                           and beside it a ``.zip`` that runs in an empty folder
``course_wheel``           builds the course package (with its tables, documents, quizzes and
                           keys as package data) as the wheel those ``.zip`` files carry
``launch_buttons``         BinderHub/JupyterHub/Colab buttons, off until ``_config.yml`` names the
                           course's public repository; links checked against the page's file
``maths_guard``            fails the strict build on a page with maths (MathJax is a CDN)
``duplicate_assets``       includes each script and stylesheet once per page
``toggle_labels``          names a folded output's toggle by the words it shows (WCAG 2.5.3)
``heading_breaks``         lets a heading wrap at the slash of "Stepanakert/Khankendi"
``png_compaction``         re-encodes chart PNGs as near-lossless palette PNGs and serves the
                           explorers' views as image files, within the page-weight budget
``static_files``           publishes an edit to ``_static/`` even when no page changed
``cache_invalidation``     re-runs every notebook when the package, ``data/`` or the quizzes
                           change (myst-nb's cache keys a notebook on its own code only)
``parallel_execution``     executes the notebooks a build needs in parallel, into myst-nb's
                           cache (Jupyter Book gives Sphinx no ``-j``)
``icons``                  writes the icons the pages use into them as SVG, instead of loading
                           Font Awesome's 1.45 MB script on every page
``theme_fragments``        keeps the themes' template fragments (``_static/*macros.html``) out
                           of the published site
``exercise_questions``     marks the paragraphs that open with "**Question N.N**" so that the
                           questions stand out on exercise pages (styled in ``course.css``)
``print_views``            prints every view of each explorer, and folds a chapter's set-up code
                           away in print
``search_prose``           indexes each page for search without its code cells' input, so a
                           search finds prose first
``root_redirect``          the root ``index.html`` redirect, as a page with the course's icon
``credits``                who made the course, its version, licences, citation and "report a
                           problem" link on every page's footer and (``{course-credits}``) the
                           landing page; publishes the licence texts and ``CITATION.cff``
=========================  ====================================================================

The theme's own accessibility faults are repaired in the browser by
``_static/accessibility.js``.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from .cache_invalidation import rerun_notebooks_when_inputs_change
from .credits import CourseCredits, publish_licences_and_citation, show_credits_in_footer
from .downloads import offer_executed_notebook, offer_guarded_notebook_sources, offer_runnable_zip
from .duplicate_assets import drop_duplicate_assets
from .exercise_questions import mark_question_paragraphs
from .heading_breaks import allow_breaks_between_names
from .icons import inline_used_icons
from .launch_buttons import repair_launch_buttons, require_repository_for_launch_buttons
from .maths_guard import refuse_maths_without_mathjax
from .parallel_execution import execute_notebooks_in_parallel
from .png_compaction import compact_image_files, compact_page_pngs
from .print_views import print_every_explorer_view
from .root_redirect import write_root_redirect
from .search_prose import index_prose_only
from .static_files import sync_project_static_files
from .theme_fragments import remove_template_fragments
from .toggle_labels import name_hidden_outputs_by_their_text
from .widget_manager import check_widget_manager_is_vendored, copy_widget_manager


def setup(app: Sphinx) -> dict:
    app.add_config_value("course_repository_url", "", "html", [str])
    app.add_config_value("course_report_problem_url", "", "html", [str])
    app.add_directive("course-credits", CourseCredits)
    app.connect("html-page-context", show_credits_in_footer)
    app.connect("html-page-context", mark_question_paragraphs)
    app.connect("build-finished", publish_licences_and_citation)
    app.connect("builder-inited", check_widget_manager_is_vendored)
    app.connect("builder-inited", require_repository_for_launch_buttons)
    app.connect("env-get-outdated", rerun_notebooks_when_inputs_change)
    app.connect("env-before-read-docs", execute_notebooks_in_parallel)
    # Before sphinx-book-theme builds its header buttons (priority 501).
    app.connect("html-page-context", offer_executed_notebook, priority=400)
    # After sphinx-book-theme's launch buttons (priority 501), which overwrite the .ipynb download.
    app.connect("html-page-context", repair_launch_buttons, priority=505)
    # After sphinx-book-theme has built its download button (priority 501), to add the .zip to it.
    app.connect("html-page-context", offer_runnable_zip, priority=510)
    app.connect("html-page-context", refuse_maths_without_mathjax)
    app.connect("html-page-context", drop_duplicate_assets, priority=900)
    app.connect("html-page-context", name_hidden_outputs_by_their_text)
    app.connect("html-page-context", allow_breaks_between_names)
    # After myst-nb has added the page's widget state (priority 500).
    app.connect("html-page-context", compact_page_pngs, priority=800)
    # After compact_page_pngs, so the printed views use the same image files as the widgets.
    app.connect("html-page-context", print_every_explorer_view, priority=810)
    app.connect("builder-inited", index_prose_only)
    # Before sphinx-external-toc writes its bare redirect (which it leaves alone once one exists).
    app.connect("build-finished", write_root_redirect, priority=400)
    app.connect("build-finished", copy_widget_manager)
    app.connect("build-finished", offer_guarded_notebook_sources)
    app.connect("build-finished", sync_project_static_files)
    app.connect("build-finished", compact_image_files)
    app.connect("build-finished", inline_used_icons)
    app.connect("build-finished", remove_template_fragments)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
