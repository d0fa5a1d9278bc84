/**
 * The minion's returners after a job: every name in the publish's `ret` (`salt --return a,b`)
 * plus the minion config's `return`, each called once with Salt's ret map. A missing or failing
 * returner is logged and never affects the job or its return to the master.
 */
import type { Logger } from '../log/logger.js';
import type { ReturnerSet } from './registry.js';
import type { Dict } from './types.js';

// Salt's minion builds its ret in this order; rawfile_json and syslog write keys as ordered.
const RET_ORDER = ['success', 'return', 'retcode', 'out', 'jid', 'fun', 'fun_args', 'user', 'master_id', 'metadata'];

/**
 * The returner names for a job: the publish `ret` joined with the config `return` (a text or a
 * list), split on commas, without blanks and repeats, in order.
 */
export function minionReturnerNames(publishRet: unknown, configReturn: unknown): string[] {
  const parts: string[] = [];
  if (typeof publishRet === 'string') parts.push(...publishRet.split(','));
  if (typeof configReturn === 'string') parts.push(...configReturn.split(','));
  else if (Array.isArray(configReturn)) parts.push(...configReturn.map(String));
  return [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ''))];
}

/**
 * The ret map a returner gets, from the `_return` load the minion sends: Salt's key order,
 * without `cmd`, plus the publish's `ret_config` / `ret_kwargs` and the minion `id` last.
 */
export function minionReturnData(returnLoad: Dict, publish: Dict, id: string): Dict {
  const ret: Dict = {};
  for (const k of RET_ORDER) if (k in returnLoad) ret[k] = returnLoad[k];
  for (const [k, v] of Object.entries(returnLoad)) if (!(k in ret) && k !== 'cmd' && k !== 'id') ret[k] = v;
  if ('ret_config' in publish) ret.ret_config = publish.ret_config;
  if ('ret_kwargs' in publish) ret.ret_kwargs = publish.ret_kwargs;
  ret.id = id;
  return ret;
}

/**
 * Runs the returners of one finished job (see the module comment). Never throws.
 * @param returners the minion's returner set (built once from the minion options).
 * @param publish the decrypted publish load (`ret`, `ret_config`, `ret_kwargs`, `jid`).
 * @param returnLoad the `_return` load sent to the master (or that would have been).
 * @returns the names of the returners that stored the return.
 */
export async function runMinionReturners(returners: ReturnerSet, publish: Dict, returnLoad: Dict, log?: Logger): Promise<string[]> {
  const names = minionReturnerNames(publish.ret, returners.ctx.opts.return);
  if (names.length === 0) return [];
  const id = String(returners.ctx.opts.id ?? returnLoad.id ?? '');
  const ret = minionReturnData(returnLoad, publish, id);
  const done: string[] = [];
  for (const name of names) {
    if (!returners.has(name, 'returner')) {
      log?.error(`Returner ${name}.returner could not be loaded: '${name}.returner' is not available.`);
      continue;
    }
    try {
      await returners.fn(name, 'returner')(ret);
      done.push(name);
    } catch (err) {
      log?.error(`The return failed for job ${String(publish.jid ?? returnLoad.jid)}: ${(err as Error).message}`);
    }
  }
  return done;
}
