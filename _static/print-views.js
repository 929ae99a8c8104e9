// Before the page is printed, load the explorers' printed views (sourcekit_book/print_views.py):
// they are lazy images, hidden on screen, so a screen visit never fetches them.
(function () {
  "use strict";
  function loadPrintedViews() {
    document.querySelectorAll(".course-print-views img[loading='lazy']").forEach(function (img) {
      img.loading = "eager";
    });
  }
  window.addEventListener("beforeprint", loadPrintedViews);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) print.addEventListener("change", function (event) { if (event.matches) loadPrintedViews(); });
  }
})();
