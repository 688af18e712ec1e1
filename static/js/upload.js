// Shows that the portal is working while a file is checked or saved.
//
// Checking a file of thousands of rows takes a few seconds; without this the page looks stuck
// and people press the button again. A form opts in with data-app-busy="<text to show>"; the
// text goes on its submit button and into its [data-app-busy-status] live region, which screen
// readers announce. A second press is ignored while the first is in progress.
const forms = document.querySelectorAll("form[data-app-busy]");

function parts(form) {
  return {
    button: form.querySelector("button[type=submit], button:not([type])"),
    status: form.querySelector("[data-app-busy-status]"),
  };
}

for (const form of forms) {
  const { button } = parts(form);
  if (button) button.dataset.appIdleText = button.textContent;

  form.addEventListener("submit", (event) => {
    if (form.dataset.appBusyActive === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.appBusyActive = "true";
    const text = form.dataset.appBusy;
    const { button, status } = parts(form);
    if (button) {
      button.textContent = text;
      button.setAttribute("aria-disabled", "true");
      button.classList.add("govuk-button--disabled");
    }
    if (status) status.textContent = `${text} This can take a minute for a large file.`;
  });
}

// Coming back with the browser's back button restores the page from cache: make it usable again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of forms) {
    form.dataset.appBusyActive = "false";
    const { button, status } = parts(form);
    if (button) {
      button.textContent = button.dataset.appIdleText;
      button.removeAttribute("aria-disabled");
      button.classList.remove("govuk-button--disabled");
    }
    if (status) status.textContent = "";
  }
});
