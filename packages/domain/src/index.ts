export * from './code5.ts';
export * from './msisdn.ts';
export * from './quiet-hours.ts';
export * from './roles.ts';
export * from './state-machines.ts';
export * from './voucher-token.ts';
export * from './voucher-csv.ts';
export * from './station-outbox.ts';
