// ISO dates in every form (issue 14): a browser's own date field shows its locale's order (mm/dd/yyyy in
// many Canadian browsers), so each date or date-and-time field becomes a text field in the portal's one
// format, YYYY-MM-DD (and HH:MM), with a calendar button that opens the browser's own picker.
// The server accepts both "2026-12-10 18:30" and "2026-12-10T18:30". Without JavaScript nothing changes.
(function () {
  "use strict";
  // The JavaScript catalog (issue 17, loaded first by base.html); without it, English.
  var gettext = window.gettext || function (text) { return text; };
  var fields = document.querySelectorAll('main input[type="date"], main input[type="datetime-local"]');
  Array.prototype.forEach.call(fields, function (field, index) {
    var withTime = field.type === "datetime-local";
    var picker = document.createElement("input");
    picker.type = field.type;
    picker.tabIndex = -1;
    picker.className = "iso-date-picker";
    picker.setAttribute("aria-hidden", "true");
    if (field.min) { picker.min = field.min; }
    if (field.max) { picker.max = field.max; }

    var hintId = (field.id || "iso-date-" + index) + "-format";
    field.type = "text";
    field.inputMode = "numeric";
    field.autocomplete = "off";
    field.placeholder = withTime ? gettext("YYYY-MM-DD HH:MM") : gettext("YYYY-MM-DD");
    field.pattern = withTime ? "\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}" : "\\d{4}-\\d{2}-\\d{2}";
    field.value = field.value.replace("T", " ").slice(0, withTime ? 16 : 10);
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(hintId);
    field.setAttribute("aria-describedby", described.join(" "));

    var group = document.createElement("div");
    group.className = "input-group iso-date";
    field.parentNode.insertBefore(group, field);
    group.appendChild(field);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.setAttribute("aria-label", gettext("Open the calendar"));
    button.title = gettext("Open the calendar");
    button.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
    group.appendChild(button);
    group.appendChild(picker);

    var hint = document.createElement("div");
    hint.className = "form-text";
    hint.id = hintId;
    hint.textContent = withTime ? gettext("For example 2026-12-10 18:30") : gettext("For example 2026-12-10");
    group.parentNode.insertBefore(hint, group.nextSibling);

    button.addEventListener("click", function () {
      picker.value = field.value.trim().replace(" ", "T");
      if (typeof picker.showPicker === "function") {
        try { picker.showPicker(); return; } catch (e) { /* not allowed here: fall back to typing */ }
      }
      field.focus();
    });
    picker.addEventListener("change", function () {
      field.value = picker.value.replace("T", " ");
      field.dispatchEvent(new Event("change", { bubbles: true }));
      field.focus();
    });
  });
})();
