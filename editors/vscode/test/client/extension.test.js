// extension.js driven through a stand-in for the `vscode` API and for
// vscode-languageclient: what it starts, with which arguments, what it says
// when the binary is missing, and how it restarts. VS Code itself cannot run
// here; the stand-ins record the calls the real ones would receive.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

function fakeBinary(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'campaignc');
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}

/** Loads extension.js with stand-ins; returns it and what they recorded. */
function load({ settings, folder, activeFile }) {
  const record = { errors: [], clients: [], commands: {}, configListeners: [], settingsOpened: [] };
  const vscode = {
    workspace: {
      workspaceFolders: folder ? [{ uri: { fsPath: folder } }] : undefined,
      getConfiguration: (section) => {
        assert.strictEqual(section, 'campaignc');
        return { get: (key, fallback) => (key in settings ? settings[key] : fallback) };
      },
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: (listener) => {
        record.configListeners.push(listener);
        return { dispose() {} };
      },
    },
    window: {
      activeTextEditor: activeFile ? { document: { uri: { scheme: 'file', fsPath: activeFile } } } : undefined,
      createOutputChannel: () => ({ appendLine() {}, show() {}, dispose() {} }),
      showErrorMessage: async (message, ...items) => {
        record.errors.push({ message, items });
        return record.errorChoice;
      },
    },
    commands: {
      registerCommand: (id, fn) => {
        record.commands[id] = fn;
        return { dispose() {} };
      },
      executeCommand: (...args) => record.settingsOpened.push(args),
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: 0, stopped: 0, state: 1 });
      record.clients.push(this);
    }
    async start() {
      this.started++;
      this.state = 2;
    }
    async stop() {
      this.stopped++;
      this.state = 1;
    }
  }
  const languageclient = { LanguageClient, State: { Stopped: 1, Running: 2 } };

  const extensionPath = require.resolve('../../extension');
  delete require.cache[extensionPath];
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return languageclient;
    return original.call(this, request, ...rest);
  };
  try {
    return { extension: require(extensionPath), record };
  } finally {
    Module._load = original;
  }
}

const context = () => ({ subscriptions: [] });

test('the server is started as `<path> lsp <extraArgs>` in the workspace folder, for camp files', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'campaignc-ext-'));
  const bin = fakeBinary(path.join(folder, 'bin'));
  const { extension, record } = load({
    folder,
    settings: { 'server.path': './bin/campaignc', 'server.extraArgs': ['--log', 'x'] },
  });
  await extension.activate(context());
  assert.strictEqual(record.errors.length, 0, JSON.stringify(record.errors));
  assert.strictEqual(record.clients.length, 1);
  const client = record.clients[0];
  assert.strictEqual(client.id, 'campaignc');
  assert.deepStrictEqual(client.serverOptions.run, { command: bin, args: ['lsp', '--log', 'x'], options: { cwd: folder } });
  assert.deepStrictEqual(client.clientOptions.documentSelector, [{ scheme: 'file', language: 'camp' }]);
  assert.strictEqual(client.clientOptions.synchronize.fileEvents.glob, '**/*.camp');
  assert.strictEqual(client.started, 1);
});

test('a missing binary is an error message with the install command, and no client', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'campaignc-ext-'));
  const { extension, record } = load({ folder, settings: { 'server.path': './nowhere/campaignc' } });
  record.errorChoice = 'Open Settings';
  await extension.activate(context());
  // The message is not awaited by activate; let the user's choice arrive.
  await new Promise((resolve) => setImmediate(resolve));
  assert.strictEqual(record.clients.length, 0);
  assert.strictEqual(record.errors.length, 1);
  assert.match(record.errors[0].message, /cargo install --path \. --locked/);
  assert.match(record.errors[0].message, /nowhere\/campaignc/);
  assert.deepStrictEqual(record.errors[0].items, ['Open Settings', 'Show Log']);
  assert.deepStrictEqual(record.settingsOpened, [['workbench.action.openSettings', 'campaignc.server.path']]);
});

test('"Restart server" stops the running client and starts a new one', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'campaignc-ext-'));
  fakeBinary(path.join(folder, 'bin'));
  const { extension, record } = load({ folder, settings: { 'server.path': './bin/campaignc' } });
  await extension.activate(context());
  await record.commands['campaignc.restartServer']();
  assert.strictEqual(record.clients.length, 2);
  assert.deepStrictEqual(
    record.clients.map((c) => [c.started, c.stopped]),
    [[1, 1], [1, 0]],
  );
  await extension.deactivate();
  assert.strictEqual(record.clients[1].stopped, 1);
});

test('changing the server settings restarts it; other settings do not', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'campaignc-ext-'));
  fakeBinary(path.join(folder, 'bin'));
  const { extension, record } = load({ folder, settings: { 'server.path': './bin/campaignc' } });
  await extension.activate(context());
  const [listener] = record.configListeners;
  const change = (key) => ({ affectsConfiguration: (k) => k === key });
  await listener(change('editor.fontSize'));
  assert.strictEqual(record.clients.length, 1);
  await listener(change('campaignc.server.extraArgs'));
  // The restart runs asynchronously; let it finish.
  await new Promise((resolve) => setImmediate(resolve));
  assert.strictEqual(record.clients.length, 2);
  assert.strictEqual(record.clients[0].stopped, 1);
});

test('with no folder open, the project is the directory of the active .camp file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaignc-ext-'));
  const bin = fakeBinary(path.join(dir, 'bin'));
  const { extension, record } = load({
    activeFile: path.join(dir, 'flows', 'onboarding.camp'),
    settings: { 'server.path': bin },
  });
  await extension.activate(context());
  assert.deepStrictEqual(record.clients[0].serverOptions.run.options, { cwd: path.join(dir, 'flows') });
});
