// Copy buttons on the credential reveal page (no inline script: the CSP forbids it).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    button.classList.remove("d-none");
    // Both labels come from the page, in its language (issue 17).
    var label = button.textContent;
    var copied = button.getAttribute("data-copied-label") || label;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.textContent = copied;
        // The clipboard keeps it; clear the visible page after a while.
        setTimeout(function () { button.textContent = label; }, 3000);
      });
    });
  });
})();
