// Dashboard charts: attainment bars, a trend line and a choropleth by street, from the JSON the
// page embeds (json_script) and the public boundary GeoJSON. A file, so CSP can forbid inline code.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var colours = { green: "#2f9e44", amber: "#f08c00", red: "#e03131", grey: "#adb5bd" };

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = window.echarts.init(el);
    chart.setOption(option);
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  draw("attainment-chart", {
    title: { text: "达成度 %", textStyle: { fontSize: 14 } },
    tooltip: {},
    grid: { left: 10, right: 20, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.codes, axisLabel: { rotate: 45 } },
    yAxis: { type: "value", max: 100 },
    series: [{ type: "bar", data: data.attainment.map(function (v, i) {
      return { value: Math.round(v), itemStyle: { color: colours[data.colours[i]] } };
    }) }]
  });

  draw("trend-chart", {
    title: { text: data.map.name, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    grid: { left: 10, right: 20, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.trend.periods },
    yAxis: { type: "value", name: data.map.unit },
    series: [{ type: "line", data: data.trend.values }]
  });

  fetch(data.boundaries).then(function (r) { return r.json(); }).then(function (geo) {
    geo.features.forEach(function (f) { f.properties.name = f.properties.code; });
    window.echarts.registerMap("streets", geo);
    var names = {};
    geo.features.forEach(function (f) { names[f.properties.code] = f.properties.code; });
    var points = Object.keys(data.map.values).map(function (code) { return { name: code, value: data.map.values[code] }; });
    var values = points.map(function (p) { return p.value; });
    draw("map-chart", {
      title: { text: data.map.name + "（按街道）", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item" },
      visualMap: { min: Math.min.apply(null, values.concat([0])), max: Math.max.apply(null, values.concat([1])), calculable: true, left: 0, bottom: 0 },
      series: [{ type: "map", map: "streets", roam: true, data: points }]
    });
  });
})();
