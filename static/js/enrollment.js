// Entry data (HUD 3.917): show only the questions HUD asks given the answers so far.
// Mirrors enrollments.rules.prior_living_questions; the server clears answers to questions
// that are not asked, so the form also works without this script (every question shown).
(function () {
  "use strict";
  var form = document.getElementById("entry-data");
  if (!form) return;
  var situation = form.querySelector("[name=living_situation]");
  var stay = form.querySelector("[name=length_of_stay]");
  var before = form.querySelector("[name=previous_street_essh]");
  if (!situation || !stay || !before) return;
  var partA = [0, 1, 4, 8].indexOf(parseInt(situation.dataset.projectType, 10)) !== -1;
  var under90 = ["10", "11", "2", "3"];
  var under7 = ["10", "11"];

  function asked() {
    var code = situation.value === "" ? null : parseInt(situation.value, 10);
    var group = code === null ? null : Math.floor(code / 100);
    var shortStay = false;
    var history = false;
    if (code !== null) {
      if (partA || group === 1) {
        history = true;
      } else {
        var gate = group === 2 ? under90 : under7;
        shortStay = gate.indexOf(stay.value) !== -1;
        history = shortStay && before.value === "1";
      }
    }
    return {
      subsidy: code === 435,
      situation: code !== null,
      "short-stay": shortStay,
      history: history,
    };
  }

  function update() {
    var shown = asked();
    form.querySelectorAll("[data-asked-when]").forEach(function (input) {
      var field = input.closest(".field") || input.parentElement;
      field.hidden = !shown[input.dataset.askedWhen];
    });
  }

  form.addEventListener("change", update);
  update();
})();
