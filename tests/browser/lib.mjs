// Shared helpers of the browser tests: paths, running commands, and Debian's Chromium through playwright-core.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
// Screenshots and saved outputs go here (BROWSER_OUT overrides, e.g. a CI artifacts folder).
export const outDir = process.env.BROWSER_OUT || join(here, 'out');
mkdirSync(outDir, { recursive: true });

// Debian's Jupyter lives in the system Python; a pyenv python3 earlier on PATH lacks it.
export const python = process.env.PY || '/usr/bin/python3';

// run runs a command to completion and returns its stdout, throwing with its output when it fails.
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// launch starts Debian's headless Chromium with the flags DESIGN.md lists.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}
