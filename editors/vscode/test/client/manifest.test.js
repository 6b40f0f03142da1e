// The manifest, the language configuration and the grammar agree with each
// other and with what extension.js registers: the things VS Code reads
// without running any of our code, where a typo fails silently.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const read = (f) => fs.readFileSync(path.join(root, f), 'utf8');
const manifest = JSON.parse(read('package.json'));
const contributes = manifest.contributes;

test('the camp language is contributed for .camp files with its configuration and grammar', () => {
  const [language] = contributes.languages;
  assert.strictEqual(language.id, 'camp');
  assert.deepStrictEqual(language.extensions, ['.camp']);
  assert.ok(fs.existsSync(path.join(root, language.configuration)));
  const [grammar] = contributes.grammars;
  assert.strictEqual(grammar.language, 'camp');
  assert.strictEqual(grammar.scopeName, 'source.camp');
  const tm = JSON.parse(read(grammar.path));
  assert.strictEqual(tm.scopeName, 'source.camp');
  assert.ok(manifest.activationEvents.includes('onLanguage:camp'));
});

test('every repository rule the grammar includes exists', () => {
  const tm = JSON.parse(read(contributes.grammars[0].path));
  const missing = [];
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if (typeof node.include === 'string' && node.include.startsWith('#')) {
        if (!tm.repository[node.include.slice(1)]) missing.push(node.include);
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(tm);
  assert.deepStrictEqual(missing, []);
});

test('the settings exist with the documented defaults', () => {
  const props = contributes.configuration.properties;
  assert.strictEqual(props['campaignc.server.path'].default, 'campaignc');
  assert.deepStrictEqual(props['campaignc.server.extraArgs'].default, []);
  assert.strictEqual(props['campaignc.trace.server'].default, 'off');
  assert.deepStrictEqual(props['campaignc.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('the restart command is declared and registered, and the client id reads campaignc.trace.server', () => {
  const ids = contributes.commands.map((c) => c.command);
  assert.deepStrictEqual(ids, ['campaignc.restartServer']);
  const source = read('extension.js');
  assert.match(source, /registerCommand\('campaignc\.restartServer'/);
  // vscode-languageclient reads `<id>.trace.server`.
  assert.match(source, /new LanguageClient\('campaignc',/);
  assert.strictEqual(manifest.main, './extension.js');
});

test('the runtime dependency is the only dependency, and the engine fits it', () => {
  assert.deepStrictEqual(Object.keys(manifest.dependencies), ['vscode-languageclient']);
  const client = JSON.parse(read('node_modules/vscode-languageclient/package.json'));
  const need = client.engines.vscode.replace(/^\^/, '').split('.').map(Number);
  const have = manifest.engines.vscode.replace(/^\^/, '').split('.').map(Number);
  assert.ok(have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]), `${have} < ${need}`);
});

test('the language configuration: comments, brackets, and regular expressions that compile', () => {
  const config = JSON.parse(read('language-configuration.json'));
  assert.strictEqual(config.comments.lineComment, '//');
  assert.deepStrictEqual(config.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  const regexes = [
    config.wordPattern,
    config.indentationRules.increaseIndentPattern,
    config.indentationRules.decreaseIndentPattern,
    config.folding.markers.start,
    config.folding.markers.end,
    ...config.onEnterRules.map((r) => r.beforeText),
  ];
  for (const r of regexes) assert.doesNotThrow(() => new RegExp(r), r);
});

test('words are names, locale tags, durations and numbers, whole', () => {
  const config = JSON.parse(read('language-configuration.json'));
  const word = new RegExp(config.wordPattern, 'g');
  const words = (s) => s.match(word);
  assert.deepStrictEqual(words('customer.first_name'), ['customer', 'first_name']);
  assert.deepStrictEqual(words('locale zh-Hant {'), ['locale', 'zh-Hant']);
  assert.deepStrictEqual(words('wait 1d12h'), ['wait', '1d12h']);
  assert.deepStrictEqual(words('holdout 12.5%'), ['holdout', '12.5%']);
});

test('indentation follows braces, and a /// line continues on Enter', () => {
  const config = JSON.parse(read('language-configuration.json'));
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  assert.ok(increase.test('campaign onboarding {'));
  assert.ok(increase.test('  wait for app_opened up to 1d {'));
  assert.ok(!increase.test('  on event { send tips }'));
  assert.ok(!increase.test('// a comment {'));
  assert.ok(decrease.test('  }'));
  const doc = config.onEnterRules.find((r) => new RegExp(r.beforeText).test('  /// Doc'));
  assert.strictEqual(doc.action.appendText, '/// ');
});
