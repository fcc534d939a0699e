// Search-as-you-type for inputs with data-suggest-url: policy terms and titles under the box.
(function () {
  "use strict";
  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    var timer = null;
    var lastQuery = "";
    function clear() { list.innerHTML = ""; list.hidden = true; input.setAttribute("aria-expanded", "false"); }
    function item(text, href, cls) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      if (cls) a.className = cls;
      li.appendChild(a);
      return li;
    }
    function render(data) {
      list.innerHTML = "";
      var base = input.form ? input.form.getAttribute("action") : "";
      data.terms.forEach(function (term) { list.appendChild(item(term, base + "?q=" + encodeURIComponent(term), "suggestion-term")); });
      data.titles.forEach(function (t) {
        var li = item(t.title, t.url);
        if (t.kind !== "policy" && t.kind_label) {
          var tag = document.createElement("span");
          tag.className = "tag suggestion-kind";
          tag.textContent = t.kind_label;
          li.firstChild.insertBefore(tag, li.firstChild.firstChild);
        }
        list.appendChild(li);
      });
      var any = list.children.length > 0;
      list.hidden = !any;
      input.setAttribute("aria-expanded", any ? "true" : "false");
    }
    function fetchSuggestions() {
      var q = input.value.trim();
      if (!q) { clear(); return; }
      if (q === lastQuery) return;
      lastQuery = q;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && input.value.trim() === q) render(data); })
        .catch(clear);
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 200); });
    input.addEventListener("keydown", function (e) {
      var links = list.querySelectorAll("a");
      if (!links.length || list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); links[0].focus(); }
      if (e.key === "Escape") clear();
    });
    list.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && i < links.length - 1) { e.preventDefault(); links[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); if (i > 0) links[i - 1].focus(); else input.focus(); }
      if (e.key === "Escape") { clear(); input.focus(); }
    });
    document.addEventListener("click", function (e) { if (!list.contains(e.target) && e.target !== input) clear(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(setup);
  });
})();
