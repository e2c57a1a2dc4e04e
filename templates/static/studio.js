// The editors' studio: find moments by what is said, make and adjust clips of the cut list.
// Data from GET /api/film; writes through POST/DELETE with the page's CSRF token. Text from the cut
// list and the cues is only ever set with textContent; the one exception is a search hit's `html`,
// which the server escaped (only <mark> inside).
(function () {
  "use strict";
  var common = window.StudioCommon;
  var $ = common.$, LANGUAGES = common.LANGUAGES, api = common.api;
  var pad = common.pad, fmt = common.fmt, parseTime = common.parseTime;
  var video = $("player");
  var ZOOMS = [1, 2, 4, 8, 16, 32, 64];
  var THEME_COLOURS = 8;

  var S = {
    filmId: null, film: null, version: null, cutlistName: "", themes: [], clips: [], cues: [], words: null,
    persons: [],  // who appears where ([[person]]): drawn on the timeline, added to from the selection
    tracks: [], frameMs: 40, track: null,
    originalId: null, inMs: null, outMs: null, idTouched: false, newThemes: [],
    speakersAuto: false, anchor: null, activePoint: "out", zoom: 0, previewing: false, following: null,
    silences: null  // the quiet runs of the waveform ({start_ms, end_ms}), from studio-build.js
  };

  // --- time ---------------------------------------------------------------------------------
  function short(ms) {  // 1:05 or 1:02:05, for lists and the ruler
    var total = Math.floor(ms / 1000), h = Math.floor(total / 3600), m = Math.floor(total / 60) % 60, s = total % 60;
    return (h ? h + ":" + pad(m, 2) : String(m)) + ":" + pad(s, 2);
  }
  function nowMs() { return Math.round(video.currentTime * 1000); }
  function slug(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // --- the server ---------------------------------------------------------------------------
  function message(text) { $("studio-message").textContent = text; }

  // --- loading a film -----------------------------------------------------------------------
  function loadFilm(keepEditor) {
    return api("GET", "/api/film?film=" + encodeURIComponent(S.filmId)).then(function (reply) {
      if (reply.status !== 200) {
        message(reply.data.error || "De film kon niet geladen worden (HTTP " + reply.status + ").");
        return;
      }
      var d = reply.data;
      if (d.csrf) { common.useCsrf(d.csrf); }
      var sameVideo = S.film && S.film.video_url === d.film.video_url;
      S.film = d.film; S.version = d.cutlist.version; S.cutlistName = d.cutlist.name;
      S.themes = d.themes || []; S.clips = d.clips || []; S.cues = d.cues || []; S.words = d.words || null;
      S.tracks = d.tracks || []; S.persons = d.persons || [];
      S.frameMs = 1000 / (d.film.fps || 25);
      S.newThemes = S.newThemes.filter(function (t) { return !themeById(t.id); });
      $("studio-grid").hidden = false;  // laid out before the timeline measures itself
      $("film-title").textContent = d.film.title;
      document.title = d.film.title + " · Studio";
      if (!sameVideo) { video.src = d.film.video_url; }
      buildTrack();
      renderCues();
      renderReview();
      renderThemeBoxes(keepEditor ? checkedThemes() : null);
      renderLegend();
      if (!keepEditor) { newClip(); } else { renderPoints(); }
      renderTimeline();
      document.querySelectorAll(".needs-words").forEach(function (b) { b.hidden = !S.words; });
      message("");
      $("studio").dataset.ready = "true";
    }, function () { message("De studio kon de server niet bereiken."); });
  }

  function buildTrack() {
    if (!S.track) {
      var lang = S.film.language || "nl";
      S.track = video.addTextTrack("captions", LANGUAGES[lang] || lang, lang);
      S.track.mode = "showing";
    }
    while (S.track.cues && S.track.cues.length) { S.track.removeCue(S.track.cues[0]); }
    S.cues.forEach(function (c) {
      // plain text into cue text: escape what the WebVTT parser would read as markup
      var text = c.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      S.track.addCue(new VTTCue(c.start_ms / 1000, c.end_ms / 1000, text));
    });
  }

  function themeById(id) {
    return S.themes.concat(S.newThemes).filter(function (t) { return t.id === id; })[0] || null;
  }
  function themeClass(id) {
    var all = S.themes.concat(S.newThemes);
    for (var i = 0; i < all.length; i++) { if (all[i].id === id) { return "theme-" + (i % THEME_COLOURS); } }
    return "theme-none";
  }

  // --- transcript ---------------------------------------------------------------------------
  function renderCues() {
    var list = $("cues");
    list.textContent = "";
    S.cues.forEach(function (c, i) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button"; b.className = "cue"; b.dataset.i = String(i); b.tabIndex = i === 0 ? 0 : -1;
      var time = document.createElement("span");
      time.className = "time"; time.textContent = short(c.start_ms);
      b.appendChild(time);
      if (c.speaker) {
        var who = document.createElement("span");
        who.className = "speaker"; who.textContent = c.speaker + ":";
        b.appendChild(who);
      }
      var text = document.createElement("span");
      text.className = "text"; text.textContent = c.text;
      b.appendChild(text);
      var state = document.createElement("span");
      state.className = "visually-hidden state";
      b.appendChild(state);
      li.appendChild(b);
      list.appendChild(li);
    });
    S.following = null;
    markCues();
  }
  function cueButton(i) { return $("cues").querySelector('.cue[data-i="' + i + '"]'); }
  function markCues() {
    var buttons = $("cues").querySelectorAll(".cue");
    for (var i = 0; i < buttons.length; i++) {
      var c = S.cues[i];
      var inClip = S.inMs !== null && S.outMs !== null && c.start_ms < S.outMs && c.end_ms > S.inMs;
      buttons[i].classList.toggle("in-clip", inClip);
      buttons[i].classList.toggle("anchor", S.anchor === i);
      buttons[i].querySelector(".state").textContent = inClip ? " (in de clip)" : "";
    }
  }
  function rove(i) {  // one line of the transcript is in the tab order: the last one used
    var buttons = $("cues").querySelectorAll(".cue");
    for (var j = 0; j < buttons.length; j++) { buttons[j].tabIndex = j === i ? 0 : -1; }
  }
  function scrollToCue(i) {
    var b = cueButton(i), list = $("cues");
    if (!b) { return; }
    var top = b.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + b.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = top - list.clientHeight / 3;
    }
  }
  function selectRange(a, b) {
    var first = Math.min(a, b), last = Math.max(a, b);
    S.inMs = S.cues[first].start_ms; S.outMs = S.cues[last].end_ms;
    if (S.originalId === null && (S.speakersAuto || !$("clip-speakers").value.trim())) {
      var speakers = [];
      for (var i = first; i <= last; i++) {
        if (S.cues[i].speaker && speakers.indexOf(S.cues[i].speaker) < 0) { speakers.push(S.cues[i].speaker); }
      }
      $("clip-speakers").value = speakers.join(", ");
      S.speakersAuto = true;  // suggested from the lines until the editor types there
    }
    clearError("start"); clearError("end");
    renderPoints();
    status("Regels " + (first + 1) + "–" + (last + 1) + " gekozen: in " + fmt(S.inMs) + ", uit " + fmt(S.outMs) + ".");
  }
  function cueActivated(i, extend) {
    if (extend && S.anchor !== null) {
      selectRange(S.anchor, i);
    } else {
      S.anchor = i;
      seek(S.cues[i].start_ms);
    }
    rove(i);
    markCues();
  }
  $("cues").addEventListener("click", function (event) {
    var b = event.target.closest(".cue");
    if (b) { cueActivated(parseInt(b.dataset.i, 10), event.shiftKey); }
  });
  $("cues").addEventListener("keydown", function (event) {
    var b = event.target.closest(".cue");
    if (!b || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var i = parseInt(b.dataset.i, 10), next = null;
    if (event.key === "ArrowDown") { next = Math.min(i + 1, S.cues.length - 1); }
    else if (event.key === "ArrowUp") { next = Math.max(i - 1, 0); }
    else if (event.key === "Home") { next = 0; }
    else if (event.key === "End") { next = S.cues.length - 1; }
    else if (event.key === "Enter") { event.preventDefault(); cueActivated(i, event.shiftKey); return; }
    if (next !== null) {
      event.preventDefault();
      rove(next);
      cueButton(next).focus();
    }
  });

  // the line being played follows playback
  function follow() {
    var t = video.currentTime * 1000, found = null;
    for (var i = 0; i < S.cues.length; i++) {
      if (t >= S.cues[i].start_ms && t < S.cues[i].end_ms) { found = i; }
    }
    if (found === S.following) { return; }
    var old = S.following !== null ? cueButton(S.following) : null;
    if (old) { old.classList.remove("active"); old.removeAttribute("aria-current"); }
    S.following = found;
    var b = found !== null ? cueButton(found) : null;
    if (b) {
      b.classList.add("active"); b.setAttribute("aria-current", "true");
      if (!video.paused) { scrollToCue(found); }
    }
  }

  // --- machine-made notice and "reviewed" ---------------------------------------------------
  function filmTrack() {
    return S.tracks.filter(function (t) { return t.lang === S.film.language; })[0] || null;
  }
  function renderReview() {
    var t = filmTrack();
    $("review").hidden = !(t && t.made_by);
    if (!t || !t.made_by) { return; }
    $("machine-made").hidden = t.reviewed;
    $("machine-made-detail").textContent = "(gemaakt met " + t.made_by + ")";
    $("reviewed-note").hidden = !t.reviewed;
    $("mark-reviewed").textContent = t.reviewed ? "Markering ‘nagekeken’ intrekken" : "Markeer als nagekeken";
  }
  $("mark-reviewed").addEventListener("click", function () {
    var t = filmTrack();
    if (!t) { return; }
    api("POST", "/api/reviewed", { film: S.filmId, version: S.version, lang: t.lang, reviewed: !t.reviewed })
      .then(function (reply) {
        if (reply.status === 200) {
          S.version = reply.data.version; t.reviewed = !t.reviewed;
          renderReview();
          status(t.reviewed ? "Het transcript is gemarkeerd als nagekeken." : "De markering ‘nagekeken’ is ingetrokken.");
        } else { failed(reply); }
      });
  });

  // --- player -------------------------------------------------------------------------------
  function seek(ms) {
    var max = S.film ? S.film.duration_ms : Infinity;
    video.currentTime = Math.max(0, Math.min(ms, max)) / 1000;
    tick();
  }
  function togglePlay() {
    if (video.paused) { play(); } else { video.pause(); }
  }
  function play() {
    var p = video.play();
    if (p && p.catch) { p.catch(function () {}); }
  }
  function tick() {
    $("clock").textContent = fmt(video.currentTime * 1000);
    placeAt($("playhead"), video.currentTime * 1000);
    follow();
  }
  function frame() {  // while playing: the playhead, and preview's stop at the out point
    checkPreview();
    tick();
    if (!video.paused) { window.requestAnimationFrame(frame); }
  }
  video.addEventListener("play", function () { $("play").textContent = "Pauzeren"; window.requestAnimationFrame(frame); });
  video.addEventListener("pause", function () { $("play").textContent = "Afspelen"; S.previewing = false; tick(); });
  video.addEventListener("timeupdate", function () { checkPreview(); tick(); });
  video.addEventListener("seeked", tick);
  video.addEventListener("loadedmetadata", tick);
  video.addEventListener("error", function () {
    var box = $("video-error");
    box.textContent = "De video van deze film is niet beschikbaar. Maak eerst de webversie met `catalogue cut`.";
    box.hidden = false;
  });
  $("play").addEventListener("click", togglePlay);
  $("back-5").addEventListener("click", function () { seek(nowMs() - 5000); });
  $("forward-5").addEventListener("click", function () { seek(nowMs() + 5000); });
  $("frame-back").addEventListener("click", function () { seek(nowMs() - S.frameMs); });
  $("frame-forward").addEventListener("click", function () { seek(nowMs() + S.frameMs); });

  function preview() {
    if (S.inMs === null || S.outMs === null || S.outMs <= S.inMs) {
      status("Zet eerst een in- en uitpunt (uit na in).");
      return;
    }
    video.currentTime = S.inMs / 1000;
    S.previewing = true;
    play();
  }
  function checkPreview() {
    if (S.previewing && video.currentTime * 1000 >= S.outMs) {
      S.previewing = false;
      video.pause();
      video.currentTime = S.outMs / 1000;  // show the out point's frame
    }
  }
  $("preview").addEventListener("click", preview);

  // --- timeline -----------------------------------------------------------------------------
  function share(ms) { return S.film && S.film.duration_ms ? Math.max(0, Math.min(1, ms / S.film.duration_ms)) : 0; }
  function placeAt(element, ms) { element.style.left = (share(ms) * 100) + "%"; }
  function renderTimeline() {
    if (!S.film) { return; }
    $("timeline").style.width = (Math.pow(2, S.zoom) * 100) + "%";
    $("zoom-level").textContent = ZOOMS[S.zoom] + "×";
    $("zoom-out").disabled = S.zoom === 0;
    $("zoom-in").disabled = S.zoom === ZOOMS.length - 1;
    renderRuler();
    var list = $("segments");
    list.textContent = "";
    var lanes = [];  // end of the last clip in each lane
    S.clips.slice().sort(function (a, b) { return a.start_ms - b.start_ms; }).forEach(function (clip) {
      var lane = 0;
      while (lane < lanes.length && lanes[lane] > clip.start_ms) { lane++; }
      lanes[lane] = clip.end_ms;
      var li = document.createElement("li");
      li.style.left = (share(clip.start_ms) * 100) + "%";
      li.style.width = Math.max(0.3, (share(clip.end_ms) - share(clip.start_ms)) * 100) + "%";
      li.style.top = (0.25 + lane * 1.85) + "rem";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "segment " + themeClass(clip.themes[0]);
      b.dataset.id = clip.id;
      b.title = clip.title + " (" + fmt(clip.start_ms) + " – " + fmt(clip.end_ms) + ")";
      if (clip.id === S.originalId) { b.setAttribute("aria-current", "true"); }
      b.appendChild(document.createTextNode(clip.title || clip.id));
      var detail = document.createElement("span");
      detail.className = "visually-hidden";
      var themes = clip.themes.map(function (id) { var t = themeById(id); return t ? t.title : id; });
      detail.textContent = ", " + short(clip.start_ms) + " tot " + short(clip.end_ms) +
        (themes.length ? ", thema's: " + themes.join(", ") : "") + ". Bewerken.";
      b.appendChild(detail);
      b.addEventListener("click", function (event) { event.stopPropagation(); editClip(clip.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
    list.style.height = (0.5 + Math.max(1, lanes.length) * 1.85) + "rem";
    renderAppearances();
    renderRange();
    tick();
  }

  // --- who appears where (issue 19): a band per appearance, and the selection added as one ----------
  function renderAppearances() {
    var list = $("appearances"), choice = $("appearance-person"), chosen = choice.value;
    list.textContent = "";
    S.persons.forEach(function (person) {
      person.appearances.forEach(function (range) {
        var start = range[0], end = range[1];
        var li = document.createElement("li");
        li.className = "appearance" + (person.withdrawn ? " withdrawn" : "");
        li.style.left = (share(start) * 100) + "%";
        li.style.width = Math.max(0.3, (share(end) - share(start)) * 100) + "%";
        li.textContent = person.name + (person.withdrawn ? " (teruggetrokken)" : "");
        li.title = person.name + ": " + fmt(start) + " – " + fmt(end);
        list.appendChild(li);
      });
    });
    choice.textContent = "";
    var fresh = document.createElement("option");
    fresh.value = ""; fresh.textContent = "Nieuwe persoon…";
    choice.appendChild(fresh);
    S.persons.forEach(function (person) {
      var option = document.createElement("option");
      option.value = person.id; option.textContent = person.name + " (" + person.id + ")";
      choice.appendChild(option);
    });
    choice.value = S.persons.some(function (p) { return p.id === chosen; }) ? chosen : "";
    $("appearance-new").hidden = choice.value !== "";
  }
  $("appearance-person").addEventListener("change", function () { $("appearance-new").hidden = this.value !== ""; });
  $("appearance-add").addEventListener("click", function () {
    var status = $("appearance-status");
    if (S.inMs === null || S.outMs === null || S.inMs === S.outMs) {
      status.textContent = "Kies eerst een in- en een uitpunt: dat stuk wordt de verschijning.";
      return;
    }
    var id = $("appearance-person").value, name = $("appearance-name").value.trim();
    if (!id && !name) { status.textContent = "Geef de naam van de nieuwe persoon."; return; }
    var body = { film: S.filmId, version: S.version, person_id: id || slug(name), name: id ? "" : name,
                 start_ms: Math.min(S.inMs, S.outMs), end_ms: Math.max(S.inMs, S.outMs) };
    api("POST", "/api/appearances", body).then(function (reply) {
      if (reply.status !== 200) {
        var errors = (reply.data.errors || []).map(function (e) { return e.message; });
        status.textContent = errors.join(" ") || reply.data.error || "Niet opgeslagen (HTTP " + reply.status + ").";
        return;
      }
      S.version = reply.data.version; S.persons = reply.data.persons;
      $("appearance-name").value = "";
      renderAppearances();  // the new person's option first, then chosen: the next appearance is theirs
      $("appearance-person").value = body.person_id;
      $("appearance-new").hidden = true;
      status.textContent = "Verschijning " + fmt(body.start_ms) + " – " + fmt(body.end_ms) + " opgeslagen.";
    });
  });
  function renderRuler() {
    var ruler = $("ruler"), width = $("timeline").clientWidth || 600, duration = S.film.duration_ms / 1000;
    ruler.textContent = "";
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    var step = steps.filter(function (s) { return s * width / duration >= 70; })[0] || 3600;
    for (var t = 0; t < duration; t += step) {
      var mark = document.createElement("span");
      mark.className = "tick";
      mark.style.left = (t / duration * 100) + "%";
      mark.textContent = short(t * 1000);
      ruler.appendChild(mark);
    }
  }
  function renderRange() {
    var range = $("timeline-range");
    range.hidden = S.inMs === null || S.outMs === null;
    if (!range.hidden) {
      placeAt(range, Math.min(S.inMs, S.outMs));
      range.style.width = (Math.abs(share(S.outMs) - share(S.inMs)) * 100) + "%";
    }
  }
  $("timeline").addEventListener("click", function (event) {
    var rect = $("timeline").getBoundingClientRect();
    seek((event.clientX - rect.left) / rect.width * S.film.duration_ms);
  });
  function zoom(delta) {
    S.zoom = Math.max(0, Math.min(ZOOMS.length - 1, S.zoom + delta));
    renderTimeline();
    var scroller = $("timeline-scroll");  // keep the playhead in view
    scroller.scrollLeft = share(nowMs()) * $("timeline").clientWidth - scroller.clientWidth / 2;
  }
  $("zoom-in").addEventListener("click", function () { zoom(1); });
  $("zoom-out").addEventListener("click", function () { zoom(-1); });
  window.addEventListener("resize", function () { if (S.film) { renderRuler(); } });

  function renderLegend() {
    var legend = $("legend");
    legend.textContent = "";
    S.themes.concat(S.newThemes).forEach(function (t) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch " + themeClass(t.id);
      swatch.setAttribute("aria-hidden", "true");
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(t.title));
      legend.appendChild(li);
    });
  }

  // --- the clip editor: in and out -----------------------------------------------------------
  function pointValue(point) { return point === "in" ? S.inMs : S.outMs; }
  function setPoint(point, ms, follow) {
    ms = Math.max(0, Math.min(Math.round(ms), S.film.duration_ms));
    if (point === "in") { S.inMs = ms; } else { S.outMs = ms; }
    S.activePoint = point;
    clearError(point === "in" ? "start" : "end");
    renderPoints();
    if (follow) { seek(ms); }
  }
  function nudge(point, frames, seconds) {
    var value = pointValue(point);
    if (value === null) { value = nowMs(); }
    setPoint(point, value + (seconds ? frames * 1000 : frames * S.frameMs), true);
  }
  function cutThrough(ms) {
    if (ms === null) { return null; }
    return S.cues.filter(function (c) { return c.start_ms < ms && ms < c.end_ms; })[0] || null;
  }
  function renderPoints() {
    ["in", "out"].forEach(function (point) {
      var value = pointValue(point), field = $("clip-" + point), note = $("cut-" + point);
      if (document.activeElement !== field || field.getAttribute("aria-invalid") !== "true") {
        field.value = fmt(value);
      }
      var cue = cutThrough(value);
      note.textContent = value === null ? "" : cue ? "snijdt door: “" + cue.text.replace(/\n/g, " ") + "”" : "snijdt niet door een zin";
      note.classList.toggle("cuts", !!cue);
      $("point-" + point).classList.toggle("active", S.activePoint === point);
    });
    $("clip-duration").textContent = S.inMs !== null && S.outMs !== null ? fmt(S.outMs - S.inMs) : "–";
    renderRange();
    markCues();
  }
  function nearest(ms, candidates) {
    return candidates.reduce(function (best, c) { return Math.abs(c - ms) < Math.abs(best - ms) ? c : best; }, candidates[0]);
  }
  var SILENCE_REACH_MS = 3000, SILENCE_MARGIN_MS = 200;
  function snap(point, to) {
    var value = pointValue(point);
    if (value === null) { value = nowMs(); }
    if (to === "silence") {
      // inside the quiet run, on the side of the speech it frames: an out point just after the speech
      // stops, an in point just before it starts (a tight clip, no dead air, no clipped breath)
      var spots = (S.silences || []).map(function (r) {
        var margin = Math.min((r.end_ms - r.start_ms) / 2, SILENCE_MARGIN_MS);
        return point === "out" ? r.start_ms + margin : r.end_ms - margin;
      }).filter(function (ms) { return Math.abs(ms - value) <= SILENCE_REACH_MS; });
      if (!spots.length) { status("Geen stilte gevonden binnen 3 s van het " + (point === "in" ? "in" : "uit") + "punt."); return; }
      setPoint(point, nearest(value, spots), true);
      return;
    }
    var list = to === "word" ? (S.words || []) : S.cues;
    if (!list.length) { return; }
    var candidates = [];
    list.forEach(function (c) { candidates.push(c.start_ms, c.end_ms); });
    setPoint(point, nearest(value, candidates), true);
  }
  document.querySelectorAll("[data-set]").forEach(function (b) {
    b.addEventListener("click", function () { setPoint(b.dataset.set, nowMs(), false); });
  });
  document.querySelectorAll("[data-nudge]").forEach(function (b) {
    b.addEventListener("click", function () { nudge(b.dataset.nudge, parseInt(b.dataset.step, 10), false); });
  });
  document.querySelectorAll("[data-snap]").forEach(function (b) {
    b.addEventListener("click", function () { snap(b.dataset.snap, b.dataset.to); });
  });
  ["in", "out"].forEach(function (point) {
    var field = $("clip-" + point), key = point === "in" ? "start" : "end";
    var apply = function () {
      if (!field.value.trim()) { if (point === "in") { S.inMs = null; } else { S.outMs = null; } renderPoints(); return; }
      var ms = parseTime(field.value);
      if (isNaN(ms)) { showError(key, "Geen geldige tijd: schrijf uu:mm:ss.mmm, bv. 00:01:02.500."); return; }
      setPoint(point, ms, true);
    };
    field.addEventListener("change", apply);
    field.addEventListener("focus", function () { S.activePoint = point; renderPoints(); });
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); apply(); }
    });
  });

  // --- the clip editor: the rest --------------------------------------------------------------
  function renderThemeBoxes(checked) {
    var box = $("theme-boxes");
    box.textContent = "";
    S.themes.concat(S.newThemes).forEach(function (t, i) {
      var wrap = document.createElement("span");
      wrap.className = "theme-box";
      var input = document.createElement("input");
      input.type = "checkbox"; input.id = "theme-box-" + i; input.value = t.id;
      input.checked = !!checked && checked.indexOf(t.id) >= 0;
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = t.title;
      if (themeById(t.id) && S.newThemes.indexOf(t) >= 0) { label.textContent = t.title + " (nieuw)"; }
      wrap.appendChild(input); wrap.appendChild(label);
      box.appendChild(wrap);
    });
  }
  function checkedThemes() {
    return Array.prototype.map.call($("theme-boxes").querySelectorAll("input:checked"), function (i) { return i.value; });
  }
  $("new-theme-title").addEventListener("input", function () {
    if (!$("new-theme-id").dataset.touched) { $("new-theme-id").value = slug($("new-theme-title").value); }
  });
  $("new-theme-id").addEventListener("input", function () { $("new-theme-id").dataset.touched = "1"; });
  $("add-theme").addEventListener("click", function () {
    var title = $("new-theme-title").value.trim(), id = $("new-theme-id").value.trim(), error = $("new-theme-error");
    var problem = !title ? "Geef het thema een titel." : !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) ?
      "De id van een thema: kleine letters, cijfers en enkele streepjes." : themeById(id) ? "Dat thema bestaat al." : "";
    error.textContent = problem; error.hidden = !problem;
    if (problem) { return; }
    var checked = checkedThemes().concat([id]);
    S.newThemes.push({ id: id, title: title });
    renderThemeBoxes(checked);
    renderLegend();
    $("new-theme-title").value = ""; $("new-theme-id").value = ""; delete $("new-theme-id").dataset.touched;
    status("Thema ‘" + title + "’ toegevoegd; het komt in de cut list bij het opslaan.");
  });
  $("clip-title").addEventListener("input", function () {
    if (S.originalId === null && !S.idTouched) { $("clip-id").value = slug($("clip-title").value); }
  });
  $("clip-id").addEventListener("input", function () { S.idTouched = $("clip-id").value !== ""; });
  $("clip-speakers").addEventListener("input", function () { S.speakersAuto = false; });

  function fillForm(clip) {
    S.originalId = clip ? clip.id : null;
    S.idTouched = !!clip; S.speakersAuto = false;
    S.inMs = clip ? clip.start_ms : null; S.outMs = clip ? clip.end_ms : null;
    $("clip-title").value = clip ? clip.title : "";
    $("clip-id").value = clip ? clip.id : "";
    $("clip-id").readOnly = !!clip;
    $("clip-description").value = clip ? clip.description || "" : "";
    $("clip-speakers").value = clip ? (clip.speakers || []).join(", ") : "";
    $("clip-poster").value = clip && clip.poster_ms !== null && clip.poster_ms !== undefined ? fmt(clip.poster_ms) : "";
    renderThemeBoxes(clip ? clip.themes : []);
    $("editor-titel").textContent = clip ? "Clip bewerken" : "Nieuwe clip";
    $("delete").hidden = !clip;
    $("conflict").hidden = true;
    clearErrors();
    renderPoints();
    renderTimeline();
  }
  function newClip() { S.anchor = null; fillForm(null); }
  function editClip(id) {
    var clip = S.clips.filter(function (c) { return c.id === id; })[0];
    if (!clip) { return; }
    fillForm(clip);
    seek(clip.start_ms);
    status("Clip ‘" + clip.title + "’ geopend.");
  }
  $("new-clip").addEventListener("click", function () { newClip(); status("Nieuwe clip."); $("clip-title").focus(); });
  $("poster-here").addEventListener("click", function () { $("clip-poster").value = fmt(nowMs()); clearError("poster"); });

  // --- errors at their fields -----------------------------------------------------------------
  var FIELDS = { start: "clip-in", end: "clip-out", title: "clip-title", id: "clip-id", themes: "clip-themes",
                 description: "clip-description", speakers: "clip-speakers", poster: "clip-poster" };
  function showError(field, text) {
    var target = FIELDS[field] ? $(FIELDS[field]) : null, box = $(target ? "error-" + field : "error-general");
    if (!target) { text = (box.hidden ? "" : box.textContent + " ") + text; }
    else if (!box.hidden) { text = box.textContent + " " + text; }
    box.textContent = text; box.hidden = false;
    if (target) {
      target.setAttribute("aria-invalid", "true");
      var described = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(box.id) < 0) { described.push(box.id); }
      target.setAttribute("aria-describedby", described.join(" "));
    }
    return target;
  }
  function clearError(field) {
    var target = FIELDS[field] ? $(FIELDS[field]) : null, box = $("error-" + field);
    if (box) { box.textContent = ""; box.hidden = true; }
    if (target) {
      target.removeAttribute("aria-invalid");
      var described = (target.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== "error-" + field; });
      if (described.length) { target.setAttribute("aria-describedby", described.join(" ")); } else { target.removeAttribute("aria-describedby"); }
    }
  }
  function clearErrors() {
    Object.keys(FIELDS).forEach(clearError);
    $("error-general").textContent = ""; $("error-general").hidden = true;
  }
  function status(text, warnings) {
    var box = $("save-status");
    box.textContent = text;
    if (warnings && warnings.length) {
      var list = document.createElement("ul");
      warnings.forEach(function (w) {
        var li = document.createElement("li");
        li.className = "warning"; li.textContent = "Let op: " + w;
        list.appendChild(li);
      });
      box.appendChild(list);
    }
  }
  function conflict(reply) {
    $("conflict-text").textContent = (reply.data.error || "De cut list is intussen gewijzigd.") +
      " Herlaad de gegevens; wat je hier invulde blijft staan.";
    $("conflict").hidden = false;
    $("reload").focus();
  }
  function failed(reply) {
    if (reply.status === 409) { conflict(reply); return; }
    showError("", reply.data.error || "Dat lukte niet (HTTP " + reply.status + ").");
  }
  $("reload").addEventListener("click", function () {
    loadFilm(true).then(function () {
      $("conflict").hidden = true;
      status("De gegevens zijn opnieuw geladen. Sla de clip opnieuw op.");
      $("save").focus();
    });
  });

  // --- save and delete ----------------------------------------------------------------------
  function save() {
    clearErrors();
    var problems = [];
    ["in", "out"].forEach(function (point) {
      var field = $("clip-" + point), ms = parseTime(field.value), key = point === "in" ? "start" : "end";
      if (!field.value.trim()) { problems.push(showError(key, point === "in" ? "Zet een inpunt." : "Zet een uitpunt.")); }
      else if (isNaN(ms)) { problems.push(showError(key, "Geen geldige tijd: schrijf uu:mm:ss.mmm.")); }
      else if (ms !== pointValue(point)) { setPoint(point, ms, false); }
    });
    var poster = $("clip-poster").value.trim(), posterMs = poster ? parseTime(poster) : null;
    if (poster && isNaN(posterMs)) { problems.push(showError("poster", "Geen geldige tijd: schrijf uu:mm:ss.mmm of laat leeg.")); }
    if (problems.length) { problems[0].focus(); return; }
    var themes = checkedThemes();
    var clip = {
      id: $("clip-id").value.trim(), title: $("clip-title").value.trim(), themes: themes,
      start_ms: S.inMs, end_ms: S.outMs, description: $("clip-description").value.trim(),
      speakers: $("clip-speakers").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean),
      poster_ms: posterMs
    };
    var body = { film: S.filmId, version: S.version, original_id: S.originalId, clip: clip,
                 new_themes: S.newThemes.filter(function (t) { return themes.indexOf(t.id) >= 0; }) };
    $("save").disabled = true;
    status("Bezig met opslaan…");
    api("POST", "/api/clips", body).then(function (reply) {
      $("save").disabled = false;
      if (reply.status === 200) {
        var saved = reply.data.clip, original = S.originalId;
        S.version = reply.data.version;
        S.clips = S.clips.filter(function (c) { return c.id !== original && c.id !== saved.id; }).concat([saved]);
        body.new_themes.forEach(function (t) { S.themes.push(t); });
        S.newThemes = S.newThemes.filter(function (t) { return themes.indexOf(t.id) < 0; });
        fillForm(saved);
        renderLegend();
        status("Clip ‘" + saved.title + "’ opgeslagen in " + S.cutlistName + ".", reply.data.warnings);
      } else if (reply.status === 422) {
        status("Niet opgeslagen: verbeter wat hieronder gemeld wordt.");
        (reply.data.errors || []).forEach(function (e) { showError(e.field, e.message); });
        var focus = document.querySelector("#clip-form [aria-invalid=true]");
        if (focus) { (focus.tagName === "FIELDSET" ? focus.querySelector("input") || focus : focus).focus(); }
      } else {
        status("Niet opgeslagen.");
        failed(reply);
      }
    }, function () { $("save").disabled = false; status("Niet opgeslagen: de server is niet bereikbaar."); });
  }
  $("clip-form").addEventListener("submit", function (event) { event.preventDefault(); save(); });
  $("delete").addEventListener("click", function () {
    var id = S.originalId, clip = S.clips.filter(function (c) { return c.id === id; })[0];
    if (!id || !window.confirm("Clip ‘" + (clip ? clip.title : id) + "’ verwijderen uit " + S.cutlistName + "?")) { return; }
    api("DELETE", "/api/clips/" + encodeURIComponent(id), { film: S.filmId, version: S.version }).then(function (reply) {
      if (reply.status === 200) {
        S.version = reply.data.version;
        S.clips = S.clips.filter(function (c) { return c.id !== id; });
        newClip();
        status("Clip ‘" + (clip ? clip.title : id) + "’ verwijderd.");
      } else { failed(reply); }
    });
  });

  // --- keys ---------------------------------------------------------------------------------
  function isTextField(el) {
    if (!el || !el.tagName) { return false; }
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") { return true; }
    return el.tagName === "INPUT" && ["checkbox", "radio", "button", "submit", "reset", "range"].indexOf(el.type) < 0;
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || !S.film) { return; }
    var target = event.target, key = event.key;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (key === "s" || key === "S")) {
      event.preventDefault(); save(); return;
    }
    if (event.ctrlKey || event.metaKey) { return; }
    if (key === "ArrowLeft" || key === "ArrowRight") {
      var frames = key === "ArrowLeft" ? -1 : 1;
      var point = target.id === "clip-in" ? "in" : target.id === "clip-out" ? "out" : event.altKey ? S.activePoint : null;
      if (point) { event.preventDefault(); nudge(point, frames, event.shiftKey); return; }
      if (isTextField(target)) { return; }
      event.preventDefault();
      seek(nowMs() + (event.shiftKey ? frames * 1000 : frames * S.frameMs));
      return;
    }
    if (isTextField(target) || event.altKey) { return; }
    if (key === " " || key === "Spacebar") {
      if (target.type === "checkbox" || target.type === "radio" || target.tagName === "SUMMARY") { return; }
      event.preventDefault(); S.previewing = false; togglePlay(); return;
    }
    var actions = {
      k: togglePlay,
      j: function () { seek(nowMs() - 5000); },
      l: function () { seek(nowMs() + 5000); },
      i: function () { setPoint("in", nowMs(), false); },
      o: function () { setPoint("out", nowMs(), false); },
      p: preview
    };
    var action = actions[key.toLowerCase()];
    if (action && !event.shiftKey) { event.preventDefault(); action(); }
  });

  // --- search -------------------------------------------------------------------------------
  var searchSeq = 0, searchTimer = null;
  function search(query) {
    var seq = ++searchSeq, list = $("hits"), said = $("search-status");
    query = query.trim();
    if (!query) { list.textContent = ""; said.textContent = ""; return; }
    api("GET", "/api/search?film=" + encodeURIComponent(S.filmId) + "&q=" + encodeURIComponent(query)).then(function (reply) {
      if (seq !== searchSeq) { return; }
      list.textContent = "";
      if (reply.status !== 200) { said.textContent = reply.data.error || "Zoeken lukte niet."; return; }
      var hits = reply.data.hits || [];
      said.textContent = hits.length === 1 ? "1 regel gevonden voor “" + query + "”." :
        hits.length + " regels gevonden voor “" + query + "”.";
      if (reply.data.suggestion) {
        var p = document.createElement("span");
        p.className = "suggestion";
        p.appendChild(document.createTextNode(" Bedoelde je "));
        var b = document.createElement("button");
        b.type = "button"; b.textContent = reply.data.suggestion;
        b.addEventListener("click", function () { $("search-input").value = reply.data.suggestion; search(reply.data.suggestion); });
        p.appendChild(b);
        p.appendChild(document.createTextNode("?"));
        said.appendChild(p);
      }
      if ((reply.data.missing || []).length && hits.length) {
        var m = document.createElement("span");
        m.className = "missing";
        m.textContent = " Niet gevonden: " + reply.data.missing.join(", ") + ".";
        said.appendChild(m);
      }
      hits.forEach(function (hit) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button"; b.className = "hit"; b.dataset.i = String(hit.index);
        var time = document.createElement("span");
        time.className = "time"; time.textContent = fmt(hit.start_ms);
        var text = document.createElement("span");
        text.className = "hit-text";
        text.innerHTML = hit.html;  // escaped by the server: the cue's text with <mark> around the matches
        b.appendChild(time); b.appendChild(text);
        if (hit.related) {
          var tag = document.createElement("span");
          tag.className = "related-label"; tag.textContent = "verwant aan je vraag";
          b.appendChild(tag);
        }
        b.addEventListener("click", function () { hitActivated(hit); });
        li.appendChild(b);
        list.appendChild(li);
      });
    });
  }
  function hitActivated(hit) {
    S.anchor = hit.index;
    selectRange(hit.index, hit.index);
    seek(hit.start_ms);
    rove(hit.index);
    scrollToCue(hit.index);
  }
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(searchTimer);
    search($("search-input").value);
  });
  $("search-input").addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    var q = $("search-input").value;
    searchTimer = window.setTimeout(function () { if (q.trim().length !== 1) { search(q); } }, 300);
  });

  // the caption review (studio-captions.js) saved a subtitle file: the transcript and track follow it
  // the waveform (studio-build.js) was loaded: its quiet runs, or null (not loaded, or no sound)
  document.addEventListener("studio:silences", function (event) { S.silences = event.detail.runs; });
  document.addEventListener("studio:captions-saved", function () { if (S.film) { loadFilm(true); } });

  // --- start --------------------------------------------------------------------------------
  var select = $("film-select"), wanted = new URLSearchParams(window.location.search).get("film");
  var ids = Array.prototype.map.call(select.options, function (o) { return o.value; });
  if (ids.length <= 1) { select.closest("form").hidden = true; }
  if ($("studio").dataset.film) { S.filmId = $("studio").dataset.film; }  // the server's choice
  else if (wanted && ids.indexOf(wanted) >= 0) { S.filmId = wanted; }
  else if (ids.length === 1) { S.filmId = ids[0]; }
  if (S.filmId) {
    select.value = S.filmId;
    message("De film wordt geladen…");
    loadFilm(false);
  } else {
    message(ids.length ? "Kies een film om te openen." : "Deze cut lists hebben geen film.");
  }
})();
