/*
 * Idle sign-out for staff pages (docs/security.md "Idle sign-out").
 *
 * The server ends a session IDLE_TIMEOUT_SECONDS after the last request. This script
 * warns IDLE_WARNING_SECONDS after the last request with a dialog ("Stay signed in"
 * sends a keep-alive request), and just before the deadline saves every form marked
 * `data-autosave` as a draft (a POST of the form's fields plus save_draft=1, exactly
 * like pressing its "Save draft" button), then signs out and says what was saved.
 *
 * Configuration comes from data- attributes on this script's own tag. Several open tabs
 * share one deadline through localStorage, so working in one tab keeps the others open.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[data-idle-timeout]");
  if (!script) {
    return;
  }
  var cfg = script.dataset;
  var timeout = Number(cfg.idleTimeout) * 1000;
  var warnAfter = Number(cfg.idleWarning) * 1000;
  var leftAtLoad = Number(cfg.idleSecondsLeft) * 1000;
  var keepAliveUrl = cfg.idleKeepalive;
  var logoutUrl = cfg.idleLogout;
  var loginPath = new URL(cfg.idleLogin, window.location.href).pathname;
  // act a little before the server's deadline so the drafts arrive in time
  var margin = Math.min(10000, timeout / 10);
  var storageKey = "iop.idle.deadline";

  var dialog = document.getElementById("idle-dialog");
  var deadlineText = dialog ? dialog.querySelector("[data-idle-at]") : null;
  var warnTimer = null;
  var endTimer = null;
  var ending = false;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function readSharedDeadline() {
    try {
      return Number(window.localStorage.getItem(storageKey)) || 0;
    } catch (e) {
      return 0;
    }
  }

  function writeSharedDeadline(value) {
    try {
      window.localStorage.setItem(storageKey, String(value));
    } catch (e) {
      /* private mode: each tab keeps its own clock */
    }
  }

  var deadline = Date.now() + leftAtLoad;

  function schedule(newDeadline) {
    deadline = Math.max(newDeadline, readSharedDeadline());
    writeSharedDeadline(deadline);
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    var now = Date.now();
    var warnAt = deadline - (timeout - warnAfter);
    warnTimer = window.setTimeout(warn, Math.max(0, warnAt - now));
    endTimer = window.setTimeout(end, Math.max(0, deadline - margin - now), "idle");
  }

  function anotherTabExtended() {
    var shared = readSharedDeadline();
    if (shared > deadline) {
      schedule(shared);
      return true;
    }
    return false;
  }

  function warn() {
    if (anotherTabExtended() || !dialog || dialog.open) {
      return;
    }
    if (deadlineText) {
      deadlineText.textContent = new Date(deadline).toLocaleTimeString([], {
        hour: "numeric",
        minute: "2-digit",
      });
    }
    dialog.showModal();
  }

  function closeDialog() {
    if (dialog && dialog.open) {
      dialog.close();
    }
  }

  function stay() {
    closeDialog();
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("session ended");
        }
        return response.json();
      })
      .then(function (data) {
        schedule(Date.now() + Number(data.seconds_left) * 1000);
      })
      .catch(function () {
        window.location.assign(cfg.idleLogin);
      });
  }

  function saveDraft(form) {
    var body = new FormData(form);
    body.set("save_draft", "1");
    return fetch(form.action || window.location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(
      function (response) {
        var landedOnLogin = new URL(response.url).pathname === loginPath;
        return response.ok && !landedOnLogin;
      },
      function () {
        return false;
      }
    );
  }

  function signOut(reason, saved, failed) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = logoutUrl;
    form.hidden = true;
    var fields = { csrfmiddlewaretoken: csrfToken(), reason: reason, drafts: saved, failed: failed };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = String(fields[name]);
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function end(reason) {
    if (ending || (reason === "idle" && anotherTabExtended())) {
      return;
    }
    ending = true;
    closeDialog();
    var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
    Promise.all(forms.map(saveDraft)).then(function (results) {
      var saved = results.filter(Boolean).length;
      signOut(reason, saved, results.length - saved);
    });
  }

  if (dialog) {
    dialog.querySelector("[data-idle-stay]").addEventListener("click", stay);
    dialog.querySelector("[data-idle-signout]").addEventListener("click", function () {
      closeDialog();
      end("user");
    });
    // Escape closes a modal dialog; treat it as "stay", the harmless choice.
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      stay();
    });
  }

  window.addEventListener("storage", function (event) {
    if (event.key === storageKey && !ending) {
      var shared = Number(event.newValue) || 0;
      if (shared > deadline) {
        closeDialog();
        schedule(shared);
      }
    }
  });

  schedule(deadline);
})();
