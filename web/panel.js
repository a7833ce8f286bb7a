// The source panel (gr.HTML js_on_load): focus and centre the highlighted quote when a source opens.
function focusQuote() {
  const mark = element.querySelector('#qa-target');
  if (!mark) { element.querySelector('.qa-close')?.focus({preventScroll: true}); return; }
  mark.scrollIntoView({block: 'center'});
  mark.focus({preventScroll: true});
}
watch('value', () => setTimeout(focusQuote, 30));
setTimeout(focusQuote, 30);
element.addEventListener('click', (event) => {
  if (!event.target.closest('.qa-close')) return;
  event.preventDefault();
  location.hash = '';  // "hashchange" closes the panel; Back opens it again
  setTimeout(() => window.__qaOpener?.focus(), 50);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && location.hash.includes('source=')) location.hash = '';
});
