// Times on the shop's clock (<time datetime="..." data-shop-zone="Asia/Seoul">) also shown on the
// visitor's own clock, when it differs: "That is Sunday 16:00 your time." The sentence is in the
// page (hidden, translated); this script only fills in the time and shows it. Without the
// script, or on the shop's own clock, the shop's time stands alone. Runs again on every part of
// a page htmx swaps in.
(function () {
  "use strict";
  function visitorZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }
  function wallClock(zone, when) {
    // The date and time `zone`'s clocks show at `when`: two zones agree at that instant when
    // these are equal, whatever their names.
    return new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23", year: "numeric",
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"}).format(when);
  }
  function localize(root) {
    var mine = visitorZone();
    if (!mine || !window.Intl) { return; }
    root.querySelectorAll("time[data-shop-zone]").forEach(function (time) {
      var holder = time.parentNode.querySelector(".your-time");
      var slot = holder && holder.querySelector("[data-local-time]");
      var when = new Date(time.getAttribute("datetime"));
      if (!slot || isNaN(when.getTime())) { return; }
      var shopZone = time.getAttribute("data-shop-zone");
      try {
        if (wallClock(shopZone, when) === wallClock(mine, when)) { return; }
      } catch (e) { return; }
      var lang = document.documentElement.lang || undefined;
      var day = new Intl.DateTimeFormat(lang, {weekday: "long"}).format(when);
      var clock = new Intl.DateTimeFormat(lang, {hour: "2-digit", minute: "2-digit",
        hourCycle: "h23"}).format(when);
      slot.textContent = day + " " + clock;
      holder.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { localize(document); });
  document.addEventListener("htmx:load", function (event) { localize(event.target); });
}());
