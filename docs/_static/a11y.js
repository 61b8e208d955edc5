// The theme's search button is labelled "Search" while it shows "Search Ctrl+K": a screen reader's name must contain
// the visible text (WCAG 2.5.3, axe-core's label-content-name-mismatch). Without the label, its text is its name.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".search-button__button[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
});
