// The studio's audio descriptions: the film's description cues (GET /api/descriptions) beside the
// captions, each with its times, its text, a "Beluister" button (the server speaks it with the voice of
// the described versions) and the server's warnings when it does not fit its pause. Add one at the
// playhead, edit, delete; "Beschrijvingen opslaan" sends the changes as ops (POST /api/descriptions),
// applied to the version the page had. Everything from the file is set as textContent or value.
(function () {
  "use strict";
  var common = window.StudioCommon;
  var $ = common.$, api = common.api, fmt = common.fmt, parseTime = common.parseTime, element = common.element;
  var video = $("player");
  var D = { filmId: null, lang: "", version: null, rows: [], fresh: 0 };
  var NEW_MS = 3000;  // a new description lasts this long until you change its end

  function status(text) { $("descriptions-status").textContent = text; }
  function error(text) { $("descriptions-error").hidden = !text; $("descriptions-error").textContent = text || ""; }
  function button(text, label, action) {
    var b = element("button", "secondary", text);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.addEventListener("click", action);
    return b;
  }
  function seconds(ms) { return (ms / 1000).toFixed(1).replace(".", ",") + " s"; }

  // one row: {index (in the file, null when new), key, start_ms, end_ms, text, warnings, removed}
  function render() {
    var list = $("description-list");
    list.textContent = "";
    D.rows.forEach(function (row, n) {
      if (row.removed) { return; }
      var li = element("li", "caption description" + (row.warnings.length ? " has-lint" : ""));
      var number = n + 1;
      var times = element("div", "cap-times");
      [["start", "Begin"], ["end", "Einde"]].forEach(function (pair) {
        var wrap = element("div", "cap-time");
        var label = element("label", "", pair[1]);
        var input = element("input", "timecode");
        input.id = "desc-" + pair[0] + "-" + row.key;
        label.htmlFor = input.id;
        input.type = "text"; input.inputMode = "decimal"; input.autocomplete = "off"; input.spellcheck = false;
        input.value = fmt(row[pair[0] + "_ms"]);
        input.setAttribute("aria-label", pair[1] + " van beschrijving " + number);
        input.addEventListener("input", function () { row[pair[0] + "_ms"] = parseTime(input.value); row.changed = true; });
        wrap.append(label, input);
        times.append(wrap);
      });
      var textLabel = element("label", "visually-hidden", "Tekst van beschrijving " + number);
      var text = element("textarea", "cap-text");
      text.id = "desc-text-" + row.key;
      textLabel.htmlFor = text.id;
      text.rows = 2;
      text.value = row.text;
      text.addEventListener("input", function () { row.text = text.value; row.changed = true; });
      var actions = element("div", "cap-actions");
      actions.append(
        button("Ga erheen", "Ga naar beschrijving " + number, function () { video.currentTime = (row.start_ms || 0) / 1000; }),
        button("Beluister", "Beluister beschrijving " + number, function () { hear(row); }),
        button("Verwijder", "Verwijder beschrijving " + number, function () { row.removed = true; render(); status("Beschrijving " + number + " verwijderd: sla op om het te bewaren."); }));
      li.append(times, textLabel, text, actions);
      if (row.warnings.length) {
        var warnings = element("ul", "cap-lint");
        warnings.setAttribute("aria-label", "Waarschuwingen bij beschrijving " + number);
        row.warnings.forEach(function (w) { warnings.append(element("li", "", w)); });
        li.append(warnings);
      }
      list.append(li);
    });
  }

  function hear(row) {
    var text = (row.text || "").trim();
    if (!text) { status("Er is nog geen tekst om te beluisteren."); return; }
    var audio = $("descriptions-audio");
    audio.src = "/api/descriptions/speech?film=" + encodeURIComponent(D.filmId) + "&text=" + encodeURIComponent(text);
    audio.onloadedmetadata = function () {
      var spoken = Math.round(audio.duration * 1000), room = row.end_ms - row.start_ms;
      status("Uitgesproken duurt ze " + seconds(spoken) + "; de cue duurt " + seconds(room) + "." +
             (spoken > room ? " Ze past niet: de versie met audiodescriptie pauzeert het beeld tot ze klaar is." : ""));
    };
    audio.onerror = function () { error("De studio kan deze beschrijving niet uitspreken (is er een stem? zie de terminal)."); };
    var playing = audio.play();
    if (playing && playing.catch) { playing.catch(function () {}); }
  }

  function take(data) {
    D.version = data.version;
    D.lang = data.lang;
    $("descriptions-file").textContent = "(" + data.file + ")";
    D.rows = data.cues.map(function (c) {
      return { index: c.index, key: "f" + c.index, start_ms: c.start_ms, end_ms: c.end_ms, text: c.text,
               warnings: c.warnings || [], removed: false, changed: false };
    });
    render();
  }

  function load() {
    return api("GET", "/api/film?film=" + encodeURIComponent(D.filmId)).then(function (film) {
      var langs = film.status === 200 ? film.data.descriptions || [] : [];
      $("descriptions").hidden = !langs.length;
      if (!langs.length) { return null; }  // a film without descriptions: nothing to ask for
      return api("GET", "/api/descriptions?film=" + encodeURIComponent(D.filmId));
    }).then(function (reply) {
      if (!reply) { return; }
      $("descriptions").hidden = reply.status !== 200;
      if (reply.status === 200) { take(reply.data); $("descriptions").dataset.ready = "true"; }
    });
  }

  function ops() {
    var list = [], bad = [];
    D.rows.forEach(function (row, n) {
      if (row.removed) { return; }
      if (isNaN(row.start_ms) || isNaN(row.end_ms) || row.end_ms <= row.start_ms || !row.text.trim()) { bad.push(n + 1); }
    });
    if (bad.length) { return { error: "Beschrijving " + bad.join(", ") + ": geef een begin, een later einde en een tekst." }; }
    D.rows.forEach(function (row) {  // edits first, by their place in the file
      if (row.index !== null && !row.removed && row.changed) {
        list.push({ op: "replace", index: row.index, start_ms: row.start_ms, end_ms: row.end_ms, text: row.text.trim() });
      }
    });
    D.rows.filter(function (row) { return row.index !== null && row.removed; })  // then removals, last first
      .sort(function (a, b) { return b.index - a.index; })
      .forEach(function (row) { list.push({ op: "delete", index: row.index }); });
    D.rows.forEach(function (row) {  // then the new ones
      if (row.index === null && !row.removed) {
        list.push({ op: "insert", start_ms: row.start_ms, end_ms: row.end_ms, text: row.text.trim() });
      }
    });
    return { ops: list };
  }

  $("descriptions-save").addEventListener("click", function () {
    error("");
    var planned = ops();
    if (planned.error) { error(planned.error); return; }
    if (!planned.ops.length) { status("Er is niets gewijzigd."); return; }
    api("POST", "/api/descriptions", { film: D.filmId, lang: D.lang, version: D.version, ops: planned.ops }).then(function (reply) {
      if (reply.status === 200) {
        take(reply.data);
        var count = reply.data.cues.filter(function (c) { return c.warnings.length; }).length;
        status("Beschrijvingen opgeslagen." + (count ? " " + count + " met een waarschuwing." : ""));
      } else if (reply.status === 409) {
        error(reply.data.error || "Het bestand is intussen gewijzigd: herlaad de pagina.");
      } else {
        var first = (reply.data.errors || [])[0];
        error(first ? first.message : (reply.data.error || "Opslaan lukte niet (" + reply.status + ")."));
      }
    });
  });

  $("descriptions-add").addEventListener("click", function () {
    var at = Math.round(video.currentTime * 1000);
    D.fresh += 1;
    var row = { index: null, key: "n" + D.fresh, start_ms: at, end_ms: at + NEW_MS, text: "", warnings: [],
                removed: false, changed: true };
    D.rows.push(row);
    D.rows.sort(function (a, b) { return a.start_ms - b.start_ms; });
    render();
    $("desc-text-" + row.key).focus();
    status("Nieuwe beschrijving op " + fmt(at) + ": typ de tekst en sla op.");
  });

  function start() {
    var filmId = $("film-select").value;
    if (!filmId || filmId === D.filmId) { return; }
    D.filmId = filmId;
    load();
  }
  var studio = $("studio");
  if (studio.dataset.ready === "true") { start(); }
  new MutationObserver(function () { if (studio.dataset.ready === "true") { start(); } })
    .observe(studio, { attributes: true, attributeFilter: ["data-ready"] });
})();
