/**
 * The password of every demo account created by supabase/seed.sql (local stacks only;
 * the seed never runs against production). Keep the two in step: the contract tests
 * sign in with this value.
 */
export const DEMO_PASSWORD = 'easymo-demo-2026';
