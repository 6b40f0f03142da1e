// Unit tests of server.js: how the extension finds `campaignc`.
// Run with `node --test test/client/` (ci.sh does).
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { resolveServerCommand, notFoundMessage, serverArgs } = require('../../server');

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'campaignc-vscode-test-'));
}

function fakeBinary(dir, name = 'campaignc') {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}

test('a bare name is found on PATH', () => {
  const root = tempDir();
  const bin = fakeBinary(path.join(root, 'bin'));
  const r = resolveServerCommand('campaignc', {
    env: { PATH: [path.join(root, 'empty'), path.join(root, 'bin')].join(path.delimiter) },
    homedir: path.join(root, 'home'),
    platform: 'linux',
  });
  assert.deepStrictEqual([r.found, r.command], [true, bin]);
});

test('a bare name missing from PATH is found in ~/.cargo/bin, where cargo install puts it', () => {
  const root = tempDir();
  const home = path.join(root, 'home');
  const bin = fakeBinary(path.join(home, '.cargo', 'bin'));
  const r = resolveServerCommand('campaignc', { env: { PATH: '' }, homedir: home, platform: 'linux' });
  assert.deepStrictEqual([r.found, r.command], [true, bin]);
});

test('an empty setting means the default, campaignc', () => {
  const root = tempDir();
  const bin = fakeBinary(path.join(root, 'bin'));
  const r = resolveServerCommand('  ', { env: { PATH: path.join(root, 'bin') }, homedir: root, platform: 'linux' });
  assert.strictEqual(r.command, bin);
});

test('a relative path is taken from the workspace folder', () => {
  const root = tempDir();
  const bin = fakeBinary(path.join(root, 'target', 'debug'));
  const r = resolveServerCommand('./target/debug/campaignc', {
    env: { PATH: '' },
    workspaceFolder: root,
    homedir: root,
    platform: 'linux',
  });
  assert.deepStrictEqual([r.found, r.command], [true, bin]);
});

test('~ is the home directory', () => {
  const root = tempDir();
  const bin = fakeBinary(path.join(root, 'tools'));
  const r = resolveServerCommand('~/tools/campaignc', { env: { PATH: '' }, homedir: root, platform: 'linux' });
  assert.deepStrictEqual([r.found, r.command], [true, bin]);
});

test('a file that is not executable does not count', () => {
  const root = tempDir();
  const file = fakeBinary(path.join(root, 'bin'));
  fs.chmodSync(file, 0o644);
  const r = resolveServerCommand('campaignc', { env: { PATH: path.join(root, 'bin') }, homedir: root, platform: 'linux' });
  assert.strictEqual(r.found, false);
});

test('a missing command gives a message that says how to install it', () => {
  const root = tempDir();
  const r = resolveServerCommand('campaignc', { env: { PATH: path.join(root, 'bin') }, homedir: root, platform: 'linux' });
  assert.strictEqual(r.found, false);
  assert.strictEqual(r.command, 'campaignc');
  assert.ok(r.tried.includes(path.join(root, 'bin', 'campaignc')));
  assert.ok(r.tried.includes(path.join(root, '.cargo', 'bin', 'campaignc')));
  const message = notFoundMessage('campaignc', r);
  assert.match(message, /`campaignc` was not found on PATH/);
  assert.match(message, /cargo install --path \. --locked/);
});

test('a missing explicit path is named in the message', () => {
  const root = tempDir();
  const r = resolveServerCommand('./nope/campaignc', { env: { PATH: '' }, workspaceFolder: root, homedir: root, platform: 'linux' });
  assert.strictEqual(r.found, false);
  assert.match(notFoundMessage('./nope/campaignc', r), new RegExp(`at \`${path.join(root, 'nope', 'campaignc')}\``));
});

test('the server is started as `lsp` followed by the extra arguments', () => {
  assert.deepStrictEqual(serverArgs(undefined), ['lsp']);
  assert.deepStrictEqual(serverArgs(['--log', 'debug']), ['lsp', '--log', 'debug']);
  assert.deepStrictEqual(serverArgs(['--x', 3, null]), ['lsp', '--x']);
});
