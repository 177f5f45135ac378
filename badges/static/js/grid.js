/* Evaluation grid, progressive enhancement: the form works without it.
   - 1-4 choose N1-N4 and move to the next cell, 0 clears it ("non évalué");
   - left / right arrows move along the row, Ctrl + up / down move to the same column in another row
     (plain up / down keep changing the value, as in any select);
   - after a save or an error, the message is focused so that it is read at once. */
(function () {
  "use strict";
  var grid = document.getElementById("grille");
  if (!grid) { return; }
  var message = document.getElementById("erreurs") || document.querySelector("main .flash");
  if (message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
  var cells = Array.prototype.slice.call(grid.querySelectorAll("select[data-row]"));
  function at(row, col) {
    return grid.querySelector('select[data-row="' + row + '"][data-col="' + col + '"]');
  }
  function move(select, step) {
    var next = cells[cells.indexOf(select) + step];
    if (next) { next.focus(); }
  }
  grid.addEventListener("keydown", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-row]") || event.altKey || event.metaKey) { return; }
    var row = Number(select.dataset.row), col = Number(select.dataset.col), target = null;
    if (/^[0-4]$/.test(event.key) && !event.ctrlKey) {
      select.value = event.key === "0" ? "" : "N" + event.key;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      move(select, 1);
      event.preventDefault();
      return;
    }
    if (event.key === "ArrowRight" && !event.ctrlKey) { move(select, 1); event.preventDefault(); return; }
    if (event.key === "ArrowLeft" && !event.ctrlKey) { move(select, -1); event.preventDefault(); return; }
    if (event.ctrlKey && event.key === "ArrowDown") { target = at(row + 1, col); }
    if (event.ctrlKey && event.key === "ArrowUp") { target = at(row - 1, col); }
    if (target) { target.focus(); event.preventDefault(); }
  });
}());
