export * from './api.ts';
export * from './session.ts';
export * from './sign-in.ts';
export * from './supabase.ts';
export * from './slim-client.ts';
