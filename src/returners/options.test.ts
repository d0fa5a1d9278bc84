import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configOption, getReturnerOptions, keepJobsSeconds } from './options.js';

const ATTRS = { host: 'host', port: 'port', nodes: 'cluster.startup_nodes' };

describe('getReturnerOptions', () => {
  test('the nested map wins over the flat key; flat keys with dots in the suffix work', () => {
    const ctx = { opts: { redis: { host: 'nested' }, 'redis.host': 'flat', 'redis.port': 7000, 'redis.cluster.startup_nodes': ['a'] } };
    assert.deepEqual(getReturnerOptions(ctx, 'redis', null, ATTRS), { host: 'nested', port: 7000, nodes: ['a'] });
  });

  test('falsy values count as unset and fall back to the defaults', () => {
    const ctx = { opts: { 'redis.host': '', 'redis.port': 0 } };
    assert.deepEqual(getReturnerOptions(ctx, 'redis', null, ATTRS, { host: 'localhost', port: 6379 }), { host: 'localhost', port: 6379 });
  });

  test('ret_config reads <alt>.<name>.<option> first, falling back to the default keys', () => {
    const ctx = { opts: { 'redis.host': 'main', 'redis.port': 1, 'alt.redis.host': 'alt', 'other.redis': { port: 2 } } };
    assert.deepEqual(getReturnerOptions(ctx, 'redis', { ret_config: 'alt' }, ATTRS), { host: 'alt', port: 1 });
    assert.deepEqual(getReturnerOptions(ctx, 'redis', { ret_config: 'other' }, ATTRS), { host: 'main', port: 2 });
  });

  test('ret_kwargs override everything', () => {
    const ctx = { opts: { 'redis.host': 'main' } };
    assert.deepEqual(getReturnerOptions(ctx, 'redis', { ret_kwargs: { host: 'kw', extra: 1 } }, ATTRS), { host: 'kw', extra: 1 });
  });

  test('grains, pillar and the pillar master map are looked up after the options', () => {
    const ctx = { opts: {}, grains: { 'redis.host': 'g' }, pillar: { 'redis.port': 5, master: { 'redis.cluster.startup_nodes': ['n'] } } };
    assert.deepEqual(getReturnerOptions(ctx, 'redis', null, ATTRS), { host: 'g', port: 5, nodes: ['n'] });
    assert.equal(configOption({ opts: {} }, 'nope'), '');
  });
});

describe('keepJobsSeconds', () => {
  test('keep_jobs_seconds, else the deprecated keep_jobs hours when only those changed', () => {
    assert.equal(keepJobsSeconds({}), 86400);
    assert.equal(keepJobsSeconds({ keep_jobs_seconds: 60 }), 60);
    assert.equal(keepJobsSeconds({ keep_jobs: 2 }), 7200);
    assert.equal(keepJobsSeconds({ keep_jobs: 2, keep_jobs_seconds: 10 }), 10);
  });
});
