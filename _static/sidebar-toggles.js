// Make the sidebar buttons a reader can see work (pydata-sphinx-theme 0.17.1 under sphinx-book-theme
// 1.3.0, pydata-sphinx-theme issue #2451). Both themes render a "primary-toggle" and a
// "secondary-toggle" button: one pair in the top navbar (hidden by sphinx-book-theme's CSS) and
// one pair in the article header (the ones on screen). Both themes attach their click handlers
// with document.querySelector, i.e. to the first, hidden pair only; so on a phone tapping
// "Toggle primary sidebar" only shows its tooltip and the chapter list never opens, and on a
// desktop the sidebar cannot be collapsed.
//
// The repair: a click on any other toggle is passed on to the first one of its kind, whose
// handlers do the right thing at each width (a modal drawer below 992 px, from pydata-sphinx-theme;
// collapsing the sidebar at 992 px and wider, from sphinx-book-theme). `make site-check` taps the
// button at phone width with touch and follows a link in the drawer, and collapses the sidebar on
// a desktop, so a theme upgrade that fixes or changes this shows up there.
(function () {
  "use strict";

  function passClicksToTheFirstToggle(kind) {
    var toggles = document.querySelectorAll("button." + kind);
    var first = toggles[0];
    if (!first) return;
    var sidebar = document.getElementById(kind === "primary-toggle" ? "pst-primary-sidebar" : "pst-secondary-sidebar");
    Array.prototype.slice.call(toggles, 1).forEach(function (button) {
      if (button.dataset.passesClicksOn) return;
      button.dataset.passesClicksOn = "true";
      if (sidebar && sidebar.id) button.setAttribute("aria-controls", sidebar.id);
      button.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopImmediatePropagation();
        button.blur(); // dismiss the tooltip, as the themes do for their own button
        first.click();
        if (sidebar && window.matchMedia("(min-width: 992px)").matches && kind === "primary-toggle") {
          button.setAttribute("aria-expanded", String(!sidebar.classList.contains("pst-sidebar-hidden")));
        }
      }, true);
    });
  }

  function repair() {
    passClicksToTheFirstToggle("primary-toggle");
    passClicksToTheFirstToggle("secondary-toggle");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", repair);
  else repair();
})();
