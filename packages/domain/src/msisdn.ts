/**
 * Phone numbers as WhatsApp and the database hold them: E.164 ("+" and 8 to 15 digits).
 * Rwanda first: a local number (07…) is read as Rwandan unless told otherwise.
 */

export interface Country {
  code: string;
  callingCode: string;
  timeZone: string;
  /** Digits of a national number without the trunk prefix. */
  nationalLength: number;
  trunkPrefix?: string;
}

export const COUNTRIES: Record<string, Country> = {
  RW: { code: 'RW', callingCode: '250', timeZone: 'Africa/Kigali', nationalLength: 9, trunkPrefix: '0' },
  MT: { code: 'MT', callingCode: '356', timeZone: 'Europe/Malta', nationalLength: 8 },
  UG: { code: 'UG', callingCode: '256', timeZone: 'Africa/Kampala', nationalLength: 9, trunkPrefix: '0' },
  KE: { code: 'KE', callingCode: '254', timeZone: 'Africa/Nairobi', nationalLength: 9, trunkPrefix: '0' },
  TZ: { code: 'TZ', callingCode: '255', timeZone: 'Africa/Dar_es_Salaam', nationalLength: 9, trunkPrefix: '0' },
  BI: { code: 'BI', callingCode: '257', timeZone: 'Africa/Bujumbura', nationalLength: 8 },
  CD: { code: 'CD', callingCode: '243', timeZone: 'Africa/Kinshasa', nationalLength: 9, trunkPrefix: '0' },
};

const E164 = /^\+[1-9]\d{7,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/**
 * The E.164 form of a number written in any common way: "+250 788 123 456",
 * "00250788123456", "250788123456", or a local "0788123456" (read in `defaultCountry`).
 * Undefined when it cannot be a phone number.
 */
export function normalizeMsisdn(input: string, defaultCountry = 'RW'): string | undefined {
  const trimmed = input.trim();
  if (!/^[+\d\s().-]+$/.test(trimmed)) return undefined;
  let digits = trimmed.replace(/[\s().-]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  else {
    const country = COUNTRIES[defaultCountry];
    if (
      country?.trunkPrefix &&
      digits.startsWith(country.trunkPrefix) &&
      digits.length === country.nationalLength + 1
    ) {
      digits = country.callingCode + digits.slice(country.trunkPrefix.length);
    } else if (country && digits.length === country.nationalLength) {
      digits = country.callingCode + digits;
    }
  }
  const e164 = `+${digits}`;
  if (!isE164(e164)) return undefined;
  const country = countryOf(e164);
  // A known country's numbers have a known length: +250 7… is 12 digits in all.
  if (country && digits.length !== country.callingCode.length + country.nationalLength) return undefined;
  return e164;
}

/** The country of an E.164 number, when it is one we know. */
export function countryOf(msisdn: string): Country | undefined {
  return Object.values(COUNTRIES).find((c) => msisdn.startsWith(`+${c.callingCode}`));
}

/** A number as shown to someone who must not see it whole: "+25078*****56". */
export function maskMsisdn(msisdn: string): string {
  if (msisdn.length < 8) return '*'.repeat(msisdn.length);
  return `${msisdn.slice(0, 6)}${'*'.repeat(msisdn.length - 8)}${msisdn.slice(-2)}`;
}
