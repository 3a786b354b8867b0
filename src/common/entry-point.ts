import { existsSync } from 'node:fs';

/**
 * Where to start a thread or process from: the compiled `.js` sibling, or the `.ts` source
 * through ts-node when running uncompiled (tests), so one code path serves both.
 */
export function resolveEntryPoint(modulePathWithoutExt: string): { file: string; execArgv: string[] } {
  const js = `${modulePathWithoutExt}.js`;
  if (existsSync(js)) return { file: js, execArgv: [] };
  return { file: `${modulePathWithoutExt}.ts`, execArgv: ['--require', 'ts-node/register/transpile-only'] };
}
