import { describe, expect, it } from 'vitest';
import { StackError } from '../src/errors.ts';
import { ensureSystemPackages, type Host, type SystemRequirement } from '../src/system.ts';

/** Requirements that become present once apt-get has installed their package. */
function fakeMachine(installed: Set<string>) {
  const calls: string[][] = [];
  const requirement = (what: string, pkg: string): SystemRequirement => ({
    what,
    present: () => installed.has(pkg),
    aptPackages: [pkg],
  });
  const host = (overrides: Partial<Host>): Host => ({
    isRoot: true,
    hasApt: true,
    aptHasCandidate: () => true,
    aptGet: (args) => {
      calls.push(args);
      if (args[0] === 'install') for (const pkg of args.slice(4)) installed.add(pkg);
      return 0;
    },
    ...overrides,
  });
  return { calls, requirement, host };
}

describe('system packages', () => {
  it('does nothing when everything is present', () => {
    const { calls, requirement, host } = fakeMachine(new Set(['postgresql-15']));
    ensureSystemPackages([requirement('PostgreSQL', 'postgresql-15')], () => undefined, host({}));
    expect(calls).toEqual([]);
  });

  it('as root on Debian, installs exactly the missing packages, once each, non-interactively', () => {
    const { calls, requirement, host } = fakeMachine(new Set(['postgresql-15']));
    const logged: string[] = [];
    ensureSystemPackages(
      [
        requirement('PostgreSQL', 'postgresql-15'),
        requirement('pgTAP', 'postgresql-15-pgtap'),
        requirement('pg_prove', 'postgresql-15-pgtap'),
        requirement('PostGIS', 'postgresql-15-postgis-3'),
      ],
      (line) => logged.push(line),
      host({}),
    );
    expect(calls).toEqual([
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-upgrade', 'postgresql-15-pgtap', 'postgresql-15-postgis-3'],
    ]);
    expect(logged[0]).toContain('installing postgresql-15-pgtap postgresql-15-postgis-3');
  });

  it('without root, changes nothing and prints the exact command', () => {
    const { calls, requirement, host } = fakeMachine(new Set());
    expect(() =>
      ensureSystemPackages([requirement('Chromium', 'chromium')], () => undefined, host({ isRoot: false })),
    ).toThrow(
      "Install with:\n  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade chromium'",
    );
    expect(calls).toEqual([]);
  });

  it('without apt, gives the commands for another system', () => {
    const { requirement, host } = fakeMachine(new Set());
    expect(() =>
      ensureSystemPackages([requirement('PostGIS 3', 'x')], () => undefined, host({ hasApt: false })),
    ).toThrow(/missing: PostGIS 3\. On macOS: brew install postgresql@15 postgis pgtap/);
  });

  it("when apt's sources lack a package (Ubuntu), installs nothing and prints the PGDG commands", () => {
    const { calls, requirement, host } = fakeMachine(new Set());
    const ubuntu = host({ aptHasCandidate: (pkg) => pkg !== 'postgresql-15' });
    expect(() => ensureSystemPackages([requirement('PostgreSQL', 'postgresql-15')], () => undefined, ubuntu)).toThrow(
      "sudo sh -c 'apt-get install -y postgresql-common && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y && " +
        "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade postgresql-15'",
    );
    expect(calls).toEqual([['update', '-qq']]);
  });

  it('fails clearly when apt-get fails or the package still does not provide it', () => {
    const { requirement, host } = fakeMachine(new Set());
    expect(() =>
      ensureSystemPackages([requirement('pgTAP', 'p')], () => undefined, host({ aptGet: () => 100 })),
    ).toThrow(StackError);
    const stubborn: SystemRequirement = { what: 'pg_prove', present: () => false, aptPackages: ['p'] };
    expect(() => ensureSystemPackages([stubborn], () => undefined, host({}))).toThrow(
      'still missing after apt-get: pg_prove',
    );
  });
});
