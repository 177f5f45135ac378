/* Evaluation grid, progressive enhancement: the form works without it.
   - 1-4 choose N1-N4 and move to the next cell, 0 clears it ("non évalué");
   - left / right arrows move along the row, Ctrl + up / down move to the same column in another row
     (plain up / down keep changing the value, as in any select);
   - after a save or an error, the message is focused so that it is read at once;
   - choosing a level ticks the row's "présent·e" box (unless it was changed by hand);
   - nothing typed is lost: every change is kept in the browser (localStorage, per atelier and account)
     and, a moment later, sent to the server as a draft; when the grid opens again (after signing in
     once more) it is filled with the browser's draft and says so. A successful save clears it. */
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
  var form = document.getElementById("formulaire-grille");
  if (form) { keepDrafts(form); }
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

  function snapshot(form) {
    var values = {}, present = [];
    Array.prototype.forEach.call(form.querySelectorAll("select[name]"), function (select) {
      values[select.name] = select.value;
    });
    Array.prototype.forEach.call(form.querySelectorAll('input[name="present"]'), function (box) {
      if (box.checked) { present.push(box.value); }
    });
    return { values: values, present: present };
  }

  function restore(form, draft) {
    var changed = false;
    Array.prototype.forEach.call(form.querySelectorAll("select[name]"), function (select) {
      var value = draft.values ? draft.values[select.name] : undefined;
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      if (typeof value === "string" && known && select.value !== value) {
        select.value = value;
        changed = true;
      }
    });
    Array.prototype.forEach.call(form.querySelectorAll('input[name="present"]'), function (box) {
      var ticked = (draft.present || []).indexOf(box.value) !== -1;
      if (box.checked !== ticked) { box.checked = ticked; changed = true; }
    });
    return changed;
  }

  function keepDrafts(form) {
    var key = form.dataset.draftKey, timer = null, store = null;
    try { store = window.localStorage; } catch (error) { store = null; }
    if (store && form.dataset.saved === "true") { store.removeItem(key); }
    var kept = null;
    try { kept = store ? JSON.parse(store.getItem(key) || "null") : null; } catch (error) { kept = null; }
    if (kept && restore(form, kept)) {
      var notice = document.getElementById("brouillon");
      if (notice) { notice.hidden = false; notice.setAttribute("tabindex", "-1"); notice.focus(); }
    }
    function send() {
      timer = null;
      // The form's own fields, CSRF token included; an ended session answers with a redirect: ignored.
      window.fetch(form.dataset.draftUrl, {
        method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin", redirect: "manual"
      }).catch(function () { return null; });
    }
    function changed(event) {
      var target = event.target;
      if (target.matches && target.matches('input[name="present"]')) { target.dataset.touched = "true"; }
      if (target.matches && target.matches("select[data-row]") && target.value) {
        var box = form.querySelector('input[data-presence="' + target.dataset.row + '"]');
        if (box && !box.checked && box.dataset.touched !== "true") { box.checked = true; }
      }
      if (store) {
        try { store.setItem(key, JSON.stringify(snapshot(form))); } catch (error) { store = null; }
      }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(send, 600);
    }
    form.addEventListener("change", changed);
  }
}());
