// Where a <video> plays from: the adaptive HLS ladder or the MP4 (issue 21).
//
// window.CatalogueMedia.setSources(video, {hls, mp4}, {time, play}) is the one place a video's source is
// set (the audio-description switch swaps to a described MP4 through it too): it drops whatever the
// video played, then plays
//   - the ladder natively, where the browser plays HLS itself (Safari: it has ManagedMediaSource, or no
//     MediaSource at all; Chromium answers canPlayType "maybe" but does not play it, so it is not asked);
//   - else the ladder with hls.js (vendored, the light build, loaded only now; no worker, so the CSP
//     needs no blob: scripts), starting on the lowest rung until it has measured the bandwidth (or
//     knows it from the last page, within the hour) and climbing from there;
//   - else, or when the ladder fails, the MP4.
// The time and play state are kept across a switch. A video with data-hls is set up on load, and with
// data-quality-menu it gets a "Kwaliteit" choice (a <select>; the choice is remembered).
(function () {
  "use strict";
  var HLS_SCRIPT = "/static/vendor/hls.js-1.7.4/hls.light.min.js";
  var QUALITY_KEY = "catalogue-quality";  // "auto" or a rung's height, e.g. "360"
  var BANDWIDTH_KEY = "catalogue-bandwidth";  // {bps, at}: the last estimate, used for an hour
  var loading = null;

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: not remembered */ }
  }

  function loadHls() {
    if (window.Hls) { return Promise.resolve(window.Hls); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = HLS_SCRIPT;
        script.onload = function () { resolve(window.Hls); };
        script.onerror = function () { loading = null; reject(new Error("hls.js")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function nativeHls(video) {
    var apple = !!window.ManagedMediaSource || !window.MediaSource;
    return apple && video.canPlayType("application/vnd.apple.mpegurl") !== "";
  }

  function mseAvailable() {
    var source = window.ManagedMediaSource || window.MediaSource;
    return !!(source && source.isTypeSupported && source.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"'));
  }

  function knownBandwidth() {
    try {
      var known = JSON.parse(stored(BANDWIDTH_KEY) || "null");
      return known && Date.now() - known.at < 3600 * 1000 && known.bps > 0 ? known.bps : 0;
    } catch (e) { return 0; }
  }

  function detach(video) {
    var state = video.catalogueMedia;
    if (state && state.hls) {
      if (state.hls.bandwidthEstimate > 0) {
        store(BANDWIDTH_KEY, JSON.stringify({ bps: Math.round(state.hls.bandwidthEstimate), at: Date.now() }));
      }
      state.hls.destroy();
    }
    video.catalogueMedia = null;
  }

  function restore(video, time, play) {
    if (time > 0) {
      var seek = function () { if (Math.abs(video.currentTime - time) > 0.25) { video.currentTime = time; } };
      if (video.readyState >= 1) { seek(); } else { video.addEventListener("loadedmetadata", seek, { once: true }); }
    }
    if (play) {
      var promise = video.play();
      if (promise && promise.catch) { promise.catch(function () {}); }
    }
  }

  function playMp4(video, mp4, time, play) {
    detach(video);
    video.catalogueMedia = { engine: "mp4", source: mp4 };
    if (mp4) {
      video.preload = "metadata";
      video.src = mp4;
      video.load();
    }
    restore(video, time, play);
    changed(video);
  }

  // A fragment's bytes, all of them, or a failed load (which hls.js loads again). Chromium may answer a
  // byte range with a 206 shorter than asked when its cache entry for the file was being written by a
  // request the last page left (a reload while a fragment loaded); hls.js only warns and appends the
  // stub, the append fails and the MediaSource is reset on a lower rung (seen on a busy machine).
  function wholeRangeLoader(Base) {
    function Loader(config) { this.inner = new Base(config); this.context = null; }
    Object.defineProperty(Loader.prototype, "stats", { get: function () { return this.inner.stats; } });
    Loader.prototype.load = function (context, config, callbacks) {
      this.context = context;
      this.inner.load(context, config, Object.assign({}, callbacks, {
        onSuccess: function (response, stats, ctx, details) {
          var data = response.data, wanted = ctx.rangeEnd ? ctx.rangeEnd - ctx.rangeStart : 0;
          var got = data && (data.byteLength !== undefined ? data.byteLength : data.length);
          if (wanted && got !== wanted) {
            callbacks.onError({ code: 0, text: "short byte range: " + got + " of " + wanted + " bytes" }, ctx, details,
                              stats);
            return;
          }
          callbacks.onSuccess(response, stats, ctx, details);
        }
      }));
    };
    Loader.prototype.abort = function () { this.inner.abort(); };
    Loader.prototype.destroy = function () { this.inner.destroy(); };
    Loader.prototype.getCacheAge = function () { return this.inner.getCacheAge ? this.inner.getCacheAge() : null; };
    Loader.prototype.getResponseHeader = function (name) {
      return this.inner.getResponseHeader ? this.inner.getResponseHeader(name) : null;
    };
    return Loader;
  }

  function playWithHlsJs(Hls, video, sources, time, play) {
    var bps = knownBandwidth();
    var hls = new Hls({
      enableWorker: false,  // no blob: worker, so the CSP stays as it is; fMP4 needs no transmuxing
      startLevel: bps ? -1 : 0,  // the first fragment is fetched blind: the lowest rung, unless we know better
      abrEwmaDefaultEstimate: bps || 500000,
      startPosition: time > 0 ? time : -1,
      maxBufferLength: 4,  // before Play only a little (two segments); 30 s once it plays
      capLevelToPlayerSize: false,
      fLoader: wholeRangeLoader(Hls.DefaultConfig.loader)
    });
    var state = { engine: "hls.js", source: sources.hls, hls: hls, levels: [], errors: [] };
    video.catalogueMedia = state;
    var failures = 0;
    function chosenLevel() {  // the rung chosen in the menu (remembered), or -1 for Automatisch
      var wanted = stored(QUALITY_KEY);
      return wanted && wanted !== "auto" ? state.levels.indexOf(Number(wanted)) : -1;
    }
    hls.on(Hls.Events.MANIFEST_PARSED, function () {
      state.levels = hls.levels.map(function (level) { return level.height; });
      var index = chosenLevel();
      // the remembered rung, chosen before anything loads: loadLevel (manual, no flush), never currentLevel,
      // whose immediate switch flushes a buffer that is still being set up (hls.js then resets the
      // MediaSource, drops the choice and the pending play())
      if (index >= 0) { hls.startLevel = index; hls.loadLevel = index; }
      changed(video);
    });
    // A failed fragment makes hls.js go back to Automatisch (its preserveManualLevelOnError keeps the
    // rung but, in 1.7.4, stalls when the first fragment failed): once a fragment is in again, the
    // chosen rung is chosen again, so a trainer who forced a low rung on mobile data keeps it.
    hls.on(Hls.Events.FRAG_BUFFERED, function () {
      var index = chosenLevel();
      if (index >= 0 && hls.autoLevelEnabled) { hls.loadLevel = index; changed(video); }
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, function () { changed(video); });
    hls.on(Hls.Events.ERROR, function (event, data) {
      state.errors.push(data.details);  // what went wrong, for whoever inspects the player
      if (!data.fatal) { return; }
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && failures++ < 1) { hls.recoverMediaError(); return; }
      var at = video.currentTime;
      playMp4(video, sources.mp4, at || time, !video.paused || play);  // the ladder failed: the MP4
    });
    video.addEventListener("play", function () { hls.config.maxBufferLength = 30; }, { once: true });
    hls.attachMedia(video);  // first, so that the manifest is parsed with the media in place
    hls.loadSource(sources.hls);
    if (play) { restore(video, 0, true); }
  }

  // Returns a promise that resolves once the video has its source (hls.js may still be loading when
  // this returns): call play() after it, or pass {play: true}.
  function setSources(video, sources, options) {
    options = options || {};
    var time = Number(options.time) || 0;
    var play = !!options.play;
    detach(video);
    if (sources.hls && nativeHls(video)) {
      video.catalogueMedia = { engine: "native", source: sources.hls, fallback: sources.mp4 };
      video.src = sources.hls;
      video.addEventListener("error", function fail() {
        if (video.catalogueMedia && video.catalogueMedia.engine === "native") { playMp4(video, sources.mp4, time, play); }
      }, { once: true });
      restore(video, time, play);
      changed(video);
      return Promise.resolve();
    }
    if (sources.hls && mseAvailable()) {
      video.catalogueMedia = { engine: "loading", source: sources.hls };
      return loadHls().then(function (Hls) {
        if (video.catalogueMedia && video.catalogueMedia.engine === "loading") {
          playWithHlsJs(Hls, video, sources, time, play);
        }
      }, function () { playMp4(video, sources.mp4, time, play); });
    }
    playMp4(video, sources.mp4, time, play);
    return Promise.resolve();
  }

  // --- the quality choice --------------------------------------------------------------------------

  var menus = [];

  function changed(video) {
    menus.forEach(function (menu) { if (menu.video === video) { menu.update(); } });
  }

  function qualityMenu(video) {
    var box = document.createElement("div");
    box.className = "player-quality";
    box.hidden = true;
    var id = (video.id || "player") + "-quality";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Kwaliteit";
    var select = document.createElement("select");
    select.id = id;
    box.append(label, " ", select);
    video.insertAdjacentElement("afterend", box);
    var menu = { video: video, update: update };
    menus.push(menu);

    function update() {
      var state = video.catalogueMedia;
      var hls = state && state.hls;
      box.hidden = !hls || state.levels.length < 2;
      if (box.hidden) { return; }
      var shown = hls.levels[hls.currentLevel] ? hls.levels[hls.currentLevel].height + "p" : "";
      var options = [["auto", "Automatisch" + (hls.autoLevelEnabled && shown ? " (" + shown + ")" : "")]];
      state.levels.slice().sort(function (a, b) { return b - a; }).forEach(function (height) {
        options.push([String(height), height + "p"]);
      });
      var chosen = hls.autoLevelEnabled ? "auto" : String(state.levels[hls.loadLevel] || state.levels[hls.currentLevel]);
      if (select.options.length !== options.length) {
        select.textContent = "";
        options.forEach(function (pair) { select.append(new Option(pair[1], pair[0])); });
      } else {
        options.forEach(function (pair, i) { select.options[i].textContent = pair[1]; select.options[i].value = pair[0]; });
      }
      select.value = chosen;
    }

    select.addEventListener("change", function () {
      var state = video.catalogueMedia;
      if (!state || !state.hls) { return; }
      store(QUALITY_KEY, select.value);
      if (select.value === "auto") {
        state.hls.nextLevel = -1;
      } else {
        state.hls.currentLevel = state.levels.indexOf(Number(select.value));  // now, not after the buffer
      }
      update();
    });
    update();
    return menu;
  }

  window.CatalogueMedia = {
    setSources: setSources,
    detach: detach,
    engine: function (video) { return video.catalogueMedia ? video.catalogueMedia.engine : ""; },
    source: function (video) { return video.catalogueMedia ? video.catalogueMedia.source : video.currentSrc; },
    hls: function (video) { return video.catalogueMedia ? video.catalogueMedia.hls || null : null; }
  };
  window.addEventListener("pagehide", function () {
    var video = document.getElementById("player");
    var hls = video && video.catalogueMedia && video.catalogueMedia.hls;
    if (hls && hls.bandwidthEstimate > 0) {
      store(BANDWIDTH_KEY, JSON.stringify({ bps: Math.round(hls.bandwidthEstimate), at: Date.now() }));
    }
  });

  // The page's player is set up once the deferred scripts have run: when one of them already chose its
  // source (audio-description.js, remembered on, plays the described MP4), it is not set twice.
  function setUp() {
    var video = document.getElementById("player");
    if (!video || !video.dataset.hls) { return; }
    if (video.hasAttribute("data-quality-menu")) { qualityMenu(video); }
    if (video.catalogueMedia) { return; }
    setSources(video, { hls: video.dataset.hls, mp4: video.dataset.mp4 },
      { time: parseFloat(video.dataset.start || "0") || 0 });
  }
  if (document.readyState === "complete") { setUp(); } else { document.addEventListener("DOMContentLoaded", setUp); }
})();
