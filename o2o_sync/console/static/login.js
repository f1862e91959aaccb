"use strict";
function showError() {
  const err = new URLSearchParams(location.search).get("error");
  const p = document.getElementById("error");
  if (err) {
    p.textContent = err === "locked" ? t("locked") : t("wrong");
    p.hidden = false;
  }
}
document.getElementById("lang").addEventListener("click", () => {
  setLang(LANG === "zh" ? "en" : "zh"); applyWords("loginTitle"); showError();
});
applyWords("loginTitle");
showError();
