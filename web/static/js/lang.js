// The language switch keeps a form being filled: when it is used, the values of the
// page's forms are saved in sessionStorage under the page it returns to; after the reload
// in the other language they are put back once, then forgotten. Passwords, CSRF tokens,
// hidden fields and files are never saved. Without JavaScript the switch still works (the
// server keeps the URL with its query); only unsaved typing is lost.
(function () {
  "use strict";
  var PREFIX = "ntmflow.lang-keep:";
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    return;
  }
  if (!store) {
    return;
  }

  function skipped(el) {
    if (!el.name || el.disabled) {
      return true;
    }
    var type = (el.type || "").toLowerCase();
    return el.name === "csrf_token" || type === "password" || type === "file" || type === "hidden" ||
      type === "submit" || type === "button" || type === "reset" || type === "image" || el.tagName === "BUTTON" ||
      el.tagName === "FIELDSET" || el.tagName === "OUTPUT" || el.tagName === "OBJECT";
  }

  // keptForms are the page's own forms: not the switch itself, not sign-out.
  function keptForms() {
    var out = [];
    var forms = document.forms;
    for (var i = 0; i < forms.length; i++) {
      var f = forms[i];
      if (f.hasAttribute("data-lang-switch") || f.getAttribute("action") === "/logout") {
        continue;
      }
      out.push(f);
    }
    return out;
  }

  // snapshot lists each field by form, name and its place among fields of that name.
  function snapshot() {
    var forms = keptForms();
    var saved = [];
    forms.forEach(function (f, fi) {
      var seen = {};
      var fields = [];
      for (var i = 0; i < f.elements.length; i++) {
        var el = f.elements[i];
        if (skipped(el)) {
          continue;
        }
        var n = seen[el.name] || 0;
        seen[el.name] = n + 1;
        var type = (el.type || "").toLowerCase();
        var item = { name: el.name, n: n };
        if (type === "checkbox" || type === "radio") {
          item.checked = el.checked;
        } else if (el.tagName === "SELECT" && el.multiple) {
          item.values = [];
          for (var j = 0; j < el.options.length; j++) {
            if (el.options[j].selected) {
              item.values.push(el.options[j].value);
            }
          }
        } else {
          item.value = el.value;
        }
        fields.push(item);
      }
      if (fields.length) {
        saved.push({ form: fi, action: f.getAttribute("action") || "", fields: fields });
      }
    });
    return saved;
  }

  function restore(saved) {
    var forms = keptForms();
    saved.forEach(function (s) {
      var f = forms[s.form];
      if (!f || (f.getAttribute("action") || "") !== s.action) {
        return;
      }
      var byName = {};
      for (var i = 0; i < f.elements.length; i++) {
        var el = f.elements[i];
        if (skipped(el)) {
          continue;
        }
        (byName[el.name] = byName[el.name] || []).push(el);
      }
      s.fields.forEach(function (item) {
        var el = (byName[item.name] || [])[item.n];
        if (!el) {
          return;
        }
        var type = (el.type || "").toLowerCase();
        var changed = false;
        if (type === "checkbox" || type === "radio") {
          if (typeof item.checked === "boolean" && el.checked !== item.checked) {
            el.checked = item.checked;
            changed = true;
          }
        } else if (item.values) {
          for (var j = 0; j < el.options.length; j++) {
            el.options[j].selected = item.values.indexOf(el.options[j].value) >= 0;
          }
          changed = true;
        } else if (typeof item.value === "string" && el.value !== item.value) {
          el.value = item.value;
          changed = true;
        }
        if (changed) {
          // Let the page's own scripts (totals, dependent fields) see the value.
          el.dispatchEvent(new Event("input", { bubbles: true }));
          el.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  }

  // keyFor names the saved values by the URL the switch returns to (path and query).
  function keyFor(url) {
    try {
      var u = new URL(url, window.location.href);
      return PREFIX + u.pathname + u.search;
    } catch (e) {
      return PREFIX + url;
    }
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-lang-switch")) {
      return;
    }
    var back = form.elements.namedItem("back");
    var saved = snapshot();
    if (!back || !saved.length) {
      return;
    }
    try {
      store.setItem(keyFor(back.value), JSON.stringify(saved));
    } catch (e) {
      // Storage full or refused: the switch still works.
    }
  });

  var key = keyFor(window.location.pathname + window.location.search);
  var raw = null;
  try {
    raw = store.getItem(key);
    store.removeItem(key);
  } catch (e) {
    raw = null;
  }
  if (raw) {
    try {
      restore(JSON.parse(raw));
    } catch (e) {
      // A malformed entry is dropped.
    }
  }
})();
