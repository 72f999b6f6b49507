// The dashboard's charts: each [data-chart] element carries its ECharts options as JSON (built
// with pyecharts on the server; no inline script, the CSP allows our own files only) and the
// drill-down filters of its points. A click on a point opens the tickets behind it.
(() => {
  "use strict";
  if (typeof echarts === "undefined") return;

  function drillUrl(element, index) {
    const points = JSON.parse(element.dataset.points || "[]");
    const filters = points[index];
    if (!filters || !element.dataset.drill) return null;
    const url = new URL(element.dataset.drill, window.location.href);
    for (const [key, value] of Object.entries(filters)) {
      if (value !== null && value !== "") url.searchParams.set(key, value);
    }
    return url.toString();
  }

  const charts = [];
  for (const element of document.querySelectorAll("[data-chart]")) {
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.on("finished", () => { element.dataset.rendered = "true"; });
    chart.setOption(JSON.parse(element.dataset.chart));
    chart.on("click", (params) => {
      const target = drillUrl(element, params.dataIndex);
      if (target) window.location.assign(target);
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
