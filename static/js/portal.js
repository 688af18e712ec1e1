// Starts GOV.UK Frontend's JavaScript on every page.
//
// GOV.UK's page template does this with an inline <script>; our Content-Security-Policy allows
// scripts from our own origin only, so it lives here. Browsers that cannot run ES modules never
// run this file, which is what GOV.UK's `'noModule' in HTMLScriptElement.prototype` test checks.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
