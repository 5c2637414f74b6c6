// Applies the theme chosen with the toggle before the page paints; without
// a choice the page follows the system's prefers-color-scheme.
(function () {
  try {
    var t = localStorage.getItem("smstrack-theme");
    if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
  } catch (e) {}
})();
