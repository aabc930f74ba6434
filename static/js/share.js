// Share buttons: the share sheet, else copy the link (templates/_share_button.html).
(function (n, d) {
  if (!n.share && !n.clipboard) return;
  function show() { d.querySelectorAll("[data-share]").forEach(function (b) { b.hidden = false; }); }
  show();
  d.addEventListener("htmx:load", show);
  d.addEventListener("click", function (e) {
    var b = e.target.closest("[data-share]"), s = b && b.dataset;
    if (!b) return;
    if (n.share) return n.share({ title: s.title, url: s.share }).catch(show);
    n.clipboard.writeText(s.share).then(function () { b.nextElementSibling.textContent = s.copied; });
  });
})(navigator, document);
