/* convstep: small fixes for reading the book offline. */

/* Opened straight from disk (file://), the browser refuses the fetch()
 * Sphinx's search makes to quote a snippet of each result page, and every
 * result logs an error. The results themselves come from searchindex.js,
 * which loads fine, so there we list them without snippets; served over
 * HTTP, search keeps its snippets. */
if (window.location.protocol === "file:" &&
    typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
