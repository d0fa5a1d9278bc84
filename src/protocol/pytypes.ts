/**
 * JavaScript stand-ins for the few Python value kinds that plain JS values cannot carry
 * but that change what Salt prints or sends.
 *
 * A JS number cannot tell `1.0` from `1`; Python (and so Salt's outputters and msgpack) can.
 * Integral floats are therefore wrapped in {@link PyFloat}; non-integral floats stay plain
 * numbers. Integers beyond 2^53 are bigints. Bytes are Buffers.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return pyFloatRepr(this.value);
  }
}

/** Wraps a number as a Python float when needed so that it keeps its float-ness. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** True for values that Python would hold as a float. */
export function isPyFloat(v: unknown): v is number | PyFloat {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** Python's repr() of a float: shortest round-trip digits, `1.0`, `1e+16`, `inf`, `nan`. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Object.is(n, -0)) return '-0.0';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    // Python switches to exponent notation here; JS uses `e+16` / `e-5` forms too.
    let s = n.toExponential();
    const [mant, exp] = s.split('e');
    const expNum = Number(exp);
    const expStr = (expNum < 0 ? '-' : '+') + String(Math.abs(expNum)).padStart(2, '0');
    s = `${mant}e${expStr}`;
    return s;
  }
  const s = String(n);
  return Number.isInteger(n) ? `${s}.0` : s;
}
