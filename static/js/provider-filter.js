// The offer form: the provider list follows the chosen service. Each provider option says
// which services it offers (data-services); options of other providers are hidden and
// disabled, and a provider that no longer fits is unselected. Without this script the server
// does the same when the form is shown again ("Show providers of this service").
(function () {
  "use strict";
  document.querySelectorAll("select[data-service-field]").forEach(function (select) {
    var form = select.form;
    var radios = form.querySelectorAll(
      'input[type="radio"][name="' + select.dataset.serviceField + '"]'
    );
    function chosen() {
      var value = "";
      radios.forEach(function (radio) {
        if (radio.checked) value = radio.value;
      });
      return value;
    }
    function follow() {
      var service = chosen();
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.dataset.services === undefined) return;
        var fits = !service || option.dataset.services.split(" ").indexOf(service) !== -1;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) select.value = "";
      });
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", follow);
    });
    form.querySelectorAll("[data-without-script]").forEach(function (element) {
      element.hidden = true;
    });
    follow();
  });
})();
