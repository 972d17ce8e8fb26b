// The widget's part of the agent desk (issue 14): the agent's typing indicator and read receipts
// for the agent's messages (sent once the shopper can see them: chat open, page visible).

const TEXT = {
  ko: { typing: '상담원이 입력 중…' },
  en: { typing: 'The agent is typing…' },
};
/** A typing indicator no newer frame has confirmed goes away after this long. */
const TYPING_SHOWN_MS = 6000;

/** `deps`: locale(), sendNow(frame) (drops the frame when offline), chatVisible(). */
export function setupDeskWidget(deps) {
  const typing = document.getElementById('chat-typing');
  let hideTimer = null;
  /** The latest agent message's seq not yet reported as read, and the latest reported. */
  let unread = 0;
  let reported = 0;

  function showTyping(active) {
    clearTimeout(hideTimer);
    typing.textContent = TEXT[deps.locale()].typing;
    typing.hidden = !active;
    if (active) hideTimer = setTimeout(() => (typing.hidden = true), TYPING_SHOWN_MS);
  }

  function reportRead() {
    if (unread <= reported || !deps.chatVisible() || document.visibilityState !== 'visible') return;
    if (deps.sendNow({ type: 'read', seq: unread })) reported = unread;
  }

  document.addEventListener('visibilitychange', reportRead);

  return {
    onTyping(frame) {
      if (frame.from === 'agent') showTyping(frame.active);
    },
    onAgentMessage(frame) {
      showTyping(false);
      if (typeof frame.seq === 'number') unread = Math.max(unread, frame.seq);
      reportRead();
    },
    onHistory(entries) {
      for (const entry of entries) if (entry.from === 'agent') unread = Math.max(unread, entry.seq);
      reportRead();
    },
    /** The chat was opened, or the connection is back. */
    reportRead,
    /** A new conversation: nothing read or unread. */
    reset() {
      unread = 0;
      reported = 0;
      showTyping(false);
    },
  };
}
