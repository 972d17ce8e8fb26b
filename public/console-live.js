// The console's live details (issue 14): the shopper typing, the agent's own typing sent to the
// shopper (throttled), and read receipts on the agent's messages.

/** At most one "typing" frame in this many milliseconds (the server throttles too). */
const TYPING_EVERY_MS = 2000;
/** A typing indicator no newer frame has confirmed goes away after this long. */
const TYPING_SHOWN_MS = 6000;

/** `deps`: send(frame), request(method, path), selected() ({ item } or null), mine(). */
export function setupLive(deps) {
  const indicator = document.getElementById('typing-indicator');
  const input = document.getElementById('reply-input');
  let hideTimer = null;
  let lastSentMs = 0;
  let readUpTo = 0;

  function showTyping(active) {
    clearTimeout(hideTimer);
    indicator.hidden = !active;
    if (active) hideTimer = setTimeout(() => (indicator.hidden = true), TYPING_SHOWN_MS);
  }

  /** Marks the agent's messages the shopper has seen. */
  function markRead() {
    for (const li of document.querySelectorAll('#transcript li.agent')) {
      const seen = Number(li.dataset.seq) <= readUpTo;
      li.classList.toggle('read', seen);
      let mark = li.querySelector('.receipt');
      if (seen && !mark) {
        mark = document.createElement('span');
        mark.className = 'receipt';
        mark.textContent = '읽음 · Read';
        li.append(mark);
      }
    }
  }

  function stopTyping() {
    if (lastSentMs === 0) return;
    lastSentMs = 0;
    const item = deps.selected()?.item;
    if (item && deps.mine()) deps.send({ type: 'typing', itemId: item.id, active: false });
  }

  input.addEventListener('input', () => {
    const item = deps.selected()?.item;
    if (!item || !deps.mine() || !input.value || input.value.startsWith('/')) return;
    const now = Date.now();
    if (now - lastSentMs < TYPING_EVERY_MS) return;
    lastSentMs = now;
    deps.send({ type: 'typing', itemId: item.id, active: true });
  });
  input.addEventListener('blur', stopTyping);
  document.getElementById('reply-form').addEventListener('submit', () => (lastSentMs = 0));

  return {
    /** A photo the shopper sent, in its transcript line (fetched with the agent's token, shown from memory). */
    photo(li, entry) {
      if (!entry.attachmentId) return;
      li.dataset.attachmentId = entry.attachmentId;
      const img = document.createElement('img');
      img.className = 'attachment';
      img.alt = '고객이 보낸 사진 · Photo from the customer';
      li.append(img);
      deps
        .fetchBlob(`/api/attachments/${encodeURIComponent(entry.attachmentId)}`)
        .then((blob) => {
          img.src = URL.createObjectURL(blob);
          img.addEventListener('click', () => window.open(img.src, '_blank', 'noopener'));
        })
        .catch(() => (img.alt = '사진을 불러오지 못했어요 · The photo could not be loaded'));
    },
    /** A frame from /agent/ws; true when it was one of these. */
    onFrame(frame) {
      const item = deps.selected()?.item;
      if (frame.type === 'typing') {
        if (item && frame.sessionId === item.sessionId) showTyping(frame.active);
        return true;
      }
      if (frame.type === 'read') {
        if (item && frame.sessionId === item.sessionId) {
          readUpTo = Math.max(readUpTo, frame.seq);
          markRead();
        }
        return true;
      }
      return false;
    },
    /** New transcript entries of the selected conversation are shown. */
    onEntries(entries) {
      if (entries.some((entry) => entry.from === 'shopper')) showTyping(false);
      markRead();
    },
    /** Another conversation is open: its receipts, no typing. */
    async onSelect(item) {
      showTyping(false);
      lastSentMs = 0;
      readUpTo = 0;
      markRead();
      try {
        const { read } = await deps.request('GET', `/api/agent/queue/${encodeURIComponent(item.id)}/read`);
        if (deps.selected()?.item.id !== item.id) return;
        readUpTo = read?.seq ?? 0;
        markRead();
      } catch {
        // Receipts are a nicety: the conversation works without them.
      }
    },
  };
}
