// The board's "Reject…" links open one dialog in the board's one form; without
// JavaScript they lead to the application page, which has the same controls.
(function () {
  "use strict";
  var dialog = document.getElementById("close-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = document.getElementById("board-form");
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-end-candidacy]");
    if (link) {
      event.preventDefault();
      form.elements.application_id.value = link.dataset.application;
      form.elements.expected_version.value = link.dataset.version;
      dialog.querySelector("[data-candidate-name]").textContent = link.dataset.name;
      form.elements.reason.value = "";
      dialog.showModal();
      form.elements.reason.focus();
      return;
    }
    if (event.target.closest("[data-close-dialog]")) dialog.close();
  });
})();
