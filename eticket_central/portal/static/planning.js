// « Mon planning »: « toute la semaine » and « toutes les activités » check or uncheck their
// cells at once in the browser. Without JavaScript the same buttons send the form back and
// the server returns it with the cells checked (nothing is saved until « Enregistrer »).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-cocher]");
  if (!button || !button.form) {
    return;
  }
  var kind = button.getAttribute("data-cocher"); // "ligne" (an activity) or "jour" (a day)
  var selector = "td[data-" + kind + "='" + button.value + "'] input[type=checkbox]";
  var boxes = Array.prototype.slice.call(button.form.querySelectorAll(selector));
  if (boxes.length === 0) {
    return;
  }
  event.preventDefault();
  var all = boxes.every(function (box) { return box.checked; });
  boxes.forEach(function (box) { box.checked = !all; });
});
