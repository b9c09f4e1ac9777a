// rapport serve: reloads the page after each save, and shows the problems
// of a save that did not build at the foot of the page (the last good
// version stays on screen). Put into every page the preview serves.
(function () {
  var events = new EventSource("/__rapport/events");

  function show(text) {
    var box = document.getElementById("rapport-errors");
    if (!box) {
      box = document.createElement("div");
      box.id = "rapport-errors";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "background:#fff;color:#0b0c0c;border-top:6px solid #a8281a;" +
        "padding:1rem;z-index:99999;font:14px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent =
      "rapport: the last change did not build; showing the last good version.\n\n" + text;
  }

  events.addEventListener("reload", function () {
    location.reload();
  });
  events.addEventListener("errors", function (e) {
    show(JSON.parse(e.data));
  });
  if (window.__rapportErrors) {
    show(window.__rapportErrors);
  }
})();
