/**
 * Voucher codes: 5 characters of Crockford base32 (0-9 and A-Z without I, L, O, U), so
 * 32^5 = 33,554,432 codes. What people type is normalised the way Crockford intends:
 * lower case is upper case, O is 0, I and L are 1, spaces and dashes are ignored.
 */
export const CODE5_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE5_LENGTH = 5;
export const CODE5_SPACE = 32 ** CODE5_LENGTH;

const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

/** One typed character as a code character; '' for a separator to skip; undefined when it cannot be part of a code. */
export function normalizeCodeChar(char: string): string | undefined {
  if (char === ' ' || char === '-') return '';
  const upper = char.toUpperCase();
  const mapped = ALIASES[upper] ?? upper;
  return mapped.length === 1 && CODE5_ALPHABET.includes(mapped) ? mapped : undefined;
}

/** The canonical code for what was typed, or undefined when it is not a possible code. */
export function normalizeCode5(input: string): string | undefined {
  let code = '';
  for (const char of input.trim()) {
    const mapped = normalizeCodeChar(char);
    if (mapped === undefined) return undefined;
    code += mapped;
  }
  return code.length === CODE5_LENGTH ? code : undefined;
}

export function isCode5(value: string): boolean {
  return value.length === CODE5_LENGTH && [...value].every((c) => CODE5_ALPHABET.includes(c));
}
