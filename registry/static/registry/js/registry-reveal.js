// Copy buttons on the credential reveal page (no inline script: the CSP forbids it).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.textContent = "Copied";
        // The clipboard keeps it; clear the visible page after a while.
        setTimeout(function () { button.textContent = "Copy"; }, 3000);
      });
    });
  });
})();
