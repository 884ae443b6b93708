// Instant search keyboard navigation: ArrowDown from the box enters the result links,
// ArrowUp/ArrowDown move between them, Escape returns to the box; Enter follows the link.
(function () {
  "use strict";
  var box = document.getElementById("q");
  var results = document.getElementById("results");
  if (!box || !results) return;

  function links() {
    return Array.prototype.slice.call(results.querySelectorAll("a.hit"));
  }

  box.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown") return;
    var all = links();
    if (all.length) {
      event.preventDefault();
      all[0].focus();
    }
  });

  results.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at + 1 < all.length) {
      event.preventDefault();
      all[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at === 0 ? box : all[at - 1]).focus();
    } else if (event.key === "Escape") {
      box.focus();
    }
  });

  if (box.value === "" && document.activeElement === document.body) box.focus();
})();
