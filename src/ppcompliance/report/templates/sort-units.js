(function () {
  "use strict";
  // Sorts the units table by overall rate (lowest first, then highest first; no rate last either way) or by
  // name (the order the page is written in). The page's policy allows this script by its hash, and no other.
  var table = document.getElementById("units-table");
  if (!table) return;
  var body = table.tBodies[0];
  var byName = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.querySelectorAll("th[data-sort]"));
  function rate(row) {
    var value = row.getAttribute("data-rate");
    return value === "" ? null : Number(value);
  }
  function sort(head, direction) {
    var rows = byName.slice();
    if (head.getAttribute("data-sort") === "rate") {
      rows.sort(function (a, b) {
        var x = rate(a), y = rate(b);
        if (x === null || y === null) return (x === null) - (y === null);
        return direction === "ascending" ? x - y : y - x;
      });
    }
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (other) {
      if (other === head) other.setAttribute("aria-sort", direction);
      else other.removeAttribute("aria-sort");
    });
  }
  heads.forEach(function (head) {
    head.querySelector("button").addEventListener("click", function () {
      var again = head.getAttribute("data-sort") === "rate" && head.getAttribute("aria-sort") === "ascending";
      sort(head, again ? "descending" : "ascending");
    });
  });
  table.classList.add("sortable");
})();
