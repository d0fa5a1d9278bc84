import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputDataError } from './errors.js';
import { keyOutput } from './key.js';

const ctx = (opts = {}) => ({ opts: { color: false, transport: 'zeromq', ...opts }, kwargs: {} });

test('key prints "<name>:  <value>" for a dict of keys (fingerprints)', () => {
  assert.equal(keyOutput({ minions: { web1: 'ab:cd' } }, ctx()), 'Accepted Keys:\nweb1:  ab:cd\n');
});

test('key indents everything by 4 with __multi_key', () => {
  assert.equal(keyOutput({ minions_pre: ['x'] }, ctx({ __multi_key: true })), '    Unaccepted Keys:\n    x\n');
});

test('key uses accepted/pending/rejected for transports Salt does not list', () => {
  assert.equal(keyOutput({ pending: ['x'] }, ctx({ transport: 'raet' })), 'Unaccepted Keys:\nx\n');
  assert.throws(() => keyOutput({ minions_denied: ['x'] }, ctx({ transport: 'raet' })), OutputDataError);
});
