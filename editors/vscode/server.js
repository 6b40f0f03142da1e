// Finding the `campaignc` command that runs the language server.
//
// Plain Node, no `vscode` import, so that it is unit-tested with Node's own
// test runner (test/client/server.test.js) outside VS Code.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

/** The hint shown whenever the command cannot be found. */
const INSTALL_HINT =
  'Install it with `cargo install --path . --locked` in a checkout of campaignc, ' +
  'or set `campaignc.server.path` to the full path of the binary.';

function isExecutableFile(file, platform) {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `configured` (the `campaignc.server.path` setting) points.
 *
 * - `~` at the start is the home directory.
 * - A path with a directory part (`./target/debug/campaignc`,
 *   `/usr/local/bin/campaignc`) is taken as it is; a relative one is
 *   resolved against the first workspace folder.
 * - A bare name (`campaignc`, the default) is looked up on `PATH`, then in
 *   `~/.cargo/bin`, where `cargo install` puts it: VS Code started from a
 *   desktop launcher often has a `PATH` without that directory.
 *
 * Returns `{ command, found, tried }`: the command to run (the resolved
 * file when found, else the setting as written), whether it exists and is
 * executable, and every place that was looked at (for the error message).
 */
function resolveServerCommand(configured, options = {}) {
  const env = options.env || process.env;
  const platform = options.platform || process.platform;
  const home = options.homedir || os.homedir();
  const folder = options.workspaceFolder;
  const p = platform === 'win32' ? path.win32 : path.posix;

  let name = (configured || '').trim() || 'campaignc';
  if (name === '~' || name.startsWith('~/') || name.startsWith('~\\')) {
    name = p.join(home, name.slice(1));
  }

  const extensions =
    platform === 'win32'
      ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean).map((e) => e.toLowerCase())]
      : [''];
  const tried = [];
  const probe = (file) => {
    for (const ext of extensions) {
      const candidate = file + ext;
      tried.push(candidate);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
    return undefined;
  };

  const hasDirectory = name.includes('/') || (platform === 'win32' && name.includes('\\'));
  if (hasDirectory) {
    const file = p.isAbsolute(name) ? name : p.resolve(folder || process.cwd(), name);
    const found = probe(file);
    return { command: found || file, found: Boolean(found), tried };
  }

  const dirs = (env.PATH || env.Path || '').split(p.delimiter).filter(Boolean);
  dirs.push(p.join(home, '.cargo', 'bin'));
  for (const dir of dirs) {
    const found = probe(p.join(dir, name));
    if (found) return { command: found, found: true, tried };
  }
  return { command: name, found: false, tried };
}

/** The message shown when the server's command does not exist. */
function notFoundMessage(configured, resolution) {
  const shown = (configured || '').trim() || 'campaignc';
  const where = shown.includes('/') || shown.includes('\\') ? `at \`${resolution.command}\`` : 'on PATH or in ~/.cargo/bin';
  return `campaignc: cannot start the language server: the command \`${shown}\` was not found ${where}. ${INSTALL_HINT}`;
}

/** The arguments the server is started with: `lsp`, then the extra ones. */
function serverArgs(extraArgs) {
  const extra = Array.isArray(extraArgs) ? extraArgs.filter((a) => typeof a === 'string') : [];
  return ['lsp', ...extra];
}

module.exports = { INSTALL_HINT, resolveServerCommand, notFoundMessage, serverArgs };
