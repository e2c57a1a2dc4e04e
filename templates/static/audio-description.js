// The "Audiodescriptie" switch of the site's player (clip page, film page, embed): swaps the video to
// its described version (data-ad-src: the descriptions spoken by a synthetic voice, mixed in) at the
// same moment of the programme, and back. Where the described version holds the picture for a long
// description, data-ad-holds ([[at_ms, length_ms], …], programme time) maps times between the two.
// The choice is remembered (localStorage) and announced in a live region; nothing plays before the
// visitor presses Play; a described version that fails to play is said, and the plain one comes back.
// window.catalogueClock = {toVideo(t), fromVideo(t), described()} lets the transcript and the embed's
// start/end speak programme time whatever version plays.
(function () {
  "use strict";
  var KEY = "catalogue.audiodescriptie";
  var video = document.getElementById("player");
  var button = document.getElementById("ad-switch");
  var status = document.getElementById("ad-status");
  if (!video || !button || !video.dataset.adSrc) { return; }
  var plainSrc = video.dataset.src || video.currentSrc;
  var holds = [];
  try { holds = JSON.parse(video.dataset.adHolds || "[]"); } catch (e) { holds = []; }
  var on = false;

  // programme time (s) -> time in the described version (s), and back; a moment inside a hold is the hold's point
  function toDescribed(t) {
    var ms = t * 1000, shift = 0;
    holds.forEach(function (h) { if (h[0] <= ms) { shift += h[1]; } });
    return (ms + shift) / 1000;
  }
  function fromDescribed(u) {
    var ms = u * 1000, shift = 0;
    for (var i = 0; i < holds.length; i++) {
      if (ms < holds[i][0] + shift) { break; }
      if (ms < holds[i][0] + shift + holds[i][1]) { return holds[i][0] / 1000; }
      shift += holds[i][1];
    }
    return (ms - shift) / 1000;
  }
  window.catalogueClock = {
    toVideo: function (t) { return on ? toDescribed(t) : t; },
    fromVideo: function (u) { return on ? fromDescribed(u) : u; },
    described: function () { return on; }
  };

  function remember(value) {
    try { window.localStorage.setItem(KEY, value ? "1" : "0"); } catch (e) { /* private mode: not remembered */ }
  }
  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function say(text) {
    if (!status) { return; }
    status.textContent = "";  // the same words again are announced again
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // The one place that points the player at a file: through media-source.js, which plays the plain
  // version from its adaptive ladder again where it did (the described version is an MP4 of its own).
  function setSource(url) {
    if (window.CatalogueMedia) {
      var ladder = url === plainSrc ? (video.dataset.hls || "") : "";
      window.CatalogueMedia.setSources(video, { hls: ladder, mp4: url }, {});
      return;
    }
    video.src = url;
    video.load();
  }

  // caption tracks follow the version: each <track> names its file for both (data-src, data-ad-src)
  function swapTracks(described) {
    var showing = null;
    Array.prototype.forEach.call(video.textTracks, function (t) { if (t.mode === "showing") { showing = t.language + "|" + t.kind; } });
    Array.prototype.slice.call(video.querySelectorAll("track")).forEach(function (old) {
      var src = described ? old.dataset.adSrc : old.dataset.src;
      var copy = old.cloneNode(false);
      if (src) { copy.src = src; } else { copy.removeAttribute("src"); }
      copy.removeAttribute("default");
      old.parentNode.replaceChild(copy, old);
    });
    Array.prototype.forEach.call(video.textTracks, function (t) {
      var element = video.querySelectorAll("track")[Array.prototype.indexOf.call(video.textTracks, t)];
      var usable = element && element.getAttribute("src");
      t.mode = usable && showing === t.language + "|" + t.kind ? "showing" : "disabled";
    });
  }

  function swap(described, announce) {
    if (described === on) { return; }
    var playing = !video.paused && !video.ended;
    var programme = on ? fromDescribed(video.currentTime) : video.currentTime;
    on = described;
    var target = on ? toDescribed(programme) : programme;
    video.dataset.version = on ? "described" : "plain";
    swapTracks(on);
    setSource(on ? video.dataset.adSrc : plainSrc);
    video.addEventListener("loadedmetadata", function () {
      if (target > 0) { video.currentTime = target; }
      if (playing) {
        var started = video.play();
        if (started && started.catch) { started.catch(function () {}); }
      }
    }, { once: true });
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (announce) {
      remember(on);
      say(on ? "Audiodescriptie aan: je hoort nu de versie met beschrijvingen." : "Audiodescriptie uit.");
    }
  }

  video.addEventListener("error", function () {
    if (!on) { return; }
    swap(false, false);
    remember(false);
    say("De versie met audiodescriptie kan niet worden afgespeeld; je ziet weer de gewone versie.");
  });
  button.hidden = false;
  button.addEventListener("click", function () { swap(!on, true); });
  if (remembered()) { swap(true, false); }
})();
