// Draws the dashboard charts from JSON data blocks (no inline script: the CSP forbids it).
// Every chart has its numbers in an accessible table next to it.
(function () {
  "use strict";
  var dataEl = document.getElementById("chart-data");
  if (!dataEl || typeof Chart === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  // Django's JavaScript catalog (loaded by base.html) translates; without it the English stays.
  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };
  var blue = "#0b3d6b";
  function draw(id, type, series, label, options) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: type,
      data: { labels: series.labels, datasets: [{ label: label, data: series.values, backgroundColor: blue, borderColor: blue, spanGaps: true, maxBarThickness: 36 }] },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } }, options || {})
    });
  }
  draw("chart-trend", "line", data.trend, gettext("Moderation compliance (%)"), { scales: { y: { min: 0, max: 100 } } });
  draw("chart-units", "bar", data.units, gettext("Active accounts"), { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } });
})();
