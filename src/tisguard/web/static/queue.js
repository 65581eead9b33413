// Review queue keyboard: j/k move the selection, Enter opens the selected listing.
(function () {
  "use strict";
  var rows = [].slice.call(document.querySelectorAll("#queue tbody tr"));
  var i = -1;
  function sel(n) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, n));
    rows.forEach(function (r) { r.classList.remove("kbd-selected"); });
    rows[i].classList.add("kbd-selected");
    rows[i].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    if (e.key === "j") sel(i + 1);
    if (e.key === "k") sel(i - 1);
    if (e.key === "Enter" && i >= 0) {
      var a = rows[i].querySelector("a.listing-link");
      if (a) location = a.href;
    }
  });
})();
