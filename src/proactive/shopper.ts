// Who the proactive caps count for: the signed-in customer, else the session. The store keeps
// the shows under this plain string (src/store/types.ts ProactiveShownStore); privacy erasure
// finds a customer's shows by the same keys.

export function customerShopper(customerId: string): string {
  return `c:${customerId}`;
}

export function sessionShopper(sessionId: string): string {
  return `s:${sessionId}`;
}

/** The customer when one is signed in, else the session. */
export function shopperOf(customerId: string | null, sessionId: string): string {
  return customerId !== null ? customerShopper(customerId) : sessionShopper(sessionId);
}
