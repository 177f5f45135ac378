/* Scan a badge's QR code with the phone camera, where the browser has BarcodeDetector.
   Progressive enhancement: without it the button stays hidden and the form works as is. */
(function () {
  "use strict";
  var script = document.currentScript;
  var box = document.getElementById("scanner");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var start = document.getElementById("scanner-start");
  var stop = document.getElementById("scanner-stop");
  var video = document.getElementById("scanner-video");
  var status = document.getElementById("scanner-status");
  var text = document.getElementById("texte");
  var form = document.getElementById("formulaire");
  var stream = null;
  var timer = null;

  function say(key) { status.textContent = script.dataset[key] || ""; }

  function halt() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function found(value) {
    halt();
    say("found");
    var here = window.location.origin + "/verifier?";
    if (value.indexOf(here) === 0) {
      window.location.assign(value);  // a certificate's QR code: its result page
      return;
    }
    text.value = value;
    form.submit();
  }

  function look(detector) {
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) { found(codes[0].rawValue); return; }
      timer = setTimeout(function () { look(detector); }, 250);
    }).catch(function () { timer = setTimeout(function () { look(detector); }, 500); });
  }

  start.addEventListener("click", function () {
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); }
    catch (e) { say("denied"); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        stop.hidden = false;
        start.hidden = true;
        say("looking");
        return video.play().then(function () { look(detector); });
      })
      .catch(function () { halt(); say("denied"); });
  });
  stop.addEventListener("click", function () { halt(); status.textContent = ""; });
  box.hidden = false;
})();
