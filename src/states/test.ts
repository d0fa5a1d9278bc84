/**
 * Salt's `test` state module: states that succeed or fail, with or without changes, for
 * trying out requisites and outputters without touching the system.
 */
import { SaltInvocationError } from '../loader/errors.js';
import type { SaltModule } from '../loader/types.js';
import { genTag } from '../state/compile.js';
import { defineState, type StateRet } from './_define.js';

const PRETEND = () => ({ testing: { old: 'Unchanged', new: 'Something pretended to change' } });

function succeedWithoutChanges(name: unknown, kwargs: Record<string, unknown>): StateRet {
  return { name, changes: {}, result: true, comment: ('comment' in kwargs ? kwargs.comment : 'Success!') as string };
}

function randomBool(): boolean {
  return Math.random() < 0.5;
}

const mod: SaltModule = {
  name: 'test',
  functions: {
    nop: defineState(
      { args: ['name'], kwargs: true, doc: 'A no-op state that does nothing. Useful in conjunction with the `use` requisite.' },
      ({ name }) => succeedWithoutChanges(name, {}),
    ),
    succeed_without_changes: defineState(
      { args: ['name'], kwargs: true, doc: 'Returns successful.' },
      ({ name }, _ctx, { kwargs }) => succeedWithoutChanges(name, kwargs),
    ),
    fail_without_changes: defineState({ args: ['name'], kwargs: true, doc: 'Returns failure.' }, ({ name }, ctx, { kwargs }) => {
      const ret: StateRet = { name, changes: {}, result: false, comment: ('comment' in kwargs ? kwargs.comment : 'Failure!') as string };
      if (ctx.test) ret.comment = "If we weren't testing, this would be a failure!";
      return ret;
    }),
    succeed_with_changes: defineState(
      { args: ['name'], kwargs: true, doc: 'Returns successful and changes is not empty' },
      ({ name }, ctx, { kwargs }) => {
        const ret: StateRet = { name, changes: PRETEND(), result: true, comment: ('comment' in kwargs ? kwargs.comment : 'Success!') as string };
        if (ctx.test) {
          ret.result = null;
          ret.comment = "If we weren't testing, this would be successful with changes";
        }
        return ret;
      },
    ),
    fail_with_changes: defineState({ args: ['name'], kwargs: true, doc: 'Returns failure and changes is not empty.' }, ({ name }, ctx, { kwargs }) => {
      const ret: StateRet = { name, changes: PRETEND(), result: false, comment: ('comment' in kwargs ? kwargs.comment : 'Failure!') as string };
      if (ctx.test) {
        ret.result = null;
        ret.comment = "If we weren't testing, this would be failed with changes";
      }
      return ret;
    }),
    configurable_test_state: defineState(
      {
        args: ['name', 'changes', 'result', 'comment', 'warnings'],
        defaults: { changes: true, result: true, comment: '', warnings: null },
        doc: 'A configurable test state which allows for more control over the return data',
      },
      ({ name, changes, result, comment, warnings }, ctx) => {
        const ret: StateRet = { name, changes: {}, result: false, comment: comment as string };
        if (changes === true) ret.changes = PRETEND();
        else if (changes !== false) {
          if (String(changes).toLowerCase() === 'random') {
            if (randomBool()) ret.changes = PRETEND();
          } else {
            throw new SaltInvocationError(
              "You have specified the state option 'changes' with invalid arguments. It must be either True, False, or 'Random'",
            );
          }
        }
        if (typeof result === 'boolean') ret.result = result;
        else if (String(result).toLowerCase() === 'random') ret.result = randomBool();
        else {
          throw new SaltInvocationError(
            "You have specified the state option 'result' with invalid arguments. It must be either True, False, or 'Random'",
          );
        }
        if (warnings === null || warnings === undefined) {
          // none
        } else if (typeof warnings === 'string') ret.warnings = [warnings];
        else if (Array.isArray(warnings)) ret.warnings = warnings;
        else {
          throw new SaltInvocationError(
            "You have specified the state option 'warnings' with invalid arguments. It must be a string or a list of strings",
          );
        }
        if (ctx.test) {
          ret.result = changes === false ? true : null;
          ret.comment = comment ? (comment as string) : 'This is a test';
        }
        return ret;
      },
    ),
    show_notification: defineState(
      { args: ['name', 'text'], defaults: { text: null }, kwargs: true, doc: 'Simple notification using text argument.' },
      ({ name, text }) => {
        if (!text) throw new SaltInvocationError('Missing required argument text.');
        return { name, changes: {}, result: true, comment: text as string };
      },
    ),
    mod_watch: defineState(
      { args: ['name', 'sfun'], defaults: { sfun: null }, kwargs: true, doc: 'Call this function via a watch statement' },
      ({ name }, ctx, { kwargs }) => {
        const hasChanges: string[] = [];
        const reqs = ctx.low.__reqs__ as Record<string, Array<Record<string, any>>> | undefined;
        if (reqs) {
          for (const req of reqs.watch ?? []) {
            const r = ctx.running[genTag(req as never)];
            if (r && r.changes && Object.keys(r.changes).length) hasChanges.push(`${req.state}: ${req.__id__}`);
          }
        }
        return {
          name,
          result: ('result' in kwargs ? kwargs.result : true) as boolean,
          comment: ('comment' in kwargs ? kwargs.comment : 'Watch statement fired.') as string,
          changes: ('changes' in kwargs ? kwargs.changes : { 'Requisites with changes': hasChanges }) as Record<string, unknown>,
        };
      },
    ),
  },
};

export default mod;
