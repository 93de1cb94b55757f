/* Check-in page: refreshes the arrivals count, sends typed codes without leaving the page, and
   scans badges with the camera where the browser has BarcodeDetector. Without this script the
   page works with plain forms. */
(function () {
  "use strict";

  var root = document.querySelector("[data-checkin]");
  if (!root) {
    return;
  }
  var scanner = root.querySelector(".scanner");
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  var result = document.getElementById("scan-result");
  var arrivalsText = document.getElementById("arrivals-text");
  var progress = document.getElementById("arrivals-progress");
  var POLL_MS = 10000;
  var SAME_CODE_PAUSE_MS = 4000;

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function showArrivals(data) {
    if (data.text && arrivalsText.textContent !== data.text) {
      arrivalsText.textContent = data.text;
    }
    if (typeof data.arrived === "number" && typeof data.expected === "number") {
      progress.max = Math.max(data.expected, 1);
      progress.value = data.arrived;
    }
  }

  function pollArrivals() {
    if (document.visibilityState === "hidden") {
      return;
    }
    fetch(root.dataset.arrivalsUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          showArrivals(data);
        }
      })
      .catch(function () {
        /* offline for a moment: the next poll tries again */
      });
  }
  window.setInterval(pollArrivals, POLL_MS);

  function undoForm(url) {
    var undo = document.createElement("form");
    undo.method = "post";
    undo.action = url;
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrfToken();
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "checkin-button secondary";
    button.textContent = scanner.dataset.undo;
    undo.appendChild(token);
    undo.appendChild(button);
    return undo;
  }

  function showResult(kind, message, undoUrl) {
    result.className = "scan-result " + kind;
    result.textContent = "";
    var text = document.createElement("p");
    text.textContent = message;
    result.appendChild(text);
    if (undoUrl) {
      result.appendChild(undoForm(undoUrl));
    }
  }

  /* A search result on the page for the person just scanned shows the arrival too. */
  function markRow(data) {
    var row = document.getElementById("p" + data.participant);
    var state = row && row.querySelector(".state");
    if (!state) {
      return;
    }
    var text = document.createElement("p");
    text.className = "arrived";
    text.textContent = data.message;
    row.classList.add("is-in");
    state.textContent = "";
    state.appendChild(text);
    state.appendChild(undoForm(data.undo_url));
  }

  function sendCode(code) {
    var body = new FormData();
    body.append("code", code);
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        if (data.result === "checked_in" || data.result === "already_checked_in") {
          showResult(data.result === "checked_in" ? "ok" : "warn", data.message, data.undo_url);
          showArrivals(data.arrivals);
          markRow(data);
          if (navigator.vibrate) {
            navigator.vibrate(data.result === "checked_in" ? 80 : [60, 60, 60]);
          }
        } else {
          showResult("error", data.message);
        }
      })
      .catch(function () {
        showResult("error", scanner.dataset.failed);
      });
  }

  form.addEventListener("submit", function (event) {
    var code = input.value.trim();
    event.preventDefault();
    if (!code) {
      return;
    }
    input.value = "";
    sendCode(code).then(function () {
      input.focus();
    });
  });

  /* The camera */
  var camera = scanner.querySelector(".camera");
  var support = document.getElementById("scan-support");
  var toggle = document.getElementById("camera-toggle");
  var video = document.getElementById("camera-view");
  var stream = null;
  var detector = null;
  var lastCode = "";
  var lastAt = 0;
  var busy = false;

  function unsupported(message) {
    support.textContent = message;
    camera.hidden = true;
  }

  function stopCamera() {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.hidden = true;
    video.srcObject = null;
    toggle.textContent = toggle.dataset.start;
  }

  function scanFrame() {
    if (!stream) {
      return;
    }
    if (busy || video.readyState < 2) {
      window.setTimeout(scanFrame, 250);
      return;
    }
    detector
      .detect(video)
      .then(function (codes) {
        var now = Date.now();
        var code = codes.length ? codes[0].rawValue : "";
        if (code && (code !== lastCode || now - lastAt > SAME_CODE_PAUSE_MS)) {
          lastCode = code;
          lastAt = now;
          busy = true;
          return sendCode(code).then(function () {
            busy = false;
          });
        }
        return null;
      })
      .catch(function () {
        busy = false;
      })
      .then(function () {
        window.setTimeout(scanFrame, 250);
      });
  }

  function startCamera() {
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        toggle.textContent = toggle.dataset.stop;
        return video.play();
      })
      .then(scanFrame)
      .catch(function () {
        stopCamera();
        showResult("error", scanner.dataset.denied);
      });
  }

  if (!window.isSecureContext) {
    unsupported(scanner.dataset.insecure);
  } else if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    unsupported(scanner.dataset.unsupported);
  } else {
    window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") === -1) {
          unsupported(scanner.dataset.unsupported);
          return;
        }
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        support.hidden = true;
        camera.hidden = false;
        toggle.addEventListener("click", function () {
          if (stream) {
            stopCamera();
          } else {
            startCamera();
          }
        });
      })
      .catch(function () {
        unsupported(scanner.dataset.unsupported);
      });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      stopCamera();
    }
  });
})();
