// Site pages: the player (player.js logic), the interactive transcript, chapters, embed builder.
(function () {
  "use strict";
  var video = document.getElementById("player");
  // programme time <-> the playing file's time (they differ in a described version that holds the picture)
  var clock = function () {
    return window.catalogueClock || { toVideo: function (t) { return t; }, fromVideo: function (t) { return t; } };
  };

  // --- player: ?t= start and default captions (same as the embed page) ---
  if (video) {
    var start = parseFloat(video.dataset.start || "0") || 0;
    var seekToStart = function () {
      var at = clock().toVideo(start);
      if (start > 0 && Math.abs(video.currentTime - at) > 0.25) { video.currentTime = at; }
    };
    if (video.readyState >= 1) { seekToStart(); } else { video.addEventListener("loadedmetadata", seekToStart, { once: true }); }
    var elements = video.querySelectorAll("track");
    for (var i = 0; i < video.textTracks.length; i++) {
      if (elements[i] && elements[i].default && video.textTracks[i].kind !== "chapters") { video.textTracks[i].mode = "showing"; }
    }
  }

  // --- transcript and chapters: a line seeks; the current line follows playback ---
  var lines = Array.prototype.slice.call(document.querySelectorAll(".cue[data-start]"));
  if (video && lines.length) {
    var list = lines[0].closest(".cues");
    lines.forEach(function (line) {
      line.addEventListener("click", function (event) {
        event.preventDefault();
        video.currentTime = clock().toVideo(parseFloat(line.dataset.start));
        var playing = video.play();
        if (playing && playing.catch) { playing.catch(function () {}); }
      });
    });
    var current = null;
    var follow = function () {
      var t = clock().fromVideo(video.currentTime), found = null;
      for (var j = 0; j < lines.length; j++) {
        var s = parseFloat(lines[j].dataset.start), e = parseFloat(lines[j].dataset.end);
        if (t >= s && t < e) { found = lines[j]; }
      }
      if (found === current) { return; }
      if (current) { current.classList.remove("active"); current.removeAttribute("aria-current"); }
      current = found;
      if (current) {
        current.classList.add("active");
        current.setAttribute("aria-current", "true");
        // scroll the list, not the page, so keyboard and screen reader users keep their place
        var top = current.offsetTop - list.offsetTop;
        if (top < list.scrollTop || top + current.offsetHeight > list.scrollTop + list.clientHeight) {
          list.scrollTop = top - list.clientHeight / 3;
        }
      }
    };
    video.addEventListener("timeupdate", follow);
    video.addEventListener("seeked", follow);
  }

  // --- embed builder: start, end, captions -> iframe code; copy button ---
  var form = document.getElementById("embed-builder");
  if (form) {
    var code = document.getElementById("embed-code");
    var status = document.getElementById("embed-status");
    var escapeAttr = function (text) {
      return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    };
    var update = function () {
      var params = [];
      var s = parseFloat(form.elements.start.value), e = parseFloat(form.elements.end.value);
      if (!isNaN(s) && s >= 0) { params.push("start=" + s); }
      if (!isNaN(e) && e > 0 && (isNaN(s) || e > s)) { params.push("end=" + e); }
      if (!form.elements.captions.checked) { params.push("captions=0"); }
      var src = form.dataset.base + "/embed/" + form.dataset.clip + (params.length ? "?" + params.join("&amp;") : "");
      code.value = '<iframe src="' + src + '" width="640" height="360" title="' + escapeAttr(form.dataset.title) +
        '" allow="fullscreen" allowfullscreen loading="lazy"></iframe>';
      status.textContent = "";
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    document.getElementById("embed-copy").addEventListener("click", function () {
      code.select();
      var done = function () { status.textContent = "De code is gekopieerd."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code.value).then(done, function () { document.execCommand("copy"); done(); });
      } else { document.execCommand("copy"); done(); }
    });
  }
})();
