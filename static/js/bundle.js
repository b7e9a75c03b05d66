// The day bundle's progress bar: asks the server every second until the PDF is ready.
// Without JavaScript the page's Refresh link does the same.
(function () {
  "use strict";
  function watch(section) {
    var bar = section.querySelector("progress");
    var done = section.querySelector("[data-done]");
    var state = section.querySelector("[data-state]");
    var link = document.getElementById("bundle-download");
    var refresh = document.getElementById("bundle-refresh");
    function poll() {
      fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (status) {
          bar.max = status.total;
          bar.value = status.done;
          done.textContent = String(status.done);
          if (status.status === "done") {
            state.textContent = "· ready";
            link.href = status.download_url;
            link.hidden = false;
            refresh.hidden = true;
          } else if (status.status === "failed") {
            state.textContent = "· failed, please start again";
            refresh.hidden = true;
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    if (section.dataset.status !== "done" && section.dataset.status !== "failed") poll();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("bundle");
    if (section) watch(section);
  });
})();
