// The session player: presenter mode, the session and theme embeds, and the offline lesson pack.
//
// Reads the session from <script type="application/json" id="session-data">
//   {"title", "description", "steps": [{"kind": "clip", "id", "title", "src", "poster", "start", "end",
//     "duration", "tracks": [{"lang", "label", "kind"?, "default"?, "src" | "cues": [[start, end, text]]}],
//     "questions", "learning_goal"}, {"kind": "discussion", "title", "questions", "minutes"}]}
// (times in seconds of the clip's own file) and builds its screen inside #session-player, made at the
// end of <body> when the page has none. Its data-mode is "presenter" (the default: a title card first,
// keys, no video controls) or "embed" (video controls, no keys, starts at the first step); data-back,
// when set, is the page a "Sluiten" link goes back to.
// A track with `cues` is added with addTextTrack + VTTCue, so captions show over file://, where
// Chromium refuses <track> files; a track with `src` becomes a <track> element.
// A clip step with audio description has "ad": {"src", "holds": [[at_ms, length_ms], …], "tracks"}: its
// described version, where it holds the picture (programme time), its re-timed captions. An
// "Audiodescriptie" button (key A in presenter mode) plays those instead, at the same moment; the choice is
// remembered like on the site (localStorage) and announced in the status line.
// window.sessionPlayer = {go, next, previous, index(), video()} for the pages and tests that drive it.
(function () {
  "use strict";
  var dataElement = document.getElementById("session-data");
  if (!dataElement) { return; }
  var session = JSON.parse(dataElement.textContent || "{}");
  var steps = Array.isArray(session.steps) ? session.steps : [];
  var root = document.getElementById("session-player");
  if (!root) {
    root = document.createElement("div");
    root.id = "session-player";
    document.body.appendChild(root);
  }
  var presenter = root.getAttribute("data-mode") !== "embed";
  var first = presenter ? -1 : 0;  // -1: the title card; steps.length: the end card
  var index = null;
  var video = null;
  var timer = null;
  var muted = false;
  var volume = 1;
  var captionsOn = true;
  var shownTrack = 0;  // which of the current clip's tracks shows: the one marked default, else the first
  var resumeAfterBlack = false;
  var AD_KEY = "catalogue.audiodescriptie";
  var anyDescribed = steps.some(function (s) { return s.kind === "clip" && s.ad && s.ad.src; });
  var adOn = anyDescribed && remembered();

  // --- building blocks ---------------------------------------------------------------------------

  function remembered() {
    try { return window.localStorage.getItem(AD_KEY) === "1"; } catch (e) { return false; }
  }

  // programme time (s) <-> time in a described version that holds the picture at `holds`
  function toDescribed(holds, t) {
    var ms = t * 1000, shift = 0;
    (holds || []).forEach(function (h) { if (h[0] <= ms) { shift += h[1]; } });
    return (ms + shift) / 1000;
  }
  function fromDescribed(holds, u) {
    var ms = u * 1000, shift = 0;
    for (var i = 0; i < (holds || []).length; i++) {
      if (ms < holds[i][0] + shift) { break; }
      if (ms < holds[i][0] + shift + holds[i][1]) { return holds[i][0] / 1000; }
      shift += holds[i][1];
    }
    return (ms - shift) / 1000;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function button(label, className, action) {
    var node = el("button", className, label);
    node.type = "button";
    node.addEventListener("click", action);
    return node;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function stepTitle(step) {
    if (!step) { return "einde van de sessie"; }
    if (step.kind === "discussion") {
      return (step.title || "Bespreking") + (step.minutes ? " (" + step.minutes + " min)" : "");
    }
    return step.title || step.id || "Clip";
  }

  function stepLength(step) {
    if (step.kind === "discussion") { return step.minutes ? step.minutes * 60 : 0; }
    return Math.max(0, (step.end || step.duration || 0) - (step.start || 0));
  }

  // --- the frame: stage, bar, black screen, live region ----------------------------------------

  root.className = "session-player " + (presenter ? "sp-presenter" : "sp-embed");  // no more fallback
  root.textContent = "";  // whatever the page showed without JavaScript
  var stage = el("div", "sp-stage");
  var bar = el("div", "sp-bar");
  var heading = el("h1", "sp-session-title", session.title || "Sessie");
  var counter = el("p", "sp-counter");
  var upNext = el("p", "sp-next");
  upNext.id = "sp-next";
  var previousButton = button("Vorige", "sp-previous", function () { go(index - 1, true); });
  var playButton = button("Afspelen", "sp-play", togglePlay);
  var nextButton = button("Volgende", "sp-forward", function () { go(index + 1, true); });
  var controls = el("div", "sp-controls");
  controls.append(previousButton, playButton, nextButton);
  if (presenter) {
    controls.append(button("Zwart scherm", "sp-black-button", toggleBlack));
  }
  var adButton = null;
  if (anyDescribed) {
    adButton = button("Audiodescriptie", "sp-ad", toggleDescription);
    adButton.setAttribute("aria-pressed", adOn ? "true" : "false");
    controls.append(adButton);
  }
  if (document.fullscreenEnabled) {
    controls.append(button("Volledig scherm", "sp-fullscreen", toggleFullscreen));
  }
  var back = root.getAttribute("data-back");  // the session's page on the site (none in a pack)
  if (back) {
    var close = el("a", "sp-back", "Sluiten");
    close.href = back;
    controls.append(close);
  }
  var info = el("div", "sp-info");
  info.append(heading, counter, upNext);
  bar.append(info, controls);
  var black = el("div", "sp-black");
  black.hidden = true;
  black.setAttribute("aria-label", "Zwart scherm: druk op B om terug te gaan");
  black.setAttribute("role", "img");
  black.addEventListener("click", toggleBlack);
  var status = el("p", "sp-status");
  status.setAttribute("role", "status");
  root.append(stage, bar, black, status);

  // --- screens ----------------------------------------------------------------------------------

  function titleCard() {
    var card = el("section", "sp-card sp-cover");
    card.append(el("h2", "sp-cover-title", session.title || "Sessie"));
    if (session.description) { card.append(el("p", "sp-description", session.description)); }
    var list = el("ol", "sp-overview");
    var total = 0;
    steps.forEach(function (step) {
      total += stepLength(step);
      var length = stepLength(step);
      list.append(el("li", "sp-overview-" + step.kind, stepTitle(step) +
        (step.kind === "clip" && length ? " · " + clock(length) : "")));
    });
    card.append(list);
    if (total) { card.append(el("p", "sp-total", "Totale duur: ongeveer " + Math.max(1, Math.round(total / 60)) + " min")); }
    card.append(button("Start", "sp-start", function () { go(0, true); }));
    card.append(keyHelp());
    return card;
  }

  function keyHelp() {
    var help = el("dl", "sp-keys");
    [["Page Down, →, ↓", "volgende stap"], ["Page Up, ←, ↑", "vorige stap"],
     ["Spatie", "afspelen of pauzeren (bij een bespreking: volgende stap)"],
     ["B of .", "zwart scherm aan of uit"], ["F", "volledig scherm"], ["C", "ondertitels aan of uit"],
     ["Home, End", "eerste of laatste stap"]].concat(anyDescribed ? [["A", "audiodescriptie aan of uit"]] : [])
      .forEach(function (pair) {
      help.append(el("dt", "", pair[0]), el("dd", "", pair[1]));
    });
    return help;
  }

  function endCard() {
    var card = el("section", "sp-card sp-end");
    card.append(el("h2", "", "Einde van de sessie"));
    card.append(el("p", "sp-description", session.title || ""));
    card.append(button("Opnieuw", "sp-again", function () { go(first, false); }));
    return card;
  }

  function discussionCard(step) {
    var card = el("section", "sp-card sp-discussion");
    card.append(el("h2", "sp-discussion-title", step.title || "Bespreking"));
    var questions = (step.questions || []).filter(function (q) { return q; });
    if (questions.length) {
      var list = el(questions.length > 1 ? "ol" : "ul", "sp-questions");
      questions.forEach(function (q) { list.append(el("li", "", q)); });
      card.append(list);
    } else {
      card.append(el("p", "sp-questions", "Bespreek wat je zag."));
    }
    var clockBox = el("p", "sp-timer-box");
    var label = el("span", "sp-timer-label", step.minutes ? "Nog" : "Bezig");
    var display = el("span", "sp-timer");
    display.setAttribute("role", "timer");
    display.setAttribute("aria-label", step.minutes ? "Resterende tijd" : "Verstreken tijd");
    clockBox.append(label, " ", display);
    card.append(clockBox);
    if (!presenter) { card.append(button("Verder", "sp-continue", function () { go(index + 1, true); })); }
    startTimer(step, display, label);
    return card;
  }

  function startTimer(step, display, label) {
    var total = step.minutes ? step.minutes * 60 : 0;
    var began = Date.now();
    function tick() {
      var passed = (Date.now() - began) / 1000;
      if (total) {
        var left = Math.max(0, Math.ceil(total - passed));
        display.textContent = clock(left);
        if (left === 0 && !root.classList.contains("sp-time-up")) {
          root.classList.add("sp-time-up");
          label.textContent = "Tijd is om";
        }
      } else {
        display.textContent = clock(Math.floor(passed));
      }
    }
    tick();
    timer = window.setInterval(tick, 250);
  }

  function clipScreen(step, autoplay, resumeAt) {
    var box = el("div", "sp-clip");
    var v = document.createElement("video");
    v.id = "player";
    v.className = "sp-video";
    v.preload = "auto";
    v.playsInline = true;
    v.controls = !presenter;
    v.muted = muted;
    v.volume = volume;
    v.setAttribute("aria-label", step.title || "Clip");
    if (step.poster) { v.poster = step.poster; }
    var described = adOn && step.ad && step.ad.src ? step.ad : null;
    v.setAttribute("data-version", described ? "described" : "plain");
    var at = function (t) { return described ? toDescribed(described.holds, t) : t; };  // programme -> file
    var start = at(Number(step.start) || 0);
    var whole = !Number(step.end) || (step.duration && Number(step.end) >= step.duration - 0.05);
    var end = at(Number(step.end) || 0);
    var mp4 = (described ? described.src : step.src) + (start > 0 || !whole ? "#t=" + start + (whole ? "" : "," + end) : "");
    if (location.protocol !== "file:") {  // (a lesson pack plays from files, which CORS mode refuses)
      v.crossOrigin = "anonymous";  // captions and video may come from the media origin (issue 21)
    }
    box.append(v);
    var ready = Promise.resolve();
    if (!described && step.hls && window.CatalogueMedia) {  // the adaptive ladder where it plays (media-source.js)
      ready = window.CatalogueMedia.setSources(v, { hls: step.hls, mp4: mp4 }, { time: start });
    } else {  // the described version is an MP4 of its own
      v.src = mp4;
    }
    addTracks(v, (described ? described.tracks : step.tracks) || []);
    if (presenter) {
      var caption = el("p", "sp-clip-title", step.title || "");
      box.append(caption);
    }
    var again = button("Afspelen", "sp-big-play", function () { play(v); });
    again.hidden = true;
    box.append(again);

    var finished = false;
    function finish() {
      if (finished || video !== v) { return; }
      finished = true;
      go(index + 1, true);
    }
    v.addEventListener("loadedmetadata", function () {
      showCaptions(v);  // again: Chromium picks a track of the browser's language by itself meanwhile
      var from = resumeAt !== undefined ? at(resumeAt) : start;
      if (from > 0 && Math.abs(v.currentTime - from) > 0.25) { v.currentTime = from; }
    });
    v.addEventListener("timeupdate", function () {
      // only while playing: seeking to the end fires timeupdate too
      if (!whole && !v.paused && v.currentTime >= end - 0.05) { v.pause(); finish(); }
    });
    v.addEventListener("ended", finish);
    v.addEventListener("play", function () {
      again.hidden = true;
      if (!whole && v.currentTime >= end - 0.05) { v.currentTime = start; }
      updatePlayButton();
    });
    v.addEventListener("pause", function () {
      updatePlayButton();
      // Chromium stops at a media fragment's end by itself: that is the end of the step too
      if (!whole && v.currentTime >= end - 0.15 && !blackedOut()) { finish(); }
    });
    v.addEventListener("volumechange", function () { muted = v.muted; volume = v.volume; });
    v.addEventListener("error", function () {
      if (described) {  // never a silent failure: say it, and play the plain version from here
        adOn = false;
        if (adButton) { adButton.setAttribute("aria-pressed", "false"); }
        status.textContent = "De versie met audiodescriptie kan niet worden afgespeeld; je ziet weer de gewone versie.";
        rerender(false);
        return;
      }
      box.append(el("p", "sp-error", "Deze clip kan niet worden afgespeeld."));
    });
    video = v;
    if (autoplay) { ready.then(function () { if (video === v) { play(v); } }); }  // once it has its source
    return box;
  }

  function addTracks(v, tracks) {
    tracks.forEach(function (t) {
      var kind = t.kind || "subtitles";
      if (Array.isArray(t.cues)) {
        var track = v.addTextTrack(kind, t.label || t.lang, t.lang || "");
        t.cues.forEach(function (c) { track.addCue(new VTTCue(Number(c[0]), Number(c[1]), String(c[2]))); });
      } else if (t.src) {
        var element = document.createElement("track");
        element.kind = kind;
        element.src = t.src;
        element.srclang = t.lang || "";
        element.label = t.label || t.lang || "";
        element["default"] = !!t["default"];
        v.append(element);
      }
    });
    shownTrack = Math.max(0, tracks.findIndex(function (t) { return t["default"]; }));
    showCaptions(v);
  }

  // the step's default track showing (while captions are on), every other one off
  function showCaptions(v) {
    Array.prototype.forEach.call(v.textTracks, function (track, i) {
      track.mode = captionsOn && i === shownTrack ? "showing" : "disabled";
    });
  }

  function play(v) {
    var promise = v.play();
    if (promise && promise.catch) {
      promise.catch(function () {  // no user gesture yet (autoplay policy): offer a button
        var big = v.parentNode && v.parentNode.querySelector(".sp-big-play");
        if (big && video === v) { big.hidden = false; }
      });
    }
  }

  // --- moving between steps ---------------------------------------------------------------------

  function leave() {
    if (video) {
      video.pause();
      if (window.CatalogueMedia) { window.CatalogueMedia.detach(video); }
      video.removeAttribute("src");  // stop the download of a clip nobody watches any more
      video.load();
      video = null;
    }
    if (timer !== null) { window.clearInterval(timer); timer = null; }
    root.classList.remove("sp-time-up");
  }

  function go(target, autoplay) {
    target = Math.max(first, Math.min(steps.length, target));
    if (target === index) { return; }
    leave();
    index = target;
    var step = steps[index];
    var screen;
    if (index < 0) { screen = titleCard(); }
    else if (!step) { screen = endCard(); }
    else if (step.kind === "discussion") { screen = discussionCard(step); }
    else { screen = clipScreen(step, autoplay); }
    stage.textContent = "";
    stage.append(screen);
    root.setAttribute("data-step", String(index));
    root.setAttribute("data-kind", index < 0 ? "cover" : step ? step.kind : "end");
    counter.textContent = index < 0 ? steps.length + " stappen" :
      step ? "Stap " + (index + 1) + " van " + steps.length : "Einde";
    upNext.textContent = "Volgende: " + (index >= 0 && !step ? "—" : stepTitle(steps[index + 1]));
    status.textContent = index < 0 ? (session.title || "") :
      step ? "Stap " + (index + 1) + " van " + steps.length + ": " + stepTitle(step) : "Einde van de sessie";
    previousButton.disabled = index <= first;
    nextButton.disabled = index >= steps.length;
    updatePlayButton();
  }

  // the current clip again in the other version, at the same moment of the programme
  function rerender(playing) {
    var step = steps[index];
    if (!video || !step || step.kind !== "clip") { return; }
    var v = video;
    var wasDescribed = v.getAttribute("data-version") === "described";
    var programme = wasDescribed ? fromDescribed(step.ad.holds, v.currentTime) : v.currentTime;
    var autoplay = playing === undefined ? !v.paused : playing;
    leave();
    stage.textContent = "";
    stage.append(clipScreen(step, autoplay, programme));
    updatePlayButton();
  }

  function toggleDescription() {
    adOn = !adOn;
    try { window.localStorage.setItem(AD_KEY, adOn ? "1" : "0"); } catch (e) { /* not remembered */ }
    if (adButton) { adButton.setAttribute("aria-pressed", adOn ? "true" : "false"); }
    status.textContent = adOn ? "Audiodescriptie aan." : "Audiodescriptie uit.";
    var step = steps[index];
    if (step && step.kind === "clip" && step.ad && step.ad.src) { rerender(); }
  }

  function updatePlayButton() {
    playButton.hidden = !video;
    playButton.textContent = video && !video.paused ? "Pauzeren" : "Afspelen";
  }

  function togglePlay() {
    if (!video) { return; }
    if (video.paused) { play(video); } else { video.pause(); }
  }

  function blackedOut() { return !black.hidden; }

  function toggleBlack() {
    var on = black.hidden;
    black.hidden = !on;
    root.classList.toggle("sp-blacked", on);
    if (on) {
      resumeAfterBlack = !!video && !video.paused;
      if (video) { video.pause(); }
    } else if (resumeAfterBlack && video) {
      play(video);
    }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(function () {});
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(function () {});
    }
  }

  function toggleCaptions() {
    captionsOn = !captionsOn;
    if (video) { showCaptions(video); }
  }

  // --- keys (presenter mode): presenter clickers send Page Down / Page Up, some send B or . -------

  var KEYS = {
    PageDown: "next", ArrowRight: "next", ArrowDown: "next",
    PageUp: "previous", ArrowLeft: "previous", ArrowUp: "previous",
    " ": "space", Spacebar: "space", Home: "home", End: "end",
    b: "black", B: "black", ".": "black", f: "fullscreen", F: "fullscreen", c: "captions", C: "captions",
    a: "describe", A: "describe"
  };

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var action = KEYS[event.key];
    if (!action) { return; }
    event.preventDefault();  // no scrolling, no native video keys, no second click on a focused button
    if (action === "black") { toggleBlack(); return; }
    if (action === "fullscreen") { toggleFullscreen(); return; }
    if (action === "captions") { toggleCaptions(); return; }
    if (action === "describe") { if (anyDescribed) { toggleDescription(); } return; }
    if (!black.hidden) { toggleBlack(); }  // any step key brings the picture back first
    if (action === "next") { go(index + 1, true); }
    else if (action === "previous") { go(index - 1, true); }
    else if (action === "home") { go(0, true); }
    else if (action === "end") { go(steps.length - 1, true); }
    else if (action === "space") {
      if (video) { togglePlay(); } else { go(index + 1, true); }
    }
  }

  if (presenter) { window.addEventListener("keydown", onKey, true); }

  window.sessionPlayer = {
    go: function (target) { go(target, true); },
    next: function () { go(index + 1, true); },
    previous: function () { go(index - 1, true); },
    index: function () { return index; },
    describe: toggleDescription,
    video: function () { return video; }
  };
  go(first, false);
})();
