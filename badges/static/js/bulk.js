// A bulk issuance under way (staff/programme/_bulk_progress.html): poll its progress every second and
// show it; once done, open the page listing the badges issued. Without this script, a refresh link.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress-url]").forEach(function (box) {
    var text = box.querySelector(".bulk-progress-text");
    var bar = box.querySelector("progress");
    function poll() {
      fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (found) {
          if (!found) { return; }
          text.textContent = found.text;
          bar.max = found.total;
          bar.value = found.done;
          if (found.state === "done") {
            window.location.assign(found.page);
          } else if (found.state !== "failed") {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
