// The agent console: sign in over REST, then live over /agent/ws (queue, transcript entries,
// actions with acks). Everything shoppers wrote is rendered with textContent, never as HTML.

import { setupCanned } from './console-canned.js'; // desk (issue 14)
import { setupLive } from './console-live.js';
import { setupTeams } from './console-teams.js';
import { setupSearch } from './console-search.js';
import { returnToDashboard } from './dashboard-return.js'; // analytics (issue 12): ?next=/dashboard

const TOKEN_KEY = 'daehwa.agentToken';

const REASONS = {
  user_request: '고객 요청',
  low_confidence: '인식 신뢰도 낮음',
  repeated_misunderstanding: '연속 이해 실패',
  flow_request: '불량·불만 접수',
  slot_attempts_exhausted: '입력 재시도 초과',
  commerce_unavailable: '쇼핑몰 연동 장애',
  offline_message: '부재중 메시지',
  survey_detractor: '불만족 평가',
};
const SURVEY_KIND = { csat: '만족도(CSAT)', nps: '추천 의향(NPS)' };
const STATUS = { waiting: '대기', assigned: '상담 중', resolved: '종료', returned_to_bot: '챗봇 복귀' };
const FROM = { shopper: '고객', bot: '챗봇', agent: '상담원', system: '시스템' };

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem(TOKEN_KEY);
let me = null;
let socket = null;
let items = [];
let selected = null; // { item, session, transcript }
/** One list per detail request in flight: the live entries that may be newer than the transcript it reads. */
const entriesWhileLoading = new Set();
let refSeq = 0;

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function toast(message, kind) {
  const box = $('toast');
  box.className = kind ? `toast ${kind}` : 'toast'; // desk (issue 14): `notice`, not an error
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 4000);
}

async function request(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const data = await response.json();
  if (!response.ok) throw Object.assign(new Error(data.error?.message ?? response.statusText), { code: data.error?.code });
  return data;
}

function showSignin(message = '') {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  socket?.close();
  socket = null;
  teams.forget(); // desk (issue 14)
  $('desk').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message;
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const result = await request('POST', '/api/agent/login', { agentId: $('agent-id').value.trim(), password: $('agent-password').value });
    token = result.token;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('agent-password').value = '';
    if (await returnToDashboard(token, toast)) return;
    connect();
  } catch (err) {
    $('signin-error').textContent = err.code === 'invalid_credentials' ? '아이디 또는 비밀번호가 맞지 않아요.' : err.message;
  }
});
// Sign-out revokes the token on the server (it is refused from then on), then forgets it here.
$('signout').addEventListener('click', async () => {
  try {
    if (token) await request('POST', '/api/agent/logout');
  } catch {
    // Already expired or revoked: signed out either way.
  }
  showSignin();
});

function send(frame) {
  const ref = `r${++refSeq}`;
  if (socket?.readyState !== WebSocket.OPEN) {
    toast('서버와 연결이 끊겨 있어요. 잠시 후 다시 시도하세요.');
    return;
  }
  if (frame.type === 'claim') teams.claiming(frame.itemId); // desk (issue 14)
  socket.send(JSON.stringify({ ...frame, ref }));
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/agent/ws`);
  socket = ws;
  $('connection').textContent = '연결 중…';
  ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'auth', token, ...teams.authExtras() })));
  ws.addEventListener('message', (event) => {
    if (socket === ws) onFrame(JSON.parse(event.data));
  });
  ws.addEventListener('close', () => {
    if (socket !== ws || !token) return;
    socket = null;
    $('connection').textContent = '연결 끊김 · 다시 연결 중…';
    setTimeout(() => token && connect(), 1000);
  });
}

function onFrame(frame) {
  if (live.onFrame(frame)) return; // desk (issue 14): typing, read receipts
  if (teams.onFrame(frame)) return; // desk (issue 14): who is on, the teams
  if (frame.type === 'sla_breach') {
    if (!teams.concerns(frame.breach)) return; // desk (issue 14): another team's
    const late = items.find((i) => i.id === frame.breach.itemId);
    const who = `${late?.customerName ?? '비회원'} (${Math.round(frame.breach.targetMs / 60_000)}분)`;
    toast(frame.breach.kind === 'next_response' ? `답변 목표 시간 초과 · Reply overdue: ${who}${frame.breach.agentId ? ` · ${frame.breach.agentId}` : ''}` : `응답 목표 시간 초과 · SLA breached: ${who}`);
    return;
  }
  switch (frame.type) {
    case 'ready':
      me = frame.agent;
      $('me').textContent = `${me.name} (${me.id})`;
      $('connection').textContent = '온라인';
      $('canned-manage').hidden = me.role !== 'admin'; // desk (issue 14)
      $('signin').hidden = true;
      $('desk').hidden = false;
      $('audit-open').hidden = me.role !== 'admin';
      teams.onReady(); // desk (issue 14)
      break;
    case 'queue': {
      items = frame.items;
      teams.onQueue(items); // desk (issue 14)
      renderQueue();
      // The selected conversation changed hands (claimed elsewhere, or back in the queue).
      const current = selected && items.find((i) => i.id === selected.item.id);
      if (current && (current.status !== selected.item.status || current.agentId !== selected.item.agentId)) void select(current.id);
      break;
    }
    case 'entries':
      for (const arrived of entriesWhileLoading) arrived.push(frame);
      if (selected && selected.item.sessionId === frame.sessionId) {
        for (const entry of frame.entries) $('transcript').append(renderEntry(entry));
        scrollTranscript();
        live.onEntries(frame.entries); // desk (issue 14)
      }
      break;
    case 'ack':
      if (selected && selected.item.id === frame.item.id) void select(frame.item.id);
      break;
    case 'error':
      if (frame.code === 'invalid_token' || frame.code === 'token_expired' || frame.code === 'token_revoked') showSignin('다시 로그인해 주세요.');
      else toast(frame.message);
      break;
  }
}

function renderQueue() {
  const shown = teams.visible(items); // desk (issue 14): a team's queue
  $('queue-count').textContent = `(${shown.filter((i) => i.status === 'waiting').length}명 대기)`;
  $('queue-list').replaceChildren(
    ...shown.map((item) => {
      const li = node('li', selected?.item.id === item.id ? 'selected' : '');
      li.dataset.itemId = item.id;
      const title = node('strong', '', item.customerName ?? '비회원');
      const status = node('span', `badge ${item.status}`, item.status === 'waiting' && item.position ? `${item.position}번째 대기` : STATUS[item.status]);
      li.append(title, status);
      if (item.priority === 'high') li.append(node('span', 'badge high', '긴급'));
      if (item.agentId) li.append(node('span', 'badge', item.agentId));
      teams.decorate(li, item); // desk (issue 14)
      // desk (issue 14): first response while waiting, next response (the agent owes an answer) while assigned; amber near the target, red past it
      if (item.sla) {
        li.classList.add(`sla-${item.sla.state}`);
        const waited = `${Math.floor(item.sla.waitedMs / 60_000)}분`;
        const label = item.status === 'assigned' ? `답변 대기 ${waited} · 목표 ${Math.round(item.sla.targetMs / 60_000)}분` : `${waited} 대기 · 목표 ${Math.round(item.sla.targetMs / 60_000)}분`;
        li.append(node('span', `badge sla ${item.sla.state}`, label));
      }
      li.append(node('div', 'reason', REASONS[item.reason] ?? item.reason), node('p', 'preview', item.preview ?? ''));
      li.addEventListener('click', () => void select(item.id));
      return li;
    }),
  );
}

function renderEntry(entry) {
  const li = node('li', entry.from);
  li.dataset.seq = String(entry.seq); // desk (issue 14): read receipts
  let tag = FROM[entry.from];
  if (entry.from === 'shopper' && entry.intent) tag += ` · ${entry.intent} (${entry.score.toFixed(2)})`;
  if (entry.from === 'bot' && entry.flow) tag += ` · ${entry.flow}${entry.state ? `/${entry.state}` : ''}`;
  if (entry.from === 'agent' && entry.agentId) tag += ` · ${entry.agentId}`;
  if (entry.from !== 'system') li.append(node('span', 'tag', tag));
  li.append(document.createTextNode(entry.text));
  live.photo(li, entry); // desk (issue 14)
  return li;
}

function scrollTranscript() {
  $('transcript').scrollTop = $('transcript').scrollHeight;
}

function definitions(target, pairs) {
  target.replaceChildren(...pairs.flatMap(([key, value]) => [node('dt', '', key), node('dd', '', value)]));
}

// Phone numbers, e-mails and addresses come masked; `reveal` asks for them (recorded in the audit log).
async function select(itemId, reveal = false) {
  const arrived = [];
  entriesWhileLoading.add(arrived);
  try {
    const path = `/api/agent/queue/${encodeURIComponent(itemId)}`;
    selected = reveal ? await request('POST', `${path}/reveal`) : await request('GET', path);
  } catch (err) {
    toast(err.message);
    return;
  } finally {
    entriesWhileLoading.delete(arrived);
  }
  const { item, session, transcript } = selected;
  // The server may have read the transcript before entries that were shown live meanwhile.
  const lastSeq = transcript.at(-1)?.seq ?? 0;
  const newer = arrived.filter((frame) => frame.sessionId === item.sessionId).flatMap((frame) => frame.entries).filter((entry) => entry.seq > lastSeq);
  const context = item.context ?? {};
  const mine = item.status === 'assigned' && item.agentId === me?.id;
  $('placeholder').hidden = true;
  $('detail').hidden = false;
  $('detail-title').textContent = `${context.customer?.name ?? '비회원'} · ${REASONS[item.reason] ?? item.reason}`;
  const caseNumbers = Array.isArray(context.cases) && context.cases.length > 0 ? ` · 접수번호 ${context.cases.join(', ')}` : '';
  $('detail-meta').textContent = `${STATUS[item.status]}${item.agentId ? ` (${item.agentId})` : ''} · 언어 ${session?.locale ?? '-'} · 접수 ${new Date(item.createdAt).toLocaleString('ko-KR')}${caseNumbers}`;
  const refusal = teams.claimRefusal(item); // desk (issue 14): another team's conversation
  $('claim').disabled = item.status !== 'waiting' || refusal !== null;
  $('claim').title = refusal ?? '';
  for (const id of ['hand-back', 'release', 'resolve', 'reply-send']) $(id).disabled = !mine;
  $('reply-input').disabled = !mine;
  $('export').href = '#';
  $('reveal').disabled = reveal;
  $('reveal').textContent = reveal ? '개인정보 표시 중' : '개인정보 보기';
  $('transcript').replaceChildren(...transcript.map(renderEntry), ...newer.map(renderEntry));
  scrollTranscript();

  const customer = context.customer;
  definitions($('customer'), customer ? [['이름', customer.name], ['이메일', customer.email], ['전화', customer.phone], ['ID', customer.id]] : [['', '비회원']]);
  $('orders').replaceChildren(
    ...(context.recentOrders ?? []).map((order) => node('li', '', `${order.id} · ${order.status} · ${order.total.toLocaleString('ko-KR')}원`)),
  );
  definitions($('slots'), Object.entries(context.slots ?? {}).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
  $('intents').replaceChildren(...(context.intents ?? []).map((r) => node('li', '', `${r.intent} ${r.score.toFixed(2)} · “${r.text}”`)));
  $('notes').replaceChildren(...item.notes.map((n) => node('li', '', `${n.agentId}: ${n.text}`)));
  // A detractor's survey: the score the shopper gave and what they wrote, before the agent greets them.
  const survey = Array.isArray(context.survey) ? context.survey : [];
  $('survey-section').hidden = survey.length === 0;
  $('survey').replaceChildren(
    ...survey.map((answer) => {
      const scale = answer.kind === 'nps' ? 10 : 5;
      const score = answer.score === null ? '건너뜀' : `${answer.score} / ${scale}`;
      const about = [answer.flow && `흐름 ${answer.flow}`, answer.agentId && `상담원 ${answer.agentId}`].filter(Boolean).join(' · ');
      const item = node('li', 'survey-answer', `${SURVEY_KIND[answer.kind] ?? answer.kind}: ${score}${about ? ` (${about})` : ''}`);
      if (answer.comment) item.append(node('q', 'survey-comment', answer.comment));
      return item;
    }),
  );
  renderQueue();
  void canned.load(item.id); // desk (issue 14)
  void live.onSelect(item);
}

for (const [button, type] of [['claim', 'claim'], ['resolve', 'resolve'], ['hand-back', 'hand_back'], ['release', 'release']]) {
  $(button).addEventListener('click', () => selected && send({ type, itemId: selected.item.id }));
}
$('reveal').addEventListener('click', () => selected && void select(selected.item.id, true));

// Admins: the audit log of agent actions, newest first.
const AUDIT_ACTIONS = {
  sign_in: '로그인', sign_in_failed: '로그인 실패', sign_in_locked: '로그인 잠김', sign_out: '로그아웃', claim: '상담 시작',
  reveal: '개인정보 보기', note: '메모', resolve: '상담 종료', hand_back: '챗봇에게 돌려주기', release: '대기열로 되돌리기',
  export: '내보내기', erase: '삭제', retention_purge: '보존 기간 만료 삭제',
};
$('audit-open').addEventListener('click', async () => {
  try {
    const { events } = await request('GET', '/api/admin/audit?limit=1000');
    $('audit-list').replaceChildren(
      ...events.reverse().map((e) =>
        node('li', '', `${new Date(e.at).toLocaleString('ko-KR')} · ${AUDIT_ACTIONS[e.action] ?? e.action} · ${e.actor ?? '시스템'}${e.target ? ` · ${e.target.kind} ${e.target.id}` : ''}${e.address ? ` · ${e.address}` : ''}`),
      ),
    );
    $('audit').hidden = false;
  } catch (err) {
    toast(err.message);
  }
});
$('audit-close').addEventListener('click', () => ($('audit').hidden = true));

$('export').addEventListener('click', async (event) => {
  event.preventDefault();
  if (!selected) return;
  const data = await request('GET', `/api/agent/queue/${encodeURIComponent(selected.item.id)}/export`);
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  Object.assign(document.createElement('a'), { href: url, download: `transcript-${selected.item.sessionId}.json` }).click();
  URL.revokeObjectURL(url);
});

/** A form whose text goes to the selected conversation as a `message` or a `note` frame. */
function sendsText(formId, inputId, type) {
  $(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $(inputId).value.trim();
    if (!text || !selected) return;
    send({ type, itemId: selected.item.id, text });
    $(inputId).value = '';
  });
}
sendsText('reply-form', 'reply-input', 'message');
sendsText('note-form', 'note-input', 'note');
$('reply-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('reply-form').requestSubmit();
  }
});

// ---- desk (issue 14) ----
const canned = setupCanned({
  request,
  toast,
  selectedItemId: () => selected?.item.id ?? null,
  reload: (itemId) => canned.load(itemId),
});
const teams = setupTeams({ send, me: () => me, toast, onChange: () => renderQueue() });
setupSearch({ request, toast, open: (itemId) => void select(itemId), teamName: (id) => teams.teamName(id), onClear: () => renderQueue() });
const live = setupLive({
  send,
  request,
  fetchBlob: async (path) => {
    const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(response.statusText);
    return response.blob();
  },
  selected: () => selected,
  mine: () => selected?.item.status === 'assigned' && selected.item.agentId === me?.id,
});

// Single sign-on (docs/server.md#single-sign-on): the callback lands here with the token, or the
// reason it failed, in the fragment; it is taken out of the address bar at once.
const SSO_ERRORS = {
  invalid_state: '로그인 시간이 지났거나 다른 창에서 시작됐어요. 다시 시도해 주세요.',
  unknown_account: '이 회사 계정에 연결된 상담원 계정이 없어요. 관리자에게 문의하세요.',
  missing_claim: '회사 계정에서 확인된 이메일을 받지 못했어요. 관리자에게 문의하세요.',
  provider_error: '회사 계정 로그인이 거절됐어요.',
  provider_unreachable: '회사 계정 로그인 서버에 연결할 수 없어요. 잠시 후 다시 시도해 주세요.',
};
const fragment = new URLSearchParams(location.hash.slice(1));
let ssoError = '';
if (fragment.has('sso_token') || fragment.has('sso_error')) {
  history.replaceState(null, '', location.pathname + location.search);
  if (fragment.get('sso_token')) {
    token = fragment.get('sso_token');
    sessionStorage.setItem(TOKEN_KEY, token);
  } else {
    ssoError = SSO_ERRORS[fragment.get('sso_error')] ?? '회사 계정으로 로그인하지 못했어요.';
  }
}
fetch('/api/agent/sso/status')
  .then((response) => response.json())
  .then((status) => {
    if (!status.enabled) return;
    $('sso-signin').textContent = status.label;
    $('sso-signin').hidden = false;
  })
  .catch(() => {});

if (token && !(await returnToDashboard(token, toast))) connect();
else if (!token) showSignin(ssoError);
