() => {
  const md = document.querySelector('#qa-conversation .qa-chat')?.dataset.md || '';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([md], {type: 'text/markdown'}));
  link.download = 'conversation.md';
  document.body.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}
