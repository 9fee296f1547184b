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

// A form with data-confirm asks first, in the page's own dialog (approve, refuse, send back …).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (form.dataset.confirmed === "1") return;
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog) return;
  event.preventDefault();
  const submitter = event.submitter;
  dialog.querySelector("[data-confirm-text]").textContent = form.dataset.confirm;
  dialog.querySelector("[data-confirm-ok]").onclick = () => {
    dialog.close();
    form.dataset.confirmed = "1";
    form.requestSubmit(submitter || undefined);
  };
  dialog.querySelector("[data-confirm-cancel]").onclick = () => dialog.close();
  dialog.showModal();
});
