/** Line loggers: every service writes `.local/<instance>/logs/<name>.log`; some also echo. */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Instance } from './instance.ts';

export type Log = (line: string) => void;

export function fileLog(instance: Instance, name: string, echo?: Log): Log {
  mkdirSync(instance.logDir, { recursive: true });
  const file = path.join(instance.logDir, `${name}.log`);
  return (line: string) => {
    appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    echo?.(line);
  };
}

export const consoleLog: Log = (line) => console.log(`[stack] ${line}`);
