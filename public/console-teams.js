// The console's teams and presence (issue 14): the agent's own status (online / away / offline,
// remembered for this tab so that a reload keeps it), colleagues and their load, each team's queue
// with a filter, and a notice when a conversation was assigned to this agent automatically.

const PRESENCE_KEY = 'daehwa.agentPresence';
const STATUS_TEXT = { online: '온라인', away: '자리 비움', offline: '오프라인' };

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** `deps`: send(frame), me() (the signed-in agent or null), toast(message, kind), onChange() (render the queue again). */
export function setupTeams(deps) {
  const picker = document.getElementById('presence');
  const filter = document.getElementById('queue-filter');
  const colleagues = document.getElementById('colleagues');
  let roster = { agents: [], teams: [] };
  let items = [];
  /** Items this console asked to claim: an assignment it did not ask for is announced. */
  const claiming = new Set();
  let known = null; // ids of items assigned to me, as of the last queue frame

  function showStatus(status) {
    picker.value = status;
    picker.dataset.status = status;
  }
  picker.addEventListener('change', () => {
    sessionStorage.setItem(PRESENCE_KEY, picker.value);
    picker.dataset.status = picker.value;
    deps.send({ type: 'presence', status: picker.value });
  });
  filter.addEventListener('change', () => deps.onChange());

  const teamName = (id) => roster.teams.find((team) => team.id === id)?.name ?? id;
  const myTeams = () => roster.agents.find((agent) => agent.id === deps.me()?.id)?.teams ?? [];

  function renderFilter() {
    const chosen = filter.value;
    const options = [['all', '전체 · All']];
    if (myTeams().length > 0) options.unshift(['mine', '내 팀 · My teams']);
    for (const team of roster.teams) options.push([`team:${team.id}`, team.name]);
    options.push(['shared', '공용 · Shared']);
    filter.replaceChildren(...options.map(([value, label]) => Object.assign(node('option', '', label), { value })));
    filter.value = options.some(([value]) => value === chosen) ? chosen : options[0][0];
    filter.hidden = roster.teams.length === 0;
  }

  function renderColleagues() {
    const open = new Map();
    for (const item of items) if (item.status === 'assigned' && item.agentId) open.set(item.agentId, (open.get(item.agentId) ?? 0) + 1);
    colleagues.replaceChildren(
      ...roster.agents.map((agent) => {
        const li = node('li', `colleague ${agent.status}`);
        li.dataset.agentId = agent.id;
        li.title = STATUS_TEXT[agent.status];
        li.append(node('span', `dot ${agent.status}`), node('span', 'name', agent.id === deps.me()?.id ? `${agent.name} (나)` : agent.name));
        if (agent.teams.length > 0) li.append(node('span', 'teams', agent.teams.map(teamName).join(', ')));
        const load = `${open.get(agent.id) ?? 0}${agent.maxConcurrent ? `/${agent.maxConcurrent}` : ''}`;
        li.append(node('span', 'load', load));
        return li;
      }),
    );
  }

  return {
    /** What the auth frame carries: the status this tab remembered. */
    authExtras() {
      const remembered = sessionStorage.getItem(PRESENCE_KEY);
      return remembered ? { presence: remembered } : {};
    },
    /** Signed out: the next sign-in starts online. */
    forget() {
      sessionStorage.removeItem(PRESENCE_KEY);
      showStatus('online');
      known = null;
    },
    onReady() {
      showStatus(sessionStorage.getItem(PRESENCE_KEY) ?? 'online');
      known = null;
    },
    /** A frame from /agent/ws; true when it was the roster. */
    onFrame(frame) {
      if (frame.type !== 'roster') return false;
      roster = frame;
      const mine = roster.agents.find((agent) => agent.id === deps.me()?.id);
      if (mine && document.activeElement !== picker) showStatus(mine.status);
      renderFilter();
      renderColleagues();
      deps.onChange();
      return true;
    },
    claiming(itemId) {
      claiming.add(itemId);
    },
    /** The queue frame: colleagues' load, and conversations given to me without my asking. */
    onQueue(next) {
      items = next;
      const me = deps.me()?.id;
      const now = new Set(items.filter((item) => item.status === 'assigned' && item.agentId === me).map((item) => item.id));
      if (known !== null) {
        for (const item of items) {
          if (now.has(item.id) && !known.has(item.id) && !claiming.has(item.id)) {
            deps.toast(`새 상담이 배정됐어요 · Assigned to you: ${item.customerName ?? '비회원'}${item.team ? ` (${teamName(item.team)})` : ''}`, 'notice');
          }
        }
      }
      for (const id of claiming) if (!items.some((item) => item.id === id && item.status === 'waiting')) claiming.delete(id);
      known = now;
      renderColleagues();
    },
    /** The items the filter shows. */
    visible(all) {
      const value = filter.hidden ? 'all' : filter.value;
      if (value === 'all') return all;
      if (value === 'shared') return all.filter((item) => !item.team);
      if (value === 'mine') {
        const teams = myTeams();
        // My teams' queues, the shared one, and what is mine wherever it came from.
        return all.filter((item) => !item.team || teams.includes(item.team) || item.agentId === deps.me()?.id);
      }
      return all.filter((item) => `team:${item.team}` === value);
    },
    /** Adds the team badge to a queue entry. */
    decorate(li, item) {
      if (item.team) li.append(node('span', 'badge team', teamName(item.team)));
    },
    /** Whether a breach is this agent's business: theirs, their team's, the shared queue's, or any for an admin. */
    concerns(breach) {
      const me = deps.me();
      return breach.agentId === me?.id || me?.role === 'admin' || !breach.team || myTeams().includes(breach.team);
    },
    /** Why this agent may not claim the item (another team's), or null. */
    claimRefusal(item) {
      const me = deps.me();
      if (!item.context?.team || me?.role === 'admin' || myTeams().includes(item.context.team)) return null;
      return `${teamName(item.context.team)} 팀의 상담이에요 · This is team ${teamName(item.context.team)}'s conversation`;
    },
    teamName,
  };
}
