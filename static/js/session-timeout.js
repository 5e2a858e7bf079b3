// Warns before the idle timeout (SESSION_WARNING_SECONDS before SESSION_COOKIE_AGE) with a
// "Stay signed in" button that pings the keep-alive address. Loaded as a file: the
// Content-Security-Policy allows no inline script. Activity in any tab of the app counts
// (localStorage), because every request to the server pushes the timeout forward.
(function () {
  "use strict";
  var script = document.currentScript;
  var idleMs = Number(script.dataset.idleSeconds) * 1000;
  var warnMs = Number(script.dataset.warningSeconds) * 1000;
  var keepAliveUrl = script.dataset.keepAliveUrl;
  var signInUrl = script.dataset.signInUrl;
  if (!idleMs || !keepAliveUrl) return;
  var KEY = "housingfirst.lastRequestAt";
  var lastRequestAt = Date.now();
  var dialog = null;
  var returnFocusTo = null;
  var state = "active";

  function remember(at) {
    lastRequestAt = at;
    try { window.localStorage.setItem(KEY, String(at)); } catch (e) { /* private mode */ }
  }

  function latest() {
    var shared = 0;
    try { shared = Number(window.localStorage.getItem(KEY)) || 0; } catch (e) { shared = 0; }
    return Math.max(lastRequestAt, shared);
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function build() {
    dialog = element("div", {
      "class": "session-warning",
      role: "alertdialog",
      "aria-modal": "false",
      "aria-labelledby": "session-warning-title",
      "aria-describedby": "session-warning-text",
      hidden: "",
    });
    dialog.appendChild(element("h2", { id: "session-warning-title" }, "You will be signed out soon"));
    dialog.appendChild(element("p", { id: "session-warning-text" }));
    var stay = element("button", { type: "button", "class": "button primary" }, "Stay signed in");
    stay.addEventListener("click", keepAlive);
    dialog.appendChild(stay);
    var signIn = element("a", { "class": "button primary", href: signInUrl || "/accounts/login/", hidden: "" }, "Sign in again");
    dialog.appendChild(signIn);
    document.body.appendChild(dialog);
  }

  function show(text, signedOut) {
    if (!dialog) build();
    dialog.querySelector("#session-warning-text").textContent = text;
    dialog.querySelector("button").hidden = signedOut;
    dialog.querySelector("a").hidden = !signedOut;
    if (dialog.hidden) {
      dialog.hidden = false;
      returnFocusTo = document.activeElement;
      dialog.querySelector(signedOut ? "a" : "button").focus();
    }
  }

  function hide() {
    if (!dialog || dialog.hidden) return;
    dialog.hidden = true;
    if (returnFocusTo && returnFocusTo.focus) returnFocusTo.focus();
  }

  function signedOut() {
    state = "signed-out";
    show(
      "You were signed out after a time without activity. Anything you type in a form is " +
        "kept if you send it: you will be asked to sign in, then to check it and save again.",
      true
    );
  }

  function keepAlive() {
    fetch(keepAliveUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.ok) {
          remember(Date.now());
          state = "active";
          hide();
        } else if (response.status === 401) {
          signedOut();
        }
      })
      .catch(function () { /* offline: the warning stays up */ });
  }

  function tick() {
    if (state === "signed-out") return;
    var left = latest() + idleMs - Date.now();
    if (left <= 0) {
      signedOut();
    } else if (left <= warnMs) {
      state = "warned";
      var minutes = Math.max(1, Math.round(left / 60000));
      show(
        "To protect clients' records, you will be signed out in about " + minutes +
          " minute" + (minutes === 1 ? "" : "s") + " without activity. What you have typed stays in the form.",
        false
      );
    } else if (state === "warned") {
      state = "active";  // another tab kept the session alive
      hide();
    }
  }

  remember(Date.now());
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) tick();
  });
  window.setInterval(tick, 1000);
})();
