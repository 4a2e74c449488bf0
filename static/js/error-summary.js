/*
 * Staff forms with errors: the focus moves to the error summary when the page opens (a
 * screen reader reads it; a keyboard user starts there), and its links focus the field.
 * A static file because the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
})();
