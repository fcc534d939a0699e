/* Public matter pages. The guide's 打印指南 button is shown only where it can work (it needs JavaScript; the
   print stylesheet does the rest). The catalogue's facets start folded behind 筛选 on phones; they are rendered
   open, so they work without this file. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 59.99rem)");

  function foldFacets() {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
      if (phone.matches) details.removeAttribute("open");
      else details.setAttribute("open", "");
    });
  }

  function init() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    foldFacets();
    if (phone.addEventListener) phone.addEventListener("change", foldFacets);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
