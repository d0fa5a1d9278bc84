/**
 * Mine entry helpers (Salt's `salt.utils.mine`): reading a `mine_functions` definition and
 * wrapping a result with a minion-side ACL (`allow_tgt`, `allow_tgt_type`).
 */

type Dict = Record<string, unknown>;

/** Marks a mine entry carrying an ACL; its value is the ACL format version. */
export const MINE_ITEM_ACL_ID = '__saltmine_acl__';
export const MINE_ITEM_ACL_VERSION = 1;
/** Where an ACL-wrapped entry keeps the function's result. */
export const MINE_ITEM_ACL_DATA = '__data__';

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Salt's `filter_falsey` for one flat map. */
function withoutFalsey(d: Dict): Dict {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== null && v !== undefined && v !== false && v !== '' && v !== 0));
}

/** `{__data__: result, __saltmine_acl__: 1}` plus `allow_tgt`/`allow_tgt_type` when set. */
export function wrapAclStructure(data: unknown, allowTgt?: unknown, allowTgtType?: unknown): Dict {
  const res: Dict = { [MINE_ITEM_ACL_DATA]: data, [MINE_ITEM_ACL_ID]: MINE_ITEM_ACL_VERSION };
  if (allowTgt) Object.assign(res, withoutFalsey({ allow_tgt: allowTgt, allow_tgt_type: allowTgtType }));
  return res;
}

/** A parsed `mine_functions` entry. */
export interface MineFunctionDefinition {
  /** `mine_function` when the entry is an alias, else null (the alias is the function). */
  name: string | null;
  args: unknown[];
  kwargs: Dict;
  acl: { allow_tgt?: unknown; allow_tgt_type?: unknown };
}

/**
 * Salt's `parse_function_definition`: a map is keyword arguments; a list holds positional
 * arguments and one-key maps (keyword arguments). `mine_function`, `allow_tgt` and
 * `allow_tgt_type` are taken out of the keywords. Anything else means no arguments.
 */
export function parseFunctionDefinition(def: unknown): MineFunctionDefinition {
  const args: unknown[] = [];
  let kwargs: Dict = {};
  if (isDict(def)) {
    kwargs = { ...def };
  } else if (Array.isArray(def)) {
    for (const item of def) {
      if (isDict(item)) Object.assign(kwargs, item);
      else args.push(item);
    }
  }
  const name = typeof kwargs.mine_function === 'string' ? kwargs.mine_function : null;
  delete kwargs.mine_function;
  const acl = withoutFalsey({ allow_tgt: kwargs.allow_tgt, allow_tgt_type: kwargs.allow_tgt_type });
  delete kwargs.allow_tgt;
  delete kwargs.allow_tgt_type;
  return { name, args, kwargs, acl };
}
