// The theme picker (gr.HTML js_on_load): light, dark or the system's, kept in localStorage.
const KEY = 'qa-theme';
const select = element.querySelector('select');
const media = window.matchMedia('(prefers-color-scheme: dark)');
function apply(mode) {
  const dark = mode === 'dark' || (mode !== 'light' && media.matches);
  document.body.classList.toggle('dark', dark);
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
  document.documentElement.dataset.qaTheme = mode;
}
const stored = localStorage.getItem(KEY) || 'system';
select.value = stored;
apply(stored);
select.addEventListener('change', () => { localStorage.setItem(KEY, select.value); apply(select.value); });
media.addEventListener('change', () => apply(localStorage.getItem(KEY) || 'system'));
