// The conversation (gr.HTML js_on_load): citations are links to #source=…&start=…&end=…, opened in the
// source panel by the "cite" event; copy, thumbs up/down, scrolling to a new answer, the ?q= address.
const question = () => document.querySelector('#qa-question textarea');
const chat = () => element.querySelector('.qa-chat');

function openFromHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  trigger('cite', {source: p.get('source') || '', start: Number(p.get('start') || 0),
                   end: Number(p.get('end') || 0), sha: p.get('sha') || ''});
}
window.addEventListener('hashchange', openFromHash);
if (location.hash.includes('source=')) setTimeout(openFromHash, 0);

async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* fall back below */ }
  const area = document.createElement('textarea');
  area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select();
  const ok = document.execCommand('copy'); area.remove(); return ok;
}

function sendFeedback(box) {
  trigger('feedback', {turn: Number(box.dataset.turn), verdict: box.dataset.verdict || '',
                       note: box.querySelector('.qa-note').value});
}

element.addEventListener('click', async (event) => {
  const cite = event.target.closest('a.qa-cite');
  if (cite) {
    window.__qaOpener = cite;
    if (cite.getAttribute('href') === location.hash) { event.preventDefault(); openFromHash(); }
    return;  // otherwise the link changes the address, and "hashchange" opens it
  }
  const copy = event.target.closest('.qa-copy');
  if (copy) {
    const ok = await copyText(copy.dataset.copy);
    copy.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => { copy.textContent = 'Copy'; }, 2000);
    return;
  }
  const vote = event.target.closest('.qa-vote');
  if (vote) {
    const box = vote.closest('.qa-feedback');
    box.dataset.verdict = vote.dataset.verdict;
    box.querySelectorAll('.qa-vote').forEach((b) => b.setAttribute('aria-pressed', String(b === vote)));
    const row = box.querySelector('.qa-note-row');
    row.hidden = false;
    row.querySelector('input').focus();
    return;
  }
  const send = event.target.closest('.qa-send');
  if (send) sendFeedback(send.closest('.qa-feedback'));
});
element.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && event.target.closest('a.qa-cite')) event.target.blur();  // dismiss the preview
  if (event.key === 'Enter' && event.target.classList.contains('qa-note')) {
    event.preventDefault();
    sendFeedback(event.target.closest('.qa-feedback'));
  }
});

function showNewest() {
  const turns = element.querySelectorAll('.qa-turn');
  const last = turns[turns.length - 1];
  if (last) last.scrollIntoView({block: 'start'});
  // Back to the input, unless the reader has already gone on (a citation opened, a button pressed).
  const active = document.activeElement;
  if (!active || active === document.body || active.closest('#qa-question, #qa-ask')) {
    question()?.focus({preventScroll: true});
  }
}

function keepAddress() {
  const turns = element.querySelectorAll('.qa-turn');
  const url = new URL(location.href);
  if (turns.length) url.searchParams.set('q', turns[turns.length - 1].querySelector('.qa-q').textContent);
  else url.searchParams.delete('q');
  if (url.href !== location.href) history.replaceState(history.state, '', url.href);
}

let seen = Number(chat()?.dataset.turns || 0);
watch('value', () => {
  const now = Number(chat()?.dataset.turns || 0);
  if (now > seen || (seen === 0 && now > 0)) showNewest();
  if (now !== seen) keepAddress();
  seen = now;
});
