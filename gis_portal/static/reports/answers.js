/* Ready answers on the case page: picking a template fills its text box(es), which the
   officer then edits. Text goes in as a form value, never as HTML. */
for (const select of document.querySelectorAll("select[data-fill]")) {
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    if (!option || !option.dataset.body) return;
    const target = document.getElementById(select.dataset.fill);
    if (target) target.value = option.dataset.body;
    const hint = select.dataset.fillHint && document.getElementById(select.dataset.fillHint);
    if (hint && option.dataset.hint !== undefined) hint.value = option.dataset.hint;
  });
}
