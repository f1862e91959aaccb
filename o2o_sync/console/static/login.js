"use strict";
const err = new URLSearchParams(location.search).get("error");
if (err) {
  const p = document.getElementById("error");
  p.textContent = err === "locked" ? "Too many attempts. Wait a minute and try again."
                                   : "Wrong user name or password.";
  p.hidden = false;
}
