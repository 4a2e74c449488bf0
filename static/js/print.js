/*
 * "Print" on the printable record pages (intake assessment, attendance). A static file
 * because the Content-Security-Policy allows no inline script or handler.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-print-button]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
