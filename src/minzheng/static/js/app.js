// Behaviour without inline scripts, so the Content-Security-Policy can forbid them.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-toggle-menu]");
  if (toggle) {
    toggle.addEventListener("click", () => document.getElementById("sidebar").classList.toggle("open"));
  }
  document.querySelectorAll("[data-chart]").forEach((el) => {
    if (!window.echarts) return;
    const labels = (el.dataset.labels || "").split("|");
    const values = (el.dataset.values || "").split("|").map(Number);
    const chart = window.echarts.init(el);
    chart.setOption({
      tooltip: {},
      grid: { left: 60, right: 20, top: 20, bottom: 40 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value" },
      series: [{ type: el.dataset.chart, data: values, itemStyle: { color: "#1f6fb2" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  });
});
