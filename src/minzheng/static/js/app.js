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
  if (form.dataset.confirmReason !== undefined) return; // asked with a reason, below
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

// A form (or an hx-post button) with data-confirm-reason asks for a reason in the same dialog
// (approve, refuse, confirm, unlock, reveal) and sends it in the field named by data-reason-field
// (the form's own reason field), else as `dialog_reason`, which every audit event of the request
// records (core.middleware.DialogReasonMiddleware). data-confirm-reason="required" refuses an empty reason.
function askReason(el, initial, done) {
  const dialog = document.getElementById("confirm-dialog");
  const box = dialog.querySelector("[data-confirm-reason-box]");
  const input = dialog.querySelector("[data-confirm-reason-input]");
  const warning = dialog.querySelector("[data-confirm-reason-missing]");
  dialog.querySelector("[data-confirm-text]").textContent = el.dataset.confirm || "确定执行此操作吗？";
  box.hidden = false;
  warning.hidden = true;
  input.value = initial || "";
  dialog.querySelector("[data-confirm-ok]").onclick = () => {
    const reason = input.value.trim();
    if (el.dataset.confirmReason === "required" && !reason) {
      warning.hidden = false;
      input.focus();
      return;
    }
    box.hidden = true;
    dialog.close();
    done(reason);
  };
  dialog.querySelector("[data-confirm-cancel]").onclick = () => {
    box.hidden = true;
    dialog.close();
  };
  dialog.showModal();
  input.focus();
}

function reasonFieldOf(form) {
  const name = form.dataset.reasonField || "dialog_reason";
  let field = form.querySelector(`[name="${name}"]`);
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    form.appendChild(field);
  }
  return field;
}

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.confirmReason === undefined) return;
    if (form.dataset.confirmed === "1") {
      delete form.dataset.confirmed;
      return;
    }
    if (!document.getElementById("confirm-dialog")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const submitter = event.submitter;
    const field = reasonFieldOf(form);
    askReason(form, field.value, (reason) => {
      field.value = reason;
      form.dataset.confirmed = "1";
      if (form.hasAttribute("hx-post") && window.htmx) {
        window.htmx.trigger(form, "submit");
      } else {
        form.requestSubmit(submitter || undefined);
      }
    });
  },
  true,
);

// An hx-post button (显示完整号码) asks through htmx's own confirm hook, then sends the reason.
document.addEventListener("htmx:confirm", (event) => {
  const el = event.detail.elt;
  if (!el || el.tagName === "FORM" || el.dataset.confirmReason === undefined) return;
  event.preventDefault();
  askReason(el, "", (reason) => {
    el.dataset.reason = reason;
    event.detail.issueRequest(true);
  });
});

document.addEventListener("htmx:configRequest", (event) => {
  const el = event.detail.elt;
  if (el && el.dataset && el.dataset.reason !== undefined && el.tagName !== "FORM") {
    event.detail.parameters[el.dataset.reasonField || "dialog_reason"] = el.dataset.reason;
  }
});

// Region picker: cascading selects from the user's own region down to villages; the deepest
// choice goes into the hidden input the form submits.
function initRegionPicker(root) {
  const hidden = root.querySelector("input[type=hidden]");
  const load = (code) =>
    fetch(`${root.dataset.url}${root.dataset.url.includes("?") ? "&" : "?"}code=${encodeURIComponent(code || "")}`, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((data) => {
        root.querySelectorAll(".picker-level").forEach((l) => l.remove());
        let deepest = "";
        data.levels.forEach((level, i) => {
          const label = document.createElement("span");
          label.className = "picker-level";
          label.textContent = `${level.label} `;
          const select = document.createElement("select");
          select.dataset.level = String(i);
          select.setAttribute("aria-label", level.label);
          const all = document.createElement("option");
          all.value = "";
          all.textContent = i === 0 ? `全部（${data.root.name}）` : "全部";
          select.appendChild(all);
          level.options.forEach((o) => {
            const option = document.createElement("option");
            option.value = o.code;
            option.textContent = o.name;
            option.selected = o.code === level.selected;
            select.appendChild(option);
          });
          if (level.selected) deepest = level.selected;
          select.addEventListener("change", () => {
            const before = i > 0 ? root.querySelector(`select[data-level="${i - 1}"]`).value : "";
            // The choice counts at once; the next level's options follow from the server.
            hidden.value = select.value || before || (root.dataset.required ? data.root.code : "");
            load(select.value || before);
          });
          label.appendChild(select);
          root.appendChild(label);
        });
        if (!data.levels.length) {
          const label = document.createElement("span");
          label.className = "picker-level";
          label.textContent = `本辖区：${data.root.name}`;
          root.appendChild(label);
        }
        hidden.value = deepest || (root.dataset.required ? data.root.code : "");
      });
  load(hidden.value);
}

// Person picker: type a name (or a full ID or phone number), pick one of the scoped matches.
// The household picker is the same widget with its own address (data-url) and empty text.
function initPersonPicker(root) {
  const hidden = root.querySelector("input[type=hidden]");
  const query = root.querySelector(".person-picker-query");
  const results = root.querySelector(".person-picker-results");
  const chosen = root.querySelector(".person-picker-chosen");
  let timer = null;
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const q = query.value.trim();
      results.replaceChildren();
      if (!q) return;
      fetch(`${root.dataset.url}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" })
        .then((r) => r.json())
        .then((data) => {
          results.replaceChildren();
          if (!data.results.length) {
            const none = document.createElement("span");
            none.className = "empty";
            none.textContent = root.dataset.empty || "没有找到人员";
            results.appendChild(none);
          }
          data.results.forEach((p) => {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "link";
            button.setAttribute("role", "option");
            button.textContent = p.label;
            button.addEventListener("click", () => {
              hidden.value = String(p.id);
              chosen.textContent = `已选：${p.label}`;
              results.replaceChildren();
            });
            results.appendChild(button);
          });
        });
    }, 250);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-region-picker]").forEach(initRegionPicker);
  document.querySelectorAll("[data-person-picker]").forEach(initPersonPicker);
});
