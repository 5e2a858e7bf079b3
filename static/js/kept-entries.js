// Puts a form kept across the idle timeout back into the page's form (housingfirst/kept_forms.py).
// It only fills the fields: nothing is sent until the person checks them and saves again.
(function () {
  "use strict";
  var data = document.getElementById("kept-entries");
  if (!data) return;
  var entries = JSON.parse(data.textContent);
  var names = {};
  entries.forEach(function (entry) {
    (names[entry[0]] = names[entry[0]] || []).push(entry[1]);
  });

  // The form on the page that has the most of the kept fields (never the sign-out form).
  var best = null;
  var bestCount = 0;
  document.querySelectorAll("main form[method='post']").forEach(function (form) {
    var count = 0;
    Object.keys(names).forEach(function (name) {
      if (form.elements.namedItem(name)) count += 1;
    });
    if (count > bestCount) {
      best = form;
      bestCount = count;
    }
  });
  if (!best) return;

  Array.prototype.forEach.call(best.elements, function (field) {
    var values = names[field.name];
    if (!values || field.name === "csrfmiddlewaretoken" || field.type === "file") return;
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = values.indexOf(field.value) !== -1;
    } else if (field.tagName === "SELECT" && field.multiple) {
      Array.prototype.forEach.call(field.options, function (option) {
        option.selected = values.indexOf(option.value) !== -1;
      });
    } else if (field.tagName === "SELECT" || field.tagName === "TEXTAREA" || field.tagName === "INPUT") {
      if (field.type === "submit" || field.type === "button") return;
      // A name sent several times fills its fields in order.
      var index = Array.prototype.filter
        .call(best.elements, function (other) { return other.name === field.name; })
        .indexOf(field);
      if (index < values.length) field.value = values[index];
    }
  });
  best.classList.add("kept-entries-restored");
})();
