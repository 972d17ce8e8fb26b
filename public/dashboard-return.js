// analytics (issue 12): /dashboard sends a browser that is not signed in as an admin to the
// console's sign-in with ?next=/dashboard. Once the console holds a token, this trades it for the
// dashboard's cookie (POST /api/admin/analytics/session) and goes back; an agent who is not an
// admin is told so and stays in the console.

/** Only the dashboard is a place to go back to: no other path, no other origin. */
const NEXT = /^\/dashboard(?:[?#]|$)/;

/** True when the browser is on its way to the dashboard; `say` shows why not otherwise. */
export async function returnToDashboard(token, say) {
  const params = new URLSearchParams(location.search);
  const next = params.get('next');
  if (!token || next === null || !NEXT.test(next)) return false;
  const response = await fetch('/api/admin/analytics/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (response?.ok) {
    location.replace(`${next}${location.hash}`);
    return true;
  }
  // Not for this agent: the console goes on, without the ?next that would try again on reload.
  params.delete('next');
  history.replaceState(null, '', `${location.pathname}${params.size > 0 ? `?${params}` : ''}${location.hash}`);
  say(response?.status === 403 ? '대시보드는 관리자만 볼 수 있어요. · Only admins can open the dashboard.' : '대시보드를 열 수 없어요. · The dashboard could not be opened.');
  return false;
}
