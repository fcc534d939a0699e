/* 我要诉求: the 相关事项 list narrowed to the matters of the chosen 相关政策 (each option carries data-policy).
   Without this script the list stays grouped by policy and every matter can be chosen. */
(function () {
  "use strict";
  var policy = document.getElementById("id_policy");
  var matter = document.getElementById("id_matter");
  if (!policy || !matter) { return; }

  function narrow() {
    var chosen = policy.value;
    Array.prototype.forEach.call(matter.querySelectorAll("option[data-policy]"), function (option) {
      var hide = chosen !== "" && option.getAttribute("data-policy") !== chosen;
      option.hidden = hide;
      option.disabled = hide;
      if (hide && option.selected) { matter.value = ""; }
    });
    Array.prototype.forEach.call(matter.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  }

  policy.addEventListener("change", narrow);
  narrow();
}());
