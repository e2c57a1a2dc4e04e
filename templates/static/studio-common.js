// What the studio's scripts share (studio.js, studio-build.js, studio-captions.js load after this):
// element lookup and making, the page's CSRF token, language names, timecodes and the one way to call the API.
(function () {
  "use strict";
  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }
  // ms -> "hh:mm:ss.mmm" ("" for no time)
  function fmt(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) { return ""; }
    ms = Math.max(0, Math.round(ms));
    var h = Math.floor(ms / 3600000), m = Math.floor(ms / 60000) % 60, s = Math.floor(ms / 1000) % 60;
    return pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(ms % 1000, 3);
  }
  // "hh:mm:ss.mmm", "mm:ss.mmm", "ss.mmm" (a comma for the point is fine) -> ms; NaN when not a time
  function parseTime(text) {
    var t = String(text).trim().replace(",", ".");
    var m = /^(?:(?:(\d+):)?([0-5]?\d):)?(\d+(?:\.\d{0,3})?)$/.exec(t);
    if (!m) { return NaN; }
    var seconds = parseFloat(m[3]);
    if ((m[1] !== undefined || m[2] !== undefined) && seconds >= 60) { return NaN; }
    return Math.round(((parseInt(m[1] || "0", 10) * 60 + parseInt(m[2] || "0", 10)) * 60 + seconds) * 1000);
  }
  // a new element with a class and text (textContent: never markup)
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  // a JSON request: every change carries the CSRF token; resolves to {status, data} (data {} when not JSON)
  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (method !== "GET") { options.headers["X-CSRF-Token"] = csrf; }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }
  window.StudioCommon = {
    $: function (id) { return document.getElementById(id); },
    LANGUAGES: { nl: "Nederlands", en: "Engels", fr: "Frans", de: "Duits", ar: "Arabisch", tr: "Turks" },
    pad: pad, fmt: fmt, parseTime: parseTime, api: api, element: element,
    useCsrf: function (token) { csrf = token; }  // the token /api/film gives, should it differ from the page's
  };
})();
