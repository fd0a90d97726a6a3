// Draws every element marked data-chart from the JSON in the element named by data-source.
// Loaded as a file (no inline script) so the Content-Security-Policy can forbid inline code.
(function () {
  "use strict";
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: {},
      // containLabel: the axis labels are inside the grid, however long (18,000 must not show as ",8,000").
      grid: { left: 10, right: 20, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", stack: "total", data: s.data }; })
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
