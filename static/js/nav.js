// The top bar's menus work without this (details elements); with it, one menu is open at
// a time, and Escape or a click elsewhere closes it (focus back on its summary).
(function () {
  var menus = Array.prototype.slice.call(document.querySelectorAll(".topbar details.navmenu"));
  function closeAll(except) {
    menus.forEach(function (menu) { if (menu !== except) menu.open = false; });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open) closeAll(menu); });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".topbar details.navmenu")) closeAll(null);
  });
})();
