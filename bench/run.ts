/**
 * `pnpm bench [gateway] [vouchers] [pwa] [campaigns] [insurance] [admin]`: the benchmarks, each printing ratios
 * against a baseline measured in the same run. They share one throw-away stack (the
 * `test` instance: do not run beside `pnpm test`). Not part of the test suite. `admin`
 * runs last: it seeds a million vouchers the others should not run on.
 */
import { startEphemeralStack } from '../packages/stack/src/ephemeral.ts';
import { adminBench } from './admin.ts';
import { campaignsBench } from './campaigns.ts';
import { gatewayBench } from './gateway.ts';
import { insuranceBench } from './insurance.ts';
import { pwaBench } from './pwa.ts';
import { vouchersBench } from './vouchers.ts';

const BENCHES = {
  gateway: gatewayBench,
  vouchers: vouchersBench,
  pwa: pwaBench,
  campaigns: campaignsBench,
  insurance: insuranceBench,
  admin: adminBench,
} as const;

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(a in BENCHES));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  // In the order of BENCHES, whatever the order asked.
  const names = (Object.keys(BENCHES) as (keyof typeof BENCHES)[]).filter(
    (n) => asked.length === 0 || asked.includes(n),
  );
  const stack = await startEphemeralStack({
    withApps: names.includes('pwa'),
    log: (line) => console.log(`[bench] ${line}`),
  });
  try {
    for (const name of names) {
      console.log(`\n══ ${name} ══`);
      await BENCHES[name](stack);
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
