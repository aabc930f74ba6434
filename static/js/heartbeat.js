// The checkout page's heartbeat: an element with data-heartbeat gets a "heartbeat" event once a
// minute while the page is visible (htmx sends it on: hx-trigger="heartbeat"). A script of its
// own rather than an htmx trigger filter, which the shop's Content-Security-Policy (no eval)
// would not run. Without JavaScript there is no heartbeat, and the page offers help on load.
// Loaded by the checkout page itself (htmx runs it again after a boosted visit): one timer.
(function () {
  "use strict";
  var EVERY = 60000;
  if (window.shopHeartbeat) { return; }
  window.shopHeartbeat = true;
  setInterval(function () {
    if (document.visibilityState !== "visible") { return; }
    document.querySelectorAll("[data-heartbeat]").forEach(function (element) {
      element.dispatchEvent(new CustomEvent("heartbeat"));
    });
  }, EVERY);
}());
