// Only an improvement: the page works without it.  "/" puts the cursor in the search box.
document.addEventListener("keydown", function (e) {
  var box = document.getElementById("q");
  if (e.key === "/" && box && document.activeElement !== box) {
    e.preventDefault();
    box.focus();
    box.select();
  }
});
