/* Copy a link, or hand it to the phone's share menu (SMS, messaging), where the browser can.
   Progressive enhancement: without it the buttons stay hidden and the link can be copied by hand. */
(function () {
  "use strict";
  var script = document.currentScript;
  var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
  var canShare = typeof navigator.share === "function";
  document.querySelectorAll(".share-buttons").forEach(function (box) {
    var copy = box.querySelector("[data-copy]");
    var send = box.querySelector("[data-share-url]");
    if (copy && canCopy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        var field = document.getElementById(copy.dataset.copy);
        var status = document.querySelector('[data-copied-for="' + copy.dataset.copy + '"]');
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) { status.textContent = script.dataset.copied || ""; }
        });
      });
    }
    if (send && canShare) {
      send.hidden = false;
      send.addEventListener("click", function () {
        navigator.share({ title: send.dataset.shareTitle, url: send.dataset.shareUrl }).catch(function () {});
      });
    }
    box.hidden = !((copy && !copy.hidden) || (send && !send.hidden));
  });
})();
