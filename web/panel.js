// The source panel (gr.HTML js_on_load): focus and centre the highlighted quote when a source opens.
let shown = null;
function focusQuote() {
  const mark = element.querySelector('#qa-target');
  const body = element.querySelector('.qa-panel-body');
  if (!body || body === shown && !mark) return;
  if (mark && mark.dataset.focused) return;
  shown = body;
  if (!mark) { element.querySelector('.qa-close')?.focus({preventScroll: true}); return; }
  mark.dataset.focused = '1';
  mark.scrollIntoView({block: 'center'});
  mark.focus({preventScroll: true});
}
new MutationObserver(() => setTimeout(focusQuote, 0)).observe(element, {childList: true, subtree: true});
watch('value', () => setTimeout(focusQuote, 0));
setTimeout(focusQuote, 0);
element.addEventListener('click', (event) => {
  if (!event.target.closest('.qa-close')) return;
  event.preventDefault();
  location.hash = '';  // "hashchange" closes the panel; Back opens it again
  setTimeout(() => window.__qaOpener?.focus(), 50);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && location.hash.includes('source=')) location.hash = '';
});
