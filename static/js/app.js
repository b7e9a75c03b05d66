// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

(function () {
  // The record's sections: open as a row of tabs on a wide screen, one "Sections" line on
  // a phone (the CSS already shows the list on a wide screen; this keeps `open` true to match).
  var wide = window.matchMedia("(min-width: 40.0625rem)");
  function syncRecordMenu() {
    document.querySelectorAll("details[data-record-menu]").forEach(function (menu) {
      menu.open = wide.matches;
    });
  }

  // A table wider than its column scrolls inside a box of its own rather than widening the page.
  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (!table.parentElement.classList.contains("table-wrap")) {
        var box = document.createElement("div");
        box.className = "table-wrap";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
    });
  }

  // A box that scrolls sideways (a wide table, a chart) can be reached and scrolled by keyboard.
  // Its name says what it is, not the section's title (the section already has that name).
  function reachableScrollers() {
    document.querySelectorAll("main .table-wrap, main .chart-wrap").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) {
        return;
      }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", box.querySelector("table") ? "Wide table, scrolls sideways" : "Wide chart, scrolls sideways");
    });
  }

  function focusErrorSummary() {
    // After a failed submit: the error summary first, so a screen reader reads what went wrong;
    // else an error message, else the first field marked invalid.
    if (document.activeElement && document.activeElement !== document.body &&
        document.activeElement.id !== "main") {
      return;  // already on the summary (autofocus), or the person has moved on
    }
    var order = ["main [data-error-summary]", "main .form-errors", "main > [data-flash].error, main > [data-flash].danger",
                 "main [aria-invalid=true]"];
    for (var i = 0; i < order.length; i++) {
      var target = document.querySelector(order[i]);
      if (target) {
        if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) {
          target.setAttribute("tabindex", "-1");
        }
        target.focus();
        return;
      }
    }
  }

  // A date input shows its date in the browser's own language (often month first), whatever the
  // page's; beside it, the chosen date in the page's words, as dates read in the text.
  function echoDates() {
    var format;
    try {
      format = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        {weekday: "short", day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
    } catch (e) {
      return;
    }
    document.querySelectorAll("main input[type=date]").forEach(function (input) {
      var echo = document.createElement("span");
      echo.className = "date-echo";
      echo.setAttribute("aria-hidden", "true");  // a screen reader reads the input's own value
      function show() {
        var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
        echo.textContent = parts ? format.format(new Date(Date.UTC(+parts[1], parts[2] - 1, +parts[3]))) : "";
      }
      input.insertAdjacentElement("afterend", echo);
      input.addEventListener("input", show);
      input.addEventListener("change", show);
      show();
    });
  }

  function ready() {
    echoDates();
    syncRecordMenu();
    wrapTables();
    reachableScrollers();
    focusErrorSummary();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  if (wide.addEventListener) {
    wide.addEventListener("change", syncRecordMenu);
  }
})();
