// The real `campaignc lsp`, started the way extension.js starts it (the
// command from server.js, `lsp` plus the extra arguments, stdio, the
// workspace folder as the working directory), answers the LSP handshake
// and publishes diagnostics for an opened file.
//
// CAMPAIGNC_BIN names the binary; ci.sh sets it to target/debug/campaignc
// when that exists (.ci/run builds it first). Without it, or with a
// campaignc that has no `lsp` command, the test is skipped and says why.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { pathToFileURL } = require('url');
const rpc = require('vscode-jsonrpc/node');

const { resolveServerCommand, serverArgs } = require('../../server');

const project = path.resolve(__dirname, '../../../../campaigns');

function skipReason() {
  const bin = process.env.CAMPAIGNC_BIN;
  if (!bin) return 'CAMPAIGNC_BIN is not set (ci.sh sets it when target/debug/campaignc exists)';
  const resolution = resolveServerCommand(bin, { workspaceFolder: project });
  if (!resolution.found) return `${bin} does not exist`;
  const probe = spawnSync(resolution.command, ['lsp', '--help'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${resolution.command} has no \`lsp\` command`;
  return undefined;
}

// A guard against a server that never answers, so the suite cannot hang;
// no assertion is made about how long anything takes.
const GUARD = { timeout: 60_000 };

test('the server started like the extension does answers initialize, diagnostics and shutdown', GUARD, async (t) => {
  const reason = skipReason();
  if (reason) {
    t.skip(reason);
    return;
  }
  const command = resolveServerCommand(process.env.CAMPAIGNC_BIN, { workspaceFolder: project }).command;
  const child = spawn(command, serverArgs([]), { cwd: project, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));

  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  const published = [];
  let onPublish = () => {};
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    published.push(params);
    onPublish();
  });
  connection.listen();

  try {
    const rootUri = pathToFileURL(project).href;
    const init = await connection.sendRequest('initialize', {
      processId: process.pid,
      clientInfo: { name: 'campaignc-vscode-test' },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'campaigns' }],
      capabilities: {},
    });
    assert.ok(init && init.capabilities, `initialize answered ${JSON.stringify(init)}`);
    assert.ok(init.capabilities.textDocumentSync !== undefined, 'the server syncs documents');
    connection.sendNotification('initialized', {});

    // A segment that names an attribute the schema does not have.
    const uri = pathToFileURL(path.join(project, 'zz_editor_test.camp')).href;
    const text = 'segment editor_test_typo = loyalty_pointz >= 1\n';
    const diagnosed = new Promise((resolve) => {
      onPublish = () => {
        const mine = published.find((p) => p.uri === uri && p.diagnostics.length > 0);
        if (mine) resolve(mine);
      };
    });
    connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'camp', version: 1, text },
    });
    const mine = await diagnosed;
    const codes = mine.diagnostics.map((d) => d.code);
    assert.ok(
      mine.diagnostics.some((d) => /loyalty_pointz/.test(d.message)),
      `a diagnostic names the unknown attribute: ${JSON.stringify(mine.diagnostics)}`,
    );
    assert.ok(codes.every((c) => typeof c === 'string' && /^[EW]\d{4}$/.test(c)), `codes: ${codes}`);

    await connection.sendRequest('shutdown');
    connection.sendNotification('exit');
    assert.strictEqual(await exited, 0, `the server exits cleanly after shutdown; stderr: ${stderr}`);
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill();
  }
});
