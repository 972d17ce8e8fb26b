// `daehwa serve` (`npm start`): loads config, the model (training one if there is none), the
// flows, the shop and the store, then runs the server until SIGINT or SIGTERM.
//   daehwa serve                     run with daehwa.config.json and the environment
//   daehwa serve --hash-password     read a password on stdin, print its scrypt hash for config
import { hashPassword } from '../../config/passwords.ts';
import { assembleDaehwa, InvalidFlowsError } from '../../server/assemble.ts';
import { createLogger } from '../../server/logging.ts';
import { StoreError } from '../../store/errors.ts';
import { readConfig } from './options.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function printPasswordHash(): Promise<number> {
  const password = await readStdin();
  if (password.length < 8) {
    process.stderr.write('daehwa serve --hash-password: give a password of at least 8 characters on stdin\n');
    return 2;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--hash-password')) return printPasswordHash();

  const loaded = await readConfig('serve');
  if (!loaded) return 1;
  const { config } = loaded;
  const log = createLogger({ level: config.log.level });
  let daehwa;
  try {
    daehwa = await assembleDaehwa(config, { logger: log });
  } catch (err) {
    if (!(err instanceof InvalidFlowsError || err instanceof StoreError)) throw err;
    // The store could not open (database unreachable, migration failed, data directory locked): say why and stop.
    process.stderr.write(`daehwa serve: ${err instanceof StoreError ? `the ${config.store.kind} store cannot open: ` : ''}${err.message}\n`);
    return 1;
  }
  const address = await daehwa.server.listen();
  log.info({ address, config: loaded.source ?? 'defaults', store: config.store.kind, commerce: config.commerce.kind }, 'daehwa is serving');
  process.stderr.write(`daehwa: demo shop ${address}/  agent console ${address}/console\n`);

  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info({ signal }, 'shutting down');
      daehwa.close().then(
        () => resolve(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
