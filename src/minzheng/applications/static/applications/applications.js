// HTMX: show a refused action's Chinese message instead of silently ignoring the 4xx response.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status >= 400 && status < 500) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    const box = document.createElement("div");
    box.className = "alert alert-error htmx-error";
    box.innerHTML = event.detail.serverResponse;
    const target = event.detail.target;
    event.detail.shouldSwap = false;
    target.insertBefore(box, target.firstChild);
  }
});
