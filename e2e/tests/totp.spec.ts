import { expect, test } from '@playwright/test';
import { base32Decode, hotp, parseCredentials, totp, totpStep } from './helpers';

// Self-checks of the helpers; they need no server and no browser.

// RFC 6238 appendix B, SHA1 seed: ASCII "12345678901234567890" (base32 below).
const RFC_SECRET_ASCII = '12345678901234567890';
const RFC_SECRET_B32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test.describe('TOTP helper', () => {
  test('matches the RFC 6238 SHA1 test vectors (6 digits)', () => {
    const key = Buffer.from(RFC_SECRET_ASCII, 'ascii');
    expect(totp(key, 59)).toBe('287082');
    expect(totp(key, 1111111109)).toBe('081804');
    expect(totp(key, 1111111111)).toBe('050471');
    expect(totp(key, 1234567890)).toBe('005924');
    expect(totp(key, 2000000000)).toBe('279037');
    // 8 digits, as printed in the RFC.
    expect(hotp(key, totpStep(59), 8)).toBe('94287082');
  });

  test('decodes base32 secrets', () => {
    expect(base32Decode(RFC_SECRET_B32).toString('ascii')).toBe(RFC_SECRET_ASCII);
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString('ascii')).toBe(RFC_SECRET_ASCII);
    expect(base32Decode('MZXW6YTBOI======').toString('ascii')).toBe('foobar');
    expect(totp(RFC_SECRET_B32, 59)).toBe('287082');
    expect(totp(RFC_SECRET_B32, 1111111109)).toBe('081804');
    expect(() => base32Decode('NOT-BASE32!')).toThrow();
  });
});

test('parses the demo credentials file', () => {
  const creds = parseCredentials(
    [
      '# written by argine demo',
      'url=http://127.0.0.1:8080',
      'admin.email=admin@example.it',
      'admin.password=pa=ss word',
      'admin.totp_secret=GEZDGNBVGY3TQOJQ',
      '',
      'viewer.email=viewer@example.it',
      'viewer.password=secret',
      'api_token=argn_abc',
    ].join('\n'),
  );
  expect(creds.url).toBe('http://127.0.0.1:8080');
  expect(creds.apiToken).toBe('argn_abc');
  expect(creds.accounts.admin).toEqual({ email: 'admin@example.it', password: 'pa=ss word', totpSecret: 'GEZDGNBVGY3TQOJQ' });
  expect(creds.accounts.viewer).toEqual({ email: 'viewer@example.it', password: 'secret' });
  expect(creds.accounts.viewer?.totpSecret).toBeUndefined();
});
