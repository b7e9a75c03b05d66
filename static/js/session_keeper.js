// Writing across the idle timeout loses nothing (progressive enhancement; pages work without it).
//
// 1. Drafts: what the person types into a POST form is kept in this tab's sessionStorage, keyed
//    by the signed-in user, the page and the form. It never leaves the browser and never goes
//    into a cookie; CSRF tokens and passwords are never kept. A draft is dropped after the form
//    was sent successfully, on sign-out, and when another person signs in in this tab.
// 2. Warning: two minutes before the idle timeout, a page whose form has been typed into opens
//    an alert dialog offering "Stay signed in" (a POST that touches the session).
// 3. Recovery: if the session ended anyway, the sign-in page goes back to the form's page
//    afterwards, and the form is filled with what was typed; the fresh page carries a fresh
//    CSRF token, so sending it saves it.
(function () {
  "use strict";
  var PREFIX = "careteam-draft:";
  var SUBMITTED = "careteam-draft-submitted";
  var SKIPPED_TYPES = { hidden: 1, password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : null;
  }

  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }

  var userId = meta("careteam-user");
  var signInForm = document.querySelector("form[data-sign-in]");

  function drafts() {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        try { found.push({ key: key, draft: JSON.parse(store.getItem(key)) }); } catch (e) { /* ignore */ }
      }
    }
    return found;
  }

  function forget(key) { store.removeItem(key); }

  function keptForms() {
    return Array.prototype.filter.call(document.querySelectorAll("form"), function (form) {
      return (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft")
        && !form.querySelector('input[type="password"]')
        && form.querySelector("textarea, input:not([type=hidden]), select");
    });
  }

  function formKey(form, index) {
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    return PREFIX + userId + ":" + window.location.pathname + window.location.search
      + ":" + action.pathname + ":" + index;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && !SKIPPED_TYPES[el.type];
    });
  }

  function snapshot(form) {
    var values = [];
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values.push([el.name, el.value, el.checked]);
      } else if (el.tagName === "SELECT" && el.multiple) {
        values.push([el.name, Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; })]);
      } else {
        values.push([el.name, el.value]);
      }
    });
    return values;
  }

  function restore(form, values) {
    var byName = {};
    fields(form).forEach(function (el) { (byName[el.name] = byName[el.name] || []).push(el); });
    var seen = {};
    values.forEach(function (entry) {
      var candidates = byName[entry[0]] || [];
      if (entry.length === 3) {  // checkbox or radio: name, value, checked
        candidates.forEach(function (el) { if (el.value === entry[1]) { el.checked = entry[2]; } });
        return;
      }
      var position = seen[entry[0]] = (seen[entry[0]] || 0) + 1;
      var el = candidates[position - 1];
      if (!el) { return; }
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = entry[1].indexOf(o.value) >= 0; });
      } else {
        el.value = entry[1];
      }
    });
  }

  function announce(text, where) {
    var note = document.createElement("div");
    note.className = "flash info";
    note.setAttribute("role", "status");
    note.textContent = text;
    where.parentNode.insertBefore(note, where);
  }

  // The sign-in page: the session is gone. Drafts stay for their owner; after signing in, go
  // back to the page of the latest draft unless a destination is already given.
  if (signInForm) {
    store.removeItem(SUBMITTED);  // a form sent into an ended session was not saved
    var latest = null;
    drafts().forEach(function (d) {
      if (!latest || d.draft.savedAt > latest.draft.savedAt) { latest = d; }
      d.draft.restore = true;
      store.setItem(d.key, JSON.stringify(d.draft));
    });
    if (latest && !new URLSearchParams(window.location.search).get("next")) {
      signInForm.setAttribute("action", window.location.pathname + "?next=" + encodeURIComponent(latest.draft.page));
    }
    if (latest) {
      announce("What you were writing is kept in this browser and comes back after you sign in.", signInForm);
    }
    return;
  }
  if (!userId) { return; }

  // Another person signed in in this tab: their drafts are not for this person's eyes.
  drafts().forEach(function (d) { if (d.draft.user !== userId) { forget(d.key); } });

  // The answer to a form sent from this tab: without form errors, it was saved.
  var submitted = store.getItem(SUBMITTED);
  store.removeItem(SUBMITTED);
  if (submitted && !document.querySelector(".form-errors, .field-error, .error-code")) {
    forget(submitted);
  }

  var dirty = false;
  keptForms().forEach(function (form, index) {
    var key = formKey(form, index);
    var kept = null;
    try { kept = JSON.parse(store.getItem(key)); } catch (e) { kept = null; }
    if (kept && kept.restore) {
      restore(form, kept.values);
      kept.restore = false;
      store.setItem(key, JSON.stringify(kept));
      dirty = true;
      announce("Your session had ended: what you typed is back. Check it and send it.", form);
    }
    function save() {
      dirty = true;
      store.setItem(key, JSON.stringify({
        user: userId, page: window.location.pathname + window.location.search,
        savedAt: Date.now(), values: snapshot(form), restore: false,
      }));
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () { store.setItem(SUBMITTED, key); });
  });

  // Signing out on purpose: nothing typed stays behind in this tab.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-sign-out]"), function (form) {
    form.addEventListener("submit", function () { drafts().forEach(function (d) { forget(d.key); }); });
  });

  // The warning before the idle timeout.
  var idleSeconds = parseInt(meta("careteam-idle-seconds"), 10);
  var keepaliveUrl = meta("careteam-keepalive");
  if (!idleSeconds || !keepaliveUrl) { return; }
  var warnAfter = Math.max(idleSeconds - 120, idleSeconds / 2) * 1000;
  var dialog = null, warnTimer = null, endTimer = null;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "session-warning";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-labelledby", "session-warning-title");
    dialog.setAttribute("aria-describedby", "session-warning-text");
    dialog.innerHTML = '<h2 id="session-warning-title">Are you still there?</h2>'
      + '<p id="session-warning-text" aria-live="assertive"></p>'
      + '<div class="actions"><button type="button" data-stay>Stay signed in</button></div>';
    document.body.appendChild(dialog);
    dialog.querySelector("[data-stay]").addEventListener("click", stay);
    dialog.addEventListener("cancel", function () { schedule(); });
  }

  function say(text, showButton) {
    dialog.querySelector("#session-warning-text").textContent = text;
    dialog.querySelector("[data-stay]").hidden = !showButton;
  }

  function warn() {
    if (!dirty) { schedule(); return; }
    if (!dialog) { buildDialog(); }
    say("You will be signed out in two minutes without activity. What you typed is kept in this "
      + "browser either way.", true);
    if (!dialog.open) { dialog.showModal(); }
    dialog.querySelector("[data-stay]").focus();
    endTimer = window.setTimeout(ended, (idleSeconds * 1000) - warnAfter);
  }

  function ended() {
    if (!dialog) { return; }
    say("Your session has ended. What you typed is kept in this browser: send the form or reload "
      + "the page, sign in again, and it comes back.", false);
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, warnAfter);
  }

  function stay() {
    fetch(keepaliveUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": meta("csrf-token") || "", "Accept": "application/json" },
    }).then(function (response) {
      if (response.status === 204) {
        dialog.close();
        schedule();
      } else {
        ended();
      }
    }, ended);
  }

  schedule();
})();
