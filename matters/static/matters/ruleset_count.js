// 符合条件的企业 (live count) on a rule version's page: when a criterion row changes, the rows as typed are posted
// to the count endpoint (JSON) and the figures replaced; an invalid row shows its Chinese message instead.
// No inline script: the page carries data-count-url and the (translated) messages on #ruleset-count.
(function () {
  "use strict";

  var DELAY_MS = 700;

  function start() {
    var box = document.getElementById("ruleset-count");
    if (!box || !box.dataset.countUrl) {
      return;
    }
    var form = box.closest("form");
    var button = document.getElementById("ruleset-recount");
    var note = box.querySelector('[data-count="note"]');
    var timer = null;
    // A read-only page (a published version, a reviewer) has no criteria rows to send: the saved count stands.
    var editable = form && form.querySelector('[name="criteria-TOTAL_FORMS"]');
    if (!editable) {
      if (button) {
        button.hidden = true;
      }
      return;
    }

    function show(counts) {
      ["eligible", "unknown", "near_miss", "ineligible"].forEach(function (key) {
        var cell = box.querySelector('[data-count="' + key + '"]');
        if (cell && typeof counts[key] === "number") {
          cell.textContent = counts[key].toLocaleString("zh-CN");
        }
      });
    }

    function recount() {
      if (!form) {
        return;
      }
      box.classList.add("is-stale");
      note.textContent = box.dataset.msgCounting;
      fetch(box.dataset.countUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          if (data.errors && data.errors.length) {
            note.textContent = data.errors.join("；");
            return;
          }
          show(data);
          box.classList.remove("is-stale");
          note.textContent = box.dataset.msgUnsaved;
        })
        .catch(function () {
          note.textContent = box.dataset.msgFailed;
        });
    }

    function schedule(event) {
      var name = event.target && event.target.name;
      if (!name || name.indexOf("criteria-") !== 0) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(recount, DELAY_MS);
    }

    if (form) {
      form.addEventListener("change", schedule);
      form.addEventListener("input", schedule);
    }
    if (button) {
      button.addEventListener("click", recount);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
