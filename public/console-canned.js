// Canned replies in the agent console: `/shortcut` completion in the reply box (filled from the
// conversation by the server), and, for admins, a dialog to save, change and delete them.

const LOCALES = { ko: '한국어', en: 'English' };

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * `deps`: request(method, path, body), toast(message), selectedItemId(), isAdmin().
 * Returns `load(itemId)`, called when a conversation is opened.
 */
export function setupCanned(deps) {
  const input = document.getElementById('reply-input');
  const list = document.getElementById('canned-suggest');
  let forItem = [];
  let matches = [];
  let active = 0;

  let loadedFor = null;
  async function load(itemId) {
    if (loadedFor !== itemId) {
      forItem = [];
      hide();
    }
    loadedFor = itemId;
    try {
      const { replies } = await deps.request('GET', `/api/agent/queue/${encodeURIComponent(itemId)}/canned-replies`);
      if (loadedFor !== itemId) return;
      forItem = replies;
      complete();
    } catch (err) {
      deps.toast(err.message);
    }
  }

  function hide() {
    matches = [];
    list.hidden = true;
    list.replaceChildren();
  }

  function show() {
    list.replaceChildren(
      ...matches.map((reply, index) => {
        const li = node('li', index === active ? 'active' : '');
        li.dataset.shortcut = reply.shortcut;
        li.append(node('strong', '', `/${reply.shortcut}`), node('span', 'title', reply.title), node('p', 'text', reply.text));
        li.addEventListener('mousedown', (event) => {
          event.preventDefault();
          pick(reply);
        });
        return li;
      }),
    );
    list.hidden = matches.length === 0;
  }

  function pick(reply) {
    input.value = reply.text;
    hide();
    input.focus();
    if (reply.missing.length > 0) {
      deps.toast(`채우지 못한 항목이 있어요: ${reply.missing.map((name) => `{{${name}}}`).join(', ')} · Some placeholders could not be filled`);
    }
  }

  /** What the reply box holds now, when it is "/" and the start of a shortcut: the replies it may mean. */
  function complete() {
    const match = /^\/(\S*)$/.exec(input.value);
    if (!match) return hide();
    const typed = match[1].toLowerCase();
    matches = forItem.filter((reply) => reply.shortcut.startsWith(typed));
    active = 0;
    show();
  }
  input.addEventListener('input', complete);
  // Runs before the console's Enter-to-send: a pick takes Enter or Tab while the list is open.
  input.addEventListener(
    'keydown',
    (event) => {
      if (list.hidden || matches.length === 0) return;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        active = (active + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
        show();
      } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.isComposing) {
        event.preventDefault();
        event.stopImmediatePropagation();
        pick(matches[active]);
      } else if (event.key === 'Escape') {
        hide();
      }
    },
    { capture: true },
  );
  input.addEventListener('blur', () => setTimeout(hide, 150));

  setupManager(deps);
  return { load };
}

/** The admins' dialog: every saved reply, and a form to add one or change the one picked. */
function setupManager(deps) {
  const open = document.getElementById('canned-manage');
  const dialog = document.getElementById('canned-dialog');
  const form = document.getElementById('canned-form');
  const rows = document.getElementById('canned-list');
  const error = document.getElementById('canned-error');
  let editing = null;

  const field = (name) => form.elements.namedItem(name);

  function reset() {
    editing = null;
    form.reset();
    error.textContent = '';
    document.getElementById('canned-delete').hidden = true;
  }

  async function refresh() {
    const { replies } = await deps.request('GET', '/api/agent/canned-replies');
    rows.replaceChildren(
      ...replies.map((reply) => {
        const li = node('li');
        li.dataset.id = reply.id;
        li.append(node('strong', '', `/${reply.shortcut}`), node('span', 'badge', LOCALES[reply.locale]), node('span', '', reply.title));
        if (reply.team) li.append(node('span', 'badge', reply.team));
        li.addEventListener('click', () => {
          editing = reply;
          field('shortcut').value = reply.shortcut;
          field('title').value = reply.title;
          field('locale').value = reply.locale;
          field('team').value = reply.team ?? '';
          field('text').value = reply.text;
          error.textContent = '';
          document.getElementById('canned-delete').hidden = false;
        });
        return li;
      }),
    );
  }

  open.addEventListener('click', async () => {
    reset();
    try {
      await refresh();
      dialog.showModal();
    } catch (err) {
      deps.toast(err.message);
    }
  });
  document.getElementById('canned-close').addEventListener('click', () => dialog.close());
  document.getElementById('canned-new').addEventListener('click', reset);
  document.getElementById('canned-delete').addEventListener('click', async () => {
    if (!editing) return;
    try {
      await deps.request('DELETE', `/api/agent/canned-replies/${encodeURIComponent(editing.id)}`);
      reset();
      await refresh();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      shortcut: field('shortcut').value,
      title: field('title').value,
      locale: field('locale').value,
      team: field('team').value.trim() || null,
      text: field('text').value,
    };
    try {
      if (editing) await deps.request('PUT', `/api/agent/canned-replies/${encodeURIComponent(editing.id)}`, body);
      else await deps.request('POST', '/api/agent/canned-replies', body);
      reset();
      await refresh();
      const itemId = deps.selectedItemId();
      if (itemId) await deps.reload(itemId);
    } catch (err) {
      error.textContent = describe(err);
    }
  });
}

function describe(err) {
  if (err.code === 'unknown_placeholder') return `알 수 없는 자리표시자예요. ${err.message}`;
  if (err.code === 'duplicate_shortcut') return `이미 있는 단축어예요. ${err.message}`;
  return err.message;
}
