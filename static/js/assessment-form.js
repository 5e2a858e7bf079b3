// HUD assessment form (templates/enrollments/assessments/fields.html): hides the amount and
// "specify" of a source not ticked, and follow-up questions HUD doesn't ask given the first
// answer; keeps the income total up to date. Without this script every field is shown and the
// server works the total out and clears follow-ups that are not asked.
(function () {
  "use strict";
  var forms = document.querySelectorAll("[data-assessment-form]");
  if (!forms.length) return;

  function container(input) {
    return input.closest(".field") || input.parentElement;
  }

  function checkedValue(scope, name) {
    var found = "";
    scope.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) found = input.type === "checkbox" ? "on" : input.value;
      } else {
        found = input.value;
      }
    });
    return found;
  }

  // An amount as the server reads it ("$1,250.50"), NaN when it is not one; empty is 0.
  function amount(text) {
    var plain = String(text).trim().replace(/^\$\s*/, "").replace(/,/g, "");
    if (plain === "") return 0;
    return /^\d+(\.\d{0,2})?$|^\.\d{1,2}$/.test(plain) ? parseFloat(plain) : NaN;
  }

  function update(scope) {
    var total = 0;
    scope.querySelectorAll("[data-shown-with]").forEach(function (input) {
      var ticked = checkedValue(scope, input.dataset.shownWith) === "on";
      container(input).hidden = !ticked;
      if (ticked && input.closest(".amount")) total += amount(input.value);
    });
    var seen = {};
    scope.querySelectorAll("[data-follows]").forEach(function (input) {
      if (seen[input.name]) return;
      seen[input.name] = true;
      var shownWhen = (input.dataset.shownWhen || "").split(" ");
      var answer = checkedValue(scope, input.dataset.follows);
      container(input).hidden = shownWhen.indexOf(answer) === -1;
    });
    var output = scope.querySelector("[data-income-total]");
    if (output) {
      output.textContent = isNaN(total) ? "check the amounts" : "$" + total.toFixed(2);
    }
  }

  forms.forEach(function (scope) {
    scope.addEventListener("change", function () { update(scope); });
    scope.addEventListener("input", function () { update(scope); });
    update(scope);
  });
})();
