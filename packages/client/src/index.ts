export * from './api.ts';
export * from './session.ts';
export * from './supabase.ts';
