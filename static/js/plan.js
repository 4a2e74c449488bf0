/*
 * The treatment plan page, better with JavaScript: "Add a ..." adds a row in place and
 * "Remove" takes a row away without a round trip. Without this script both buttons post
 * the page back and the server does the same (treatment/forms.py PlanEditor), so nothing
 * typed is lost either way. A row that others point at (a problem with goals, a goal with
 * objectives) is removed by the server, which removes what belongs to it too.
 *
 * Rows are numbered by position: "goals-2-problem" names the third goal's problem by its
 * index. After adding or removing, every row of the kind is renumbered and the "For
 * problem" / "For goal" lists are rebuilt so they offer exactly the rows on the page.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-plan-form]");
  if (!form) {
    return;
  }
  // child kind -> [the field naming its parent, the parent kind, the parent's label]
  var PARENTS = {
    goals: ["problem", "problems", "Problem"],
    objectives: ["goal", "goals", "Goal"],
    interventions: ["problem", "problems", "Problem"],
  };

  function rowsOf(prefix) {
    return Array.prototype.slice.call(
      form.querySelectorAll('[data-rows="' + prefix + '"] > [data-row]')
    );
  }

  function totalInput(prefix) {
    return form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  }

  function renumber(prefix) {
    // "goals-3-", "id_goals-3-", "hint_id_goals-3-"... (and "__prefix__" in a new row)
    var pattern = new RegExp("(^|_)" + prefix + "-(\\d+|__prefix__)-", "g");
    rowsOf(prefix).forEach(function (row, index) {
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) {
            el.setAttribute(attr, value.replace(pattern, "$1" + prefix + "-" + index + "-"));
          }
        });
      });
      var label = row.querySelector("[data-row-label]");
      if (label) {
        label.textContent = label.textContent.replace(/\S+$/, String(index + 1));
      }
      var number = row.querySelector("[data-row-number]");
      if (number) {
        number.textContent = String(index + 1);
      }
      var remove = row.querySelector("[data-remove]");
      if (remove) {
        remove.value = prefix + "-" + index;
      }
    });
    totalInput(prefix).value = String(rowsOf(prefix).length);
  }

  function refreshParentChoices(parentPrefix) {
    var count = rowsOf(parentPrefix).length;
    Object.keys(PARENTS).forEach(function (child) {
      var spec = PARENTS[child];
      if (spec[1] !== parentPrefix) {
        return;
      }
      rowsOf(child).forEach(function (row) {
        var select = row.querySelector('select[name$="-' + spec[0] + '"]');
        if (!select) {
          return;
        }
        var chosen = select.value;
        while (select.options.length) {
          select.remove(0);
        }
        for (var n = 0; n < count; n += 1) {
          select.add(new Option(spec[2] + " " + (n + 1), String(n)));
        }
        if (chosen !== "" && Number(chosen) < count) {
          select.value = chosen;
        } else if (count) {
          select.value = String(count - 1);
        }
      });
    });
  }

  function hasChildren(prefix, index) {
    return Object.keys(PARENTS).some(function (child) {
      var spec = PARENTS[child];
      return (
        spec[1] === prefix &&
        rowsOf(child).some(function (row) {
          var select = row.querySelector('select[name$="-' + spec[0] + '"]');
          return select && select.value === String(index);
        })
      );
    });
  }

  function shiftChildren(prefix, removed) {
    Object.keys(PARENTS).forEach(function (child) {
      var spec = PARENTS[child];
      if (spec[1] !== prefix) {
        return;
      }
      rowsOf(child).forEach(function (row) {
        var select = row.querySelector('select[name$="-' + spec[0] + '"]');
        if (select && Number(select.value) > removed) {
          select.value = String(Number(select.value) - 1);
        }
      });
    });
  }

  function add(prefix) {
    var template = document.getElementById("empty-" + prefix);
    var container = form.querySelector('[data-rows="' + prefix + '"]');
    var empty = container.querySelector("[data-empty]");
    if (empty) {
      empty.remove();
    }
    var index = rowsOf(prefix).length;
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    container.insertAdjacentHTML("beforeend", html);
    renumber(prefix);
    refreshParentChoices(prefix);
    if (PARENTS[prefix]) {
      refreshParentChoices(PARENTS[prefix][1]);
    }
    var row = rowsOf(prefix)[index];
    if (PARENTS[prefix]) {
      var parentSelect = row.querySelector('select[name$="-' + PARENTS[prefix][0] + '"]');
      var parents = rowsOf(PARENTS[prefix][1]).length;
      if (parentSelect && parents) {
        parentSelect.value = String(parents - 1); // under the last one, usually right
      }
    }
    var first = row.querySelector("textarea, input:not([type=hidden]), select");
    if (first) {
      first.focus();
    }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-add")) {
      event.preventDefault();
      add(button.getAttribute("data-add"));
      return;
    }
    if (button.hasAttribute("data-remove")) {
      var row = button.closest("[data-row]");
      var prefix = row.getAttribute("data-prefix");
      var index = rowsOf(prefix).indexOf(row);
      if (hasChildren(prefix, index)) {
        return; // the server removes the row and what belongs to it
      }
      event.preventDefault();
      row.remove();
      shiftChildren(prefix, index);
      renumber(prefix);
      refreshParentChoices(prefix);
      var heading = document.getElementById(prefix + "-heading");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
  });
})();
