// Placeholder until this command is built; replaced by its owner.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('daehwa bench-nlu: not built yet\n');
  return 1;
}
