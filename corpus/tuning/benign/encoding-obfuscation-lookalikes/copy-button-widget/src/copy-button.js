// Adds a copy-to-clipboard button to every <pre><code> block.
(function () {
  const LABEL = "Copy";
  const DONE = "Copied!";

  function addButton(pre) {
    if (pre.querySelector(".copy-btn")) return;
    const code = pre.querySelector("code");
    if (!code) return;
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "copy-btn";
    btn.textContent = LABEL;
    btn.setAttribute("aria-label", "Copy code to clipboard");
    btn.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(code.innerText);
        btn.textContent = DONE;
      } catch (err) {
        btn.textContent = "Press Ctrl+C";
        const range = document.createRange();
        range.selectNodeContents(code);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
      setTimeout(() => (btn.textContent = LABEL), 1500);
    });
    pre.appendChild(btn);
  }

  function init() {
    document.querySelectorAll("pre").forEach(addButton);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
