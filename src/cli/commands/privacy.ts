// `daehwa privacy export|erase --customer ID`: a customer's data on request (docs/privacy.md).
// Opens the configured store (the lowdb directory is locked by a running server: stop it, or use
// the admin endpoints /api/admin/privacy/customers/ID/{export,erase}), runs every personal data
// holder, prints the export as JSON (or writes it to --out) or the erasure report, and records the
// request in the audit log.
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { AuditLog } from '../../audit/audit-log.ts';
import { PrivacyDesk, type Requester } from '../../privacy/privacy-desk.ts';
import { createPersonalDataRegistry } from '../../privacy/store-holders.ts';
import { openStore } from '../../server/assemble.ts';
import { createLogger } from '../../server/logging.ts';
import { StoreError } from '../../store/errors.ts';
import { readConfig, readOptions } from './options.ts';

const USAGE = `usage: daehwa privacy export --customer <id> [--out <file>]
       daehwa privacy erase --customer <id>

  export   prints everything stored about the customer (sessions, transcripts, queue items,
           offline-message tickets) as JSON, or writes it to --out
  erase    removes all of it and prints what was found and removed
Both use the configured store (daehwa.config.json, DAEHWA_STORE, ...) and are recorded in the audit log.
`;

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export' && sub !== 'erase') {
    if (sub === '-h' || sub === '--help') {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`daehwa privacy: ${sub === undefined ? 'say export or erase' : `unknown action '${sub}'`}\n\n${USAGE}`);
    return 2;
  }
  const parsed = readOptions(`privacy ${sub}`, USAGE, rest, { customer: { type: 'string' }, out: { type: 'string' } });
  if (parsed.values === undefined) return parsed.exitCode;
  const customerId = parsed.values.customer?.trim();
  if (!customerId || customerId.length > 100) {
    process.stderr.write(`daehwa privacy ${sub}: --customer <id> is required (at most 100 characters)\n\n${USAGE}`);
    return 2;
  }
  if (sub === 'erase' && parsed.values.out !== undefined) {
    process.stderr.write(`daehwa privacy erase: --out is for export only\n\n${USAGE}`);
    return 2;
  }

  const loaded = await readConfig('privacy');
  if (!loaded) return 1;
  const { config } = loaded;
  const log = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level });
  let store;
  try {
    store = await openStore(config, log);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    const hint = err.code === 'locked' ? ' (a running server holds it: stop it, or use the admin endpoint)' : '';
    process.stderr.write(`daehwa privacy: the ${config.store.kind} store cannot open: ${err.message}${hint}\n`);
    return 1;
  }
  let failedAudit = false;
  try {
    const audit = new AuditLog({
      store,
      now: () => new Date(),
      onError: (err) => {
        failedAudit = true;
        process.stderr.write(`daehwa privacy: the audit event could not be written: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    });
    const desk = new PrivacyDesk({ store, registry: createPersonalDataRegistry(store), audit, now: () => new Date() });
    const by: Requester = { actor: `cli:${operator()}`, via: 'cli' };
    if (sub === 'export') {
      const exported = await desk.exportCustomer(customerId, by);
      const json = `${JSON.stringify(exported, null, 2)}\n`;
      if (parsed.values.out !== undefined) {
        await writeFile(parsed.values.out, json, { encoding: 'utf8', mode: 0o600 });
        process.stderr.write(`daehwa privacy export: ${describe(exported.found)} for customer ${customerId} written to ${parsed.values.out}\n`);
      } else {
        process.stdout.write(json);
      }
    } else {
      const report = await desk.eraseCustomer(customerId, by);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      process.stderr.write(`daehwa privacy erase: customer ${customerId}: found ${describe(report.found)}; removed ${describe(report.removed)}\n`);
    }
  } finally {
    await store.close();
  }
  return failedAudit ? 1 : 0;
}

function describe(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([kind, count]) => `${count} ${kind.replaceAll('_', ' ')}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}
