// Accessibility repairs to the theme's own markup (pydata-sphinx-theme 0.17, sphinx-book-theme 1.3)
// and to jupyterquiz's,
// on every page (Jupyter Book includes every .js file in _static/). Each repair names the axe-core
// rule it satisfies. `make site-check` runs axe on every page, so a theme upgrade that makes a repair
// unnecessary or wrong shows up there. A page's own content is never patched here: a problem in a
// chapter is fixed in the chapter.
(function () {
  "use strict";

  // label-content-name-mismatch (WCAG 2.5.3, Label in Name): the search button is labelled
  // "Search" but shows "Search Ctrl+K". Without the aria-label, its name is what it shows.
  function repairSearchButtons() {
    document.querySelectorAll("button.search-button__button[aria-label]").forEach(function (button) {
      if (button.textContent.trim()) button.removeAttribute("aria-label");
    });
  }

  // label-content-name-mismatch: icon buttons (colour mode, full screen, download) carry an
  // aria-label, but their icons also carry a title ("Light", "Dark"), which counts as visible
  // text the label does not contain. The label is the button's name; the icons are decoration.
  // (Font Awesome turns each <i title> into an <svg> with a <title>, possibly after load.)
  function repairIconTitles() {
    document.querySelectorAll("button[aria-label] i[title], a[aria-label] i[title]").forEach(function (icon) {
      icon.removeAttribute("title");
      icon.setAttribute("aria-hidden", "true");
    });
    document.querySelectorAll("button[aria-label] svg, a[aria-label] svg").forEach(function (icon) {
      icon.querySelectorAll("title").forEach(function (title) { title.remove(); });
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
    });
  }

  // region: the book's title and search in the left sidebar sit outside any landmark.
  // The sidebar is the book's navigation, so say so.
  function repairSidebarLandmark() {
    var sidebar = document.getElementById("pst-primary-sidebar");
    if (sidebar && !sidebar.hasAttribute("role")) {
      sidebar.setAttribute("role", "navigation");
      sidebar.setAttribute("aria-label", "Book");
    }
  }

  // summary-name (WCAG 4.1.2, Name, Role, Value): the sidebar's expand/collapse toggles show only a
  // chevron; name each after the page whose sub-pages it shows.
  function nameSidebarToggles() {
    document.querySelectorAll(".bd-sidenav li > details > summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      var link = summary.closest("li").querySelector(":scope > a");
      summary.setAttribute("aria-label", "Pages under " + (link ? link.textContent.trim() : "this section"));
    });
  }

  // scrollable-region-focusable (WCAG 2.1.1, Keyboard): a code cell or a wide table that scrolls
  // must be reachable with the keyboard, or it cannot be scrolled without a mouse.
  function markScrollableRegions() {
    document.querySelectorAll("div.highlight pre, .cell_output .output, .table-wrapper, .source-document").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      var style = window.getComputedStyle(box);
      var canScroll = /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
      if (scrolls && canScroll && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    });
  }

  // Self-check quizzes (jupyterquiz's markup): the feedback an answer brings is written into a
  // plain <div>, which a screen reader does not announce (WCAG 4.1.3, Status Messages). Make it a
  // polite live region, and group each question's answers under the question they answer.
  function announceQuizFeedback() {
    document.querySelectorAll(".Quiz").forEach(function (quiz) {
      var feedback = quiz.querySelector(".Feedback");
      if (feedback && !feedback.hasAttribute("role")) {
        feedback.setAttribute("role", "status");
        feedback.setAttribute("aria-live", "polite");
        feedback.setAttribute("aria-atomic", "true");
      }
      var question = quiz.querySelector(".MultipleChoiceQn > div[id]");
      var answers = quiz.querySelector(".Answer");
      if (question && answers && !answers.hasAttribute("role")) {
        answers.setAttribute("role", "radiogroup");
        answers.setAttribute("aria-labelledby", question.id);
      }
    });
  }

  // A box that scrolls sideways must show that it does (a phone has no visible scrollbar): a
  // short note above it while it is wider than the screen, gone when it fits (turned sideways).
  var SIDEWAYS_BOXES = "div.highlight pre, .cell_output .output.text_html, .table-wrapper, .source-document";
  function showWhatScrollsSideways() {
    document.querySelectorAll(SIDEWAYS_BOXES).forEach(function (box) {
      if (box.parentElement && box.parentElement.closest(SIDEWAYS_BOXES)) return; // the outer box speaks for it
      var style = window.getComputedStyle(box);
      var scrolls = box.scrollWidth > box.clientWidth + 1 && /(auto|scroll)/.test(style.overflowX);
      var hint = box.previousElementSibling && box.previousElementSibling.classList.contains("course-scroll-hint")
        ? box.previousElementSibling : null;
      if (scrolls && !hint) {
        hint = document.createElement("p");
        hint.className = "course-scroll-hint";
        hint.setAttribute("aria-hidden", "true"); // the box itself is a focusable, scrollable region
        hint.textContent = "Wider than the screen: scroll sideways \u2192";
        box.parentElement.insertBefore(hint, box);
      }
      if (hint) hint.hidden = !scrolls;
    });
  }

  // A tooltip ("Color mode", "Download this page") opens on hover and on focus; a tap on a phone
  // focuses the button, so the tooltip stayed over the text after the tap until the reader tapped
  // elsewhere. After a touch or pen tap, the button's tooltip is closed (a mouse still shows it
  // on hover, the keyboard on focus).
  function closeTooltipsAfterTaps() {
    document.addEventListener("pointerup", function (event) {
      if (event.pointerType === "mouse") return;
      var button = event.target.closest && event.target.closest('[data-bs-toggle="tooltip"]');
      if (!button) return;
      window.setTimeout(function () {
        var tooltip = window.bootstrap && window.bootstrap.Tooltip && window.bootstrap.Tooltip.getInstance(button);
        if (tooltip) tooltip.hide();
        document.querySelectorAll(".tooltip").forEach(function (shown) { shown.remove(); });
      }, 600); // after the theme's 500 ms show delay
    }, true);
  }
  closeTooltipsAfterTaps();

  function repairAll() {
    showWhatScrollsSideways();
    announceQuizFeedback();
    repairSearchButtons();
    repairIconTitles();
    repairSidebarLandmark();
    nameSidebarToggles();
    markScrollableRegions();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", repairAll);
  else repairAll();
  window.addEventListener("load", function () {
    repairIconTitles();
    // Widgets render after load (the widget manager is deferred): look at their outputs too.
    window.setTimeout(function () { markScrollableRegions(); showWhatScrollsSideways(); }, 300);
  });
  // A phone turned sideways: regions that start scrolling need a tab stop too.
  window.addEventListener("resize", function () { markScrollableRegions(); showWhatScrollsSideways(); });
})();
