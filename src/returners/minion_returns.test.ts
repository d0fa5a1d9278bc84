import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minionReturnData, minionReturnerNames, runMinionReturners } from './minion_returns.js';
import { ReturnerSet } from './registry.js';

const JID = '20250401120000000001';
const RETURN_LOAD = { cmd: '_return', id: 'm1', success: true, return: 'hi', retcode: 0, jid: JID, fun: 'test.echo', fun_args: ['hi'], user: 'root' };

describe('minion returners', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'minion-ret-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the names join the publish ret and the config return, split on commas, without repeats', () => {
    assert.deepEqual(minionReturnerNames('redis,syslog', 'syslog'), ['redis', 'syslog']);
    assert.deepEqual(minionReturnerNames('', ['rawfile_json']), ['rawfile_json']);
    assert.deepEqual(minionReturnerNames(undefined, ''), []);
  });

  test('the ret has Salt\'s key order, no cmd, the publish ret_config/ret_kwargs and the id last', () => {
    const ret = minionReturnData(RETURN_LOAD, { ret_config: 'alt', ret_kwargs: { a: 1 } }, 'm1');
    assert.deepEqual(Object.keys(ret), ['success', 'return', 'retcode', 'jid', 'fun', 'fun_args', 'user', 'ret_config', 'ret_kwargs', 'id']);
  });

  test('each named returner gets the return; ret_config picks its alternative settings', async () => {
    const main = join(dir, 'main');
    const alt = join(dir, 'alt');
    const set = new ReturnerSet({ opts: { id: 'm1', 'rawfile_json.filename': main, 'alt.rawfile_json.filename': alt } });
    assert.deepEqual(await runMinionReturners(set, { jid: JID, ret: 'rawfile_json' }, RETURN_LOAD), ['rawfile_json']);
    assert.deepEqual(await runMinionReturners(set, { jid: JID, ret: 'rawfile_json', ret_config: 'alt' }, RETURN_LOAD), ['rawfile_json']);
    assert.equal(readFileSync(main, 'utf8'), '{"success": true, "return": "hi", "retcode": 0, "jid": "20250401120000000001", "fun": "test.echo", "fun_args": ["hi"], "user": "root", "id": "m1"}\n');
    assert.match(readFileSync(alt, 'utf8'), /"ret_config": "alt", "id": "m1"\}\n$/);
  });

  test('the minion config return applies to every job; missing and failing returners are logged, never thrown', async () => {
    const file = join(dir, 'cfg');
    const errors: string[] = [];
    const log = { error: (m: string) => errors.push(m), warn() {}, info() {}, debug() {}, trace() {}, critical() {}, child: () => log } as never;
    const set = new ReturnerSet({ opts: { id: 'm1', return: 'nosuch,rawfile_json', 'rawfile_json.filename': file } });
    assert.deepEqual(await runMinionReturners(set, { jid: JID, ret: '' }, RETURN_LOAD, log), ['rawfile_json']);
    assert.equal(errors[0], "Returner nosuch.returner could not be loaded: 'nosuch.returner' is not available.");
    const broken = new ReturnerSet({ opts: { id: 'm1', 'rawfile_json.filename': join(dir, 'no', 'file') } });
    assert.deepEqual(await runMinionReturners(broken, { jid: JID, ret: 'rawfile_json' }, RETURN_LOAD, log), []);
    assert.match(errors[1]!, /^The return failed for job 20250401120000000001: Could not write to rawdata_json file/);
  });
});
