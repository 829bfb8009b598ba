// The execution page's charts: each indicator's actual values, report by report, against its target. The figures
// come from a JSON block of the page (json_script); the same figures are in the table below the charts.
(function () {
  "use strict";
  var source = document.getElementById("execution-chart");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var actualColour = "#1f5f8b";
  var targetColour = "#b3261e";
  data.indicators.forEach(function (indicator) {
    var canvas = document.getElementById("chart-indicator-" + indicator.id);
    if (!canvas) {
      return;
    }
    var suffix = indicator.unit ? "（" + indicator.unit + "）" : "";
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: (canvas.dataset.actualLabel || "Actual") + suffix,
            data: indicator.actual,
            borderColor: actualColour,
            backgroundColor: actualColour,
            spanGaps: true,
          },
          {
            label: (canvas.dataset.targetLabel || "Target") + suffix,
            data: data.labels.map(function () { return indicator.target; }),
            borderColor: targetColour,
            backgroundColor: targetColour,
            borderDash: [6, 4],
            pointRadius: 0,
          },
        ],
      },
      options: {
        animation: false,
        plugins: { legend: { display: true } },
        scales: { y: { beginAtZero: false } },
      },
    });
  });
})();
