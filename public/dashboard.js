// The analytics dashboard (/dashboard): served to signed-in admins only (the console's sign-in
// gives the page its cookie, which the data API takes too), reads the figures from
// /api/admin/analytics/*, draws them with Chart.js (served by the engine at /vendor/), and
// drills down to the masked transcripts behind a number. Korean and English labels.
'use strict';
(() => {
  const LANG_KEY = 'daehwa.dashboard.lang';
  const SIGN_IN = '/console?next=%2Fdashboard';
  const T = {
    ko: {
      title: '대화 분석', signin: '관리자 로그인', agentId: '상담원 ID', password: '비밀번호', signinButton: '로그인', from: '시작일', to: '종료일',
      locale: '언어', channel: '채널', all: '전체', apply: '적용', csv: 'CSV 내보내기', byDay: '일별 대화', outcomes: '대화 결과', byIntent: '의도별 발화',
      byHour: '시간대별 대화', funnels: '흐름별 이탈 (퍼널)', handoffs: '상담원 연결 사유', agents: '상담원 응답', voc: '고객의 소리 (주별)',
      dym: '"이것을 찾으셨나요" 선택', drill: '해당 대화', inbox: '트레이너 수신함', conversations: '대화 수', containment: '봇 처리율 (컨테인먼트)',
      fallback: '이해 못함 비율', handoffRate: '상담원 연결률', firstResponse: '첫 응답 (중앙값)', resolution: '해결 시간 (중앙값)', queueWait: '대기 시간 (중앙값)',
      resolved_by_bot: '봇이 해결', left_after_answer: '답변 후 떠남', left_in_flow: '흐름 중 이탈', handed_to_person: '상담원 연결',
      ticket_outside_hours: '업무 외 문의 남김', ongoing: '진행 중', entered: '진입', completed: '완료', switched: '다른 흐름으로', cancelled: '취소',
      failed: '실패', left: '이탈', step: '단계', reached: '도달', count: '건수', rate: '비율', reason: '사유', theme: '주제', change: '지난주 대비',
      intent: '의도', picks: '선택', offered: '제안', session: '대화', day: '날짜', line: '첫 발화', cluster: '묶음', examples: '예시', signinFailed: '로그인 실패',
      notAdmin: '관리자만 볼 수 있습니다', turns: '발화', agent: '상담원', items: '건', seconds: '초', none: '없음',
      signout: '로그아웃', byChannel: '채널별', web: '웹', kakao: '카카오톡', webhook: '웹훅',
      low_confidence: '인식 점수 낮음', user_request: '고객 요청', repeated_misunderstanding: '반복된 이해 실패', flow_request: '흐름에서 연결',
      slot_attempts_exhausted: '입력 재시도 초과', commerce_unavailable: '쇼핑몰 응답 없음', survey_detractor: '설문 불만족', offline_message: '업무 외 메시지',
    },
    en: {
      title: 'Conversation analytics', signin: 'Admin sign-in', agentId: 'Agent id', password: 'Password', signinButton: 'Sign in', from: 'From', to: 'To',
      locale: 'Language', channel: 'Channel', all: 'All', apply: 'Apply', csv: 'Export CSV', byDay: 'Conversations per day', outcomes: 'Outcomes',
      byIntent: 'Lines per intent', byHour: 'Conversations per hour', funnels: 'Drop-off per flow (funnel)', handoffs: 'Hand-off reasons', agents: 'Agent times',
      voc: 'Voice of the customer (weekly)', dym: '"Did you mean" picks', drill: 'Conversations', inbox: "Trainers' inbox", conversations: 'Conversations',
      containment: 'Containment', fallback: 'Fallback rate', handoffRate: 'Hand-off rate', firstResponse: 'First response (median)', resolution: 'Resolution (median)',
      queueWait: 'Queue wait (median)', resolved_by_bot: 'Resolved by the bot', left_after_answer: 'Left after an answer', left_in_flow: 'Left during a flow',
      handed_to_person: 'Handed to a person', ticket_outside_hours: 'Ticket outside hours', ongoing: 'Ongoing', entered: 'Entered', completed: 'Completed',
      switched: 'Switched away', cancelled: 'Cancelled', failed: 'Failed', left: 'Left', step: 'Step', reached: 'Reached', count: 'Count', rate: 'Rate',
      reason: 'Reason', theme: 'Theme', change: 'vs last week', intent: 'Intent', picks: 'Picks', offered: 'Offered', session: 'Conversation', day: 'Day',
      line: 'First line', cluster: 'Cluster', examples: 'Examples', signinFailed: 'Sign-in failed', notAdmin: 'Only admins can see this', turns: 'Lines',
      agent: 'Agent', items: 'items', seconds: 's', none: 'none', signout: 'Sign out', byChannel: 'By channel', web: 'Web', kakao: 'KakaoTalk',
      webhook: 'Webhook', low_confidence: 'Low confidence', user_request: 'Asked for a person', repeated_misunderstanding: 'Not understood again',
      flow_request: 'Flow hands over', slot_attempts_exhausted: 'Too many retries', commerce_unavailable: 'Shop unavailable',
      survey_detractor: 'Unhappy survey answer', offline_message: 'Message outside hours',
    },
  };
  let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'ko';
  let report = null;
  const charts = {};
  const $ = (id) => document.getElementById(id);
  const t = (key) => T[lang][key] ?? key;

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('data-')) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }
  const pct = (r) => (r === null || r === undefined ? '-' : `${(r * 100).toFixed(1)}%`);
  const secs = (s) => (s === null || s === undefined ? '-' : `${s} ${t('seconds')}`);

  function applyLang() {
    document.documentElement.lang = lang;
    $('lang').textContent = lang === 'ko' ? 'English' : '한국어';
    for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
    if (report) render();
  }

  function query() {
    const form = new FormData($('filters'));
    const params = new URLSearchParams();
    for (const key of ['from', 'to', 'locale', 'channel']) {
      const value = String(form.get(key) ?? '').trim();
      if (value) params.set(key, value);
    }
    return params;
  }

  // The page's cookie goes with every call (same origin); an expired sign-in goes back to the console.
  async function call(path, init = {}) {
    const response = await fetch(path, { credentials: 'same-origin', ...init });
    if (response.status === 401) {
      location.assign(SIGN_IN);
      throw new Error(t('signinFailed'));
    }
    if (response.status === 403) throw new Error(t('notAdmin'));
    if (!response.ok) throw new Error((await response.json()).error?.message ?? response.statusText);
    return response;
  }

  // Signing out revokes the token, which the console in this tab signed in with too: it forgets it as well.
  async function signOut() {
    await fetch('/api/admin/analytics/session', { method: 'DELETE', credentials: 'same-origin' }).catch(() => undefined);
    sessionStorage.removeItem('daehwa.agentToken');
    location.assign(SIGN_IN);
  }

  async function load() {
    $('error').textContent = '';
    try {
      report = await (await call(`/api/admin/analytics/report?${query()}`)).json();
      render();
      loadInbox();
    } catch (err) {
      $('error').textContent = err.message;
    }
  }

  async function loadInbox() {
    const table = $('inbox');
    table.replaceChildren();
    try {
      const inbox = await (await call(`/api/admin/analytics/inbox?${query()}`)).json();
      table.append(el('tr', {}, el('th', {}, t('cluster')), el('th', {}, t('count')), el('th', {}, t('examples'))));
      for (const c of inbox.clusters) table.append(el('tr', {}, el('td', {}, c.id), el('td', { class: 'n' }, c.count), el('td', {}, c.examples.map((e) => e.text).join(' / '))));
      if (inbox.clusters.length === 0) table.append(el('tr', {}, el('td', {}, t('none'))));
    } catch (err) {
      table.append(el('tr', {}, el('td', {}, err.message)));
    }
  }

  function drillLink(label, drill, title) {
    const a = el('a', { class: 'drill', href: '#drill', 'data-drill': JSON.stringify(drill) }, label);
    a.addEventListener('click', (event) => {
      event.preventDefault();
      openDrill(drill, title);
    });
    return a;
  }

  async function openDrill(drill, title) {
    const params = query();
    for (const [k, v] of Object.entries(drill)) params.set(k, String(v));
    const { rows, total } = await (await call(`/api/admin/analytics/conversations?${params}`)).json();
    $('drill').hidden = false;
    $('drill-title').textContent = `${title} (${total})`;
    const table = $('drill-rows');
    table.replaceChildren(el('tr', {}, el('th', {}, t('session')), el('th', {}, t('day')), el('th', {}, t('outcomes')), el('th', {}, t('line'))));
    for (const row of rows) {
      const open = el('a', { class: 'drill', href: '#transcript' }, row.sessionId);
      open.addEventListener('click', (event) => {
        event.preventDefault();
        openTranscript(row.sessionId);
      });
      table.append(el('tr', { class: 'drill-row' }, el('td', {}, open), el('td', {}, `${row.startedDay} ${row.startedHour}h`), el('td', {}, t(row.outcome)), el('td', {}, row.firstLine ?? '')));
    }
    $('transcript').replaceChildren();
    $('drill').scrollIntoView();
  }

  async function openTranscript(sessionId) {
    const data = await (await call(`/api/admin/analytics/transcript/${encodeURIComponent(sessionId)}`)).json();
    $('transcript').replaceChildren(
      el('h3', {}, sessionId),
      ...data.transcript.map((e) => el('p', { class: e.from }, el('b', {}, `${e.from}: `), e.text)),
    );
  }

  function chart(id, config) {
    charts[id]?.destroy();
    charts[id] = new window.Chart($(id), { ...config, options: { responsive: true, animation: false, plugins: { legend: { display: config.type === 'doughnut' } }, ...config.options } });
  }

  function table(id, head, rows) {
    const node = $(id);
    // The first column names the row; the others are numbers (or links to the conversations behind one), set right.
    const align = (i) => (i > 0 ? { class: 'n' } : {});
    node.replaceChildren(el('tr', {}, ...head.map((h, i) => el('th', align(i), h))));
    for (const row of rows) node.append(el('tr', {}, ...row.map((cell, i) => el('td', align(i), cell))));
  }

  function render() {
    const r = report;
    const c = r.conversations;
    const kpi = (label, value, id) => el('div', { class: 'kpi', id: `kpi-${id}` }, label, el('b', {}, value));
    $('kpis').replaceChildren(
      kpi(t('conversations'), c.total, 'conversations'),
      kpi(t('containment'), pct(c.containment.rate), 'containment'),
      kpi(t('fallback'), pct(r.turns.fallback.rate), 'fallback'),
      kpi(t('handoffRate'), pct(r.handoffs.total.rate), 'handoffs'),
      kpi(t('queueWait'), secs(r.agents.queueWait.medianSeconds), 'wait'),
      kpi(t('firstResponse'), secs(r.agents.firstResponse.medianSeconds), 'response'),
      kpi(t('resolution'), secs(r.agents.resolution.medianSeconds), 'resolution'),
    );
    const channelName = (id) => (T[lang][id] ? t(id) : id);
    table('channels', [t('channel'), t('conversations'), t('containment'), t('handoffRate'), t('turns'), t('fallback')], Object.entries(r.channels).map(([id, ch]) => [
      channelName(id), ch.conversations, pct(ch.containment.rate), pct(ch.handoffs.rate), ch.turns, pct(ch.fallback.rate),
    ]));
    const days = Object.keys(c.byDay);
    chart('chart-day', { type: 'line', data: { labels: days, datasets: [{ label: t('conversations'), data: Object.values(c.byDay), borderColor: '#1f5fbf' }] } });
    const outcomes = Object.entries(c.outcomes).filter(([, n]) => n > 0);
    chart('chart-outcomes', { type: 'doughnut', data: { labels: outcomes.map(([k]) => t(k)), datasets: [{ data: outcomes.map(([, n]) => n), backgroundColor: ['#2e8b57', '#8fb3e8', '#e8a33d', '#c0504d', '#7d5ba6', '#999'] }] } });
    const intents = Object.entries(r.turns.byIntent).slice(0, 12);
    chart('chart-intents', { type: 'bar', data: { labels: intents.map(([k]) => k), datasets: [{ label: t('turns'), data: intents.map(([, n]) => n), backgroundColor: '#4a7bd0' }] }, options: { indexAxis: 'y' } });
    chart('chart-hours', { type: 'bar', data: { labels: c.byHour.map((_, h) => `${h}`), datasets: [{ label: t('conversations'), data: c.byHour, backgroundColor: '#6a9f58' }] } });

    table('outcomes', [t('outcomes'), t('count')], Object.entries(c.outcomes).map(([k, n]) => [t(k), drillLink(String(n), { by: 'outcome', value: k }, t(k))]));
    table('reasons', [t('reason'), t('count'), t('rate')], Object.entries(r.handoffs.byReason).map(([k, v]) => [t(k), drillLink(String(v.count), { by: 'reason', value: k }, t(k)), pct(v.rate)]));
    table('agents', [t('agent'), t('firstResponse'), t('resolution')], [
      [t('all'), secs(r.agents.firstResponse.medianSeconds), secs(r.agents.resolution.medianSeconds)],
      ...Object.entries(r.agents.byAgent).map(([id, a]) => [id, secs(a.firstResponse.medianSeconds), secs(a.resolution.medianSeconds)]),
    ]);
    table('voc', [t('theme'), ...r.voc.weeks.map((w) => w.slice(5)), t('change')], r.themes.map((theme) => {
      const v = r.voc.themes[theme.id] ?? { byWeek: [], change: null };
      return [drillLink(theme.label[lang], { by: 'theme', value: theme.id }, theme.label[lang]), ...v.byWeek, v.change === null ? '-' : (v.change > 0 ? `+${v.change}` : String(v.change))];
    }));
    table('dym', [t('intent'), t('picks')], [[t('offered'), r.didYouMean.offered], ...Object.entries(r.didYouMean.picks)]);

    const funnels = $('funnels');
    funnels.replaceChildren();
    for (const f of r.funnels) {
      const box = el('div', { class: 'funnel' }, el('h3', {}, `${f.flow}: ${t('entered')} ${f.entered}`));
      const ends = el('p', {}, ...['completed', 'switched', 'cancelled', 'failed', 'left', 'ongoing'].flatMap((end) => [
        `${t(end)} `, drillLink(String(f.ends[end]), { by: 'flow', value: f.flow, end }, `${f.flow} · ${t(end)}`), '  ',
      ]));
      const steps = el('table', {}, el('tr', {}, el('th', {}, t('step')), el('th', {}, t('reached')), el('th', {}, t('left')), el('th', {}, '')));
      for (const s of f.steps) {
        const bar = el('div', { class: 'bar' });
        bar.style.width = `${f.entered ? Math.round((100 * s.reached) / f.entered) : 0}%`;
        steps.append(el('tr', {}, el('td', {}, s.step), el('td', { class: 'n' }, s.reached), el('td', { class: 'n' }, drillLink(String(s.left), { by: 'flow', value: f.flow, step: s.step, end: 'left' }, `${f.flow} · ${s.step}`)), el('td', {}, bar)));
      }
      box.append(ends, steps);
      funnels.append(box);
    }
  }

  async function downloadCsv() {
    const response = await call(`/api/admin/analytics/conversations.csv?${query()}`);
    const blob = await response.blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: `daehwa-conversations-${query().get('from')}-${query().get('to')}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
  }

  function start() {
    const today = new Date();
    const from = new Date(today.getTime() - 29 * 86400_000);
    const form = $('filters');
    form.elements.from.value = from.toISOString().slice(0, 10);
    form.elements.to.value = today.toISOString().slice(0, 10);
    const hash = new URLSearchParams(location.hash.slice(1));
    for (const key of ['from', 'to', 'locale', 'channel']) if (hash.get(key)) form.elements[key].value = hash.get(key);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      load();
    });
    $('csv').addEventListener('click', () => downloadCsv().catch((err) => ($('error').textContent = err.message)));
    $('lang').addEventListener('click', () => {
      lang = lang === 'ko' ? 'en' : 'ko';
      localStorage.setItem(LANG_KEY, lang);
      applyLang();
    });
    $('signout').addEventListener('click', () => void signOut());
    applyLang();
    load();
  }

  start();
})();
