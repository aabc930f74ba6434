// The chat panel's small client side (htmx does the rest): a hidden tab does not poll (htmx's
// own trigger filters would need eval, which the Content-Security-Policy forbids), the close
// button empties the panel's region (which ends its polling) and gives focus back to the Help
// button, and Escape closes too.
(function () {
  "use strict";
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
