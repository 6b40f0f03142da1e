/* campaignc: the campaign page's script. Draws the flowchart with the
   vendored Mermaid; when the page is served by `campaignc watch --serve`,
   shows the review tools (persona picker, translation links), which need
   the server to render pages on demand. */
(function () {
  "use strict";
  /* Mermaid is big: it loads `async`, so the page's text shows first. */
  function draw() {
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
    window.mermaid.run({ querySelector: "pre.mermaid" });
  }
  var mermaidScript = document.getElementById("mermaid-script");
  if (window.mermaid) {
    draw();
  } else if (mermaidScript) {
    mermaidScript.addEventListener("load", draw);
  }
  if (location.protocol !== "http:" && location.protocol !== "https:") { return; }
  var review = document.getElementById("review");
  if (review) { review.hidden = false; }
  var picker = document.getElementById("persona");
  if (picker) {
    picker.addEventListener("change", function () {
      var query = picker.value ? "?persona=" + encodeURIComponent(picker.value) : "";
      location.href = location.pathname + query;
    });
  }
})();
