// The session builder, for trainers without an account: "Aan sessie toevoegen" on theme pages and
// search results, the session bar, and the editor on /sessions/new (order, remove, discussions,
// title). The session lives in the URL (/sessions/new?…, the format of catalogue/sessions.py);
// localStorage only remembers the visitor's current draft. Without JavaScript a session URL still
// renders; building one needs this script.
(function () {
  "use strict";
  var KEY = "catalogue.session-draft";
  var DEFAULT_TITLE = "Mijn sessie";

  // --- the draft: {title, steps: [{kind: "clip", id, start_ms, end_ms} | {kind: "discussion", questions, minutes, title}]}
  function loadDraft() {
    try {
      var draft = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (draft && Array.isArray(draft.steps)) { return draft; }
    } catch (e) { /* no storage, or not ours: no draft */ }
    return null;
  }
  function saveDraft(draft) {
    try {
      if (draft && draft.steps.length) { window.localStorage.setItem(KEY, JSON.stringify(draft)); }
      else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the URL still has it */ }
  }

  // --- the query string: the same as catalogue.sessions.session_query writes ---
  // t=title, o=description, a=audience, one s= a step: c.<clip>[~start-end] (seconds of clip time) or
  // d.<minutes>.<title>|<question>|… (backslash escapes | and \); urlencoded like Python's
  // urlencode(safe=",:!/"), so the server's links and the builder's are the same text.
  function quotePlus(text) {
    return encodeURIComponent(text)
      .replace(/[*'()]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); })
      .replace(/%20/g, "+").replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%2F/g, "/");
  }
  function seconds(ms) {
    if (ms === null || ms === undefined) { return ""; }
    var whole = Math.floor(ms / 1000), rest = ms % 1000;
    return rest ? (whole + "." + ("00" + rest).slice(-3)).replace(/0+$/, "") : String(whole);
  }
  function escapeField(text) { return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|"); }
  function formatStep(step) {
    if (step.kind === "clip") {
      var whole = (step.start_ms === null || step.start_ms === undefined) && (step.end_ms === null || step.end_ms === undefined);
      return "c." + step.id + (whole ? "" : "~" + seconds(step.start_ms) + "-" + seconds(step.end_ms));
    }
    var minutes = step.minutes ? String(step.minutes) : "";
    var fields = [step.title || ""].concat(step.questions || []).map(escapeField).join("|");
    return "d." + minutes + (fields ? "." + fields : "");
  }
  function encodeQuery(session) {
    var pairs = [["t", session.title || DEFAULT_TITLE]];
    if (session.description) { pairs.push(["o", session.description]); }
    if (session.audience) { pairs.push(["a", session.audience]); }
    (session.steps || []).forEach(function (step) { pairs.push(["s", formatStep(step)]); });
    return pairs.map(function (pair) { return pair[0] + "=" + quotePlus(pair[1]); }).join("&");
  }
  function sessionPath(session) { return "/sessions/new?" + encodeQuery(session); }
  window.catalogueSessionQuery = encodeQuery;  // for the browser test: the same text as the server's

  function clock(ms) {
    var seconds = Math.max(0, Math.floor(ms / 1000)), minutes = Math.floor(seconds / 60), hours = Math.floor(minutes / 60);
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return hours ? hours + ":" + two(minutes % 60) + ":" + two(seconds % 60) : minutes + ":" + two(seconds % 60);
  }
  function stepsLabel(n) { return n + (n === 1 ? " stap" : " stappen"); }

  // --- the session bar on every page, and what it announces ---
  var bar = document.getElementById("session-bar");
  var barStatus = document.getElementById("session-bar-status");
  function showBar(draft) {
    if (!bar) { return; }
    var editing = !!document.getElementById("session-editor");
    bar.hidden = editing || !draft || !draft.steps.length;
    if (!bar.hidden) {
      document.getElementById("session-bar-count").textContent = (draft.title || DEFAULT_TITLE) + ": " + stepsLabel(draft.steps.length) + ".";
      document.getElementById("session-bar-link").setAttribute("href", sessionPath(draft));
    }
  }
  function announce(text) { if (barStatus) { barStatus.textContent = text; } }

  // --- "Aan sessie toevoegen" on theme pages and search results ---
  Array.prototype.forEach.call(document.querySelectorAll("button.add-to-session"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var draft = loadDraft() || { title: DEFAULT_TITLE, steps: [] };
      var step = { kind: "clip", id: button.dataset.clip, start_ms: null, end_ms: null };
      if (button.dataset.startMs !== undefined) {
        step.start_ms = parseInt(button.dataset.startMs, 10);
        step.end_ms = parseInt(button.dataset.endMs, 10);
      }
      draft.steps.push(step);
      saveDraft(draft);
      showBar(draft);
      announce("«" + button.dataset.title + "» is toegevoegd aan je sessie (" + stepsLabel(draft.steps.length) + ").");
    });
  });
  showBar(loadDraft());

  // --- the editor on /sessions/new ---
  var editor = document.getElementById("session-editor");
  if (!editor) { return; }
  var list = document.getElementById("session-steps");
  var status = document.getElementById("editor-status");
  var titleInput = document.getElementById("session-title");
  var heading = document.getElementById("session-heading");

  if (!list.querySelector(".step") && window.location.search.indexOf("s=") < 0) {
    var draft = loadDraft();  // an empty builder opens the visitor's draft
    if (draft && draft.steps.length) { window.location.replace(sessionPath(draft)); return; }
  }
  editor.hidden = false;

  function stepTitle(li) { return li.querySelector(".step-title").textContent.trim(); }
  function readSession() {
    var steps = Array.prototype.map.call(list.querySelectorAll(".step"), function (li) {
      if (li.dataset.kind === "clip") {
        var start = parseInt(li.dataset.startMs, 10), end = parseInt(li.dataset.endMs, 10);
        var whole = start === 0 && end === parseInt(li.dataset.clipMs, 10);
        return { kind: "clip", id: li.dataset.clip, start_ms: whole ? null : start, end_ms: whole ? null : end };
      }
      return { kind: "discussion", questions: JSON.parse(li.dataset.questions || "[]"),
               minutes: li.dataset.minutes ? parseInt(li.dataset.minutes, 10) : null, title: li.dataset.title || "" };
    });
    return { title: titleInput.value.trim() || DEFAULT_TITLE, description: editor.dataset.description || "",
             audience: editor.dataset.audience || "", steps: steps };
  }
  function durationMs(li) {
    if (li.dataset.kind === "clip") { return parseInt(li.dataset.endMs, 10) - parseInt(li.dataset.startMs, 10); }
    return (parseInt(li.dataset.minutes, 10) || 0) * 60000;
  }

  function setLink(id, href) { var a = document.getElementById(id); if (a) { a.setAttribute("href", href); } }
  function sync() {
    var session = readSession(), query = encodeQuery(session), items = list.querySelectorAll(".step");
    var clips = 0, total = 0;
    Array.prototype.forEach.call(items, function (li, index) {
      li.querySelector(".step-number").textContent = (index + 1) + ".";
      if (li.dataset.kind === "clip") { clips += 1; }
      total += durationMs(li);
      var tools = li.querySelectorAll(".step-tools button");
      tools[0].disabled = index === 0;
      tools[1].disabled = index === items.length - 1;
    });
    window.history.replaceState(null, "", "/sessions/new?" + query);
    saveDraft(session);
    document.getElementById("session-total").textContent = items.length ?
      stepsLabel(items.length) + " · " + clips + (clips === 1 ? " clip" : " clips") + " · samen ongeveer " + clock(total) :
      "Nog geen stappen.";
    document.getElementById("session-actions").hidden = !items.length;
    document.getElementById("session-share").hidden = !items.length;
    var empty = document.getElementById("session-empty");
    if (empty) { empty.hidden = !!items.length; }
    setLink("session-present", "/sessions/new/present?" + query);
    setLink("session-pack", "/packs/sessions/new.zip?" + query);
    var base = document.getElementById("embed-code").dataset.base;
    document.getElementById("share-link").value = base + "/sessions/new?" + query;
    var src = (base + "/embed/sessions/new?" + query).replace(/&/g, "&amp;").replace(/"/g, "&quot;");
    var title = session.title.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    document.getElementById("embed-code").value = '<iframe src="' + src + '" width="640" height="360" title="' + title +
      '" allow="fullscreen" allowfullscreen loading="lazy"></iframe>';
  }

  function tool(label, name, action) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary " + name;
    button.textContent = label;
    button.addEventListener("click", function () { action(button.closest(".step"), button); });
    return button;
  }
  function move(li, button, up) {
    var other = up ? li.previousElementSibling : li.nextElementSibling;
    if (!other) { return; }
    if (up) { list.insertBefore(li, other); } else { list.insertBefore(other, li); }
    sync();
    // keep the keyboard where it was: on the same button, or on its twin at the end of the list
    (button.disabled ? li.querySelector(up ? ".step-down" : ".step-up") : button).focus();
    var position = Array.prototype.indexOf.call(list.children, li) + 1;
    status.textContent = "«" + stepTitle(li) + "» is nu stap " + position + ".";
  }
  function remove(li) {
    var next = li.nextElementSibling || li.previousElementSibling, title = stepTitle(li);
    li.remove();
    sync();
    (next ? next.querySelector(".step-remove") : titleInput).focus();
    status.textContent = "«" + title + "» is uit de sessie gehaald.";
  }
  function addTools(li) {
    var tools = li.querySelector(".step-tools"), title = stepTitle(li);
    var up = tool("Omhoog", "step-up", function (item, b) { move(item, b, true); });
    var down = tool("Omlaag", "step-down", function (item, b) { move(item, b, false); });
    var del = tool("Verwijderen", "step-remove", remove);
    [[up, "omhoog"], [down, "omlaag"], [del, "verwijderen"]].forEach(function (pair) {
      pair[0].setAttribute("aria-label", pair[1][0].toUpperCase() + pair[1].slice(1) + ": " + title);
      tools.appendChild(pair[0]);
    });
    tools.hidden = false;
  }
  Array.prototype.forEach.call(list.querySelectorAll(".step"), addTools);

  titleInput.addEventListener("input", function () {
    var title = titleInput.value.trim() || DEFAULT_TITLE;
    heading.textContent = title;
    document.title = title + " · Van buddy tot community";
    var crumb = document.querySelector(".breadcrumb [aria-current]");
    if (crumb) { crumb.textContent = title; }
    sync();
  });

  var form = document.getElementById("discussion-form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var questions = form.elements.questions.value.split("\n").map(function (q) { return q.trim(); })
      .filter(function (q) { return q; });
    if (!questions.length) { status.textContent = "Schrijf minstens één vraag."; form.elements.questions.focus(); return; }
    var minutes = parseInt(form.elements.minutes.value, 10);
    minutes = minutes >= 1 && minutes <= 180 ? minutes : null;
    var title = form.elements.title.value.trim();
    var li = document.getElementById("discussion-step-template").content.firstElementChild.cloneNode(true);
    li.dataset.questions = JSON.stringify(questions);
    li.dataset.minutes = minutes ? String(minutes) : "";
    li.dataset.title = title;
    li.querySelector(".step-title").textContent = title || "Bespreking";
    li.querySelector(".step-minutes").textContent = minutes ? minutes + " minuten" : "";
    var ol = li.querySelector(".questions");
    questions.forEach(function (q) { var item = document.createElement("li"); item.textContent = q; ol.appendChild(item); });
    list.appendChild(li);
    addTools(li);
    sync();
    form.elements.questions.value = "";
    form.elements.title.value = "";
    status.textContent = "Bespreking toegevoegd als stap " + list.children.length + ".";
  });

  document.getElementById("session-clear").addEventListener("click", function () {
    saveDraft(null);
    window.location.assign("/sessions/new");
  });

  if (list.querySelector(".step")) { sync(); }  // opening a session here makes it the current draft
})();
