// Progressive enhancement for the tracker table: combined filters in place,
// kept in the address (?status=in-progress&lead=west-midlands-police) so a
// filtered view can be shared. Without JavaScript the filter links lead to
// pre-built pages instead.
(function () {
  "use strict";
  var form = document.querySelector(".tracker-filter-form");
  var table = document.querySelector(".tracker-table");
  var count = document.querySelector(".filter-count");
  if (!form || !table || !count) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  // From the theme's interface strings (assets/strings.js), or English.
  var showing = (window.rapportStrings || {}).trackerShowing || "Showing {shown} of {total}.";
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var params = new URLSearchParams(window.location.search);
  selects.forEach(function (s) {
    var wanted = params.get(s.getAttribute("data-filter"));
    if (wanted && s.querySelector('option[value="' + wanted.replace(/"/g, "") + '"]')) {
      s.value = wanted;
    }
  });
  function apply(fromUser) {
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
    count.textContent = filtered
      ? showing.replace("{shown}", String(shown)).replace("{total}", String(rows.length))
      : "";
    if (fromUser && window.history && window.history.replaceState) {
      var q = new URLSearchParams();
      selects.forEach(function (s) { if (s.value) q.set(s.getAttribute("data-filter"), s.value); });
      var search = q.toString();
      window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
    }
  }
  selects.forEach(function (s) { s.addEventListener("change", function () { apply(true); }); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply(false);
})();
