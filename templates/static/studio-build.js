// The studio's film at a glance and its build button.
// Under the timeline of studio.js: the waveform (peaks the server made once, GET /api/waveform/<film>) and
// poster thumbnails (one sprite, GET /api/thumbs/<film>?count=N), drawn on two canvases the width of
// what is visible of the timeline, so any zoom is drawn sharp (a canvas the width of a 64× timeline would
// be too large for the browser). The build button: POST /api/build, then the progress as Server-Sent
// Events into a live log; a clip that failed is listed on its own. Text from the server: textContent only.
(function () {
  "use strict";
  var $ = window.StudioCommon.$, api = window.StudioCommon.api;
  var studio = $("studio"), timeline = $("timeline"), scroller = $("timeline-scroll");
  var wave = $("waveform"), strip = $("thumbs-strip");
  var G = { filmId: null, durationMs: 0, wave: null, loudest: 1, sprite: null, count: 0, frame: null };
  var MAX_LOG_LINES = 500;
  var QUIET_SHARE = 0.05, MIN_QUIET_MS = 150;  // quiet: below 5% of the film's loud parts, at least 150 ms

  // --- waveform and thumbnails ------------------------------------------------------------------
  function thumbCount(durationMs) { return Math.max(4, Math.min(60, Math.ceil(durationMs / 2000))); }

  // The quiet runs of the film ({start_ms, end_ms}) for "Naar stilte" in studio.js: a run of peaks below
  // QUIET_SHARE of the 95th-percentile peak (the loud parts, not one bang), MIN_QUIET_MS or longer. A peak
  // is the loudest sample of its stretch, so a run is quiet throughout. null: no waveform or no sound.
  function quietRuns(data) {
    var peaks = (data && data.audio && data.peaks) || [], step = data && data.peak_ms;
    if (!peaks.length || !step) { return null; }
    var sorted = peaks.slice().sort(function (a, b) { return a - b; });
    var limit = sorted[Math.floor(0.95 * (sorted.length - 1))] * QUIET_SHARE, runs = [], from = -1;
    for (var i = 0; i <= peaks.length; i++) {
      if (i < peaks.length && peaks[i] < limit) { if (from < 0) { from = i; } continue; }
      if (from >= 0 && (i - from) * step >= MIN_QUIET_MS) {
        runs.push({ start_ms: Math.round(from * step), end_ms: Math.round(Math.min(i * step, data.duration_ms || i * step)) });
      }
      from = -1;
    }
    return runs;
  }
  function announceSilences(data) {
    var runs = quietRuns(data);
    document.querySelectorAll('[data-to="silence"]').forEach(function (b) { b.disabled = !runs; });
    document.dispatchEvent(new CustomEvent("studio:silences", { detail: { runs: runs } }));
  }

  function load(filmId) {
    if (!wave || filmId === G.filmId) { return; }
    G.filmId = filmId; G.wave = null; G.sprite = null;
    announceSilences(null);
    wave.dataset.drawn = "false";
    fetch("/api/waveform/" + encodeURIComponent(filmId), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (reply) {
        if (filmId !== G.filmId) { return; }
        if (!reply.ok) { wave.setAttribute("aria-label", "Geen golfvorm: " + (reply.data.error || "fout")); return; }
        G.wave = reply.data; G.durationMs = reply.data.duration_ms || 0;
        announceSilences(reply.data);
        // drawn to the loudest moment of the film: a quiet recording is as readable as a loud one
        G.loudest = Math.max.apply(null, [1].concat(reply.data.peaks || []));
        wave.setAttribute("aria-label", reply.data.audio ? "Golfvorm van het geluid van de film" : "Deze film heeft geen geluid");
        G.count = thumbCount(G.durationMs);
        var img = new Image();
        img.onload = function () { if (filmId === G.filmId) { G.sprite = img; draw(); } };
        img.src = "/api/thumbs/" + encodeURIComponent(filmId) + "?count=" + G.count;
        draw();
      }, function () { wave.setAttribute("aria-label", "Geen golfvorm: de server is niet bereikbaar"); });
  }

  function fit(canvas) {  // the canvas over the visible part of the timeline, in device pixels
    var ratio = window.devicePixelRatio || 1, width = scroller.clientWidth, height = canvas.clientHeight;
    canvas.style.left = scroller.scrollLeft + "px";
    canvas.style.width = width + "px";
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    }
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    return { g: g, width: width, height: height };
  }

  function draw() {
    G.frame = null;
    if (!G.wave || !G.durationMs) { return; }
    var full = timeline.clientWidth, left = scroller.scrollLeft, msPerPx = G.durationMs / full;
    var w = fit(wave), mid = w.height / 2, peaks = G.wave.peaks || [];
    w.g.fillStyle = "#0b5394";
    w.g.fillRect(0, mid - 0.5, w.width, 1);  // the line: silence, or a film without sound
    if (peaks.length) {
      for (var x = 0; x < w.width; x++) {
        var from = Math.floor((left + x) * msPerPx / G.wave.peak_ms), to = Math.ceil((left + x + 1) * msPerPx / G.wave.peak_ms);
        var top = 0;
        for (var i = Math.max(0, from); i < Math.min(peaks.length, Math.max(to, from + 1)); i++) { top = Math.max(top, peaks[i]); }
        var h = top / G.loudest * (w.height - 2);
        if (h > 1) { w.g.fillRect(x, mid - h / 2, 1, h); }
      }
    }
    wave.dataset.drawn = "true";
    if (G.sprite && strip) { drawThumbs(full, left, msPerPx); }
  }

  function drawThumbs(full, left, msPerPx) {
    var s = fit(strip), cellW = G.sprite.naturalWidth / G.count, cellH = G.sprite.naturalHeight;
    var h = s.height, w = cellW * h / cellH, lastRight = -Infinity;
    for (var i = 0; i < G.count; i++) {
      var atMs = (i + 0.5) * G.durationMs / G.count, x = atMs / msPerPx - left - w / 2;
      if (x < lastRight + 2 || x > s.width || x + w < 0) { if (x >= lastRight + 2) { lastRight = x + w; } continue; }
      s.g.drawImage(G.sprite, i * cellW, 0, cellW, cellH, x, 0, w, h);
      lastRight = x + w;
    }
    strip.dataset.drawn = "true";
  }

  function later() { if (G.frame === null) { G.frame = window.requestAnimationFrame(draw); } }
  if (wave && scroller && timeline) {
    scroller.addEventListener("scroll", later);
    window.addEventListener("resize", later);
    if (window.ResizeObserver) { new ResizeObserver(later).observe(timeline); }  // the zoom changes its width
  }

  function filmReady() {
    if (studio.dataset.ready === "true" && $("film-select").value) { load($("film-select").value); }
  }
  new MutationObserver(filmReady).observe(studio, { attributes: true, attributeFilter: ["data-ready"] });
  filmReady();

  // --- build --------------------------------------------------------------------------------------
  var button = $("build-start"), stopper = $("build-cancel"), log = $("build-log"), said = $("build-status"),
    errors = $("build-errors");
  var source = null;

  function logLine(text, kind) {
    var line = document.createElement("div");
    line.className = "build-line" + (kind ? " " + kind : "");
    line.textContent = text;
    log.appendChild(line);
    while (log.childNodes.length > MAX_LOG_LINES) { log.removeChild(log.firstChild); }
    log.scrollTop = log.scrollHeight;
  }
  function clipError(data) {
    var li = document.createElement("li");
    var name = document.createElement("strong");
    name.textContent = data.clip + ": ";
    li.appendChild(name);
    li.appendChild(document.createTextNode(data.message));
    errors.appendChild(li);
    errors.hidden = false;
  }
  function running(yes) {
    button.disabled = yes;
    if (stopper) { stopper.hidden = !yes; stopper.disabled = false; }
  }
  function finish(kind, data) {
    if (source) { source.close(); source = null; }
    running(false);
    if (data.cancelled) {
      said.textContent = "Gestopt. Wat al klaar was, is bewaard; niets staat half geschreven.";
      said.dataset.state = "failed";
      return;
    }
    var summary = (data.summary || []).join(" ");
    var failures = (data.failures || []).length;
    if (kind === "done") {
      said.textContent = "Klaar. " + summary + " De publieke site toont het nu.";
    } else {
      said.textContent = "De build is mislukt" + (data.step ? " bij ‘" + data.step + "’" : "") +
        (failures ? ": " + failures + " clip(s) met een fout, zie hieronder; de rest is gebouwd." : ". Zie het verloop.") +
        (summary ? " " + summary : "");
    }
    said.dataset.state = kind;
  }
  function follow(after) {
    if (source) { source.close(); }
    source = new EventSource("/api/build/events?after=" + after);
    ["step", "line"].forEach(function (kind) {
      source.addEventListener(kind, function (e) { logLine(JSON.parse(e.data).line, kind === "step" ? "step" : ""); });
    });
    source.addEventListener("clip-error", function (e) {
      var data = JSON.parse(e.data);
      logLine(data.line, "failed");
      clipError(data);
    });
    source.addEventListener("done", function (e) { finish("done", JSON.parse(e.data)); });
    source.addEventListener("failed", function (e) { finish("failed", JSON.parse(e.data)); });
    source.addEventListener("idle", function () { if (source) { source.close(); source = null; } running(false); });
  }
  function start() {
    running(true);
    log.textContent = ""; errors.textContent = ""; errors.hidden = true;
    said.textContent = "De build loopt…"; said.dataset.state = "running";
    api("POST", "/api/build")
      .then(function (reply) {
        if (reply.status === 202) { follow(reply.data.after); }
        else if (reply.status === 409) { said.textContent = reply.data.error + " Het verloop volgt hieronder."; follow(0); }
        else { running(false); said.textContent = reply.data.error || "De build kon niet starten (HTTP " + reply.status + ")."; }
      }, function () { running(false); said.textContent = "De build kon niet starten: de server is niet bereikbaar."; });
  }
  function cancel() {
    stopper.disabled = true;
    said.textContent = "De build stopt…";
    api("POST", "/api/build/cancel")
      .then(function (reply) { if (reply.status !== 202) { stopper.disabled = false; } },
            function () { stopper.disabled = false; said.textContent = "Stoppen lukte niet: de server is niet bereikbaar."; });
  }
  if (button) { button.addEventListener("click", start); }
  if (stopper) { stopper.addEventListener("click", cancel); }
})();
