import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

const PROFILE = {
  userId: 'usr_1001',
  traits: { firstName: 'Maya', email: 'maya.patel@example.com' },
  stage: 'active',
  locale: 'en-GB',
  reachable: { email: true, sms: true, push: true },
};
const EVENT = {
  id: '14e5b654-f000-480d-920b-1ab13db6dcbf',
  'detail-type': 'Product Added',
  source: 'com.example.shop',
  time: '2026-11-01T09:24:10Z',
  detail: {
    userId: 'usr_1001',
    properties: { cartId: 'cart_m8Q2xk', name: 'Gooseneck Pour-Over Kettle', price: 49, currency: 'GBP' },
  },
};

async function inputs(profile: object = PROFILE, event: object = EVENT): Promise<string[]> {
  const dir = await tempDir();
  const [p, e] = [join(dir, 'p.json'), join(dir, 'e.json')];
  await writeFile(p, JSON.stringify(profile));
  await writeFile(e, JSON.stringify(event));
  return ['--profile', p, '--event', e];
}

describe('cairn render', () => {
  it('prints an SMS with its encoding and segments, from the journey that uses the template', async () => {
    // Prepare
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['render', 'cart-reminder', ...(await inputs()), '--channel', 'sms'], io);

    // Assess
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toBe(
      [
        'template cart-reminder (journeys/templates/cart-reminder.yaml), journey cart-abandonment, step remind, locale en-GB',
        '',
        '== sms (variant default) ==',
        'Example Roasters: Gooseneck Pour-Over Kettle is still in your cart. 10% off with CART10: https://shop.example.com/cart/cart_m8Q2xk Reply STOP to opt out',
        '--- GSM-7, 152 septets, 1 segment(s) (at most 3) ---',
      ].join('\n'),
    );
  });

  it('picks the locale variant, and reports UCS-2 for Japanese', async () => {
    const { io, out } = memoryIo();

    const code = await main(
      ['render', 'cart-reminder', ...(await inputs()), '--channel', 'sms', '--locale', 'ja-JP'],
      io,
    );

    expect(code).toBe(0);
    expect(out.join('\n')).toContain('== sms (variant ja) ==');
    expect(out.join('\n')).toMatch(/--- UCS-2, 120 UTF-16 code units, 2 segment\(s\) \(at most 3\) ---$/);
  });

  it('prints every channel of the template, with a signed unsubscribe link in the email', async () => {
    const { io, out } = memoryIo();

    const code = await main(['render', 'cart-reminder', ...(await inputs())], io);

    const text = out.join('\n');
    expect(code).toBe(0);
    expect(text).toContain('Subject: Maya, you left something in your cart');
    expect(text).toMatch(/Unsubscribe: https:\/\/unsubscribe\.example\.com\/\?token=[\w-]+\.[\w-]+$/m);
    expect(text).toContain('Data: {"cartId":"cart_m8Q2xk","discountCode":"CART10"}');
    expect(text.match(/^== .*$/gm)).toEqual([
      '== email (variant default) ==',
      '== sms (variant default) ==',
      '== push (variant default) ==',
    ]);
  });

  it('fails with the reason when a value is missing, and exits 1', async () => {
    const { io, err } = memoryIo();
    const event = { ...EVENT, detail: { userId: 'usr_1001', properties: { name: 'Kettle' } } };

    const code = await main(
      ['render', 'cart-reminder', ...(await inputs(PROFILE, event)), '--channel', 'push'],
      io,
    );

    expect(code).toBe(1);
    expect(err).toEqual([
      'cairn render: push: template-missing-variable: journeys/templates/cart-reminder.yaml:7:31 push.url: undefined variable: event.properties.cartId',
    ]);
  });

  it('enforces --max-segments', async () => {
    const { io, err } = memoryIo();

    const code = await main(
      [
        'render',
        'cart-reminder',
        ...(await inputs()),
        '--channel',
        'sms',
        '--locale',
        'ja',
        '--max-segments',
        '1',
      ],
      io,
    );

    expect(code).toBe(1);
    expect(err[0]).toMatch(
      /^cairn render: sms: sms-too-long: .* 2 UCS-2 segments \(120 units\), at most 1 allowed$/,
    );
  });

  it('refuses an unknown template, a bad channel and missing inputs with exit 2', async () => {
    const files = await inputs();
    const unknown = memoryIo();
    const channel = memoryIo();
    const missing = memoryIo();

    const codes = [
      await main(['render', 'nope', ...files], unknown.io),
      await main(['render', 'welcome', ...files, '--channel', 'fax'], channel.io),
      await main(['render', 'welcome'], missing.io),
    ];

    expect(codes).toEqual([2, 2, 2]);
    expect(unknown.err).toEqual(['cairn render: no template "nope" in journeys/templates']);
    expect(channel.err).toEqual(['cairn render: --channel must be email, sms or push, not "fax"']);
    expect(missing.err[0]).toMatch(/^cairn render: expected one TEMPLATE, --profile and --event/);
  });

  it('refuses a profile without a userId', async () => {
    const { io, err } = memoryIo();

    const code = await main(['render', 'welcome', ...(await inputs({ traits: {} }))], io);

    expect(code).toBe(2);
    expect(err[0]).toMatch(/must be a profile view with a "userId"/);
  });
});
