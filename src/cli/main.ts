// The one `daehwa` command. Each sub-command lives in its own module and is loaded on demand,
// so `daehwa classify` does not pay for the server's imports.

type CommandModule = { run(args: string[]): Promise<number> };

const COMMANDS: Record<string, { describe: string; load: () => Promise<CommandModule> }> = {
  train: { describe: 'validate the corpus and train a new model', load: () => import('./commands/train.ts') },
  eval: { describe: 'cross-validate the NLU and write reports/nlu-eval.{md,json}', load: () => import('./commands/eval.ts') },
  classify: { describe: 'classify JSON lines or text lines from stdin', load: () => import('./commands/classify.ts') },
  'bench-nlu': { describe: 'benchmark on a JSON-lines dataset (--dataset FILE)', load: () => import('./commands/bench-nlu.ts') },
  flows: { describe: '`flows check`: validate every flow file', load: () => import('./commands/flows.ts') },
  'test-conversations': { describe: 'run the YAML conversation tests', load: () => import('./commands/test-conversations.ts') },
  replay: { describe: 'run a stored conversation again against the current flows (<sessionId> [--json])', load: () => import('./commands/replay.ts') },
  // analytics (issue 12)
  report: { describe: 'conversation figures for a date range (--from --to [--json])', load: () => import('./commands/report.ts') },
  inbox: { describe: "the trainers' inbox; `inbox assign <cluster> <intent>` adds its lines to the corpus", load: () => import('./commands/inbox.ts') },
  serve: { describe: 'run the shopper websocket server and agent console', load: () => import('./commands/serve.ts') },
  // privacy (issue 18)
  privacy: { describe: '`privacy export|erase --customer ID`: a customer\'s data on request', load: () => import('./commands/privacy.ts') },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(20)} ${c.describe}`);
  return `usage: daehwa <command> [options]\n\n${rows.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`daehwa: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`daehwa: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
