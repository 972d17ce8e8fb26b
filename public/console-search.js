// Conversation search in the console (issue 14): by customer, order number or words, over open and
// finished conversations. While the box holds a query, the results take the queue's place.

const FIELD = { customer: '고객', order: '주문', text: '대화' };
const STATUS = { waiting: '대기', assigned: '상담 중', resolved: '종료', returned_to_bot: '챗봇 복귀' };

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** `deps`: request(method, path), toast(message), open(itemId), teamName(id), onClear() (show the queue again). */
export function setupSearch(deps) {
  const input = document.getElementById('search-input');
  const list = document.getElementById('search-results');
  const queue = document.getElementById('queue-list');
  let timer = null;
  let asked = 0;

  function clear() {
    list.hidden = true;
    list.replaceChildren();
    queue.hidden = false;
    deps.onClear();
  }

  async function run(query) {
    const mine = ++asked;
    try {
      const { results } = await deps.request('GET', `/api/agent/search?q=${encodeURIComponent(query)}`);
      if (mine !== asked) return;
      queue.hidden = true;
      list.hidden = false;
      list.replaceChildren(
        ...(results.length === 0
          ? [node('li', 'empty', '찾은 상담이 없어요 · Nothing found')]
          : results.map((result) => {
              const li = node('li', 'search-result');
              li.dataset.itemId = result.itemId;
              li.append(node('strong', '', result.customerName ?? '비회원'), node('span', `badge ${result.status}`, STATUS[result.status] ?? result.status));
              if (result.team) li.append(node('span', 'badge team', deps.teamName(result.team)));
              li.append(node('div', 'reason', `${FIELD[result.match.field]} · ${new Date(result.updatedAt).toLocaleString('ko-KR')}`), node('p', 'preview', result.match.snippet));
              li.addEventListener('click', () => deps.open(result.itemId));
              return li;
            })),
      );
    } catch (err) {
      deps.toast(err.message);
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < 2) {
      asked++;
      clear();
      return;
    }
    timer = setTimeout(() => void run(query), 250);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      input.value = '';
      asked++;
      clear();
    }
  });
}
