// The player: start at data-start (?t= or the embed's start), stop at data-end, captions on.
(function () {
  "use strict";
  var video = document.getElementById("player");
  if (!video) { return; }
  var start = parseFloat(video.dataset.start || "0") || 0;
  var end = video.dataset.end !== undefined ? parseFloat(video.dataset.end) : NaN;
  // start and end are programme time; a described version that holds the picture has its own (audio-description.js)
  function at(t) { return window.catalogueClock ? window.catalogueClock.toVideo(t) : t; }

  function seekToStart() {
    if (start > 0 && Math.abs(video.currentTime - at(start)) > 0.25) { video.currentTime = at(start); }
  }
  if (video.readyState >= 1) { seekToStart(); } else { video.addEventListener("loadedmetadata", seekToStart, { once: true }); }

  // a media fragment stops at its end only in some browsers: guard it here
  if (!isNaN(end)) {
    video.addEventListener("timeupdate", function () {
      // only while playing: the seek to `end` fires timeupdate too, and seeking again from there loops
      if (!video.paused && video.currentTime >= at(end)) {
        video.pause();
        video.currentTime = at(end);
      }
    });
    video.addEventListener("play", function () {
      if (video.currentTime >= at(end) - 0.05) { video.currentTime = isNaN(start) ? 0 : at(start); }
    });
  }

  // the default track is shown (some browsers need telling)
  for (var i = 0; i < video.textTracks.length; i++) {
    var track = video.textTracks[i];
    var element = video.querySelectorAll("track")[i];
    if (element && element.default && track.kind !== "chapters") { track.mode = "showing"; }
  }
  window.cataloguePlayer = video;
})();
