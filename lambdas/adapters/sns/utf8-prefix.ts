/** The longest prefix of a string that fits a byte budget in UTF-8, cut between code points. */

const encoder = new TextEncoder();

/**
 * `text` itself when its UTF-8 form has at most `maxBytes` bytes, else its longest prefix that does.
 * TextEncoder.encodeInto writes whole code points only, so the cut never splits a multi-byte
 * character or a surrogate pair (`read` counts the UTF-16 code units it consumed).
 * @example utf8Prefix('a…b', 3) // 'a' ('…' is 3 bytes)
 */
export function utf8Prefix(text: string, maxBytes: number): string {
  // Each UTF-16 code unit takes at most 3 UTF-8 bytes: a string this short always fits.
  if (text.length * 3 <= maxBytes) return text;
  const { read } = encoder.encodeInto(text, new Uint8Array(Math.max(0, maxBytes)));
  return text.slice(0, read);
}
