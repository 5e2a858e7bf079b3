// /hmis/export/: while an export runs, ask its status every few seconds and move its
// progress bar; once one finishes, reload the page to show its download and report.
// (No inline script: the CSP allows only our own files.)
document.addEventListener("DOMContentLoaded", function () {
  var watched = Array.prototype.slice.call(document.querySelectorAll("[data-export-status-url]"));
  if (!watched.length) { return; }
  var every = 2000;
  var deadline = Date.now() + 60 * 60 * 1000; // give up after an hour: the refresh link stays

  function show(element, state) {
    var bar = element.querySelector("progress");
    var label = element.querySelector("label");
    if (bar) { bar.value = state.percent; bar.textContent = state.percent + "%"; }
    if (label && state.status === "running") {
      label.textContent = "Clients written: " + state.clients_done + " of " + state.clients_total;
    }
  }

  function poll() {
    if (Date.now() > deadline) { return; }
    Promise.all(watched.map(function (element) {
      return fetch(element.getAttribute("data-export-status-url"), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      }).then(function (state) {
        show(element, state);
        return state.finished;
      });
    })).then(function (finished) {
      if (finished.some(Boolean)) { window.location.reload(); return; }
      window.setTimeout(poll, every);
    }).catch(function () {
      every = Math.min(every * 2, 30000); // signed out or offline: ask less often
      window.setTimeout(poll, every);
    });
  }
  window.setTimeout(poll, every);
});
