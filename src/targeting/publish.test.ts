import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SaltInvocationError } from './errors.js';
import { prepPublishTarget } from './publish.js';

const groups = { webs: 'web*', ids: ['a', 'b'], both: 'N@webs or N@ids', loop: 'N@loop' };

test('prepPublishTarget turns a nodegroup into a compound target', () => {
  assert.deepEqual(prepPublishTarget('webs', 'nodegroup', groups), { tgt: 'web*', tgtType: 'compound' });
  assert.deepEqual(prepPublishTarget('ids', 'nodegroup', groups), { tgt: 'L@a,b', tgtType: 'compound' });
  assert.deepEqual(prepPublishTarget('both', 'nodegroup', groups), { tgt: '( ( web* ) or L@a,b )', tgtType: 'compound' });
});

test('prepPublishTarget expands N@ words of a compound target and re-joins words', () => {
  assert.deepEqual(prepPublishTarget('N@webs  and G@os:Debian', 'compound', groups), {
    tgt: 'web* and G@os:Debian',
    tgtType: 'compound',
  });
  assert.deepEqual(prepPublishTarget(['web*', 'and', 'G@x:y'], 'compound', groups), { tgt: 'web* and G@x:y', tgtType: 'compound' });
});

test('prepPublishTarget leaves other target types alone', () => {
  assert.deepEqual(prepPublishTarget(['a', 'b'], 'list', groups), { tgt: ['a', 'b'], tgtType: 'list' });
});

test('prepPublishTarget refuses unknown or empty nodegroups with Salt\'s message', () => {
  assert.throws(() => prepPublishTarget('nope', 'nodegroup', groups), {
    name: 'SaltInvocationError',
    message: 'Node group nope unavailable in /etc/salt/master',
  });
  assert.throws(() => prepPublishTarget('N@nope or web*', 'compound', groups, '/srv/salt/master'), {
    message: 'Node group nope unavailable in /srv/salt/master',
  });
  assert.throws(() => prepPublishTarget('N@loop', 'compound', groups), SaltInvocationError);
});
