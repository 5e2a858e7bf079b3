// Search fields with suggestions (housingfirst.forms.SuggestInput): as the person types, ask
// the field's data-suggest-url for a few matches (?q=) and offer them in a <datalist>. The
// page never lists every choice, so it stays small; without this script the field is a plain
// text field the server resolves. (No inline script: the CSP allows only our own files.)
(function () {
  "use strict";
  var WAIT_MS = 200;
  var MIN_LENGTH = 2;

  function attach(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var timer = null;
    var pending = null;
    var asked = "";

    function fill(results) {
      list.textContent = "";
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.value;
        if (result.label && result.label !== result.value) option.textContent = result.label;
        list.appendChild(option);
      });
    }

    function ask() {
      var text = input.value.trim();
      if (text === asked) return;
      asked = text;
      if (pending) pending.abort();
      if (text.length < MIN_LENGTH) {
        fill([]);
        return;
      }
      pending = window.AbortController ? new AbortController() : null;
      var url = new URL(input.dataset.suggestUrl, window.location.href);
      url.searchParams.set("q", text);
      fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: pending ? pending.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (answer) {
          if (input.value.trim() === text) fill(answer.results || []);
        })
        .catch(function () {
          // Offline, signed out or aborted: the field still works as plain text.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
  }

  document.querySelectorAll("input[data-suggest-url][id]").forEach(attach);
})();
