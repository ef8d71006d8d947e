// The nomination page (nomination.html): after a refused action the page opens that
// action's form with the messages beside its fields; the first field to fix takes focus,
// so a phone shows it and a screen reader reads it. The page works without this script.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }
  ready(function () {
    var form = document.querySelector("details.action-form[open] form");
    if (!form) {
      return;
    }
    var field = form.querySelector('[aria-invalid="true"]');
    if (field) {
      field.focus();
      if (field.scrollIntoView) {
        field.scrollIntoView({ block: "center" });
      }
    }
  });
})();
