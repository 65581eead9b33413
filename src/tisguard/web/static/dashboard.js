// Dashboard charts. The figures and labels come from the JSON data block in dashboard.html (no inline script:
// the Content-Security-Policy allows scripts from /static only).
(function () {
  "use strict";
  var el = document.getElementById("dashboard-data");
  if (!el || typeof Chart === "undefined") return;
  var D = JSON.parse(el.textContent);
  var S = D.s, L = D.labels;
  function bar(id, labels, sets) {
    new Chart(document.getElementById(id), {
      type: "bar", data: { labels: labels, datasets: sets }, options: { animation: false, responsive: true }
    });
  }
  function two(obj) {
    var keys = Object.keys(obj), vals = keys.map(function (k) { return obj[k]; });
    return [keys, [
      { label: L.scanned, data: vals.map(function (x) { return x.scanned; }), backgroundColor: "#8fa8d8" },
      { label: L.flagged, data: vals.map(function (x) { return x.flagged; }), backgroundColor: "#d9534f" }
    ]];
  }
  var p = two(S.by_platform), c = two(S.by_country);
  bar("c-platform", p[0], p[1]);
  bar("c-country", c[0], c[1]);
  bar("c-standard", Object.keys(S.flagged_by_standard),
      [{ label: L.flagged, data: Object.values(S.flagged_by_standard), backgroundColor: "#f0ad4e" }]);
  bar("c-takedown", Object.keys(S.takedown_time_distribution),
      [{ label: "notices", data: Object.values(S.takedown_time_distribution), backgroundColor: "#5cb85c" }]);
  new Chart(document.getElementById("c-trend"), {
    type: "line",
    data: {
      labels: S.trend.map(function (x) { return x.day; }),
      datasets: [
        { label: L.scanned, data: S.trend.map(function (x) { return x.scanned; }) },
        { label: L.flagged, data: S.trend.map(function (x) { return x.flagged; }) }
      ]
    },
    options: { animation: false }
  });
})();
