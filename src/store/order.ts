import type { QueueItem } from './types.ts';

/** Oldest first; the id breaks ties so that every store lists the queue in the same order. */
export function sortOldestFirst(items: QueueItem[]): QueueItem[] {
  return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
