import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { hashPassword, verifyPassword } from '../../src/config/passwords.ts';

async function dirWith(config?: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'daehwa-config-'));
  if (config !== undefined) await writeFile(path.join(dir, 'daehwa.config.json'), config);
  return dir;
}

describe('configuration', () => {
  it('runs everything embedded with no file and no environment', async () => {
    const result = await loadConfig({ cwd: await dirWith(), env: {} });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.source).toBeNull();
    expect(result.config).toMatchObject({
      server: { port: 3000 },
      store: { kind: 'lowdb', dir: 'data/store' },
      commerce: { kind: 'demo', dataDir: 'data/shop' },
      handoff: { businessHours: { timeZone: 'Asia/Seoul', weekly: { mon: [['09:00', '18:00']], fri: [['09:00', '18:00']] } } },
    });
    expect(result.config.handoff.businessHours.weekly.sat).toBeUndefined();
  });

  it('lets the environment override the file', async () => {
    const cwd = await dirWith(JSON.stringify({ server: { port: 8080 }, sessions: { idleTimeoutMs: 600000 } }));
    const result = await loadConfig({
      cwd,
      env: { PORT: '9090', DAEHWA_SHOP_API_URL: 'https://shop.example.com/api', DAEHWA_STORE_DIR: '/var/lib/daehwa' },
    });
    expect(result.ok && result.config.store).toEqual({ kind: 'lowdb', dir: '/var/lib/daehwa', maxCachedConversations: 10_000 });
    expect(result.ok && result.config.server.port).toBe(9090);
    expect(result.ok && result.config.sessions.idleTimeoutMs).toBe(600000);
    expect(result.ok && result.config.commerce).toEqual({ kind: 'http', baseUrl: 'https://shop.example.com/api', timeoutMs: 3000 });
  });

  it('moves the default business week to the time zone given in the environment', async () => {
    const result = await loadConfig({ cwd: await dirWith(), env: { DAEHWA_BUSINESS_TZ: 'Asia/Tokyo' } });
    expect(result.ok && result.config.handoff.businessHours).toMatchObject({
      timeZone: 'Asia/Tokyo',
      weekly: { mon: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
    });
  });

  it('names the bad key and where it came from', async () => {
    const cwd = await dirWith(JSON.stringify({ sesions: {}, handoff: { agentGraceMs: -5 } }));
    const result = await loadConfig({ cwd, env: { PORT: 'eighty' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config server\.port \(from env PORT\): .*expected number/),
        expect.stringMatching(/^config sesions \(in daehwa\.config\.json\): .*[Uu]nrecognized/),
        expect.stringMatching(/^config handoff\.agentGraceMs \(in daehwa\.config\.json\): .*>=0/),
      ]),
    );
  });

  it('names the hand-off band: the NLU threshold and the hand-off threshold as one checked pair', async () => {
    const defaults = await loadConfig({ cwd: await dirWith(), env: {} });
    expect(defaults.ok && defaults.config.handoff.band).toEqual({ lower: 0.4, upper: 0.5 });
    const fromEnv = await loadConfig({ cwd: await dirWith(), env: { DAEHWA_NLU_THRESHOLD: '0.3', DAEHWA_HANDOFF_THRESHOLD: '0.65' } });
    expect(fromEnv.ok && fromEnv.config.handoff.band).toEqual({ lower: 0.3, upper: 0.65 });

    const crossed = await loadConfig({ cwd: await dirWith(JSON.stringify({ handoff: { band: { lower: 0.7 } } })), env: {} });
    expect(!crossed.ok && crossed.errors).toEqual([
      'config handoff.band.lower (in daehwa.config.json): lower (0.7) is above upper (0.5): the band runs from not understood (below lower) through a person taking over (lower to upper) to the bot acting (upper and above)',
    ]);
    const outside = await loadConfig({ cwd: await dirWith(), env: { DAEHWA_HANDOFF_THRESHOLD: '1.5' } });
    expect(!outside.ok && outside.errors).toEqual(['config handoff.band.upper (from env DAEHWA_HANDOFF_THRESHOLD): a probability: from 0 to 1']);
    // The old key is refused with a pointer to the new one, not silently ignored.
    const old = await loadConfig({ cwd: await dirWith(JSON.stringify({ dialog: { handoffThreshold: 0.6 } })), env: {} });
    expect(!old.ok && old.errors).toEqual([expect.stringMatching(/^config dialog\.handoffThreshold \(in daehwa\.config\.json\): moved: .*handoff\.band\.upper/)]);
  });

  it('points at the line and column of broken JSON', async () => {
    const cwd = await dirWith('{\n  "server": {\n    "port": 3000,\n  }\n}\n');
    const result = await loadConfig({ cwd, env: {} });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/daehwa\.config\.json:4:3: invalid JSON/);
  });

  it('reports a config file named in DAEHWA_CONFIG that does not exist', async () => {
    const result = await loadConfig({ cwd: await dirWith(), env: { DAEHWA_CONFIG: 'missing.json' } });
    expect(!result.ok && result.errors[0]).toMatch(/missing\.json: cannot read/);
  });

  it('refuses to start in production with the default secrets or the demo password', async () => {
    const cwd = await dirWith();
    const result = await loadConfig({ cwd, env: { NODE_ENV: 'production' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.stringMatching(/^config secret: the default secret is refused when NODE_ENV=production/),
      expect.stringMatching(/^config shopper\.customerTokenSecret: the default secret is refused .*DAEHWA_CUSTOMER_SECRET/),
      expect.stringMatching(/^config agents\.0\.passwordHash: agent 'agent' uses the demo password/),
    ]);

    const agents = [{ id: 'minji', name: '김민지', passwordHash: await hashPassword('a-much-better-password') }];
    await writeFile(path.join(cwd, 'daehwa.config.json'), JSON.stringify({ agents }));
    const secrets = { DAEHWA_SECRET: 'k4v9-f2mx-19ad-ee01-7d2c', DAEHWA_CUSTOMER_SECRET: '5f1c9a0e7b3d48e2a6c4f08d9b7e1a35' };
    const fixed = await loadConfig({ cwd, env: { NODE_ENV: 'production', ...secrets } });
    expect(fixed.ok).toBe(true);
    // In production a plain customerId is not believed unless asked for, and asking is refused.
    expect(fixed.ok && fixed.config.shopper.trustCustomerId).toBe(false);
    const trusting = await loadConfig({ cwd, env: { NODE_ENV: 'production', ...secrets, DAEHWA_TRUST_CUSTOMER_ID: 'true' } });
    expect(!trusting.ok && trusting.errors).toEqual([expect.stringMatching(/^config shopper\.trustCustomerId: .*refused when NODE_ENV=production/)]);
  });

  it('single sign-on: named keys from env, the callback path checked, plain http refused in production', async () => {
    const cwd = await dirWith();
    const sso = { DAEHWA_SSO_ISSUER: 'http://127.0.0.1:8080', DAEHWA_SSO_CLIENT_ID: 'desk', DAEHWA_SSO_REDIRECT_URL: 'https://desk.example/api/agent/sso/callback' };
    expect(await loadConfig({ cwd, env: sso })).toMatchObject({ ok: true, config: { sso: { issuer: 'http://127.0.0.1:8080', clientId: 'desk', claim: 'email' } } });
    const wrongPath = await loadConfig({ cwd, env: { ...sso, DAEHWA_SSO_REDIRECT_URL: 'https://desk.example/callback' } });
    expect(!wrongPath.ok && wrongPath.errors).toEqual([expect.stringMatching(/^config sso\.redirectUrl \(from env DAEHWA_SSO_REDIRECT_URL\): must end in \/api\/agent\/sso\/callback/)]);
    const missing = await loadConfig({ cwd, env: { DAEHWA_SSO_ISSUER: 'https://idp.example' } });
    expect(!missing.ok && missing.errors.join('\n')).toMatch(/config sso\.clientId/);
    const agents = [{ id: 'minji', name: '김민지', email: 'minji@shop.example' }];
    await writeFile(path.join(cwd, 'daehwa.config.json'), JSON.stringify({ agents }));
    const secrets = { DAEHWA_SECRET: 'k4v9-f2mx-19ad-ee01-7d2c', DAEHWA_CUSTOMER_SECRET: '5f1c9a0e7b3d48e2a6c4f08d9b7e1a35' };
    const plain = await loadConfig({ cwd, env: { NODE_ENV: 'production', ...secrets, ...sso } });
    expect(!plain.ok && plain.errors).toEqual([expect.stringMatching(/^config sso\.issuer: http:\/\/127\.0\.0\.1:8080 is not https/)]);
    // An account without a password (SSO only) is fine in production.
    expect((await loadConfig({ cwd, env: { NODE_ENV: 'production', ...secrets, ...sso, DAEHWA_SSO_ISSUER: 'https://idp.example' } })).ok).toBe(true);
  });

  it('trusts a plain customerId in development unless told otherwise', async () => {
    const cwd = await dirWith(JSON.stringify({ shopper: { trustCustomerId: false } }));
    expect(await loadConfig({ cwd: await dirWith(), env: {} })).toMatchObject({ ok: true, config: { shopper: { trustCustomerId: true } } });
    expect(await loadConfig({ cwd, env: {} })).toMatchObject({ ok: true, config: { shopper: { trustCustomerId: false } } });
    const short = await loadConfig({ cwd, env: { DAEHWA_CUSTOMER_SECRET: 'too-short' } });
    expect(!short.ok && short.errors).toEqual([
      expect.stringMatching(/^config shopper\.customerTokenSecret \(from env DAEHWA_CUSTOMER_SECRET\): must be at least 32 characters/),
    ]);
  });

  it('rejects agent passwords that are not scrypt hashes', async () => {
    const cwd = await dirWith(JSON.stringify({ agents: [{ id: 'minji', name: '김민지', passwordHash: 'plaintext' }] }));
    const result = await loadConfig({ cwd, env: {} });
    expect(!result.ok && result.errors[0]).toMatch(/^config agents\.0\.passwordHash .*scrypt hash/);
  });
});

describe('password hashes', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('상담원-비밀번호-2025');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('상담원-비밀번호-2025', hash)).toBe(true);
    expect(await verifyPassword('상담원-비밀번호-2024', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});
