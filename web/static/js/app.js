// ntmflow progressive enhancement. Every page works without this file; with it, the
// score of a self-assessment or review updates as the official types. No inline script:
// the criteria come from the form's data-set attribute.
(function () {
  "use strict";

  function num(v) {
    if (v === null || v === undefined) return NaN;
    v = String(v).trim();
    if (v === "") return NaN;
    if (v.indexOf(".") < 0) v = v.replace(",", ".");
    return Number(v);
  }

  function fmt(n, lang) {
    return new Intl.NumberFormat(lang === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 2 }).format(n);
  }

  // judge returns {answered, met, points} for one criterion block, mirroring
  // criteria.Evaluate / EvaluateReview on the server (boundaries inclusive).
  function judge(block, isReview) {
    var kind = block.dataset.kind, max = num(block.dataset.max);
    var checked = block.querySelector("input[type=radio]:checked");
    if (kind === "boolean" || (isReview && kind === "number")) {
      if (!checked) return { answered: false, met: false, points: 0 };
      var met = checked.value === "yes";
      return { answered: true, met: met, points: met ? max : 0 };
    }
    var input = block.querySelector("input[type=number]");
    var v = num(input && input.value);
    if (isNaN(v)) return { answered: false, met: false, points: 0 };
    if (kind === "score") {
      if (v < 0 || v > max) return { answered: false, met: false, points: 0 };
      return { answered: true, met: v > 0, points: v };
    }
    var t = num(block.dataset.threshold);
    var ok = block.dataset.op === "le" ? v <= t : v >= t;
    return { answered: true, met: ok, points: ok ? max : 0 };
  }

  function update(form) {
    var set = JSON.parse(form.dataset.set);
    var isReview = form.hasAttribute("data-review");
    var lang = document.documentElement.lang;
    var total = 0, requiredOK = true;
    var tplMet = form.querySelector("template[data-msg-met]");
    var tplNot = form.querySelector("template[data-msg-not-met]");
    form.querySelectorAll("[data-criterion]").forEach(function (block) {
      var r = judge(block, isReview);
      total += r.points;
      if (block.dataset.required === "true" && !r.met) requiredOK = false;
      var out = block.querySelector("[data-result]");
      if (out && tplMet && tplNot) {
        out.textContent = !r.answered ? "" : r.met ? tplMet.innerHTML.replace("{n}", fmt(r.points, lang)) : tplNot.innerHTML;
      }
    });
    total = Math.round(total * 100) / 100;
    var passes = total >= set.pass_rule.min_score && (requiredOK || !set.pass_rule.all_required);
    var box = form.querySelector("[data-score-box]");
    if (!box) return;
    box.querySelector("[data-score-total]").textContent = fmt(total, lang);
    var verdict = box.querySelector("[data-score-verdict]");
    verdict.textContent = box.querySelector(passes ? "template[data-msg-pass]" : "template[data-msg-fail]").innerHTML;
    verdict.className = passes ? "ok" : "warn";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-score-form]").forEach(function (form) {
      form.addEventListener("input", function () { update(form); });
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
    // Close the menu when focus or a click goes elsewhere.
    document.addEventListener("click", function (e) {
      document.querySelectorAll("details.menu[open]").forEach(function (d) {
        if (!d.contains(e.target)) d.removeAttribute("open");
      });
    });
  });
})();

// ---- The movement's pages (criteria ticks, the communes' grid, year pickers) --------
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // The running count of criteria ticked ("14/19") as the officer ticks them.
    document.querySelectorAll("form[data-tick-form]").forEach(function (form) {
      var out = form.querySelector("[data-met-count]");
      if (!out) return;
      var count = function () {
        out.textContent = form.querySelectorAll('input[name="met"]:checked').length;
      };
      form.addEventListener("change", count);
      count();
    });
    // A year picker shows the chosen year at once.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
      sel.addEventListener("change", function () { if (sel.form) sel.form.submit(); });
    });
    // "Select all" in the grid: every commune waiting for confirmation.
    document.querySelectorAll("input[data-pick-all]").forEach(function (all) {
      var label = all.closest("label");
      if (label) label.hidden = false;
      all.addEventListener("change", function () {
        all.form.querySelectorAll('input[name="item"]').forEach(function (b) { b.checked = all.checked; });
      });
    });
  });
})();
