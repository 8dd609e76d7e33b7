import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRoot } from '../src/instance.ts';
import { functionConfig, parseByteSize, readSupabaseConfig } from '../src/supabase-config.ts';

function projectWith(toml: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'config-'));
  mkdirSync(path.join(root, 'supabase'));
  writeFileSync(path.join(root, 'supabase', 'config.toml'), toml);
  return root;
}

describe('supabase/config.toml', () => {
  it("reads the project's own settings", () => {
    const config = readSupabaseConfig(findRoot());
    expect(config.auth).toEqual({ jwtExpiry: 3600, refreshTokenRotation: true, refreshTokenReuseInterval: 0 });
    expect(functionConfig(config, 'admin')).toEqual({ verifyJwt: true });
    expect(config.seedPaths.map((p) => path.basename(p))).toEqual(['seed.sql']);
  });

  it('reads sizes the way the CLI writes them', () => {
    expect(readSupabaseConfig(findRoot()).storageFileSizeLimit).toBe(50 * 1024 * 1024);
    expect(parseByteSize('5MB')).toBe(5_000_000);
    expect(parseByteSize('512KiB')).toBe(524_288);
    expect(parseByteSize(1234)).toBe(1234);
    expect(() => parseByteSize('lots')).toThrow(/bad size/);
  });

  it("falls back to the Supabase CLI's defaults", () => {
    const config = readSupabaseConfig(projectWith('project_id = "x"\n'));
    expect(config.auth).toEqual({ jwtExpiry: 3600, refreshTokenRotation: true, refreshTokenReuseInterval: 10 });
    expect(functionConfig(config, 'anything')).toEqual({ verifyJwt: true });
  });

  it('honours per-function verify_jwt and a custom token lifetime', () => {
    const root = projectWith(
      '[auth]\njwt_expiry = 600\n[functions.whatsapp-webhook]\nverify_jwt = false\n[db.seed]\nsql_paths = ["./a.sql", "./b.sql"]\n',
    );
    const config = readSupabaseConfig(root);
    expect(config.auth.jwtExpiry).toBe(600);
    expect(functionConfig(config, 'whatsapp-webhook')).toEqual({ verifyJwt: false });
    expect(config.seedPaths).toEqual([path.join(root, 'supabase', 'a.sql'), path.join(root, 'supabase', 'b.sql')]);
  });
});
