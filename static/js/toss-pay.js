// Opens Toss Payments' window (SDK v2, docs.tosspayments.com/sdk/v2/js) with the values the
// shop's adapter gave (data-sdk), and enables the radio buttons that need JavaScript (the Toss
// choice at checkout), also on pages htmx swaps in (a boosted link to checkout).
(function () {
  "use strict";
  function needingScript() {
    document.querySelectorAll("input[data-needs-js]").forEach(function (input) {
      input.disabled = false;
      var note = document.getElementById(input.id + "-nojs");
      if (note) { note.hidden = true; }
    });
  }
  function open() {
    var box = document.getElementById("toss-pay");
    if (!box || typeof window.TossPayments !== "function") { return false; }
    var sdk = JSON.parse(box.getAttribute("data-sdk"));
    var button = document.getElementById("toss-pay-button");
    var error = document.getElementById("toss-pay-error");
    var payment = window.TossPayments(sdk.clientKey).payment({customerKey: window.TossPayments.ANONYMOUS});
    function request() {
      payment.requestPayment({
        method: sdk.method, amount: sdk.amount, orderId: sdk.orderId, orderName: sdk.orderName,
        successUrl: sdk.successUrl, failUrl: sdk.failUrl
      }).catch(function () { error.hidden = false; });
    }
    button.disabled = false;
    button.addEventListener("click", request);
    request();
    return true;
  }
  document.addEventListener("htmx:load", needingScript);
  document.addEventListener("DOMContentLoaded", function () {
    needingScript();
    if (document.getElementById("toss-pay") && !open()) {
      document.getElementById("toss-pay-error").hidden = false;
    }
  });
})();
