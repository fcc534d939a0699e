// Import job progress (导入进度): polls the job's JSON status and updates the bar; reloads when the job is finished
// so the page shows the result and the error report. No inline script: the page only carries data-status-url.
(function () {
  "use strict";

  var POLL_MS = 1500;

  function start() {
    var bar = document.getElementById("import-progress");
    if (!bar || !bar.dataset.statusUrl) {
      return;
    }
    var statusText = document.getElementById("import-status");
    var percent = document.getElementById("import-percent");
    var message = document.getElementById("import-message");

    function poll() {
      fetch(bar.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (job) {
          bar.value = job.progress;
          bar.textContent = job.progress + "%";
          if (percent) percent.textContent = job.progress + "%";
          if (statusText) statusText.textContent = job.status_display;
          if (message && job.message) message.textContent = job.message;
          if (job.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () {
          window.setTimeout(poll, POLL_MS * 4);
        });
    }

    window.setTimeout(poll, POLL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
