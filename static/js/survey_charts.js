// The satisfaction survey's results: one bar chart per statement, the number of ratings from 1 (very dissatisfied)
// to 5 (very satisfied). The figures come from a JSON block of the page (json_script); the table beside the charts
// has the same figures.
(function () {
  "use strict";
  var source = document.getElementById("survey-results");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#b03a2e", "#d4813a", "#b5a642", "#5a9a4a", "#1f5f8b"];
  data.questions.forEach(function (question) {
    var canvas = document.getElementById("survey-chart-" + question.id);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ data: question.distribution, backgroundColor: colours, borderColor: colours }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
})();
