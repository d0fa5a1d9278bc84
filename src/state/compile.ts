/**
 * High data → low chunks, the way Salt's `State` compiler does it: structure checks
 * (`verify_high`), `extend` reconciliation, requisite `_in` inversion and `use` argument copying
 * (`requisite_in`), `exclude`, `names` expansion and chunk ordering (`order_chunks`).
 * Error texts are Salt 3006's, word for word.
 */
import { fnmatch } from '../targeting/fnmatch.js';
import { firstKey, isDict, deepCopy, pyStr } from './_py.js';
import type { HighData, LowChunk } from './types.js';

/** Requisite keywords a state can carry (Salt's STATE_REQUISITE_KEYWORDS). */
export const STATE_REQUISITE_KEYWORDS = new Set([
  'onchanges', 'onchanges_any', 'onfail', 'onfail_any', 'onfail_all', 'onfail_stop', 'prereq', 'prerequired',
  'watch', 'watch_any', 'require', 'require_any', 'listen',
]);

/** The `_in` forms (Salt's STATE_REQUISITE_IN_KEYWORDS). */
export const STATE_REQUISITE_IN_KEYWORDS = new Set(['onchanges_in', 'onfail_in', 'prereq_in', 'watch_in', 'require_in', 'listen_in']);

/** Keywords the state system consumes itself (Salt's STATE_RUNTIME_KEYWORDS). */
export const STATE_RUNTIME_KEYWORDS = new Set([
  'fun', 'state', 'check_cmd', 'cmd_opts_exclude', 'failhard', 'onlyif', 'unless', 'creates', 'retry', 'order',
  'parallel', 'prereq', 'prereq_in', 'prerequired', 'reload_modules', 'reload_grains', 'reload_pillar', 'runas',
  'runas_password', 'fire_event', 'saltenv', 'umask', 'use', 'use_in', '__env__', '__sls__', '__id__',
  '__orchestration_jid__', '__pub_user', '__pub_arg', '__pub_jid', '__pub_fun', '__pub_tgt', '__pub_ret',
  '__pub_pid', '__pub_tgt_type', '__prereq__', '__prerequired__', '__umask__',
]);

/** Every keyword never handed to a state function as a keyword argument. */
export const STATE_INTERNAL_KEYWORDS = new Set([
  ...STATE_REQUISITE_KEYWORDS,
  ...STATE_REQUISITE_IN_KEYWORDS,
  ...STATE_RUNTIME_KEYWORDS,
]);

/** The running-dict tag of a chunk: `state_|-id_|-name_|-fun`. */
export function genTag(low: { state: unknown; __id__: unknown; name: unknown; fun: unknown }): string {
  return `${pyStr(low.state)}_|-${pyStr(low.__id__)}_|-${pyStr(low.name)}_|-${pyStr(low.fun)}`;
}

/** A requisite with the function part of its key dropped (`test.nop: a` → `test: a`). */
export function trimReq(req: Record<string, unknown>): Record<string, unknown> {
  const key = firstKey(req)!;
  return key.includes('.') ? { [key.split('.')[0]]: req[key] } : req;
}

/** The argument names given to `state` of ID `id` in `high`. */
function stateArgs(id: string, state: string, high: HighData): Set<string> {
  const args = new Set<string>();
  const body = high[id];
  if (!isDict(body) || !Array.isArray(body[state])) return args;
  for (const item of body[state]) {
    if (isDict(item) && Object.keys(item).length === 1) args.add(firstKey(item)!);
  }
  return args;
}

/** IDs (with their state module) that `name` refers to: the ID itself, or states named `name`. */
export function findName(name: unknown, state: string, high: HighData, strict = false): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const key = pyStr(name);
  const check2 = strict ? isDict(high[key]) && state in high[key] : true;
  if (Object.prototype.hasOwnProperty.call(high, key) && typeof name === 'string' && check2) {
    out.push([key, state]);
  } else if (state === 'sls') {
    for (const [nid, item] of Object.entries(high)) {
      if (isDict(item) && item.__sls__ === name) out.push([nid, firstKey(item)!]);
    }
  } else {
    for (const [nid, item] of Object.entries(high)) {
      if (!isDict(item) || !Array.isArray(item[state])) continue;
      for (const arg of item[state]) {
        if (!isDict(arg) || Object.keys(arg).length !== 1) continue;
        if (arg[firstKey(arg)!] === name) out.push([nid, state]);
      }
    }
  }
  return out;
}

function findSlsIds(sls: unknown, high: HighData): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [nid, item] of Object.entries(high)) {
    if (!isDict(item) || item.__sls__ !== sls) continue;
    for (const st of Object.keys(item)) if (!st.startsWith('__')) out.push([nid, st]);
  }
  return out;
}

function isHashable(v: unknown): boolean {
  return v === null || typeof v !== 'object' || v instanceof Object === false;
}

/**
 * Salt's `State.verify_high`: structural errors of normalised high data (bad IDs, declarations
 * that are not lists, requisites not formed as lists of single-key dicts, direct recursive
 * requisites, missing or several functions). Returns the error texts, empty when sound.
 */
export function verifyHigh(high: unknown): string[] {
  const errors: string[] = [];
  if (!isDict(high)) return ['High data is not a dictionary and is invalid'];
  const reqs = new Map<string, Map<string, string>>();
  for (const [name, body] of Object.entries(high)) {
    if (name.startsWith('__')) continue;
    if (!isDict(body)) {
      errors.push(`The type ${name} in ${pyStr(body)} is not formatted as a dictionary`);
      continue;
    }
    for (const state of Object.keys(body)) {
      if (state.startsWith('__')) continue;
      const run = body[state];
      if (run === null || run === undefined) {
        errors.push(
          `ID '${name}' in SLS '${body.__sls__}' contains a short declaration (${state}) with a trailing colon. When not passing any arguments to a state, the colon must be omitted.`,
        );
        continue;
      }
      if (!Array.isArray(run)) {
        errors.push(`State '${name}' in SLS '${body.__sls__}' is not formed as a list`);
        continue;
      }
      let fun = state.includes('.') ? 1 : 0;
      for (const arg of run) {
        if (typeof arg === 'string') {
          fun += 1;
          if (arg.trim().includes(' ')) {
            errors.push(
              `The function "${arg}" in state "${name}" in SLS "${body.__sls__}" has whitespace, a function with whitespace is not supported, perhaps this is an argument that is missing a ":"`,
            );
          }
        } else if (isDict(arg)) {
          const argfirst = firstKey(arg);
          if (argfirst === undefined) continue;
          if (argfirst === 'names' && !Array.isArray(arg.names)) {
            errors.push(`The 'names' argument in state '${name}' in SLS '${body.__sls__}' needs to be formed as a list`);
          }
          if (['require', 'watch', 'prereq', 'onchanges'].includes(argfirst)) {
            if (!Array.isArray(arg[argfirst])) {
              errors.push(`The ${argfirst} statement in state '${name}' in SLS '${body.__sls__}' needs to be formed as a list`);
            } else {
              const mine = new Map<string, string>([['state', state]]);
              reqs.set(name, mine);
              for (let req of arg[argfirst] as unknown[]) {
                if (typeof req === 'string') req = { id: req };
                if (!isDict(req)) {
                  errors.push(`Requisite declaration ${pyStr(req)} in SLS ${body.__sls__} is not formed as a single key dictionary`);
                  continue;
                }
                const reqKey = firstKey(req)!;
                const reqVal = req[reqKey];
                if (reqKey.includes('.')) {
                  errors.push(
                    `Invalid requisite type '${reqKey}' in state '${name}', in SLS '${body.__sls__}'. Requisite types must not contain dots, did you mean '${reqKey.slice(0, reqKey.indexOf('.'))}'?`,
                  );
                }
                if (!isHashable(reqVal)) {
                  errors.push(`Illegal requisite "${pyStr(reqVal)}", please check your syntax.\n`);
                  continue;
                }
                const val = pyStr(reqVal);
                mine.set(val, reqKey);
                const other = reqs.get(val);
                if (other && other.get(name) === state && other.get('state') === mine.get(val)) {
                  errors.push(`A recursive requisite was found, SLS "${body.__sls__}" ID "${name}" ID "${val}"`);
                }
              }
            }
            if (Object.keys(arg).length !== 1) {
              errors.push(`Multiple dictionaries defined in argument of state '${name}' in SLS '${body.__sls__}'`);
            }
          }
        }
      }
      if (!fun) {
        if (state === 'require' || state === 'watch') continue;
        errors.push(`No function declared in state '${name}' in SLS '${body.__sls__}'`);
      } else if (fun > 1) {
        const funs = state.includes('.') ? [state.split('.').slice(1).join('.')] : [];
        for (const a of run) if (typeof a === 'string') funs.push(a);
        errors.push(
          `Too many functions declared in state '${name}' in SLS '${body.__sls__}'. Please choose one of the following: ${funs.join(', ')}`,
        );
      }
    }
  }
  return errors;
}

/**
 * Salt's `reconcile_extend`: merges `__extend__` into the IDs it names (requisite lists are
 * appended to, other arguments replaced, a function string replaces the function). Mutates
 * `high` (removing `__extend__`) and returns the errors.
 */
export function reconcileExtend(high: HighData, strict = false): string[] {
  const errors: string[] = [];
  if (!('__extend__' in high)) return errors;
  const ext = high.__extend__ as Array<Record<string, any>>;
  delete high.__extend__;
  for (const extChunk of ext) {
    for (let [name, body] of Object.entries(extChunk)) {
      if (!isDict(body)) continue;
      const stateType = Object.keys(body).find((k) => !k.startsWith('__'));
      if (stateType === undefined) continue;
      if (!isDict(high[name]) || !(stateType in high[name])) {
        const ids = findName(name, stateType, high, strict);
        if (ids.length !== 1) {
          const env = body.__env__ ?? 'base';
          const sls = body.__sls__ ?? 'base';
          errors.push(
            `Cannot extend ID '${name}' in '${env}:${sls}'. It is not part of the high state.\n` +
              `This is likely due to a missing include statement or an incorrectly typed ID.\n` +
              `Ensure that a state with an ID of '${name}' is available\nin environment '${env}' and to SLS '${sls}'`,
          );
          continue;
        }
        name = ids[0][0];
      }
      const slsExcludes: unknown[] = [];
      for (const ex of (high.__exclude__ as unknown[]) ?? []) {
        if (typeof ex === 'string') slsExcludes.push(ex);
        else if (isDict(ex) && ex.sls) slsExcludes.push(ex.sls);
      }
      if (slsExcludes.includes(body.__sls__)) continue;
      const target = high[name];
      for (const [state, run] of Object.entries(body)) {
        if (state.startsWith('__')) continue;
        if (!(state in target)) {
          target[state] = run;
          continue;
        }
        const list: unknown[] = target[state];
        for (const arg of run as unknown[]) {
          let update = false;
          for (let hind = 0; hind < list.length; hind++) {
            const val = list[hind];
            if (typeof arg === 'string' && typeof val === 'string') {
              list.splice(hind, 1, arg);
              update = true;
              continue;
            }
            if (isDict(arg) && isDict(val)) {
              const argfirst = firstKey(arg)!;
              if (argfirst === firstKey(list[hind] as Record<string, unknown>)) {
                if (STATE_REQUISITE_KEYWORDS.has(argfirst)) {
                  ((list[hind] as Record<string, unknown[]>)[argfirst]).push(...(arg[argfirst] as unknown[]));
                } else {
                  list[hind] = arg;
                }
                update = true;
              }
              if (argfirst === 'name' && firstKey(list[hind] as Record<string, unknown>) === 'names') list[hind] = arg;
            }
          }
          if (!update) list.push(arg);
        }
      }
    }
  }
  return errors;
}

/** Salt's `apply_exclude`: removes excluded IDs and the IDs of excluded SLS (globs). Mutates `high`. */
export function applyExclude(high: HighData): HighData {
  if (!('__exclude__' in high)) return high;
  const exSls = new Set<string>();
  const exId = new Set<string>();
  const exclude = high.__exclude__ as unknown[];
  delete high.__exclude__;
  for (const exc of exclude) {
    if (typeof exc === 'string') exSls.add(exc);
    if (isDict(exc) && Object.keys(exc).length === 1) {
      const key = firstKey(exc);
      if (key === 'sls') exSls.add(pyStr(exc.sls));
      else if (key === 'id') exId.add(pyStr(exc.id));
    }
  }
  if (exSls.size) {
    for (const [name, body] of Object.entries(high)) {
      if (name.startsWith('__') || !isDict(body)) continue;
      const sls = body.__sls__;
      if (!sls) continue;
      for (const ex of exSls) if (fnmatch(pyStr(sls), ex)) exId.add(name);
    }
  }
  for (const id of exId) delete high[id];
  return high;
}

const REQ_IN = new Set(['require_in', 'watch_in', 'onfail_in', 'onchanges_in', 'use', 'use_in', 'prereq', 'prereq_in']);
const REQ_IN_ALL = new Set([...REQ_IN, 'require', 'watch', 'onfail', 'onfail_stop', 'onchanges']);

/**
 * Salt's `requisite_in`: turns `require_in`/`watch_in`/... into requisites on their targets,
 * adds `prerequired` for `prereq`, copies arguments for `use`/`use_in`, then reconciles the
 * result as a strict extend. Mutates `high` and returns the errors.
 */
export function requisiteIn(high: HighData, opts: Record<string, unknown> = {}): string[] {
  const extend = new Map<string, Record<string, any>>();
  const errors: string[] = [];
  let disabled = opts.disabled_requisites ?? [];
  if (!Array.isArray(disabled)) disabled = [disabled];
  const disabledReqs = disabled as unknown[];
  const ext = (name: string): Record<string, any> => {
    let e = extend.get(name);
    if (!e) extend.set(name, (e = {}));
    return e;
  };
  const addReq = (name: string, _state: string, rkey: string, state: string, id: string, body: Record<string, any>): void => {
    const e = ext(name);
    if (!(_state in e)) e[_state] = [];
    e.__env__ = body.__env__;
    e.__sls__ = body.__sls__;
    let found = false;
    for (const item of e[_state] as Array<Record<string, any>>) {
      if (firstKey(item) === rkey) {
        item[rkey].push({ [state]: id });
        found = true;
      }
    }
    if (!found) e[_state].push({ [rkey]: [{ [state]: id }] });
  };
  for (const [id, body] of Object.entries(high)) {
    if (!isDict(body)) continue;
    for (const [state, run] of Object.entries(body)) {
      if (state.startsWith('__') || !Array.isArray(run)) continue;
      for (const arg of run) {
        if (!isDict(arg) || Object.keys(arg).length < 1) continue;
        const key = firstKey(arg)!;
        if (!REQ_IN.has(key)) continue;
        if (disabledReqs.includes(key)) continue;
        const rkey = key.split('_')[0];
        const items = arg[key];
        if (isDict(items)) {
          for (let [_state, name] of Object.entries(items)) {
            const nm = pyStr(name);
            if (_state.includes('.')) {
              errors.push(
                `Invalid requisite in ${rkey}: ${_state} for ${nm}, in SLS '${body.__sls__}'. Requisites must not contain dots, did you mean '${_state.slice(0, _state.indexOf('.'))}'?`,
              );
              _state = _state.split('.')[0];
            }
            addReq(nm, _state, rkey, state, id, body);
          }
        }
        if (Array.isArray(items)) {
          let hinges: Array<[string, string]> = [];
          for (let ind of items as unknown[]) {
            if (!isDict(ind)) {
              if (typeof ind === 'string' && isDict(high[ind])) {
                const decl = Object.keys(high[ind]).filter((x) => !x.startsWith('__'));
                ind = { [decl[0]]: ind };
              } else {
                let found = false;
                for (const [_id, item] of Object.entries(high)) {
                  if (!isDict(item)) continue;
                  for (const st8 of Object.keys(item).filter((x) => !x.startsWith('__'))) {
                    if (!Array.isArray(item[st8])) continue;
                    for (const j of item[st8]) {
                      if (isDict(j) && 'name' in j && j.name === ind) {
                        ind = { [st8]: _id };
                        found = true;
                      }
                    }
                  }
                }
                if (!found) continue;
              }
            }
            const indDict = ind as Record<string, unknown>;
            if (Object.keys(indDict).length < 1) continue;
            let pstate = firstKey(indDict)!;
            const pname = indDict[pstate];
            if (pstate === 'sls') hinges = findSlsIds(pname, high);
            else hinges.push([pyStr(pname), pstate]);
            if (pstate.includes('.')) {
              errors.push(
                `Invalid requisite in ${rkey}: ${pstate} for ${pyStr(pname)}, in SLS '${body.__sls__}'. Requisites must not contain dots, did you mean '${pstate.slice(0, pstate.indexOf('.'))}'?`,
              );
              pstate = pstate.split('.')[0];
            }
            for (const [name, _state] of hinges) {
              if (key === 'prereq_in') {
                const e = ext(id);
                if (!(state in e)) e[state] = [];
                e[state].push({ prerequired: [{ [_state]: name }] });
              }
              if (key === 'prereq') {
                for (const [extId, reqState] of findName(name, _state, high, true)) {
                  const e = ext(extId);
                  if (!(reqState in e)) e[reqState] = [];
                  e[reqState].push({ prerequired: [{ [state]: id }] });
                }
                continue;
              }
              if (key === 'use_in') {
                for (const [extId, reqState] of findName(name, _state, high, true)) {
                  if (!extId) continue;
                  const extArgs = stateArgs(extId, _state, high);
                  const e = ext(extId);
                  if (!(reqState in e)) e[reqState] = [];
                  const ignore = new Set([...REQ_IN_ALL, ...extArgs]);
                  for (const a of high[id][state]) {
                    if (!isDict(a) || Object.keys(a).length !== 1) continue;
                    const k = firstKey(a)!;
                    if (ignore.has(k) || k === 'name' || k === 'names') continue;
                    e[reqState].push(a);
                  }
                }
                continue;
              }
              if (key === 'use') {
                for (const [extId, reqState] of findName(name, _state, high, true)) {
                  if (!extId) continue;
                  const locArgs = stateArgs(id, state, high);
                  const e = ext(id);
                  if (!(state in e)) e[state] = [];
                  const ignore = new Set([...REQ_IN_ALL, ...locArgs]);
                  for (const a of high[extId][reqState]) {
                    if (!isDict(a) || Object.keys(a).length !== 1) continue;
                    const k = firstKey(a)!;
                    if (ignore.has(k) || k === 'name' || k === 'names') continue;
                    e[state].push(a);
                  }
                }
                continue;
              }
              addReq(name, _state, rkey, state, id, body);
            }
          }
        }
      }
    }
  }
  high.__extend__ = [...extend.entries()].map(([k, v]) => ({ [k]: v }));
  errors.push(...reconcileExtend(high, true));
  return errors;
}

/**
 * Salt's `compile_high_data`: one chunk per (ID, state module, function), one per `names`
 * entry, then ordered by {@link orderChunks}.
 */
export function compileHighData(high: HighData): LowChunk[] {
  const chunks: LowChunk[] = [];
  for (const [name, body] of Object.entries(high)) {
    if (name.startsWith('__') || !isDict(body)) continue;
    for (const [state, run] of Object.entries(body)) {
      if (state.startsWith('__') || !Array.isArray(run)) continue;
      const funcs: string[] = [];
      const names: unknown[] = [];
      const chunk: Record<string, any> = { state, name };
      if ('__sls__' in body) chunk.__sls__ = body.__sls__;
      if ('__env__' in body) chunk.__env__ = body.__env__;
      chunk.__id__ = name;
      for (const arg of run) {
        if (typeof arg === 'string') {
          if (!funcs.includes(arg)) funcs.push(arg);
          continue;
        }
        if (isDict(arg)) {
          for (const [key, val] of Object.entries(arg)) {
            if (key === 'names') {
              for (const n of Array.isArray(val) ? val : [...pyStr(val)]) if (!names.some((x) => sameValue(x, n))) names.push(n);
            } else if (key === 'state') {
              continue;
            } else if (key === 'name' && typeof val !== 'string') {
              chunk[key] = name;
            } else {
              chunk[key] = val;
            }
          }
        }
      }
      if (names.length) {
        let nameOrder = 1;
        for (const entry of names) {
          const live = deepCopy(chunk);
          if (isDict(entry)) {
            const lowName = firstKey(entry)!;
            live.name = lowName;
            for (const upd of (entry[lowName] as unknown[]) ?? []) if (isDict(upd)) Object.assign(live, upd);
          } else {
            live.name = entry;
          }
          live.name_order = nameOrder++;
          for (const fun of funcs) chunks.push({ ...live, fun } as LowChunk);
        }
      } else {
        const live = deepCopy(chunk);
        for (const fun of funcs) chunks.push({ ...live, fun } as LowChunk);
      }
    }
  }
  return orderChunks(chunks);
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * Salt's `order_chunks`: numeric `order` values set a cap (max + 100); chunks without an order
 * get the cap, `last` cap + 1000000, `first` 0, other strings the cap, `names` entries add
 * `name_order / 10000`, negative orders count back from `last`. Sorted by order, then by
 * `state + name + fun`. Mutates and returns `chunks`.
 */
export function orderChunks(chunks: LowChunk[]): LowChunk[] {
  let cap = 1;
  for (const chunk of chunks) {
    if ('order' in chunk && isInt(chunk.order) && typeof chunk.order !== 'boolean') {
      if (chunk.order > cap - 1 && chunk.order > 0) cap = chunk.order + 100;
    }
  }
  for (const chunk of chunks) {
    if (!('order' in chunk)) {
      chunk.order = cap;
      continue;
    }
    if (typeof chunk.order !== 'number') {
      if (chunk.order === 'last') chunk.order = cap + 1000000;
      else if (chunk.order === 'first') chunk.order = 0;
      else chunk.order = cap;
    }
    if ('name_order' in chunk) {
      chunk.order = (chunk.order as number) + chunk.name_order / 10000.0;
      delete chunk.name_order;
    }
    if ((chunk.order as number) < 0) chunk.order = cap + 1000000 + (chunk.order as number);
  }
  const keyed = chunks.map((c) => ({ c, k: `${pyStr(c.state)}${pyStr(c.name)}${pyStr(c.fun)}` }));
  keyed.sort((a, b) => (a.c.order as number) - (b.c.order as number) || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  chunks.splice(0, chunks.length, ...keyed.map((x) => x.c));
  return chunks;
}
