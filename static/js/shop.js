// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

// Forms marked data-autosubmit submit when a select changes (sorting).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.form && field.form.hasAttribute("data-autosubmit")) {
    field.form.requestSubmit();
  }
});
