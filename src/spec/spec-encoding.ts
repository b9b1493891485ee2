import { SpecError } from '../errors.js';

/**
 * The text of a spec file, which must be UTF-8: read leniently, a Latin-1 `café` would
 * silently become `caf\ufffd` in the store. The error points at the first byte that is not
 * UTF-8 and says how to convert the file. A UTF-8 byte order mark is dropped.
 */
export function decodeSpecFile(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    if (utf16) throw new SpecError([{ file, line: 1, column: 1, key: '', message: 'the file is UTF-16 text; save it as UTF-8' }]);
    const offset = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    const line = bytes.subarray(0, lineStart).filter((b) => b === 0x0a).length + 1;
    const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
    const byte = (bytes[offset] as number).toString(16).toUpperCase().padStart(2, '0');
    const message = `byte 0x${byte} is not UTF-8 text (is the file in Latin-1 or Windows-1252?); save it as UTF-8, e.g. iconv -f latin1 -t utf-8 ${file} > fixed.yaml`;
    throw new SpecError([{ file, line, column, key: '', message }]);
  }
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    const length =
      lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range rules out overlong forms, surrogates and code points above U+10FFFF.
    const [low, high] =
      lead === 0xe0
        ? [0xa0, 0xbf]
        : lead === 0xed
          ? [0x80, 0x9f]
          : lead === 0xf0
            ? [0x90, 0xbf]
            : lead === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return i;
}
