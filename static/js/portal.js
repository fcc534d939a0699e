/*
 * 惠企服务平台 — progressive enhancements. Every feature works without this file:
 * the accessibility forms post and reload, the menu is a plain <details>.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var phone = window.matchMedia("(max-width: 48rem)");

  /* The menu is rendered open so that it is usable without JavaScript; on a
     phone it starts folded behind the 菜单 button. */
  function foldMenuOnPhones() {
    var menu = document.querySelector(".nav-toggle");
    if (!menu) return;
    if (phone.matches) menu.removeAttribute("open");
    else menu.setAttribute("open", "");
  }

  /* Reflect a saved preference on the page at once: the <html> classes and the
     pressed state of the buttons, and turn the contrast button into its opposite. */
  function applyPreference(name, value) {
    if (name === "font") {
      root.classList.remove("font-small", "font-medium", "font-large");
      root.classList.add("font-" + value);
      document.querySelectorAll('form[data-a11y="font"] button[name="font"]').forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.value === value));
      });
    } else if (name === "contrast") {
      var high = value === "high";
      root.classList.toggle("contrast-high", high);
      var button = document.querySelector('form[data-a11y="contrast"] button[name="contrast"]');
      if (button) {
        button.setAttribute("aria-pressed", String(high));
        button.value = high ? "normal" : "high";
      }
    }
  }

  /* Save the preference in the background (the server sets the cookie) and
     apply it without reloading the page; fall back to a normal submit. */
  function enhanceA11yForms() {
    document.querySelectorAll("form[data-a11y]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button || !window.fetch || !window.FormData) return;
        event.preventDefault();
        var data = new FormData(form);
        data.append(button.name, button.value);
        var name = button.name;
        var value = button.value;
        fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
        }).then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          applyPreference(name, value);
          button.focus();
        }).catch(function () {
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = name;
          field.value = value;
          form.appendChild(field);
          form.submit();
        });
      });
    });
  }

  function init() {
    foldMenuOnPhones();
    if (phone.addEventListener) phone.addEventListener("change", foldMenuOnPhones);
    enhanceA11yForms();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
