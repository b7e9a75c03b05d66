// The weekly check-in's "Same as last week" boxes. Without this file the server does the same on
// sending: every question of a ticked section left unanswered takes last week's answer. Here the
// answers are filled in where the patient can see and change them; unticking clears what was filled.
(function () {
  function isRadios(element) {
    return element && typeof element.length === "number" && !element.options && element.length > 0;
  }

  function valueOf(element) {
    return isRadios(element) ? element.value : element.value.trim();
  }

  function setValue(element, value) {
    if (isRadios(element)) {
      for (var i = 0; i < element.length; i++) {
        element[i].checked = element[i].value === value;
      }
    } else {
      element.value = value;
    }
  }

  function attach(box) {
    var last = JSON.parse(box.getAttribute("data-last") || "{}");
    var filled = {};  // name -> the value this box filled in

    function fill(name, value) {
      var element = box.form.elements[name];
      if (!element || valueOf(element) !== "") return false;
      setValue(element, String(value));
      filled[name] = String(value);
      return true;
    }

    box.addEventListener("change", function () {
      if (box.checked) {
        Object.keys(last).forEach(function (name) {
          if (name.indexOf("days_used_") === 0) return;  // follows its rating
          if (fill(name, last[name]) && name.indexOf("rating_") === 0) {
            var days = "days_used_" + name.slice("rating_".length);
            if (days in last) fill(days, last[days]);
          }
        });
      } else {
        Object.keys(filled).forEach(function (name) {
          var element = box.form.elements[name];
          if (element && valueOf(element) === filled[name]) setValue(element, "");
        });
        filled = {};
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("input[data-last]");
    for (var i = 0; i < boxes.length; i++) attach(boxes[i]);
  });
})();
