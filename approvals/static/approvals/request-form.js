// Account request form: show only the fields that apply to the choices made.
// Purpose (school-based, AP 1311 §1.2.1) or mission alignment (not school-based, §1.2.2), and the
// educational need only for a public network (§1.4.4). Without JavaScript every field stays visible.
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form) {
    return;
  }
  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }
  function show(selector, visible) {
    form.querySelectorAll(selector).forEach(function (el) {
      el.hidden = !visible;
    });
  }
  function update() {
    var schoolBased = checked("school_based") !== "False";
    show(".js-school-based", schoolBased);
    show(".js-not-school-based", !schoolBased);
    show(".js-public-only", checked("network") === "public");
  }
  form.addEventListener("change", update);
  update();
})();
