// ntmflow progressive enhancement. Every page works without this file; with it, the
// score of a self-assessment or review updates as the official types. No inline script:
// the criteria come from the form's data-set attribute.
(function () {
  "use strict";

  // parseNumber reads a number the way internal/numparse does on the server, pattern for
  // pattern (see the rule there; numparse.Examples is checked against both): digits;
  // a decimal comma ("350,5"); dots grouping thousands with maybe a decimal comma
  // ("1.250,5", and the ambiguous "1.250" is 1250 as in Vietnamese); a decimal point
  // ("350.5", "0.250"); English grouping ("1,250.5", "1,250,000"); spaces grouping
  // thousands ("1 250,5"). Anything else is NaN, never a guess.
  var reDigits = /^-?\d+$/, reComma = /^-?\d*,\d+$/, reDotGroups = /^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$/,
    rePoint = /^-?\d*\.\d+$/, reCommaGroups = /^-?[1-9]\d{0,2}((,\d{3})+\.\d+|(,\d{3}){2,})$/,
    reSpaceGroups = /^-?[1-9]\d{0,2}( \d{3})+([.,]\d+)?$/;
  function num(v) {
    if (v === null || v === undefined) return NaN;
    var s = String(v).replace(/[\u00a0\u202f]/g, " ").trim(), plain;
    if (reDigits.test(s) || (rePoint.test(s) && !reDotGroups.test(s))) plain = s;
    else if (reComma.test(s)) plain = s.replace(",", ".");
    else if (reDotGroups.test(s)) plain = s.replace(/\./g, "").replace(",", ".");
    else if (reCommaGroups.test(s)) plain = s.replace(/,/g, "");
    else if (reSpaceGroups.test(s)) plain = s.replace(/ /g, "").replace(",", ".");
    else return NaN;
    var n = Number(plain);
    return isFinite(n) ? n : NaN;
  }
  window.ntmflow = window.ntmflow || {};
  window.ntmflow.parseNumber = num;

  function fmt(n, lang) {
    return new Intl.NumberFormat(lang === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 2 }).format(n);
  }

  function tpl(form, name) {
    var t = form.querySelector("template[" + name + "]");
    return t ? t.innerHTML : "";
  }
  // Templates hold text escaped as HTML; what goes into textContent is read back plain.
  function text(html) {
    var d = document.createElement("div");
    d.innerHTML = html;
    return d.textContent;
  }

  // problem says what is wrong with a number field's text as typed, or "".
  function problem(form, input) {
    var raw = input.value.trim();
    if (raw === "") return "";
    var v = num(raw);
    if (isNaN(v)) return text(tpl(form, "data-msg-number"));
    if (input.dataset.max !== undefined && (v < 0 || v > num(input.dataset.max))) {
      return text(tpl(form, "data-msg-range")).replace("{max}", fmt(num(input.dataset.max), document.documentElement.lang));
    }
    if (input.dataset.min !== undefined && v < num(input.dataset.min)) return text(tpl(form, "data-msg-negative"));
    return "";
  }

  // flag marks a number field as the official types: the message beside it, aria-invalid.
  // Once edited, the server's message about the old text no longer applies.
  function flag(form, input) {
    var live = document.getElementById(input.id + "-live");
    var old = document.getElementById(input.id + "-err");
    if (!live) return;
    // Until it is edited, the server's message (if any) explains the field.
    var msg = old && !input.dataset.edited ? "" : problem(form, input);
    if (old && input.dataset.edited) old.hidden = true;
    live.textContent = msg;
    live.hidden = msg === "";
    var described = [];
    if (msg) described.push(live.id);
    if (old && !old.hidden) described.push(old.id);
    if (described.length) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", described.join(" "));
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
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
    // The garden's area criterion is not asked again: it reads the general-info area.
    var from = block.querySelector("[data-area-from]");
    var input = from ? document.getElementById(from.dataset.areaFrom) : block.querySelector("input[data-num], input[type=number]");
    if (from && input) from.value = input.value.trim();
    var v = num(input && input.value);
    if (isNaN(v)) return { answered: false, met: false, points: 0 };
    if (kind === "score") {
      if (v < 0 || v > max) return { answered: false, met: false, points: 0 };
      return { answered: true, met: v > 0, points: v };
    }
    if (v < 0) return { answered: false, met: false, points: 0 };
    var t = num(block.dataset.threshold);
    var ok = block.dataset.op === "le" ? v <= t : v >= t;
    return { answered: true, met: ok, points: ok ? max : 0 };
  }

  function update(form) {
    var set = JSON.parse(form.dataset.set);
    var isReview = form.hasAttribute("data-review");
    var lang = document.documentElement.lang;
    var total = 0, requiredOK = true, failing = [];
    var tplMet = form.querySelector("template[data-msg-met]");
    var tplNot = form.querySelector("template[data-msg-not-met]");
    form.querySelectorAll("[data-criterion]").forEach(function (block) {
      var r = judge(block, isReview);
      total += r.points;
      if (block.dataset.required === "true" && !r.met) {
        requiredOK = false;
        var title = block.querySelector(".criterion-title");
        var name = title ? title.cloneNode(true) : null;
        if (name) name.querySelectorAll("small, .req, .code").forEach(function (x) { x.remove(); });
        failing.push({ code: block.dataset.code, name: name ? name.textContent.trim() : "" });
      }
      var out = block.querySelector("[data-result]");
      if (out && tplMet && tplNot) {
        out.textContent = !r.answered ? "" : r.met ? text(tplMet.innerHTML).replace("{n}", fmt(r.points, lang)) : text(tplNot.innerHTML);
      }
    });
    total = Math.round(total * 100) / 100;
    var passes = total >= set.pass_rule.min_score && (requiredOK || !set.pass_rule.all_required);
    var box = form.querySelector("[data-score-box]");
    if (!box) return;
    box.querySelector("[data-score-total]").textContent = fmt(total, lang);
    var verdict = box.querySelector("[data-score-verdict]");
    var missing = Math.max(0, Math.round((set.pass_rule.min_score - total) * 100) / 100);
    if (!set.pass_rule.all_required) failing = [];
    var said = text(box.querySelector(passes ? "template[data-msg-pass]" : "template[data-msg-fail]").innerHTML);
    // The sticky box names the codes only (it must stay small on a phone); the names
    // follow under it, as the server's Shortfall renders them.
    var brief = [];
    if (!passes && failing.length && tpl(box, "data-msg-brief-codes")) {
      brief.push(text(tpl(box, "data-msg-brief-codes")).replace("{codes}", failing.map(function (f) { return f.code; }).join(", ")));
    }
    if (!passes && missing > 0 && tpl(box, "data-msg-brief-points")) {
      brief.push(text(tpl(box, "data-msg-brief-points")).replace("{n}", fmt(missing, lang)));
    }
    verdict.textContent = said + (brief.length ? " — " + brief.join("; ") : "");
    verdict.className = passes ? "ok" : "warn";
    reasons(form, passes, failing, missing, set.pass_rule.min_score, lang);
  }

  // reasons names what keeps the dossier from passing, as the server's Shortfall does:
  // the required criteria not met, the points missing to the pass mark, and a warning
  // that it cannot be recognised if submitted so.
  function reasons(form, passes, failing, missing, min, lang) {
    var out = form.querySelector("[data-score-reasons]"), box = form;
    if (!out) return;
    out.textContent = "";
    var save = form.querySelector("button[type=submit]");
    if (passes) {
      if (save) save.removeAttribute("aria-describedby");
      return;
    }
    var p;
    if (failing.length) {
      p = document.createElement("p");
      p.textContent = text(tpl(box, "data-msg-required"));
      out.appendChild(p);
      var ul = document.createElement("ul");
      failing.forEach(function (f) {
        var li = document.createElement("li"), code = document.createElement("span");
        code.className = "code";
        code.textContent = f.code;
        li.appendChild(code);
        li.appendChild(document.createTextNode(" " + f.name));
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    if (missing > 0) {
      p = document.createElement("p");
      p.textContent = text(tpl(box, "data-msg-points")).replace("{n}", fmt(missing, lang)).replace("{min}", fmt(min, lang));
      out.appendChild(p);
    }
    var warn = tpl(box, "data-msg-warning");
    if (warn) {
      p = document.createElement("p");
      p.className = "warn";
      p.id = "score-warning";
      var strong = document.createElement("strong");
      strong.textContent = text(warn);
      p.appendChild(strong);
      out.appendChild(p);
      if (save) save.setAttribute("aria-describedby", "score-warning");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-score-form]").forEach(function (form) {
      var onEdit = function (e) {
        if (e.target.matches && e.target.matches("input[data-num]")) {
          e.target.dataset.edited = "1";
          flag(form, e.target);
        }
        update(form);
      };
      form.addEventListener("input", onEdit);
      form.addEventListener("change", onEdit);
      form.querySelectorAll("input[data-num]").forEach(function (input) { flag(form, input); });
      update(form);
    });
    // The error summary after a refused save: it takes focus so it is read out and seen,
    // and each of its links moves focus to its field.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (e) {
        var a = e.target.closest && e.target.closest("a[href^='#']");
        if (!a) return;
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (!target) return;
        e.preventDefault();
        target.scrollIntoView({ block: "center" });
        target.focus();
      });
    }
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
