// The portal works without JavaScript; this only adds comforts.
// A button with data-confirmer asks before its form is sent (e.g. withdrawing a document).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = button && button.getAttribute("data-confirmer");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
