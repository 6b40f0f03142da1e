// The VS Code client of `campaignc lsp`: starts the language server over
// stdio for `.camp` files and restarts it on request or when its settings
// change. Plain JavaScript, so the extension needs no build step.
'use strict';

const path = require('path');
const vscode = require('vscode');
const { LanguageClient, State } = require('vscode-languageclient/node');
const { resolveServerCommand, notFoundMessage, serverArgs } = require('./server');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let outputChannel;

/**
 * The project directory: the first workspace folder (the server reads the
 * same folder from the initialize request). With no folder open, the
 * directory of the active `.camp` file, given to the server as its working
 * directory, which it then takes as the project.
 */
function projectDirectory() {
  const folders = vscode.workspace.workspaceFolders;
  if (folders && folders.length > 0) return folders[0].uri.fsPath;
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.scheme === 'file') return path.dirname(editor.document.uri.fsPath);
  return undefined;
}

async function startClient() {
  const config = vscode.workspace.getConfiguration('campaignc');
  const configured = config.get('server.path', 'campaignc');
  const folder = projectDirectory();
  const resolution = resolveServerCommand(configured, { workspaceFolder: folder });

  if (!resolution.found) {
    const message = notFoundMessage(configured, resolution);
    outputChannel.appendLine(message);
    outputChannel.appendLine(`Looked at: ${resolution.tried.join(', ')}`);
    // Not awaited: activation must not wait for the user to close the message.
    vscode.window.showErrorMessage(message, 'Open Settings', 'Show Log').then((choice) => {
      if (choice === 'Open Settings') {
        vscode.commands.executeCommand('workbench.action.openSettings', 'campaignc.server.path');
      } else if (choice === 'Show Log') {
        outputChannel.show();
      }
    });
    return;
  }

  const executable = {
    command: resolution.command,
    args: serverArgs(config.get('server.extraArgs', [])),
    options: { cwd: folder },
  };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    // Files only: the server knows a document by its path in the project.
    documentSelector: [{ scheme: 'file', language: 'camp' }],
    synchronize: {
      // Files changed on disk (a `git checkout`, another editor) reach the
      // server as workspace/didChangeWatchedFiles.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.camp'),
    },
    outputChannel,
  };

  // The id `campaignc` makes the client read `campaignc.trace.server`.
  client = new LanguageClient('campaignc', 'campaignc', serverOptions, clientOptions);
  outputChannel.appendLine(`Starting ${executable.command} ${executable.args.join(' ')}`);
  try {
    await client.start();
  } catch (err) {
    const detail = err && err.message ? err.message : String(err);
    vscode.window.showErrorMessage(
      `campaignc: the language server \`${executable.command} lsp\` failed to start: ${detail}`,
    );
  }
}

async function stopClient() {
  if (!client) return;
  const stopping = client;
  client = undefined;
  if (stopping.state !== State.Stopped) {
    try {
      await stopping.stop();
    } catch {
      // A server that already died cannot be asked to shut down.
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  outputChannel = vscode.window.createOutputChannel('campaignc');
  context.subscriptions.push(outputChannel);
  context.subscriptions.push(vscode.commands.registerCommand('campaignc.restartServer', restartClient));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        event.affectsConfiguration('campaignc.server.path') ||
        event.affectsConfiguration('campaignc.server.extraArgs')
      ) {
        restartClient();
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
