// A page rendered on the server: nothing to draw, only the loading note to clear.
"use strict";
document.getElementById("app").replaceChildren();
PL.drawn();
