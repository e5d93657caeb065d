(function () {
  "use strict";
  var cases = Array.prototype.slice.call(document.querySelectorAll("tbody.case"));
  var search = document.getElementById("search");
  var filters = Array.prototype.slice.call(document.querySelectorAll(".filter.outcome input"));
  var onlyWarnings = document.querySelector(".filter.warnings input");
  function setOpen(body, open) {
    var detail = body.querySelector("tr.detail");
    if (!detail) return;
    detail.hidden = !open;
    var toggle = body.querySelector(".toggle");
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "\u25be" : "\u25b8";
  }
  function apply() {
    var shown = {};
    filters.forEach(function (f) { shown[f.value] = f.checked; });
    var q = search.value.trim().toLowerCase();
    var visible = 0;
    cases.forEach(function (body) {
      var ok = shown[body.dataset.outcome] && body.dataset.id.toLowerCase().indexOf(q) !== -1 &&
        (!onlyWarnings || !onlyWarnings.checked || body.dataset.warnings === "1");
      body.hidden = !ok;
      if (ok) visible++;
    });
    document.getElementById("none").hidden = visible !== 0;
  }
  cases.forEach(function (body) {
    var row = body.querySelector("tr.row");
    if (!body.querySelector("tr.detail")) return;
    row.classList.add("openable");
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) return;
      setOpen(body, body.querySelector("tr.detail").hidden);
    });
  });
  filters.forEach(function (f) { f.addEventListener("change", apply); });
  if (onlyWarnings) onlyWarnings.addEventListener("change", apply);
  search.addEventListener("input", apply);
  document.getElementById("expand-all").addEventListener("click", function () {
    cases.forEach(function (body) {
      if (body.dataset.outcome === "failed" || body.dataset.outcome === "error") setOpen(body, true);
    });
  });
  // #case=<id> opens that case (links from CI logs); #failures opens every failure.
  function fromHash() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash === "failures") document.getElementById("expand-all").click();
    if (hash.indexOf("case=") === 0) {
      var id = hash.slice(5);
      cases.forEach(function (body) {
        if (body.dataset.id === id) { setOpen(body, true); body.scrollIntoView(); }
      });
    }
  }
  window.addEventListener("hashchange", fromHash);
  apply();
  fromHash();
})();
