#!/usr/bin/env node
// The source of syntaxes/camp.tmLanguage.json, the TextMate grammar of
// `.camp` files. Regular expressions are far easier to read and review as
// String.raw literals than as JSON strings with every backslash doubled, so
// the grammar is written here and the JSON is generated from it:
//
//   node syntaxes/grammar.js          # rewrite camp.tmLanguage.json
//   node syntaxes/grammar.js --check  # fail if the JSON is not up to date (ci.sh)
//
// The grammar follows grammar/campaign.pest (the compiler's real grammar)
// and docs/language.md. It is lexical: contexts (a schema, a campaign, a
// flow, a message, a persona, a test) are tracked by their braces, so a
// word is a keyword where the language reads it as one and a name
// elsewhere (`event` in `event.total`, `locale` as a persona field).
//
// Strings hold Handlebars templates. As in the pest grammar, a `{{ … }}`
// tag inside a "…" string is taken whole (quotes inside it do not end the
// string) when its `}}` is on the same line, and a `{{` with no `}}` after
// it on its line is plain text. In a """…""" block string a tag may span
// lines and ends at the latest where the block string does.
'use strict';

const fs = require('fs');
const path = require('path');

const r = String.raw;

// A name: `[a-z_][a-z0-9_]*` (grammar/campaign.pest `name`).
const NAME = r`[a-z_][a-z0-9_]*`;
// Any word a tracking plan may use as an attribute or property name.
const WORD = r`[A-Za-z_][A-Za-z0-9_]*`;
// A keyword is a whole word that is not part of a path (`customer.not`).
const kw = (words) => r`(?<![\w.@])(?:${words.join('|')})(?![\w])`;
const word = (w) => r`(?<![\w.@])${w}(?![\w])`;
// A BCP 47 locale tag: `en`, `zh-Hant`, `pt-BR`.
const LOCALE = r`[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*`;

// A block that was never closed ends where the next declaration starts at
// the beginning of a line, as the compiler's error recovery does, so one
// missing `}` does not colour the rest of the file wrongly.
const DECLARATION_START = r`(?=^(?:(?:segment|score|campaign|persona)\s+[a-z_][a-z0-9_]*\s*[={]|message\s+[a-z_][a-z0-9_]*\s*:|test\s+"|(?:schema|defaults|lifecycle)\s*\{))`;
const BLOCK_END = r`(\})|${DECLARATION_START}`;

const CHANNELS = ['email', 'sms', 'push', 'in_app', 'webhook'];
const BUILTIN_TYPES = [
  'bool', 'int', 'decimal', 'string', 'email', 'phone', 'url', 'locale',
  'timezone', 'time', 'date', 'duration',
];
const HELPERS = ['default', 'money', 'number', 'date', 'plural', 'upper', 'lower'];
const BLOCK_HELPERS = ['if', 'unless', 'each', 'with'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const brace = (which) => ({
  0: { name: `punctuation.section.block.${which}.camp` },
});

// `{ … }` that opens a context: `begin` names the head, `patterns` the body.
function block(begin, beginCaptures, patterns, name) {
  const rule = {
    begin,
    beginCaptures,
    end: BLOCK_END,
    endCaptures: { 1: { name: 'punctuation.section.block.end.camp' } },
    patterns,
  };
  if (name) rule.name = name;
  return rule;
}

// `type NAME { field: TYPE, … }` or `event NAME { property: TYPE, … }`.
function recordDeclaration(keyword, kind) {
  return block(
    r`(${word(keyword)})\s+(${WORD})\s*(\{)`,
    {
      1: { name: `keyword.declaration.${keyword}.camp` },
      2: { name: `entity.name.type.${kind}.camp` },
      3: { name: 'punctuation.section.block.begin.camp' },
    },
    [
      { include: '#comments' },
      {
        match: r`(${WORD})\s*(:)`,
        captures: {
          1: { name: 'variable.other.property.camp' },
          2: { name: 'punctuation.separator.type.camp' },
        },
      },
      { include: '#type-expression' },
      { include: '#punctuation' },
    ],
    `meta.block.${keyword}.camp`,
  );
}

// The name a tag or subexpression starts with, when arguments follow it, is
// a helper: campaignc's own (`default`, `money`, …, HELPERS in
// src/template/helpers.rs) or Handlebars' built-in ones, or an unknown
// helper (the checker reports it). A name that ends its line starts a tag
// continued on the next line, and is taken as a helper too. Two capture
// groups: known, other.
const KNOWN_HELPERS = [...HELPERS, ...BLOCK_HELPERS, 'lookup', 'log'];
const helperCall = (argStart) =>
  r`(?:(?:(${KNOWN_HELPERS.join('|')})(?![\w-])|(${WORD}))(?=\s+${argStart}|\s*$))?`;
const HELPER_CAPTURES = (known, other) => ({
  [known]: { name: 'support.function.builtin.handlebars' },
  [other]: { name: 'entity.name.function.helper.handlebars' },
});

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'campaignc',
  scopeName: 'source.camp',
  fileTypes: ['camp'],
  patterns: [
    { include: '#comments' },
    { include: '#declarations' },
    { include: '#expression' },
  ],
  repository: {
    // ------------------------------------------------------------------
    // Comments
    // ------------------------------------------------------------------
    comments: {
      patterns: [
        {
          // `///` starting a line is a doc comment (`////` is not).
          name: 'comment.line.documentation.camp',
          begin: r`^\s*(///)(?!/)`,
          beginCaptures: { 1: { name: 'punctuation.definition.comment.camp' } },
          end: '$',
          patterns: [
            {
              name: 'markup.inline.raw.camp',
              match: '`[^`]*`',
            },
          ],
        },
        {
          name: 'comment.line.double-slash.camp',
          begin: '//',
          beginCaptures: { 0: { name: 'punctuation.definition.comment.camp' } },
          end: '$',
        },
      ],
    },

    // ------------------------------------------------------------------
    // Top-level declarations
    // ------------------------------------------------------------------
    declarations: {
      patterns: [
        { include: '#defaults' },
        { include: '#schema' },
        { include: '#lifecycle' },
        { include: '#segment' },
        { include: '#score' },
        { include: '#message' },
        { include: '#campaign' },
        { include: '#persona' },
        { include: '#test' },
      ],
    },

    defaults: block(
      r`(${word('defaults')})\s*(\{)`,
      {
        1: { name: 'keyword.declaration.defaults.camp' },
        2: { name: 'punctuation.section.block.begin.camp' },
      },
      [{ include: '#fields' }],
      'meta.block.defaults.camp',
    ),

    schema: block(
      r`(${word('schema')})\s*(\{)`,
      {
        1: { name: 'keyword.declaration.schema.camp' },
        2: { name: 'punctuation.section.block.begin.camp' },
      },
      [
        { include: '#comments' },
        { include: '#attr-declaration' },
        { include: '#record-declaration' },
        { include: '#type-expression' },
        { include: '#punctuation' },
      ],
      'meta.block.schema.camp',
    ),

    'attr-declaration': {
      match: r`(${word('attr')})\s+(${WORD})\s*(:)`,
      captures: {
        1: { name: 'keyword.declaration.attr.camp' },
        2: { name: 'variable.other.property.attribute.camp' },
        3: { name: 'punctuation.separator.type.camp' },
      },
    },

    // `type cart_item { … }` and `event order_placed { … }` in a schema.
    'record-declaration': {
      patterns: [recordDeclaration('type', 'record'), recordDeclaration('event', 'event')],
    },

    'type-expression': {
      patterns: [
        {
          // consent(email)
          match: r`(${word('consent')})\s*(\()\s*(${WORD})\s*(\))`,
          captures: {
            1: { name: 'storage.modifier.consent.camp' },
            2: { name: 'punctuation.section.parens.begin.camp' },
            3: { name: 'support.constant.channel.camp' },
            4: { name: 'punctuation.section.parens.end.camp' },
          },
        },
        {
          // money(USD)
          match: r`(${word('money')})\s*(\()\s*([A-Z][A-Za-z]*)\s*(\))`,
          captures: {
            1: { name: 'support.type.money.camp' },
            2: { name: 'punctuation.section.parens.begin.camp' },
            3: { name: 'support.constant.currency.camp' },
            4: { name: 'punctuation.section.parens.end.camp' },
          },
        },
        {
          // enum(free, trial, pro)
          begin: r`(${word('enum')})\s*(\()`,
          beginCaptures: {
            1: { name: 'support.type.enum.camp' },
            2: { name: 'punctuation.section.parens.begin.camp' },
          },
          end: r`\)`,
          endCaptures: { 0: { name: 'punctuation.section.parens.end.camp' } },
          patterns: [
            { include: '#comments' },
            { match: WORD, name: 'variable.other.enummember.camp' },
            { include: '#punctuation' },
          ],
        },
        {
          // list<cart_item>
          begin: r`(${word('list')})\s*(<)`,
          beginCaptures: {
            1: { name: 'support.type.list.camp' },
            2: { name: 'punctuation.definition.typeparameters.begin.camp' },
          },
          end: '>',
          endCaptures: { 0: { name: 'punctuation.definition.typeparameters.end.camp' } },
          patterns: [{ include: '#type-expression' }],
        },
        { match: kw(BUILTIN_TYPES), name: 'support.type.primitive.camp' },
        { match: r`\?`, name: 'keyword.operator.optional.camp' },
        { match: r`(?<![\w.])${NAME}(?![\w])`, name: 'entity.name.type.record.camp' },
      ],
    },

    lifecycle: block(
      r`(${word('lifecycle')})\s*(\{)`,
      {
        1: { name: 'keyword.declaration.lifecycle.camp' },
        2: { name: 'punctuation.section.block.begin.camp' },
      },
      [
        { include: '#comments' },
        { match: word('stages'), name: 'keyword.other.stages.camp' },
        { match: NAME, name: 'variable.other.enummember.stage.camp' },
        { include: '#punctuation' },
      ],
      'meta.block.lifecycle.camp',
    ),

    // `segment NAME = EXPR`: the expression that follows is read by the
    // top-level `#expression` include (it may span lines).
    segment: {
      match: r`(${word('segment')})\s+(${NAME})\s*(=)(?!=)`,
      captures: {
        1: { name: 'keyword.declaration.segment.camp' },
        2: { name: 'entity.name.function.segment.camp' },
        3: { name: 'keyword.operator.assignment.camp' },
      },
    },

    score: block(
      r`(${word('score')})\s+(${NAME})\s*(\{)`,
      {
        1: { name: 'keyword.declaration.score.camp' },
        2: { name: 'entity.name.function.score.camp' },
        3: { name: 'punctuation.section.block.begin.camp' },
      },
      [
        { include: '#comments' },
        {
          // The points of a rule: `+10 if …`, `-5 per …`, `3 per …`.
          match: r`(?<![\w.])[+-]?\d+(?=\s+(?:if|per)(?![\w]))`,
          name: 'constant.numeric.points.camp',
        },
        {
          match: r`(${word('per')})\s+(${WORD})`,
          captures: {
            1: { name: 'keyword.other.per.camp' },
            2: { name: 'entity.name.type.event.camp' },
          },
        },
        { match: word('max'), name: 'keyword.other.max.camp' },
        { include: '#expression' },
      ],
      'meta.block.score.camp',
    ),

    message: block(
      r`(${word('message')})\s+(${NAME})\s*(:)\s*(${NAME})?\s*(\{)`,
      {
        1: { name: 'keyword.declaration.message.camp' },
        2: { name: 'entity.name.type.message.camp' },
        3: { name: 'punctuation.separator.channel.camp' },
        4: { name: 'support.constant.channel.camp' },
        5: { name: 'punctuation.section.block.begin.camp' },
      },
      [
        { include: '#comments' },
        {
          name: 'meta.block.locale.camp',
          begin: r`(${word('locale')})\s+(${LOCALE})\s*(\{)`,
          beginCaptures: {
            1: { name: 'keyword.declaration.locale.camp' },
            2: { name: 'constant.other.locale.camp' },
            3: { name: 'punctuation.section.block.begin.camp' },
          },
          end: BLOCK_END,
          endCaptures: { 1: { name: 'punctuation.section.block.end.camp' } },
          patterns: [{ include: '#fields' }],
        },
        { include: '#fields' },
      ],
      'meta.block.message.camp',
    ),

    // ------------------------------------------------------------------
    // Campaigns and flows
    // ------------------------------------------------------------------
    campaign: block(
      r`(${word('campaign')})\s+(${NAME})\s*(\{)`,
      {
        1: { name: 'keyword.declaration.campaign.camp' },
        2: { name: 'entity.name.type.campaign.camp' },
        3: { name: 'punctuation.section.block.begin.camp' },
      },
      [
        { include: '#comments' },
        { include: '#flow' },
        { include: '#campaign-settings' },
        { include: '#expression' },
      ],
      'meta.block.campaign.camp',
    ),

    'campaign-settings': {
      patterns: [
        {
          match: r`(${word('stage')})\s+(${NAME})`,
          captures: {
            1: { name: 'keyword.other.setting.camp' },
            2: { name: 'variable.other.enummember.stage.camp' },
          },
        },
        {
          match: r`(${word('trigger')})\s+(${word('event')})\s+(${WORD})`,
          captures: {
            1: { name: 'keyword.other.setting.camp' },
            2: { name: 'keyword.other.trigger.camp' },
            3: { name: 'entity.name.type.event.camp' },
          },
        },
        {
          match: r`(${word('trigger')})\s+(${word('enters')})\s+(${NAME})`,
          captures: {
            1: { name: 'keyword.other.setting.camp' },
            2: { name: 'keyword.other.trigger.camp' },
            3: { name: 'entity.name.function.segment.camp' },
          },
        },
        {
          match: r`(${word('trigger')})\s+(${word('changed')})\s+(${WORD})(?:\s+(${word('to')}))?`,
          captures: {
            1: { name: 'keyword.other.setting.camp' },
            2: { name: 'keyword.other.trigger.camp' },
            3: { name: 'variable.other.property.attribute.camp' },
            4: { name: 'keyword.other.trigger.camp' },
          },
        },
        {
          match: r`(${word('trigger')})\s+(${word('every')})(?:\s+(${kw(['day', 'month'])}))?`,
          captures: {
            1: { name: 'keyword.other.setting.camp' },
            2: { name: 'keyword.other.trigger.camp' },
            3: { name: 'keyword.other.trigger.camp' },
          },
        },
        {
          match: r`(${word('reentry')})\s+(?:(${word('never')})|(${word('after')}))`,
          captures: {
            1: { name: 'keyword.other.setting.camp' },
            2: { name: 'keyword.other.reentry.camp' },
            3: { name: 'keyword.other.reentry.camp' },
          },
        },
        {
          match: r`(${word('exit')})\s+(${word('when')})`,
          captures: {
            1: { name: 'keyword.other.setting.camp' },
            2: { name: 'keyword.other.setting.camp' },
          },
        },
        {
          // locales en, vi, zh-Hant
          begin: r`(${word('locales')})(?=\s)`,
          beginCaptures: { 1: { name: 'keyword.other.setting.camp' } },
          end: r`$|(?=[}])`,
          patterns: [
            { include: '#comments' },
            { match: LOCALE, name: 'constant.other.locale.camp' },
            { include: '#punctuation' },
          ],
        },
        {
          match: r`(${word('cap')})(?=\s)`,
          captures: { 1: { name: 'keyword.other.setting.camp' } },
        },
        {
          match: kw(['trigger', 'audience', 'goal', 'send_window', 'holdout', 'priority', 'per', 'at', 'on']),
          name: 'keyword.other.setting.camp',
        },
      ],
    },

    flow: block(
      r`(${word('flow')})\s*(\{)`,
      {
        1: { name: 'keyword.other.flow.camp' },
        2: { name: 'punctuation.section.block.begin.camp' },
      },
      [{ include: '#flow-body' }],
      'meta.block.flow.camp',
    ),

    'flow-body': {
      patterns: [
        { include: '#comments' },
        {
          // `LABEL: step`: the step's explicit identity in the plan.
          match: r`(${NAME})\s*(:)(?=\s*(?:send|wait|if|split|set|exit)(?![\w]))`,
          captures: {
            1: { name: 'entity.name.label.camp' },
            2: { name: 'punctuation.separator.label.camp' },
          },
        },
        {
          match: r`(${word('send')})\s+(${NAME})`,
          captures: {
            1: { name: 'keyword.control.flow.send.camp' },
            2: { name: 'entity.name.type.message.camp' },
          },
        },
        {
          match: r`(${word('wait')})\s+(${word('for')})\s+(${WORD})`,
          captures: {
            1: { name: 'keyword.control.flow.wait.camp' },
            2: { name: 'keyword.control.flow.wait.camp' },
            3: { name: 'entity.name.type.event.camp' },
          },
        },
        {
          match: r`(${word('up')})\s+(${word('to')})`,
          captures: {
            1: { name: 'keyword.control.flow.wait.camp' },
            2: { name: 'keyword.control.flow.wait.camp' },
          },
        },
        {
          match: r`(${word('wait')})(?:\s+(${word('until')}))?`,
          captures: {
            1: { name: 'keyword.control.flow.wait.camp' },
            2: { name: 'keyword.control.flow.wait.camp' },
          },
        },
        {
          match: r`(${word('on')})\s+(${kw(['event', 'timeout'])})`,
          captures: {
            1: { name: 'keyword.control.flow.on.camp' },
            2: { name: 'keyword.control.flow.on.camp' },
          },
        },
        { match: word('on'), name: 'keyword.control.flow.on.camp' },
        { match: kw(['if', 'else']), name: 'keyword.control.conditional.camp' },
        {
          match: r`(${word('set')})\s+(${WORD})\s*(=)(?!=)`,
          captures: {
            1: { name: 'keyword.control.flow.set.camp' },
            2: { name: 'variable.other.property.attribute.camp' },
            3: { name: 'keyword.operator.assignment.camp' },
          },
        },
        { match: word('exit'), name: 'keyword.control.flow.exit.camp' },
        {
          name: 'meta.block.split.camp',
          begin: r`(${word('split')})\s+(${NAME})\s*(\{)`,
          beginCaptures: {
            1: { name: 'keyword.control.flow.split.camp' },
            2: { name: 'entity.name.label.split.camp' },
            3: { name: 'punctuation.section.block.begin.camp' },
          },
          end: BLOCK_END,
          endCaptures: { 1: { name: 'punctuation.section.block.end.camp' } },
          patterns: [
            { include: '#comments' },
            {
              // A variant: `a 50% { … }`.
              match: r`(?<![\w.])(${NAME})(?=\s+[-\d"])`,
              captures: { 1: { name: 'entity.name.label.variant.camp' } },
            },
            { include: '#nested-flow-block' },
            { include: '#value' },
          ],
        },
        { include: '#nested-flow-block' },
        { include: '#expression' },
      ],
    },

    'nested-flow-block': {
      name: 'meta.block.camp',
      begin: r`\{`,
      beginCaptures: brace('begin'),
      end: BLOCK_END,
      endCaptures: { 1: { name: 'punctuation.section.block.end.camp' } },
      patterns: [{ include: '#flow-body' }],
    },

    // ------------------------------------------------------------------
    // Personas and tests
    // ------------------------------------------------------------------
    persona: block(
      r`(${word('persona')})\s+(${NAME})\s*(\{)`,
      {
        1: { name: 'keyword.declaration.persona.camp' },
        2: { name: 'entity.name.type.persona.camp' },
        3: { name: 'punctuation.section.block.begin.camp' },
      },
      [
        { include: '#comments' },
        {
          name: 'meta.block.event.camp',
          begin: r`(${word('event')})\s+(${WORD})\s*(\{)`,
          beginCaptures: {
            1: { name: 'keyword.other.event.camp' },
            2: { name: 'entity.name.type.event.camp' },
            3: { name: 'punctuation.section.block.begin.camp' },
          },
          end: BLOCK_END,
          endCaptures: { 1: { name: 'punctuation.section.block.end.camp' } },
          patterns: [{ include: '#fields' }],
        },
        { include: '#fields' },
      ],
      'meta.block.persona.camp',
    ),

    test: block(
      r`(${word('test')})\s+("(?:[^"\\]|\\.)*")\s*(\{)`,
      {
        1: { name: 'keyword.declaration.test.camp' },
        2: { name: 'string.quoted.double.camp entity.name.section.test.camp' },
        3: { name: 'punctuation.section.block.begin.camp' },
      },
      [{ include: '#test-body' }],
      'meta.block.test.camp',
    ),

    'test-body': {
      patterns: [
        { include: '#comments' },
        {
          match: r`(${word('campaign')})\s+(${NAME})`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'entity.name.type.campaign.camp' },
          },
        },
        {
          match: r`(${word('persona')})\s+(${NAME})`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'entity.name.type.persona.camp' },
          },
        },
        {
          match: r`(${word('variant')})\s+(?:(${kw(['holdout', 'treatment'])})|(${NAME})(\.)(${NAME}))`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'keyword.other.test.camp' },
            3: { name: 'entity.name.label.split.camp' },
            4: { name: 'punctuation.accessor.camp' },
            5: { name: 'entity.name.label.variant.camp' },
          },
        },
        {
          match: r`(${word('event')})\s+(${WORD})`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'entity.name.type.event.camp' },
          },
        },
        {
          match: r`(${word('set')})\s+(${WORD})\s*(=)(?!=)`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'variable.other.property.attribute.camp' },
            3: { name: 'keyword.operator.assignment.camp' },
          },
        },
        {
          match: r`(${word('expect')})(?:\s+(${word('not')}))?\s+(${word('sent')})\s+(${NAME})`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'keyword.operator.logical.camp' },
            3: { name: 'keyword.other.test.camp' },
            4: { name: 'entity.name.type.message.camp' },
          },
        },
        {
          match: r`(${word('expect')})\s+(customer)(\.)(${WORD})`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'variable.language.customer.camp' },
            3: { name: 'punctuation.accessor.camp' },
            4: { name: 'variable.other.property.camp' },
          },
        },
        {
          match: r`(${word('expect')})\s+(${kw(['converted', 'exited', 'completed'])})`,
          captures: {
            1: { name: 'keyword.other.test.camp' },
            2: { name: 'keyword.other.test.camp' },
          },
        },
        { match: kw(['expect', 'start', 'at', 'by']), name: 'keyword.other.test.camp' },
        { include: '#record' },
        { include: '#value' },
        { include: '#path' },
        { include: '#operators' },
      ],
    },

    // ------------------------------------------------------------------
    // Fields and values (defaults, messages, personas, records, tests)
    // ------------------------------------------------------------------
    fields: {
      patterns: [
        { include: '#comments' },
        {
          // A key starts an entry: at the start of a line, after `{` or
          // `,`, or after the end of the previous value on the same line
          // (`{ title "Hi"  body "Hello" }`).
          // `locale en {` in a message and `event NAME {` in a persona
          // open blocks of their own.
          match: r`(?:^\s*|(?<=[{,])\s*|(?<=["\]}%])\s+)(?!(?:locale|event)\s+[\w-]+\s*\{)(${WORD})(?=\s|$)`,
          captures: { 1: { name: 'variable.other.property.camp' } },
        },
        { include: '#value' },
      ],
    },

    record: {
      name: 'meta.record.camp',
      begin: r`\{`,
      beginCaptures: brace('begin'),
      end: r`\}`,
      endCaptures: brace('end'),
      patterns: [{ include: '#fields' }],
    },

    list: {
      name: 'meta.list.camp',
      begin: r`\[`,
      beginCaptures: { 0: { name: 'punctuation.section.brackets.begin.camp' } },
      end: r`\]`,
      endCaptures: { 0: { name: 'punctuation.section.brackets.end.camp' } },
      patterns: [{ include: '#comments' }, { include: '#value' }, { include: '#expression' }],
    },

    value: {
      patterns: [
        { include: '#strings' },
        { include: '#literals' },
        { include: '#list' },
        { include: '#record' },
        // A bare word: an enum variant (`trial`), a locale tag (`zh-Hant`), `POST`.
        { match: r`(?<![\w.@-])${LOCALE}(?![\w.-])`, name: 'variable.other.enummember.camp' },
        { include: '#punctuation' },
      ],
    },

    // ------------------------------------------------------------------
    // Expressions
    // ------------------------------------------------------------------
    expression: {
      patterns: [
        { include: '#comments' },
        { include: '#strings' },
        { include: '#literals' },
        {
          match: r`(${word('performed')})\s+(${WORD})`,
          captures: {
            1: { name: 'support.function.query.camp' },
            2: { name: 'entity.name.type.event.camp' },
          },
        },
        {
          begin: r`(${kw(['count', 'sum', 'last'])})\s*(\()\s*(?:(${WORD})(?:(\.)(${WORD}))?)?`,
          beginCaptures: {
            1: { name: 'support.function.query.camp' },
            2: { name: 'punctuation.section.parens.begin.camp' },
            3: { name: 'entity.name.type.event.camp' },
            4: { name: 'punctuation.accessor.camp' },
            5: { name: 'variable.other.property.camp' },
          },
          end: r`\)`,
          endCaptures: { 0: { name: 'punctuation.section.parens.end.camp' } },
          patterns: [{ include: '#expression' }],
        },
        {
          match: r`(${word('since')})\s+(${word('entry')})`,
          captures: {
            1: { name: 'keyword.other.window.camp' },
            2: { name: 'keyword.other.window.camp' },
          },
        },
        { match: kw(['where', 'within', 'since']), name: 'keyword.other.query.camp' },
        { match: kw(['and', 'or', 'not']), name: 'keyword.operator.logical.camp' },
        {
          match: r`(${word('is')})(?:\s+(${word('not')}))?\s+(${word('set')})`,
          captures: {
            1: { name: 'keyword.operator.word.camp' },
            2: { name: 'keyword.operator.word.camp' },
            3: { name: 'keyword.operator.word.camp' },
          },
        },
        { match: kw(['in', 'contains', 'starts_with', 'ends_with']), name: 'keyword.operator.word.camp' },
        { match: word('now'), name: 'variable.language.now.camp' },
        { match: kw(['if', 'else']), name: 'keyword.control.conditional.camp' },
        {
          begin: r`\(`,
          beginCaptures: { 0: { name: 'punctuation.section.parens.begin.camp' } },
          end: r`\)`,
          endCaptures: { 0: { name: 'punctuation.section.parens.end.camp' } },
          patterns: [{ include: '#expression' }],
        },
        { include: '#list' },
        { include: '#path' },
        { include: '#operators' },
        { include: '#punctuation' },
        { match: r`(?<![\w.@-])${LOCALE}(?![\w-])`, name: 'variable.other.enummember.camp' },
      ],
    },

    // `customer.first_name`, `event.total`, `plan`, `order_placed.total`.
    path: {
      patterns: [
        {
          match: r`(?<![\w.@])(customer|event|campaign)(?=\.)`,
          name: 'variable.language.$1.camp',
        },
        {
          match: r`(?<![\w.@])${WORD}(?=\.)`,
          name: 'variable.other.object.camp',
        },
        {
          match: r`(\.)(${WORD})`,
          captures: {
            1: { name: 'punctuation.accessor.camp' },
            2: { name: 'variable.other.property.camp' },
          },
        },
        {
          match: r`(?<![\w.@-])${NAME}(?![\w-])`,
          name: 'variable.other.readwrite.camp',
        },
      ],
    },

    operators: {
      patterns: [
        { match: '==|!=|<=|>=|<|>', name: 'keyword.operator.comparison.camp' },
        { match: '=', name: 'keyword.operator.assignment.camp' },
        { match: r`[+-]`, name: 'keyword.operator.arithmetic.camp' },
      ],
    },

    punctuation: {
      patterns: [
        { match: ',', name: 'punctuation.separator.comma.camp' },
        { match: ':', name: 'punctuation.separator.colon.camp' },
        { match: r`\.`, name: 'punctuation.accessor.camp' },
      ],
    },

    // ------------------------------------------------------------------
    // Literals (grammar/campaign.pest `number_like`, longest forms first)
    // ------------------------------------------------------------------
    literals: {
      patterns: [
        {
          match: r`(?<![\w.:-])\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})(?![\w])`,
          name: 'constant.numeric.instant.camp',
        },
        {
          match: r`(?<![\w.:-])\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?![\w:])`,
          name: 'constant.numeric.datetime.camp',
        },
        {
          match: r`(?<![\w.:-])\d{4}-\d{2}-\d{2}(?![\w])`,
          name: 'constant.numeric.date.camp',
        },
        {
          // A send window: `09:00-21:00`.
          match: r`(?<![\w.:])(\d{1,2}:\d{2})(-)(\d{1,2}:\d{2})(?![\w:])`,
          captures: {
            1: { name: 'constant.numeric.clock.camp' },
            2: { name: 'punctuation.separator.range.camp' },
            3: { name: 'constant.numeric.clock.camp' },
          },
        },
        {
          // 09:00, 9:00
          match: r`(?<![\w.:])\d{1,2}:\d{2}(?![\w:])`,
          name: 'constant.numeric.clock.camp',
        },
        {
          // 19.90 USD: the amount and its currency on one line.
          match: r`(?<![\w.])(-?\d+(?:\.\d+)?)[ \t]+([A-Z][A-Za-z]*)(?![\w])`,
          name: 'meta.money.camp',
          captures: {
            1: { name: 'constant.numeric.money.camp' },
            2: { name: 'support.constant.currency.camp' },
          },
        },
        {
          match: r`(?<![\w.])-?\d+(?:\.\d+)?%`,
          name: 'constant.numeric.percentage.camp',
        },
        {
          // 30m, 12h, 2d, 1w, 1d12h
          match: r`(?<![\w.])-?(?:\d+[wdhm])+(?![\w])`,
          name: 'constant.numeric.duration.camp',
        },
        {
          match: r`(?<![\w.])-?\d+\.\d+(?![\w.])`,
          name: 'constant.numeric.decimal.camp',
        },
        {
          match: r`(?<![\w.])-?\d+(?![\w.:])`,
          name: 'constant.numeric.integer.camp',
        },
        { match: kw(['true', 'false']), name: 'constant.language.boolean.camp' },
        { match: kw(WEEKDAYS), name: 'constant.language.weekday.camp' },
      ],
    },

    // ------------------------------------------------------------------
    // Strings and the Handlebars templates inside them
    // ------------------------------------------------------------------
    strings: {
      patterns: [{ include: '#block-string' }, { include: '#line-string' }],
    },

    'block-string': {
      // Raw: no escapes. Ends at the first `"""`.
      name: 'string.quoted.triple.camp',
      begin: '"""',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.camp' } },
      end: '"""',
      endCaptures: { 0: { name: 'punctuation.definition.string.end.camp' } },
      patterns: [{ include: '#handlebars' }],
    },

    'line-string': {
      name: 'string.quoted.double.camp',
      begin: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.camp' } },
      // A "…" string cannot span lines (E0103): it ends at the line's end.
      end: r`(")|$`,
      endCaptures: { 1: { name: 'punctuation.definition.string.end.camp' } },
      patterns: [
        {
          match: r`\\(?:["\\nt]|u\{[0-9A-Fa-f]{1,6}\})`,
          name: 'constant.character.escape.camp',
        },
        { match: r`\\.`, name: 'invalid.illegal.unknown-escape.camp' },
        {
          // A `{{` with no `}}` after it on its line is plain text.
          match: r`\{\{(?!.*\}\})`,
        },
        { include: '#handlebars' },
      ],
    },

    handlebars: {
      patterns: [
        { include: '#hbs-comment' },
        { include: '#hbs-raw' },
        { include: '#hbs-block-open' },
        { include: '#hbs-block-close' },
        { include: '#hbs-else' },
        { include: '#hbs-expression' },
      ],
    },

    'hbs-comment': {
      patterns: [
        {
          name: 'comment.block.handlebars',
          begin: r`\{\{~?!--`,
          end: r`--~?\}\}|(?=""")`,
          beginCaptures: { 0: { name: 'punctuation.definition.comment.begin.handlebars' } },
          endCaptures: { 0: { name: 'punctuation.definition.comment.end.handlebars' } },
        },
        {
          name: 'comment.block.handlebars',
          begin: r`\{\{~?!`,
          end: r`~?\}\}|(?=""")`,
          beginCaptures: { 0: { name: 'punctuation.definition.comment.begin.handlebars' } },
          endCaptures: { 0: { name: 'punctuation.definition.comment.end.handlebars' } },
        },
      ],
    },

    // `{{{ … }}}` and `{{& … }}`: inserted without HTML escaping.
    'hbs-raw': {
      patterns: [
        {
          name: 'meta.embedded.line.handlebars meta.template.expression.raw.handlebars',
          begin: r`(\{\{\{~?)\s*${helperCall('[^\\s}~]')}`,
          beginCaptures: {
            1: { name: 'punctuation.definition.template-expression.begin.handlebars' },
            ...HELPER_CAPTURES(2, 3),
          },
          end: r`(~?\}\}\})|(?=""")`,
          endCaptures: { 1: { name: 'punctuation.definition.template-expression.end.handlebars' } },
          patterns: [{ include: '#hbs-inside' }],
        },
        {
          name: 'meta.embedded.line.handlebars meta.template.expression.raw.handlebars',
          begin: r`(\{\{~?)(&)\s*${helperCall('[^\\s}~]')}`,
          beginCaptures: {
            1: { name: 'punctuation.definition.template-expression.begin.handlebars' },
            2: { name: 'keyword.operator.unescaped.handlebars' },
            ...HELPER_CAPTURES(3, 4),
          },
          end: r`(~?\}\})|(?=""")`,
          endCaptures: { 1: { name: 'punctuation.definition.template-expression.end.handlebars' } },
          patterns: [{ include: '#hbs-inside' }],
        },
      ],
    },

    // `{{#if …}}`, `{{#each …}}`, `{{^ …}}`
    'hbs-block-open': {
      name: 'meta.embedded.line.handlebars meta.template.block.begin.handlebars',
      begin: r`(\{\{~?)(#|\^)\s*(?:(${BLOCK_HELPERS.join('|')})(?![\w-])|(${WORD}))?`,
      beginCaptures: {
        1: { name: 'punctuation.definition.template-expression.begin.handlebars' },
        2: { name: 'punctuation.definition.block.handlebars' },
        3: { name: 'keyword.control.$3.handlebars' },
        4: { name: 'entity.name.function.helper.handlebars' },
      },
      end: r`(~?\}\})|(?=""")`,
      endCaptures: { 1: { name: 'punctuation.definition.template-expression.end.handlebars' } },
      patterns: [{ include: '#hbs-inside' }],
    },

    // `{{/if}}`
    'hbs-block-close': {
      name: 'meta.embedded.line.handlebars meta.template.block.end.handlebars',
      match: r`(\{\{~?)(/)\s*(?:(${BLOCK_HELPERS.join('|')})(?![\w-])|(${WORD}))?\s*(~?\}\})`,
      captures: {
        1: { name: 'punctuation.definition.template-expression.begin.handlebars' },
        2: { name: 'punctuation.definition.block.handlebars' },
        3: { name: 'keyword.control.$3.handlebars' },
        4: { name: 'entity.name.function.helper.handlebars' },
        5: { name: 'punctuation.definition.template-expression.end.handlebars' },
      },
    },

    // `{{else}}`, `{{else if …}}`
    'hbs-else': {
      name: 'meta.embedded.line.handlebars meta.template.else.handlebars',
      begin: r`(\{\{~?)\s*(else)(?![\w-])(?:\s+(${BLOCK_HELPERS.join('|')})(?![\w-]))?`,
      beginCaptures: {
        1: { name: 'punctuation.definition.template-expression.begin.handlebars' },
        2: { name: 'keyword.control.else.handlebars' },
        3: { name: 'keyword.control.$3.handlebars' },
      },
      end: r`(~?\}\})|(?=""")`,
      endCaptures: { 1: { name: 'punctuation.definition.template-expression.end.handlebars' } },
      patterns: [{ include: '#hbs-inside' }],
    },

    // `{{customer.first_name}}`, `{{default customer.first_name "there"}}`
    'hbs-expression': {
      name: 'meta.embedded.line.handlebars meta.template.expression.handlebars',
      begin: r`(\{\{~?)\s*${helperCall('[^\\s}~]')}`,
      beginCaptures: {
        1: { name: 'punctuation.definition.template-expression.begin.handlebars' },
        ...HELPER_CAPTURES(2, 3),
      },
      end: r`(~?\}\})|(?=""")`,
      endCaptures: { 1: { name: 'punctuation.definition.template-expression.end.handlebars' } },
      patterns: [{ include: '#hbs-inside' }],
    },

    // What a tag holds: paths, literals, hash arguments, subexpressions.
    'hbs-inside': {
      patterns: [
        {
          // A subexpression: `(default customer.nick "x")`.
          begin: r`(\()\s*${helperCall('[^\\s)]')}`,
          beginCaptures: {
            1: { name: 'punctuation.section.parens.begin.handlebars' },
            ...HELPER_CAPTURES(2, 3),
          },
          end: r`(\))|(?=~?\}\}|""")`,
          endCaptures: { 1: { name: 'punctuation.section.parens.end.handlebars' } },
          patterns: [{ include: '#hbs-inside' }],
        },
        {
          // A hash argument: `one="# point"`.
          match: r`(${WORD})(=)`,
          captures: {
            1: { name: 'entity.other.attribute-name.handlebars' },
            2: { name: 'keyword.operator.assignment.handlebars' },
          },
        },
        {
          name: 'string.quoted.double.handlebars',
          begin: '"',
          end: r`"|(?=~?\}\})`,
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.handlebars' } },
          endCaptures: { 0: { name: 'punctuation.definition.string.end.handlebars' } },
        },
        {
          name: 'string.quoted.single.handlebars',
          begin: "'",
          end: r`'|(?=~?\}\}|""")`,
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.handlebars' } },
          endCaptures: { 0: { name: 'punctuation.definition.string.end.handlebars' } },
        },
        { match: r`(?<![\w.@])-?\d+(?:\.\d+)?(?![\w])`, name: 'constant.numeric.handlebars' },
        { match: r`(?<![\w.@])(?:true|false|null|undefined)(?![\w-])`, name: 'constant.language.handlebars' },
        {
          match: r`(?<![\w.@])(as)\s+(\|)([^|]*)(\|)`,
          captures: {
            1: { name: 'keyword.control.as.handlebars' },
            2: { name: 'punctuation.definition.parameters.begin.handlebars' },
            3: { name: 'variable.parameter.handlebars' },
            4: { name: 'punctuation.definition.parameters.end.handlebars' },
          },
        },
        { match: r`(@)(${WORD})`, name: 'variable.language.data.handlebars' },
        { match: r`(?<![\w.@])this(?![\w-])`, name: 'variable.language.this.handlebars' },
        { match: r`\.\./`, name: 'variable.language.parent.handlebars' },
        {
          match: r`(?<![\w.@])(customer|event|campaign|unsubscribe_url)(?![\w-])`,
          name: 'variable.language.$1.camp',
        },
        {
          match: r`(\.|/)(${WORD})`,
          captures: {
            1: { name: 'punctuation.accessor.handlebars' },
            2: { name: 'variable.other.property.camp' },
          },
        },
        { match: r`(?<![\w.@])${WORD}`, name: 'variable.other.readwrite.handlebars' },
      ],
    },
  },
};

const out = path.join(__dirname, 'camp.tmLanguage.json');
const text = JSON.stringify(grammar, null, 2) + '\n';

if (process.argv.includes('--check')) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error(
      'syntaxes/camp.tmLanguage.json is not what syntaxes/grammar.js generates: run `node syntaxes/grammar.js`',
    );
    process.exit(1);
  }
} else {
  fs.writeFileSync(out, text);
}
