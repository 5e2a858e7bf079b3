// /hmis/export/ and /hmis/import/: while a job runs (an export, a dry run, an import), ask its
// status every few seconds and move its progress bar; once one finishes, reload the page to
// show its result. Each watched element names its status URL in data-job-status-url; the
// status says its own label. (No inline script: the CSP allows only our own files.)
document.addEventListener("DOMContentLoaded", function () {
  var watched = Array.prototype.slice.call(document.querySelectorAll("[data-job-status-url]"));
  if (!watched.length) { return; }
  var every = 2000;
  var deadline = Date.now() + 60 * 60 * 1000; // give up after an hour: the refresh link stays

  function show(element, state) {
    var bar = element.querySelector("progress");
    var label = element.querySelector("label");
    if (bar) { bar.value = state.percent; bar.textContent = state.percent + "%"; }
    if (label && state.label) { label.textContent = state.label; }
  }

  function poll() {
    if (Date.now() > deadline) { return; }
    Promise.all(watched.map(function (element) {
      return fetch(element.getAttribute("data-job-status-url"), {
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
