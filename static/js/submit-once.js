// Double-click guard for every form that changes something (method="post"): the first submit goes,
// a second one within the same page view is ignored, and the buttons read as busy. The server is
// what really prevents doubles (one-time form tokens, core/once.py); this only saves a round trip.
// Loaded from base.html as a static file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var RELEASE_AFTER_MS = 15000; // a download, or a response that never came: let the user try again

  function buttons(form) {
    return Array.prototype.slice.call(
      form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]')
    );
  }

  function release(form) {
    delete form.dataset.submitting;
    buttons(form).forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") {
        return;
      }
      if (form.dataset.submitting) {
        event.preventDefault(); // the second click
        return;
      }
      form.dataset.submitting = "1";
      // Disable after the browser has collected the form: a disabled submitter would drop its own
      // name=value (e.g. "action=submit" on the request form).
      window.setTimeout(function () {
        buttons(form).forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-busy", "true");
        });
      }, 0);
      window.setTimeout(function () {
        release(form);
      }, RELEASE_AFTER_MS);
    },
    false
  );

  // Coming back with the browser's Back button shows the page from its cache: usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), release);
    }
  });
})();
