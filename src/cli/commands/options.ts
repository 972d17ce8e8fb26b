// Option parsing shared by the sub-commands: unknown options and --help answered the same way.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import type { DaehwaConfig } from '../../config/schema.ts';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** Parsed values, or the exit code when the command should stop (2: bad options, 0: --help shown). */
export function readOptions<O extends OptionSpecs>(command: string, usage: string, args: string[], options: O) {
  try {
    const { values } = parseArgs({ args, options: { ...options, ...HELP } });
    if ((values as { help?: boolean }).help) {
      process.stdout.write(usage);
      return { exitCode: 0 } as const;
    }
    return { values };
  } catch (err) {
    process.stderr.write(`daehwa ${command}: ${(err as Error).message}\n\n${usage}`);
    return { exitCode: 2 } as const;
  }
}

/** The configuration (file and environment) and where it came from, or null after telling why it is invalid. */
export async function readConfig(command: string): Promise<{ config: DaehwaConfig; source: string | null } | null> {
  const loaded = await loadConfig();
  if (loaded.ok) return loaded;
  process.stderr.write(`daehwa ${command}: invalid configuration\n${loaded.errors.map((e) => `  ${e}`).join('\n')}\n`);
  return null;
}
