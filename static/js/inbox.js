// The back office's inbox, a little livelier: polls only while the tab is visible, rings for a
// new live chat (a short sound the merchant can switch off, remembered in this browser) and says
// so to screen readers. Without it the inbox is the same pages, updated on reload.
(function () {
  "use strict";
  var KEY = "moonjar.inbox.sound";
  var known = null;

  function soundOn() {
    try { return window.localStorage.getItem(KEY) !== "off"; } catch (e) { return true; }
  }
  function interacted() {
    return !window.navigator.userActivation || window.navigator.userActivation.hasBeenActive;
  }
  function blockedHint(show) {
    var hint = document.getElementById("inbox-sound-blocked");
    if (hint) { hint.hidden = !show; }
  }
  function setUp() {
    var controls = document.getElementById("inbox-ring-controls");
    var button = document.getElementById("inbox-sound");
    if (!controls || !button) { known = null; return; }
    controls.hidden = false;
    button.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    blockedHint(soundOn() && !interacted());
    if (known === null) { known = ringing(document); }
  }
  function ringing(root) {
    var ids = {};
    root.querySelectorAll("[data-ring]").forEach(function (row) { ids[row.getAttribute("data-ring")] = true; });
    return ids;
  }
  function ring() {
    var news = document.getElementById("inbox-news");
    if (news) {
      news.textContent = "";
      news.textContent = news.getAttribute("data-new-chat");
    }
    document.documentElement.setAttribute("data-rings",
      String(Number(document.documentElement.getAttribute("data-rings") || 0) + 1));
    var audio = document.getElementById("inbox-ring");
    if (!audio || !soundOn()) { return; }
    if (!interacted()) { blockedHint(true); return; }
    try {
      audio.currentTime = 0;
      var played = audio.play();
      if (played && played.catch) { played.catch(function () { blockedHint(true); }); }
    } catch (e) { blockedHint(true); }
  }

  // Polls (hx-trigger="every 5s" on [data-poll]) wait while the tab is hidden.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (source && source.hasAttribute && source.hasAttribute("data-poll")
        && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "conversation-list") { return; }
    var now = ringing(event.detail.target);
    var fresh = Object.keys(now).some(function (id) { return known && !known[id]; });
    known = now;
    if (fresh) { ring(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#inbox-sound");
    if (!button) { return; }
    var on = !soundOn();
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
    button.setAttribute("aria-pressed", on ? "true" : "false");
    blockedHint(false);
  });
  ["pointerdown", "keydown"].forEach(function (name) {
    document.addEventListener(name, function () { blockedHint(false); }, true);
  });
  // Boosted navigation brings a new page: start counting its live chats afresh.
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt === document.body) { known = null; }
    setUp();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
