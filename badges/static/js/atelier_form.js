/* Atelier form, progressive enhancement: ticking a competence marks it "travaillée ici" in the list of
   the pathway's badges at once (the page already shows it for the competences ticked when it opened). */
(function () {
  "use strict";
  var needs = document.querySelectorAll(".badge-needs li[data-competence]");
  if (!needs.length) { return; }
  function refresh() {
    var ticked = {};
    Array.prototype.forEach.call(document.querySelectorAll('input[name="competencies"]:checked'), function (box) {
      ticked[box.value] = true;
    });
    Array.prototype.forEach.call(needs, function (item) {
      var covered = ticked[item.dataset.competence] === true;
      item.classList.toggle("covered", covered);
      item.querySelector(".covered-mark").hidden = !covered;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "competencies") { refresh(); }
  });
}());
