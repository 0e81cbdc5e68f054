/* AP 1311 portal: "official district account" badge for school web sites.
 *
 * <script src="https://PORTAL/static/api/badge.js" data-ap1311-url="https://www.instagram.com/our_school/" async></script>
 *
 * Asks the portal's public verification endpoint (GET /api/v1/verify, CORS open) and puts a small
 * badge right after the script tag. Text only (textContent, never innerHTML); no cookies are sent.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var account = script.getAttribute("data-ap1311-url") || "";
  var handle = script.getAttribute("data-ap1311-handle") || "";
  var platform = script.getAttribute("data-ap1311-platform") || "";
  var base = script.getAttribute("data-ap1311-portal") || new URL(script.src).origin;
  var query = account ? "url=" + encodeURIComponent(account)
    : "handle=" + encodeURIComponent(handle) + (platform ? "&platform=" + encodeURIComponent(platform) : "");
  var badge = document.createElement("span");
  badge.className = "ap1311-badge";
  badge.setAttribute("role", "status");
  badge.style.display = "inline-block";
  badge.style.padding = "0.2em 0.6em";
  badge.style.borderRadius = "0.8em";
  badge.style.font = "600 0.85em system-ui, sans-serif";
  badge.style.border = "1px solid currentColor";
  badge.textContent = "Checking…";
  script.parentNode.insertBefore(badge, script.nextSibling);

  function show(text, colour) {
    badge.textContent = text;
    badge.style.color = colour;
  }

  fetch(base + "/api/v1/verify?" + query, { credentials: "omit", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (answer) {
      var first = answer.accounts && answer.accounts[0];
      if (answer.status === "official") {
        show("\u2713 Official account of " + first.unit, "#146c43");
      } else if (answer.status === "retired") {
        show("Former account of " + first.unit + ": no longer in use", "#997404");
      } else {
        show("Not a confirmed district account", "#b02a37");
      }
    })
    .catch(function () { show("Could not check this account", "#6c757d"); });
})();
