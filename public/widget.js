// The chat widget: speaks the shopper protocol over /ws, keeps the session token in localStorage
// so a reload or a reconnect resumes the conversation, and renders bot, agent and hand-off frames.
// It connects when the page loads, to tell the server which page the shopper is on (page_view,
// dwell marks, a basket left alone, a failed checkout, typing) and to show what comes back: the
// page's suggested questions as chips, and proactive messages as a dismissible nudge.
import { currentPage, customerToken, LOCALE_KEY } from './shop.js';
import { setupDeskWidget } from './widget-desk.js'; // desk (issue 14)

const TOKEN_KEY = 'daehwa.sessionToken';
const CLOSE_SESSION_IDLE = 4000;
/** Seconds on a page at which the widget reports `dwell`. */
const DWELL_MARKS = [10, 20, 30, 60, 120];
/** At most one `typing` frame in this many milliseconds. */
const TYPING_EVERY_MS = 3000;

const TEXT = {
  ko: {
    'chat.title': '무드앤핏 고객센터',
    'chat.placeholder': '메시지를 입력하세요',
    'chat.send': '보내기',
    'chat.open': '채팅 상담',
    welcome: '안녕하세요, 무드앤핏이에요. 주문·배송, 교환·반품, 사이즈 등 무엇이든 물어보세요.',
    connecting: '연결 중…',
    online: '온라인',
    offline: '연결이 끊겼어요. 다시 연결하고 있어요…',
    ended: '대화가 오래 없어 종료됐어요. 메시지를 보내면 새로 시작해요.',
    queued: (position) => (position ? `상담원 연결 대기 중 · ${position}번째` : '상담원 연결 대기 중'),
    assigned: '상담원이 연결됐어요',
    handoffEnded: '상담원과의 상담이 끝났어요. 이어서 챗봇이 도와드릴게요.',
    agent: '상담원',
    suggested: '자주 묻는 질문',
    errors: {
      rate_limited: '메시지를 너무 빨리 보내고 있어요. 잠시 후 다시 보내 주세요.',
      text_too_long: '메시지가 너무 길어요. 2,000자 이내로 나눠서 보내 주세요.',
      internal_error: '죄송해요, 답변 중 문제가 생겼어요. 다시 한번 보내 주세요.',
      invalid_customer_token: '로그인 정보를 확인하지 못해 비회원으로 상담을 이어갈게요.',
      busy: '지금 문의가 많아 연결이 늦어지고 있어요. 잠시 후 자동으로 다시 연결할게요.',
    },
  },
  en: {
    'chat.title': 'MOOD&FIT Support',
    'chat.placeholder': 'Type a message',
    'chat.send': 'Send',
    'chat.open': 'Chat with us',
    welcome: 'Hi, this is MOOD&FIT. Ask me about orders, delivery, returns, exchanges or sizes.',
    connecting: 'Connecting…',
    online: 'Online',
    offline: 'Connection lost. Reconnecting…',
    ended: 'This chat ended after a while without messages. Send a message to start a new one.',
    queued: (position) => (position ? `Waiting for an agent · you are number ${position}` : 'Waiting for an agent'),
    assigned: 'An agent has joined',
    handoffEnded: 'The agent has left the chat. The bot will keep helping you.',
    agent: 'Agent',
    suggested: 'Popular questions',
    errors: {
      rate_limited: 'You are sending messages too fast. Please wait a moment.',
      text_too_long: 'That message is too long. Please keep it under 2,000 characters.',
      internal_error: 'Sorry, something went wrong. Please send that again.',
      invalid_customer_token: 'We could not confirm your sign-in, so this chat continues as a guest.',
      busy: 'We are very busy right now. The chat will reconnect by itself in a moment.',
    },
  },
};

const el = {
  chat: document.getElementById('chat'),
  open: document.getElementById('chat-open'),
  close: document.getElementById('chat-close'),
  log: document.getElementById('chat-log'),
  quick: document.getElementById('chat-quick'),
  form: document.getElementById('chat-form'),
  input: document.getElementById('chat-input'),
  status: document.getElementById('chat-status'),
  suggest: document.getElementById('chat-suggest'),
  nudge: document.getElementById('nudge'),
  nudgeText: document.getElementById('nudge-text'),
  nudgeReplies: document.getElementById('nudge-replies'),
  nudgeClose: document.getElementById('nudge-close'),
};

let locale = localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'ko';
let socket = null;
let ready = false;
let outbox = [];
let retryMs = 500;
let page = currentPage();
let dwellTimers = [];
let lastTypingMs = 0;
let sessionId = null; // desk (issue 14): photos go to /api/sessions/<sessionId>/attachments

const t = () => TEXT[locale];

// ---- desk (issue 14): agent typing, read receipts ----
const desk = setupDeskWidget({
  locale: () => locale,
  chatVisible: () => !el.chat.hidden,
  session: () => (ready && sessionId ? { sessionId, sessionToken: localStorage.getItem(TOKEN_KEY) } : null),
  log: el.log,
  notice: (text) => addNotice(text),
  sendNow: (frame) => {
    if (!ready || socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  },
});

function applyLocale() {
  for (const node of el.chat.querySelectorAll('[data-i18n]')) node.textContent = t()[node.dataset.i18n] ?? node.textContent;
  el.open.textContent = t()['chat.open'];
  el.input.placeholder = t()['chat.placeholder'];
  desk?.applyLocale();
}

function setStatus(text) {
  el.status.textContent = text;
}

function addMessage(from, text, label) {
  const item = document.createElement('li');
  item.className = `msg ${from}`;
  if (label) {
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = label;
    item.append(who);
  }
  const body = document.createElement('p');
  body.textContent = text;
  item.append(body);
  el.log.append(item);
  el.log.scrollTop = el.log.scrollHeight;
}

function addNotice(text) {
  const item = document.createElement('li');
  item.className = 'msg notice';
  item.textContent = text;
  el.log.append(item);
  el.log.scrollTop = el.log.scrollHeight;
}

function showQuickReplies(replies) {
  el.quick.replaceChildren(
    ...(replies ?? []).map((reply) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = reply.label;
      button.addEventListener('click', () => {
        addMessage('shopper', reply.label);
        showQuickReplies([]);
        send({ type: 'quick_reply', payload: reply.payload });
      });
      return button;
    }),
  );
}

function replyButton(reply, onPress) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = reply.label;
  button.addEventListener('click', () => onPress(reply));
  return button;
}

/** A chip, a nudge's button: said as the shopper's words, sent as the payload. */
function press(reply) {
  openChat();
  addMessage('shopper', reply.label);
  showQuickReplies([]);
  send({ type: 'quick_reply', payload: reply.payload });
}

function showSuggestions(items) {
  if (!items?.length) {
    el.suggest.replaceChildren();
    return;
  }
  const title = document.createElement('span');
  title.className = 'suggest-title';
  title.textContent = t().suggested;
  el.suggest.replaceChildren(title, ...items.map((item) => replyButton(item, press)));
}

function hideNudge() {
  el.nudge.hidden = true;
}

/** A proactive message: in the chat when it is open, otherwise a bubble by the launcher as well. */
function showNudge(frame) {
  addMessage('bot', frame.text);
  showQuickReplies(frame.quickReplies);
  if (!el.chat.hidden) return;
  el.nudge.dataset.rule = frame.rule;
  el.nudgeText.textContent = frame.text;
  el.nudgeReplies.replaceChildren(...(frame.quickReplies ?? []).map((reply) => replyButton(reply, press)));
  el.nudge.hidden = false;
}

function pageEvent(name, data) {
  // Page events are worth nothing later: sent only while connected.
  if (ready && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'event', name, data }));
}

function armDwell() {
  for (const timer of dwellTimers) clearTimeout(timer);
  dwellTimers = DWELL_MARKS.map((seconds) => setTimeout(() => pageEvent('dwell', { seconds }), seconds * 1000));
}

function openChat() {
  hideNudge();
  el.chat.hidden = false;
  el.open.hidden = true;
  if (!socket) connect();
  desk.reportRead();
}

function send(frame) {
  if (ready && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  else {
    outbox.push(frame);
    if (!socket) connect();
  }
}

function onFrame(frame) {
  switch (frame.type) {
    case 'session':
      localStorage.setItem(TOKEN_KEY, frame.sessionToken);
      sessionId = frame.sessionId;
      ready = true;
      retryMs = 500;
      setStatus(t().online);
      if (!frame.resumed && el.log.children.length === 0) addMessage('bot', t().welcome);
      pageEvent('page_view', page);
      for (const queued of outbox.splice(0)) socket.send(JSON.stringify(queued));
      desk.reportRead();
      break;
    case 'history':
      el.log.replaceChildren();
      addMessage('bot', t().welcome);
      for (const entry of frame.entries) {
        if (entry.from === 'system') continue;
        if (desk.historyPhoto(entry)) continue;
        addMessage(entry.from, entry.text, entry.from === 'agent' ? t().agent : undefined);
      }
      desk.onHistory(frame.entries);
      break;
    case 'bot':
      addMessage('bot', frame.text);
      showQuickReplies(frame.quickReplies);
      break;
    case 'agent':
      addMessage('agent', frame.text, t().agent);
      desk.onAgentMessage(frame);
      break;
    case 'typing':
      desk.onTyping(frame);
      break;
    case 'nudge':
      showNudge(frame);
      break;
    case 'suggestions':
      showSuggestions(frame.items);
      break;
    case 'handoff':
      if (frame.status === 'queued') setStatus(t().queued(frame.position) + desk.waitText(frame.estimatedWaitMs)); // desk (issue 14): the wait estimate
      if (frame.status === 'assigned') {
        setStatus(t().assigned);
        addNotice(t().assigned);
      }
      if (frame.status === 'ended') {
        setStatus(t().online);
        addNotice(t().handoffEnded);
      }
      break;
    case 'error':
      // A stale or expired token is normal after a long break: the server starts a new session.
      if (frame.code === 'invalid_session_token' || frame.code === 'session_expired') localStorage.removeItem(TOKEN_KEY);
      // The chat was started by someone else on this browser (or before signing in): the
      // signed-in customer gets a conversation of their own.
      else if (frame.code === 'customer_mismatch') restart();
      else addNotice(t().errors[frame.code] ?? frame.message);
      break;
  }
}

function connect() {
  const sessionToken = localStorage.getItem(TOKEN_KEY) || undefined;
  // Fetched while the socket opens; frames typed meanwhile wait in the outbox for the session.
  const vouched = customerToken();
  ready = false;
  setStatus(t().connecting);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/ws`);
  socket = ws;
  // Events of a socket replaced by restart() are ignored.
  ws.addEventListener('open', async () => {
    ws.send(JSON.stringify({ type: 'hello', sessionToken, locale, customerToken: await vouched }));
  });
  ws.addEventListener('message', (event) => {
    if (socket === ws) onFrame(JSON.parse(event.data));
  });
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    socket = null;
    ready = false;
    if (event.code === CLOSE_SESSION_IDLE) {
      // The next message reconnects; the server then starts a new session.
      setStatus('');
      addNotice(t().ended);
      return;
    }
    setStatus(t().offline);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  });
}

function restart() {
  localStorage.removeItem(TOKEN_KEY);
  outbox = [];
  if (socket) {
    const old = socket;
    socket = null;
    old.close();
  }
  el.log.replaceChildren();
  desk.reset();
  showQuickReplies([]);
  showSuggestions([]);
  hideNudge();
  connect();
}

el.open.addEventListener('click', () => {
  openChat();
  el.input.focus();
});
el.nudgeText.addEventListener('click', () => openChat());
el.nudgeClose.addEventListener('click', () => {
  hideNudge();
  send({ type: 'dismiss', rule: el.nudge.dataset.rule });
});
el.input.addEventListener('input', () => {
  const now = Date.now();
  if (now - lastTypingMs < TYPING_EVERY_MS || !el.input.value) return;
  lastTypingMs = now;
  if (ready && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "typing" }));
});
el.input.addEventListener('blur', () => {
  if (lastTypingMs === 0) return;
  lastTypingMs = 0;
  if (ready && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'typing', active: false }));
});
el.close.addEventListener('click', () => {
  el.chat.hidden = true;
  el.open.hidden = false;
});
el.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = el.input.value.trim();
  if (!text) return;
  el.input.value = '';
  addMessage('shopper', text);
  showQuickReplies([]);
  lastTypingMs = 0;
  send({ type: 'message', text });
});
el.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    el.form.requestSubmit();
  }
});

document.addEventListener('daehwa:locale', (event) => {
  locale = event.detail;
  applyLocale();
  // Nothing said yet: a fresh session in the new language (the welcome, the chips, the nudges).
  if (!el.log.querySelector('.msg.shopper, .msg.agent')) restart();
});
// Another customer is another conversation.
document.addEventListener('daehwa:customer', restart);
document.addEventListener('daehwa:page', (event) => {
  page = event.detail;
  hideNudge();
  pageEvent('page_view', page);
  armDwell();
});
document.addEventListener('daehwa:cart_idle', (event) => pageEvent('cart_idle', event.detail));
document.addEventListener('daehwa:checkout_error', (event) => pageEvent('checkout_error', event.detail));
document.addEventListener('daehwa:ask', (event) => {
  el.open.click();
  el.input.value = `${event.detail.name} `;
  el.input.focus();
});

applyLocale();
armDwell();
connect();
