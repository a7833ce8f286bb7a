// The source panel (gr.HTML js_on_load): focus and centre the highlighted quote when a source opens.
let shown = null;
function focusQuote() {
  const mark = element.querySelector('#qa-target');
  const body = element.querySelector('.qa-panel-body');
  if (!body || body === shown && !mark) return;
  if (mark && mark.dataset.focused && document.activeElement === mark) return;
  if (mark && mark.dataset.focused && document.activeElement !== document.body
      && document.activeElement !== window.__qaOpener) return;  // the reader has moved on
  shown = body;
  if (!mark) { element.querySelector('.qa-close')?.focus({preventScroll: true}); return; }
  mark.scrollIntoView({block: 'center'});
  mark.focus({preventScroll: true});
  // Only a focus that took counts: a panel still hidden or being laid out refuses it, and a later try must run.
  if (document.activeElement === mark) mark.dataset.focused = '1';
}
// Try a few times: the panel may still be laid out (or hidden) when its new content first arrives.
function focusSoon() { [0, 100, 300, 700, 1500, 3000].forEach((ms) => setTimeout(focusQuote, ms)); }
new MutationObserver(focusSoon).observe(element, {childList: true, subtree: true});
watch('value', focusSoon);
focusSoon();
element.addEventListener('click', (event) => {
  if (!event.target.closest('.qa-close')) return;
  event.preventDefault();
  location.hash = '';  // "hashchange" closes the panel; Back opens it again
  setTimeout(() => window.__qaOpener?.focus(), 50);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && location.hash.includes('source=')) location.hash = '';
});
