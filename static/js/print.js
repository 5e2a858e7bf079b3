// Printing, on every page (no inline script: the CSP allows only our own files).
// "Print" buttons ([data-print]) print the page; a printed page shows folded sections
// (<details>) open, and closes again the ones it opened once printing is done.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("main details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
})();
