/** Function docstrings as Salt shows them (`sys.doc`, runner docs, invalid-argument usage). */

/** Salt's sys.doc rst clean-up (salt.utils.doc.strip_rst): its patterns, unescaped dots included. */
export function stripRst(doc: string): string {
  return doc
    .replace(/ *.. code-block:: \S+\n{1,2}/g, '')
    .replace(/.. note::/g, 'Note:')
    .replace(/.. warning::/g, 'Warning:')
    .replace(/.. versionadded::/g, 'New in version')
    .replace(/.. versionchanged::/g, 'Changed in version');
}

/**
 * A docstring as Python 3.10 holds it for a function defined at module level: a leading
 * newline, every line indented by four spaces, and a closing line of four spaces.
 */
export function pyDocstring(doc: string): string {
  if (!doc) return doc;
  return '\n' + doc.split('\n').map((l) => (l ? `    ${l}` : '')).join('\n') + '\n    ';
}
