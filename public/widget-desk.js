// The widget's part of the agent desk (issue 14): the agent's typing indicator and read receipts
// for the agent's messages (sent once the shopper can see them: chat open, page visible).

const TEXT = {
  ko: {
    typing: '상담원이 입력 중…',
    // The wait estimate, from how fast agents have lately taken conversations (the server sends none without a pace).
    wait: (minutes) => (minutes >= 60 ? ' · 예상 대기 1시간 이상' : ` · 예상 대기 약 ${minutes}분`),
    attach: '사진 보내기',
    sending: '사진을 보내는 중…',
    errors: {
      file_too_large: '사진이 너무 커요. 더 작은 사진을 보내 주세요.',
      unsupported_type: 'JPEG, PNG, WebP, HEIC 사진만 보낼 수 있어요.',
      invalid_image: '사진 파일이 손상된 것 같아요. 다른 사진을 보내 주세요.',
      session_closed: '대화가 끝났어요. 메시지를 보내 새로 시작한 뒤 사진을 보내 주세요.',
      default: '사진을 보내지 못했어요. 다시 시도해 주세요.',
    },
  },
  en: {
    typing: 'The agent is typing…',
    wait: (minutes) => (minutes >= 60 ? ' · expected wait over an hour' : ` · expected wait about ${minutes} min`),
    attach: 'Send a photo',
    sending: 'Sending the photo…',
    errors: {
      file_too_large: 'That photo is too large. Please send a smaller one.',
      unsupported_type: 'Only JPEG, PNG, WebP or HEIC photos can be sent.',
      invalid_image: 'That photo file seems damaged. Please try another one.',
      session_closed: 'This chat has ended. Send a message to start a new one, then the photo.',
      default: 'The photo could not be sent. Please try again.',
    },
  },
};
/** A typing indicator no newer frame has confirmed goes away after this long. */
const TYPING_SHOWN_MS = 6000;

/**
 * `deps`: locale(), sendNow(frame) (drops the frame when offline), chatVisible(), session()
 * ({ sessionId, sessionToken } or null), log (the message list), notice(text).
 */
export function setupDeskWidget(deps) {
  const typing = document.getElementById('chat-typing');
  const attach = document.getElementById('chat-attach');
  const picker = document.getElementById('chat-file');

  /** A photo in the chat: the shopper's own, shown from the file, or from the server (history). */
  function addPhoto(source) {
    const item = document.createElement('li');
    item.className = 'msg shopper photo';
    const img = document.createElement('img');
    img.alt = deps.locale() === 'ko' ? '보낸 사진' : 'Photo sent';
    item.append(img);
    deps.log.append(item);
    deps.log.scrollTop = deps.log.scrollHeight;
    const show = (blob) => {
      img.src = URL.createObjectURL(blob);
      img.addEventListener('load', () => (deps.log.scrollTop = deps.log.scrollHeight), { once: true });
    };
    if (source instanceof Blob) show(source);
    else {
      const session = deps.session();
      if (!session) return item;
      fetch(`/api/attachments/${encodeURIComponent(source)}`, { headers: { authorization: `Bearer ${session.sessionToken}` } })
        .then((response) => (response.ok ? response.blob() : null))
        .then((blob) => blob && show(blob))
        .catch(() => undefined);
    }
    return item;
  }

  async function sendPhoto(file) {
    const session = deps.session();
    if (!session) return;
    const item = addPhoto(file);
    item.classList.add('sending');
    const form = new FormData();
    form.append('file', file, file.name || 'photo');
    try {
      const response = await fetch(`/api/sessions/${encodeURIComponent(session.sessionId)}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.sessionToken}` },
        body: form,
      });
      if (response.ok) {
        item.classList.remove('sending');
        return;
      }
      const body = await response.json().catch(() => ({}));
      item.remove();
      const errors = TEXT[deps.locale()].errors;
      deps.notice(errors[body.error?.code] ?? errors.default);
    } catch {
      item.remove();
      deps.notice(TEXT[deps.locale()].errors.default);
    }
  }

  attach.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    const [file] = picker.files;
    picker.value = '';
    if (file) void sendPhoto(file);
  });
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
    /** What the queued status adds for the server's estimate (nothing when it sent none). */
    waitText(estimatedWaitMs) {
      if (typeof estimatedWaitMs !== 'number') return '';
      return TEXT[deps.locale()].wait(Math.max(1, Math.round(estimatedWaitMs / 60_000)));
    },
    onTyping(frame) {
      if (frame.from === 'agent') showTyping(frame.active);
    },
    onAgentMessage(frame) {
      showTyping(false);
      if (typeof frame.seq === 'number') unread = Math.max(unread, frame.seq);
      reportRead();
    },
    /** History replays a photo the shopper sent earlier; true when the entry was one. */
    historyPhoto(entry) {
      if (!entry.attachmentId) return false;
      addPhoto(entry.attachmentId);
      return true;
    },
    applyLocale() {
      attach.title = TEXT[deps.locale()].attach;
      attach.setAttribute('aria-label', TEXT[deps.locale()].attach);
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
