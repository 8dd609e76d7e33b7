/**
 * Configuration from the environment: the names Supabase injects into every function
 * (the local stack copies them), and the project's own secrets (`supabase secrets set`
 * in production; the local stack generates them).
 */
type InjectedName = 'SUPABASE_URL' | 'SUPABASE_ANON_KEY' | 'SUPABASE_SERVICE_ROLE_KEY' | 'SUPABASE_DB_URL';

type SecretName =
  /** The private JWK (ECDSA P-256, JSON) that signs voucher QR tokens. */
  | 'VOUCHER_SIGNING_KEY'
  /** Graph API origin; the local stack points it at the WhatsApp sandbox. */
  | 'WHATSAPP_API_URL'
  | 'WHATSAPP_API_VERSION'
  | 'WHATSAPP_TOKEN'
  | 'WHATSAPP_PHONE_NUMBER_ID'
  /** Signs the webhooks WhatsApp sends us (X-Hub-Signature-256). */
  | 'WHATSAPP_APP_SECRET'
  /** What Meta echoes in the webhook subscription handshake. */
  | 'WHATSAPP_VERIFY_TOKEN'
  /** The name printed on voucher cards. */
  | 'PROGRAMME_NAME';

export function requireEnv(name: InjectedName | SecretName): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function optionalEnv(name: SecretName, fallback: string): string {
  return Deno.env.get(name) || fallback;
}
