// The consultation workspace's charts: opinions per day, per clause, per channel, per answer. The figures come
// from a JSON block of the page (json_script); the same figures are in the tables beside each chart.
(function () {
  "use strict";
  var source = document.getElementById("consultation-stats");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var stats = JSON.parse(source.textContent);
  var colour = "#1f5f8b";
  function draw(id, kind, rows, labelKey) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: kind,
      data: {
        labels: rows.map(function (row) { return row[labelKey]; }),
        datasets: [{ data: rows.map(function (row) { return row.count; }), backgroundColor: colour, borderColor: colour }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        indexAxis: kind === "bar" && rows.length > 8 ? "y" : "x",
      },
    });
  }
  draw("chart-per-day", "line", stats.per_day, "day");
  draw("chart-per-clause", "bar", stats.per_clause, "label");
  draw("chart-per-channel", "bar", stats.per_channel, "label");
  draw("chart-per-answer", "bar", stats.per_answer, "label");
})();
