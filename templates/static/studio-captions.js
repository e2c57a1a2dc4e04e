// The studio's caption review: the cues of one language of the film (GET /api/captions), each with
// its times, its text (voice tags as typed text) and its lint, recomputed as you type with the rules
// of catalogue/subtitles.py lint_cues. Saving sends the edits as ops (POST /api/captions); split,
// merge, delete and add are saved at once, together with the edits typed so far. Everything from the
// file is set with textContent or value, never as markup.
(function () {
  "use strict";
  var common = window.StudioCommon;
  var $ = common.$, LANGUAGES = common.LANGUAGES, api = common.api, fmt = common.fmt, parseTime = common.parseTime;
  var element = common.element;
  var video = $("player");
  // catalogue/subtitles.py: MAX_CHARS_PER_SECOND, MAX_LINE_CHARS, MAX_LINES, MIN_CUE_MS, MAX_CUE_MS
  var MAX_CPS = 17, MAX_LINE = 42, MAX_LINES = 2, MIN_MS = 800, MAX_MS = 7000;
  var C = { filmId: null, language: null, lang: null, version: null, cues: [], carets: {} };

  function nowMs() { return Math.round(video.currentTime * 1000); }
  function status(text) { $("captions-status").textContent = text; }

  // --- lint, as catalogue.subtitles.lint_cues (what a viewer reads: tags removed, entities decoded) ---
  var parser = new DOMParser();
  function plain(markup) {
    var stripped = markup.replace(/<[^>]*>/g, "");
    if (stripped.indexOf("&") < 0) { return stripped; }
    return parser.parseFromString("<!doctype html><body><pre>" + stripped.replace(/</g, "&lt;") + "</pre>", "text/html")
      .querySelector("pre").textContent;
  }
  function chars(text) { return Array.from(text).length; }  // code points, as Python's len
  function lint(cues) {  // cues: [{start_ms, end_ms, text}] -> a list of messages per cue
    var found = cues.map(function () { return []; });
    var order = cues.map(function (c, i) { return i; }).filter(function (i) {
      return !isNaN(cues[i].start_ms) && !isNaN(cues[i].end_ms);
    }).sort(function (a, b) {
      return (cues[a].start_ms - cues[b].start_ms) || (cues[a].end_ms - cues[b].end_ms) || (a - b);
    });
    order.forEach(function (i, k) {
      var cue = cues[i], lines = plain(cue.text).split("\n"), duration = cue.end_ms - cue.start_ms;
      var count = lines.reduce(function (sum, line) { return sum + chars(line.trim()); }, 0);
      if (duration > 0 && count * 1000 / duration > MAX_CPS) {
        found[i].push("leessnelheid " + Math.round(count * 1000 / duration) + " tekens per seconde (hoogstens " + MAX_CPS + ")");
      }
      if (lines.some(function (line) { return chars(line) > MAX_LINE; })) {
        found[i].push("een regel langer dan " + MAX_LINE + " tekens");
      }
      if (lines.length > MAX_LINES) { found[i].push(lines.length + " regels (hoogstens " + MAX_LINES + ")"); }
      if (duration < MIN_MS) { found[i].push(duration + " ms in beeld (minstens " + MIN_MS + ")"); }
      else if (duration > MAX_MS) {
        found[i].push((duration / 1000).toFixed(1).replace(".", ",") + " s in beeld (hoogstens " + MAX_MS / 1000 + " s)");
      }
      var previous = k ? cues[order[k - 1]] : null;
      if (previous && cue.start_ms < previous.end_ms) { found[i].push("overlapt de ondertitel van " + fmt(previous.start_ms)); }
    });
    return found;
  }

  // --- the list ------------------------------------------------------------------------------
  function field(i, name) { return $("cap-" + name + "-" + i); }
  function typed(i) {  // cue i as typed now; times NaN when not a time
    return { start_ms: parseTime(field(i, "start").value), end_ms: parseTime(field(i, "end").value),
             text: field(i, "text").value.replace(/\r\n?/g, "\n") };
  }
  function button(text, label, action) {
    var b = element("button", "secondary", text);
    b.type = "button";
    if (label) { b.setAttribute("aria-label", label); }
    b.dataset.action = action;
    return b;
  }
  function timeField(i, name, label, ms) {
    var wrap = element("div", "cap-time");
    var l = element("label", "", label);
    l.htmlFor = "cap-" + name + "-" + i;
    var input = element("input", "timecode");
    input.id = l.htmlFor; input.type = "text"; input.inputMode = "decimal"; input.autocomplete = "off";
    input.spellcheck = false; input.value = fmt(ms); input.dataset.i = String(i);
    var here = button("Neem afspeelpunt", (name === "start" ? "Begin" : "Einde") + " van ondertitel " + (i + 1) +
                      " op het afspeelpunt", "here-" + name);
    wrap.appendChild(l); wrap.appendChild(input); wrap.appendChild(here);
    return wrap;
  }
  function render() {
    var list = $("caption-list");
    list.textContent = "";
    C.carets = {};
    C.cues.forEach(function (cue, i) {
      var li = element("li", "caption");
      li.dataset.i = String(i);
      var head = element("div", "cap-head");
      var go = button("Ondertitel " + (i + 1) + " · " + fmt(cue.start_ms), "Ga naar ondertitel " + (i + 1) + " (" +
                      fmt(cue.start_ms) + ")", "seek");
      go.className = "cap-seek";
      head.appendChild(go);
      if (cue.identifier) { head.appendChild(element("span", "cap-id", "id: " + cue.identifier)); }
      if (cue.settings) { head.appendChild(element("span", "cap-settings", cue.settings)); }
      li.appendChild(head);
      var times = element("div", "cap-times");
      times.appendChild(timeField(i, "start", "Begin", cue.start_ms));
      times.appendChild(timeField(i, "end", "Einde", cue.end_ms));
      li.appendChild(times);
      var label = element("label", "", "Tekst van ondertitel " + (i + 1));
      label.htmlFor = "cap-text-" + i;
      var text = element("textarea", "cap-text");
      text.id = label.htmlFor; text.rows = 2; text.spellcheck = true; text.value = cue.text; text.dataset.i = String(i);
      text.setAttribute("aria-describedby", "cap-lint-" + i + " cap-error-" + i);
      li.appendChild(label); li.appendChild(text);
      var lintList = element("ul", "cap-lint");
      lintList.id = "cap-lint-" + i;
      lintList.setAttribute("aria-label", "Leesbaarheid van ondertitel " + (i + 1));
      li.appendChild(lintList);
      var error = element("p", "error");
      error.id = "cap-error-" + i; error.hidden = true;
      li.appendChild(error);
      var actions = element("div", "cap-actions");
      actions.appendChild(button("Splitsen op afspeelpunt", "Ondertitel " + (i + 1) + " splitsen op het afspeelpunt", "split"));
      if (i + 1 < C.cues.length) {
        actions.appendChild(button("Samenvoegen met volgende", "Ondertitel " + (i + 1) + " samenvoegen met de volgende", "merge"));
      }
      var del = button("Verwijderen", "Ondertitel " + (i + 1) + " verwijderen", "delete");
      del.className = "danger";
      actions.appendChild(del);
      li.appendChild(actions);
      list.appendChild(li);
    });
    relint();
  }
  function relint() {
    var cues = C.cues.map(function (c, i) { return typed(i); });
    lint(cues).forEach(function (messages, i) {
      var list = $("cap-lint-" + i);
      list.textContent = "";
      messages.forEach(function (m) { list.appendChild(element("li", "warning", m)); });
      list.closest(".caption").classList.toggle("has-lint", messages.length > 0);
    });
    var changed = ops().filter(function (op) { return op.op === "replace"; }).length;
    $("captions-save").textContent = changed ? "Ondertitels opslaan (" + changed + " gewijzigd)" : "Ondertitels opslaan";
  }

  // --- edits as ops ----------------------------------------------------------------------------
  function ops() {  // the typed changes; times that are not times are left out (save refuses them first)
    var list = [];
    C.cues.forEach(function (cue, i) {
      var now = typed(i), op = { op: "replace", index: i }, changed = false;
      if (!isNaN(now.start_ms) && now.start_ms !== cue.start_ms) { op.start_ms = now.start_ms; changed = true; }
      if (!isNaN(now.end_ms) && now.end_ms !== cue.end_ms) { op.end_ms = now.end_ms; changed = true; }
      if (now.text !== cue.text) { op.text = now.text; changed = true; }
      if (changed) { list.push(op); }
    });
    return list;
  }
  function clearErrors() {
    document.querySelectorAll("#caption-list .error").forEach(function (e) { e.textContent = ""; e.hidden = true; });
    document.querySelectorAll("#caption-list [aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    $("captions-error").hidden = true; $("captions-conflict").hidden = true;
  }
  function showError(i, text, target) {
    var box = $("cap-error-" + i);
    if (!box) { $("captions-error").textContent = text; $("captions-error").hidden = false; return $("captions-error"); }
    box.textContent = (box.hidden ? "" : box.textContent + " ") + text; box.hidden = false;
    target = target || field(i, "text");
    target.setAttribute("aria-invalid", "true");
    if ((target.getAttribute("aria-describedby") || "").indexOf(box.id) < 0) {
      target.setAttribute("aria-describedby", ((target.getAttribute("aria-describedby") || "") + " " + box.id).trim());
    }
    return target;
  }
  function send(extra, done, focusIndex) {
    clearErrors();
    var bad = null;
    C.cues.forEach(function (cue, i) {
      ["start", "end"].forEach(function (name) {
        if (isNaN(parseTime(field(i, name).value))) {
          var t = showError(i, "Geen geldige tijd: schrijf uu:mm:ss.mmm.", field(i, name));
          bad = bad || t;
        }
      });
    });
    if (bad) { bad.focus(); status("Niet opgeslagen: verbeter de tijd."); return; }
    var list = ops().concat(extra);
    if (!list.length) { status("Er is niets gewijzigd."); return; }
    status("Bezig met opslaan…");
    api("POST", "/api/captions", { film: C.filmId, lang: C.lang, version: C.version, ops: list }).then(function (reply) {
      if (reply.status === 200) {
        loaded(reply.data);
        status(done);
        document.dispatchEvent(new CustomEvent("studio:captions-saved", { detail: { lang: C.lang } }));
        var target = focusIndex !== undefined ? field(Math.min(focusIndex, C.cues.length - 1), "text") : null;
        if (target) { target.focus(); }
      } else if (reply.status === 409) {
        status("Niet opgeslagen.");
        $("captions-conflict-text").textContent = (reply.data.error || "Het bestand is intussen gewijzigd.") +
          " Wat je typte blijft staan waar de ondertitel elders niet veranderde.";
        $("captions-conflict").hidden = false;
        $("captions-reload").focus();
      } else if (reply.status === 422) {
        status("Niet opgeslagen: verbeter wat bij de ondertitel gemeld wordt.");
        var first = null;
        (reply.data.errors || []).forEach(function (e) { first = first || showError(e.index, e.message || e.field); });
        if (first) { first.focus(); }
      } else {
        status("Niet opgeslagen.");
        showError(-1, reply.data.error || "Dat lukte niet (HTTP " + reply.status + ").").focus();
      }
    }, function () { status("Niet opgeslagen: de server is niet bereikbaar."); });
  }
  function loaded(data) {
    C.lang = data.lang; C.version = data.version; C.cues = data.cues || [];
    $("captions-file").textContent = data.file;
    render();
    mirrorReviewed();
  }
  function load(keepTyped) {
    var pending = keepTyped ? C.cues.map(function (cue, i) { return { cue: cue, now: typed(i) }; }) : [];
    return api("GET", "/api/captions?film=" + encodeURIComponent(C.filmId) + "&lang=" + encodeURIComponent(C.lang))
      .then(function (reply) {
        if (reply.status !== 200) { showError(-1, reply.data.error || "De ondertitels konden niet geladen worden."); return; }
        loaded(reply.data);
        var lost = 0;
        pending.forEach(function (p, i) {  // what was typed goes back where that cue did not change meanwhile
          var same = C.cues[i] && C.cues[i].start_ms === p.cue.start_ms && C.cues[i].end_ms === p.cue.end_ms &&
            C.cues[i].text === p.cue.text;
          var edited = p.now.text !== p.cue.text || p.now.start_ms !== p.cue.start_ms || p.now.end_ms !== p.cue.end_ms;
          if (!edited) { return; }
          if (!same) { lost++; return; }
          field(i, "text").value = p.now.text;
          if (!isNaN(p.now.start_ms)) { field(i, "start").value = fmt(p.now.start_ms); }
          if (!isNaN(p.now.end_ms)) { field(i, "end").value = fmt(p.now.end_ms); }
        });
        relint();
        if (keepTyped) {
          status("De nieuwe versie is geladen" + (lost ? "; " + lost + " ondertitel(s) die je wijzigde, waren ook elders " +
            "gewijzigd: daar staat nu die versie." : "; je wijzigingen staan er weer in: sla opnieuw op."));
        }
      });
  }

  // --- events ----------------------------------------------------------------------------------
  $("caption-list").addEventListener("input", function (event) {
    var i = event.target.dataset.i;
    if (i !== undefined) { relint(); }
  });
  $("caption-list").addEventListener("keyup", caret);
  $("caption-list").addEventListener("click", function (event) {
    caret(event);
    var b = event.target.closest("button");
    if (!b) { return; }
    var i = parseInt(b.closest(".caption").dataset.i, 10), action = b.dataset.action;
    if (action === "seek") { video.currentTime = C.cues[i].start_ms / 1000; }
    else if (action === "here-start" || action === "here-end") {
      var name = action.slice(5);
      field(i, name).value = fmt(nowMs());
      field(i, name).removeAttribute("aria-invalid");
      relint();
    } else if (action === "split") { split(i); }
    else if (action === "merge") { send([{ op: "merge", index: i }], "Ondertitels " + (i + 1) + " en " + (i + 2) + " samengevoegd en opgeslagen.", i); }
    else if (action === "delete") {
      if (window.confirm("Ondertitel " + (i + 1) + " verwijderen?")) {
        send([{ op: "delete", index: i }], "Ondertitel " + (i + 1) + " verwijderd en opgeslagen.", Math.max(0, i - 1));
      }
    }
  });
  function caret(event) {  // where the cursor last stood in a text: a split there divides the text there
    if (event.target.classList && event.target.classList.contains("cap-text")) {
      C.carets[event.target.dataset.i] = event.target.selectionStart;
    }
  }
  function split(i) {
    var at = nowMs(), cue = C.cues[i], op = { op: "split", index: i, at_ms: at };
    if (!(cue.start_ms < at && at < cue.end_ms)) {
      showError(i, "Het afspeelpunt (" + fmt(at) + ") ligt niet in deze ondertitel: ga eerst naar het punt waar je wilt splitsen.").focus();
      return;
    }
    var text = field(i, "text").value, where = C.carets[String(i)];
    if (where !== undefined && where > 0 && where < text.length && text.slice(0, where).trim() && text.slice(where).trim()) {
      var before = text.slice(0, where).replace(/\s+$/, ""), after = text.slice(where).replace(/^\s+/, "");
      var voice = /^<v[ .][^>]*>/.exec(before);
      if (voice && after.indexOf("<v") !== 0) { after = voice[0] + after; }  // the same speaker goes on
      op.text_before = before; op.text_after = after;
    }
    send([op], "Ondertitel " + (i + 1) + " gesplitst op " + fmt(at) + " en opgeslagen.", i + 1);
  }
  $("captions-save").addEventListener("click", function () { send([], "De ondertitels zijn opgeslagen."); });
  $("captions-add").addEventListener("click", function () {
    var at = nowMs(), next = C.cues.filter(function (c) { return c.start_ms > at; })[0];
    var end = next ? Math.min(at + 2000, next.start_ms) : at + 2000;
    if (end - at < 200) { end = at + 2000; }
    var index = C.cues.filter(function (c) { return c.start_ms <= at; }).length;
    send([{ op: "insert", start_ms: at, end_ms: end, text: "Nieuwe ondertitel" }],
         "Ondertitel toegevoegd op " + fmt(at) + " en opgeslagen: vul de tekst in.", index);
  });
  $("captions-reload").addEventListener("click", function () {
    load(true).then(function () { $("captions-conflict").hidden = true; $("captions-save").focus(); });
  });
  $("captions-lang").addEventListener("change", function () {
    if (ops().length && !window.confirm("Je wijzigingen in deze taal zijn nog niet opgeslagen. Toch wisselen?")) {
      $("captions-lang").value = C.lang; return;
    }
    C.lang = $("captions-lang").value;
    clearErrors(); status("");
    load(false);
  });

  // "Markeer als nagekeken" is the transcript's button (and its request): here it is shown for the same track
  function mirrorReviewed() {
    var mine = $("captions-reviewed"), theirs = $("mark-reviewed");
    mine.hidden = !theirs || $("review").hidden || C.lang !== C.language;
    if (theirs) { mine.textContent = theirs.textContent; }
  }
  $("captions-reviewed").addEventListener("click", function () { $("mark-reviewed").click(); });
  new MutationObserver(mirrorReviewed).observe($("review"), { attributes: true, childList: true, subtree: true, characterData: true });

  // --- start: when the studio has opened its film --------------------------------------------------
  function start() {
    var filmId = $("film-select").value;
    if (!filmId || filmId === C.filmId) { return; }
    C.filmId = filmId;
    api("GET", "/api/film?film=" + encodeURIComponent(filmId)).then(function (reply) {
      if (reply.status !== 200) { return; }
      C.language = reply.data.film.language;
      var tracks = (reply.data.tracks || []).map(function (t) { return t.lang; });
      var select = $("captions-lang");
      select.textContent = "";
      tracks.forEach(function (lang) {
        var o = element("option", "", (LANGUAGES[lang] || lang) + " (" + lang + ")");
        o.value = lang;
        select.appendChild(o);
      });
      $("captions-lang-field").hidden = tracks.length < 2;
      $("captions").hidden = !tracks.length;
      if (!tracks.length) { return; }
      C.lang = tracks.indexOf(C.language) >= 0 ? C.language : tracks[0];
      select.value = C.lang;
      load(false).then(function () { $("captions").dataset.ready = "true"; });
    });
  }
  var studio = $("studio");
  if (studio.dataset.ready === "true") { start(); }
  new MutationObserver(function () { if (studio.dataset.ready === "true") { start(); } })
    .observe(studio, { attributes: true, attributeFilter: ["data-ready"] });
})();
