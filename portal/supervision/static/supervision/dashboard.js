/* 督查看板: draws each monthly trend with Apache ECharts (served from static/, no CDN).
   The numbers come from the json_script block; each chart has its data table beside it. */
(function () {
  "use strict";
  var data = document.getElementById("supervision-charts");
  if (!data || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(data.textContent);
  var drawn = [];
  document.querySelectorAll(".supervision-chart").forEach(function (node) {
    var spec = charts[Number(node.getAttribute("data-chart"))];
    if (!spec) { return; }
    var empty = spec.values.every(function (v) { return v === null || v === 0; });
    if (empty) {
      node.classList.add("supervision-chart-empty");
      node.textContent = node.getAttribute("data-empty") || "";
      return;
    }
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: spec.months },
      yAxis: { type: "value", name: spec.unit, minInterval: 1 },
      series: [{ name: spec.label, type: spec.months.length > 3 ? "line" : "bar", data: spec.values, connectNulls: false, barMaxWidth: 40 }]
    });
    drawn.push(chart);
  });
  function fit() { drawn.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", fit);
  window.addEventListener("load", fit);
})();
