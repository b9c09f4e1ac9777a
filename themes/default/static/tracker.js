// Progressive enhancement for the tracker table: combined filters in place.
// Without JavaScript the filter links lead to pre-built pages instead.
(function () {
  "use strict";
  var form = document.querySelector(".tracker-filter-form");
  var table = document.querySelector(".tracker-table");
  var count = document.querySelector(".filter-count");
  if (!form || !table || !count) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = selects.every(function (s) {
        if (!s.value) return true;
        var values = (row.getAttribute("data-" + s.getAttribute("data-filter")) || "").split(" ");
        return values.indexOf(s.value) !== -1;
      });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    var filtered = selects.some(function (s) { return s.value; });
    count.textContent = filtered ? "Showing " + shown + " of " + rows.length + "." : "";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
})();
