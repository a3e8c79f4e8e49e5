// Draws every chart of a warchest page: each <div class="chart"> names the
// <script type="application/json"> that holds its Vega-Lite spec (warchest.charts).
// Vega, Vega-Lite and vega-embed come from vega.js beside this file (no CDN).
(function () {
  function draw() {
    document.querySelectorAll("div.chart[data-spec]").forEach(function (div) {
      var holder = document.getElementById(div.getAttribute("data-spec"));
      if (!holder || !window.vegaEmbed) { return; }
      var spec = JSON.parse(holder.textContent);
      window.vegaEmbed(div, spec, {actions: false, renderer: "svg"}).then(function () {
        div.setAttribute("data-drawn", "true");
      }).catch(function (err) {
        div.textContent = "The chart could not be drawn: " + err;
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else { draw(); }
})();
