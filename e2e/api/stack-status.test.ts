/**
 * `pnpm stack status --json`, run against the test stack: what scripts and people use to
 * find URLs, keys and demo logins must match the running stack.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signIn, stack } from '../support/stack.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('stack status --json', () => {
  it('reports the running stack, its keys and the demo logins', async () => {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'packages/stack/src/cli.ts', 'status', '--json', '--instance', 'test'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    const status = JSON.parse(output) as Record<string, unknown>;
    expect(status).toMatchObject({
      running: true,
      postgres: true,
      api_url: stack.url,
      db_url: stack.dbUrl,
      anon_key: stack.anonKey,
      service_role_key: stack.serviceRoleKey,
      jwt_secret: stack.jwtSecret,
      admin_url: process.env.ADMIN_URL,
      station_url: process.env.STATION_URL,
      demo_password: stack.demoPassword,
    });
    expect(status.demo_users).toEqual([
      { email: 'admin@easymo.test', roles: ['super_admin'] },
      { email: 'dataops@easymo.test', roles: ['data_ops'] },
      { email: 'operator2@easymo.test', roles: [], station_id: 'b0000000-0000-4000-8000-000000000002' },
      { email: 'operator@easymo.test', roles: [], station_id: 'b0000000-0000-4000-8000-000000000001' },
      { email: 'readonly@easymo.test', roles: ['readonly'] },
      { email: 'support@easymo.test', roles: ['support'] },
    ]);
    for (const user of status.demo_users as { email: string }[]) {
      await expect(signIn(user.email, String(status.demo_password))).resolves.toBeTruthy();
    }
  });
});
