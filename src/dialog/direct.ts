// Starting a flow directly, without the NLU: a tapped `flow:` quick reply (a contextual FAQ chip,
// a proactive nudge's button), and the server's own start event for a proactive rule's `flow`
// action. Both may fill slots, with what the shopper could have typed themselves.

/** `flow:order_status` or `flow:order_status?order_number=20261118&...` (values URL-encoded). */
export const FLOW_PAYLOAD = 'flow:';

/**
 * The event the server sends the dialog for a proactive rule's `flow` action, data
 * `{ flow, slots? }`. Shoppers cannot send it: the protocol refuses event names starting `daehwa.`.
 */
export const START_FLOW_EVENT = 'daehwa.start_flow';

export interface DirectStart {
  flow: string;
  slots: Record<string, string>;
}

/** The flow and slots a `flow:` payload names; null for any other payload or a malformed one. */
export function parseFlowPayload(payload: string): DirectStart | null {
  if (!payload.startsWith(FLOW_PAYLOAD)) return null;
  const rest = payload.slice(FLOW_PAYLOAD.length);
  const [flow = '', query = ''] = rest.split('?', 2);
  if (!/^[a-z][a-z0-9_]*$/.test(flow)) return null;
  const slots: Record<string, string> = {};
  try {
    for (const [key, value] of new URLSearchParams(query)) {
      if (!/^[a-z][a-z0-9_]*$/.test(key) || value === '') return null;
      slots[key] = value;
    }
  } catch {
    return null;
  }
  return { flow, slots };
}

/** A `flow:` payload for the flow and slots. */
export function flowPayload(flow: string, slots: Record<string, string> = {}): string {
  const query = new URLSearchParams(slots).toString();
  return `${FLOW_PAYLOAD}${flow}${query ? `?${query}` : ''}`;
}

/** The data of a START_FLOW_EVENT, read defensively (it is built by the server, but stored states replay). */
export function readStartEvent(data: Record<string, unknown>): DirectStart | null {
  if (typeof data.flow !== 'string') return null;
  const slots: Record<string, string> = {};
  const given = data.slots;
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) return null;
  for (const [key, value] of Object.entries(given ?? {})) {
    if (typeof value === 'string' && value !== '') slots[key] = value;
  }
  return { flow: data.flow, slots };
}
