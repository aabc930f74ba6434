// The chat panel's small client side (htmx does the rest): a hidden tab does not poll (htmx's
// own trigger filters would need eval, which the Content-Security-Policy forbids), the close
// button empties the panel's region (which ends its polling) and gives focus back to the Help
// button, and Escape closes too. The Help button also steps up out of the way of what a shopper
// must reach (the buy buttons, the place-order button, a total) whenever one passes beneath it.
(function () {
  "use strict";
  var KEEP_CLEAR = "button.primary, .button.primary, .buy-now button, .order-total, " +
    ".breakdown tr:last-child td, [data-keep-clear]";
  var pending = false;
  function keepClear() {
    pending = false;
    var button = document.querySelector(".chat-button");
    if (!button) { return; }
    button.style.transform = "";
    var mine = button.getBoundingClientRect();
    var clear = Array.prototype.filter.call(document.querySelectorAll(KEEP_CLEAR), function (elt) {
      return !elt.closest("#chat-region");
    }).map(function (elt) { return elt.getBoundingClientRect(); });
    var lift = 0;
    // Above whatever it would sit on; again if that lands it on the next one up.
    for (var round = 0; round < 5; round += 1) {
      var top = mine.top - lift, bottom = mine.bottom - lift, more = 0;
      clear.forEach(function (r) {
        if (r.width && r.bottom > top && r.top < bottom && r.right > mine.left && r.left < mine.right) {
          more = Math.max(more, bottom - r.top + 8);
        }
      });
      if (!more) { break; }
      lift += more;
    }
    if (lift && mine.top - lift > 0) { button.style.transform = "translateY(" + -lift + "px)"; }
  }
  function soon() {
    if (!pending) { pending = true; window.requestAnimationFrame(keepClear); }
  }
  window.addEventListener("scroll", soon, {passive: true});
  window.addEventListener("resize", soon);
  document.addEventListener("DOMContentLoaded", soon);
  document.addEventListener("htmx:afterSettle", soon);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.hasAttribute("data-chat-poll") && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });
  function close() {
    var region = document.getElementById("chat-region");
    if (!region || !region.firstElementChild) { return; }
    region.innerHTML = "";
    var button = document.querySelector(".chat-button");
    if (button) { button.focus(); }
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-chat-close]")) { close(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.querySelector("#chat-region .chat-panel")) { close(); }
  });
}());
