export * from './roles.ts';
export * from './state-machines.ts';
