import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../functions/core/journeys/schema.ts';
import {
  chooseVariant,
  localeChain,
  type RenderRequest,
  renderTemplate,
} from '../../../functions/core/templates/render.ts';
import { loadTemplateSet } from '../../../functions/core/templates/template-files.ts';
import type { TemplateVariables } from '../../../functions/core/templates/variables.ts';

const TEMPLATE = `
email:
  subject: "Hi {{ profile.traits.firstName }}"
  html: |
    <p>Hi {{ profile.traits.firstName }}, {{ event.properties.name }} is in your cart.</p>
    <a href="{{ unsubscribeUrl }}">Unsubscribe</a>
  text: |
    Hi {{ profile.traits.firstName }}, {{ event.properties.name }} is in your cart.
    Unsubscribe: {{ unsubscribeUrl }}
sms:
  body: "{{ event.properties.name }} is in your cart. Reply STOP to opt out"
push:
  title: "{{ event.properties.name }}"
  body: Still in your cart
  url: "exampleshop://cart/{{ event.properties.cartId }}"
  data:
    cartId: "{{ event.properties.cartId }}"
    message: "{{ message.id }}"
locales:
  fr:
    email:
      subject: "Bonjour {{ profile.traits.firstName }}"
      html: <p>Bonjour</p>
      text: Bonjour
  fr-CA:
    sms:
      body: "{{ event.properties.name }} est dans votre panier"
`;

const { templates, problems } = loadTemplateSet([{ file: 'journeys/templates/cart.yaml', text: TEMPLATE }]);

function variables(traits: Record<string, unknown> = { firstName: 'Maya' }): TemplateVariables {
  return {
    profile: { userId: 'usr_1', traits, stage: null, locale: 'en-GB' },
    event: {
      id: 'evt_1',
      name: 'Product Added',
      source: 'com.example.shop',
      time: '2026-11-01T09:24:10Z',
      properties: { cartId: 'cart_1', name: 'Gooseneck Kettle' },
    },
    journey: { id: 'cart-abandonment', name: 'Cart abandonment', stepId: 'remind' },
    message: { id: 'msg_1' },
  };
}

function request(channel: Channel, overrides: Partial<RenderRequest> = {}): RenderRequest {
  return {
    templateId: 'cart',
    channel,
    variables: variables(),
    unsubscribeUrl: (c) => `https://u.example.com/${c}?token=t`,
    maxSmsSegments: 3,
    ...overrides,
  };
}

describe('renderTemplate', () => {
  it('loads the template without problems', () => {
    expect(problems).toEqual([]);
  });

  it('renders an email with the profile, event and the unsubscribe URL of its channel', () => {
    const result = renderTemplate(templates, request('email'));

    expect(result).toEqual({
      ok: true,
      content: {
        templateId: 'cart',
        locale: 'default',
        channel: 'email',
        subject: 'Hi Maya',
        html: '<p>Hi Maya, Gooseneck Kettle is in your cart.</p>\n<a href="https://u.example.com/email?token=t">Unsubscribe</a>\n',
        text: 'Hi Maya, Gooseneck Kettle is in your cart.\nUnsubscribe: https://u.example.com/email?token=t\n',
      },
    });
  });

  it('escapes values in HTML but not in text', () => {
    // Prepare
    const hostile = request('email', { variables: variables({ firstName: '<script>x</script>' }) });

    // Act
    const result = renderTemplate(templates, hostile);

    // Assess
    if (!result.ok || result.content.channel !== 'email') throw new Error('expected an email');
    expect(result.content.html).toContain('Hi &lt;script&gt;x&lt;/script&gt;,');
    expect(result.content.text).toContain('Hi <script>x</script>,');
  });

  it('renders an SMS with its encoding and segments', () => {
    const result = renderTemplate(templates, request('sms'));

    expect(result).toMatchObject({
      ok: true,
      content: {
        channel: 'sms',
        body: 'Gooseneck Kettle is in your cart. Reply STOP to opt out',
        encoding: 'GSM-7',
        units: 55,
        segments: 1,
      },
    });
  });

  it('renders push fields, its link and data', () => {
    const result = renderTemplate(templates, request('push'));

    expect(result).toEqual({
      ok: true,
      content: {
        templateId: 'cart',
        locale: 'default',
        channel: 'push',
        title: 'Gooseneck Kettle',
        body: 'Still in your cart',
        url: 'exampleshop://cart/cart_1',
        data: { cartId: 'cart_1', message: 'msg_1' },
      },
    });
  });

  it('fails with the variable and part when a value is missing, instead of sending a blank', () => {
    const result = renderTemplate(templates, request('email', { variables: variables({}) }));

    expect(result).toEqual({
      ok: false,
      reason: 'template-missing-variable',
      detail: 'journeys/templates/cart.yaml:3:19 email.subject: undefined variable: profile.traits.firstName',
    });
  });

  it('treats null and empty values as missing', () => {
    const empty = renderTemplate(templates, request('email', { variables: variables({ firstName: '' }) }));
    const none = renderTemplate(templates, request('email', { variables: variables({ firstName: null }) }));

    expect(empty).toMatchObject({ ok: false, reason: 'template-missing-variable' });
    expect(none).toMatchObject({ ok: false, reason: 'template-missing-variable' });
  });

  it('lets default: and if test a missing value', () => {
    // Prepare
    const { templates: set } = loadTemplateSet([
      {
        file: 't/lenient.yaml',
        text: 'sms:\n  body: "Hi {{ profile.traits.firstName | default: \'there\' }}{% if profile.stage %} ({{ profile.stage }}){% endif %}"\n',
      },
    ]);

    // Act
    const result = renderTemplate(set, {
      ...request('sms'),
      templateId: 'lenient',
      variables: variables({}),
    });

    // Assess
    expect(result).toMatchObject({ ok: true, content: { body: 'Hi there' } });
  });

  it('names a template that does not exist and a channel it lacks', () => {
    const missing = renderTemplate(templates, { ...request('email'), templateId: 'nope' });
    const { templates: emailOnly } = loadTemplateSet([
      { file: 't/e.yaml', text: 'email: { subject: s, html: h, text: t }\n' },
    ]);
    const noSms = renderTemplate(emailOnly, { ...request('sms'), templateId: 'e' });

    expect(missing).toEqual({ ok: false, reason: 'template-not-found', detail: 'no template "nope"' });
    expect(noSms).toEqual({
      ok: false,
      reason: 'template-channel-missing',
      detail: 'template "e" has no sms content',
    });
  });

  it('refuses a part that renders blank', () => {
    // Prepare
    const { templates: set } = loadTemplateSet([
      { file: 't/blank.yaml', text: 'push:\n  title: "{{ profile.traits.firstName | strip }}"\n  body: b\n' },
    ]);

    // Act
    const result = renderTemplate(set, {
      ...request('push'),
      templateId: 'blank',
      variables: variables({ firstName: '   ' }),
    });

    // Assess
    expect(result).toEqual({
      ok: false,
      reason: 'template-blank',
      detail: 't/blank.yaml push.title: rendered blank',
    });
  });

  it('refuses a push link that is not a URL', () => {
    // Prepare
    const { templates: set } = loadTemplateSet([
      { file: 't/link.yaml', text: 'push:\n  title: t\n  body: b\n  url: "{{ event.properties.link }}"\n' },
    ]);
    const link = { ...variables(), event: { ...variables().event, properties: { link: 'cart 1' } } };

    // Act
    const result = renderTemplate(set, { ...request('push'), templateId: 'link', variables: link });

    // Assess
    expect(result).toEqual({
      ok: false,
      reason: 'template-invalid-url',
      detail: 't/link.yaml push.url: not a URL: cart 1',
    });
  });

  it('enforces the maximum number of SMS segments', () => {
    // Prepare: a UCS-2 product name of 150 characters makes a body of 189 code units, three segments.
    const long = { ...variables(), event: { ...variables().event, properties: { name: 'ç'.repeat(150) } } };

    // Act
    const two = renderTemplate(templates, request('sms', { variables: long, maxSmsSegments: 2 }));
    const three = renderTemplate(templates, request('sms', { variables: long, maxSmsSegments: 3 }));

    // Assess
    expect(two).toEqual({
      ok: false,
      reason: 'sms-too-long',
      detail: 'journeys/templates/cart.yaml sms.body: 3 UCS-2 segments (189 units), at most 2 allowed',
    });
    expect(three).toMatchObject({ ok: true, content: { encoding: 'UCS-2', units: 189, segments: 3 } });
  });
});

describe('locale variants', () => {
  it('walks from the most specific locale to the language', () => {
    expect(localeChain('fr-CA')).toEqual(['fr-CA', 'fr']);
    expect(localeChain('zh_Hant_TW')).toEqual(['zh-Hant-TW', 'zh-Hant', 'zh']);
    expect(localeChain(undefined)).toEqual([]);
  });

  it('picks per channel the first variant of the chain that has the channel, else the default', () => {
    const template = templates.get('cart')?.template;
    if (!template) throw new Error('no template');

    expect(chooseVariant(template, 'sms', 'fr-CA')?.locale).toBe('fr-CA');
    expect(chooseVariant(template, 'email', 'fr-CA')?.locale).toBe('fr');
    expect(chooseVariant(template, 'email', 'FR-be')?.locale).toBe('fr');
    expect(chooseVariant(template, 'push', 'fr-CA')?.locale).toBe('default');
    expect(chooseVariant(template, 'email', 'de-DE')?.locale).toBe('default');
    expect(chooseVariant(template, 'email', undefined)?.locale).toBe('default');
    expect(chooseVariant(template, 'email', '')?.locale).toBe('default');
  });

  it('renders the chosen variant', () => {
    const result = renderTemplate(templates, request('email', { locale: 'fr-CA' }));

    expect(result).toMatchObject({
      ok: true,
      content: { locale: 'fr', subject: 'Bonjour Maya', text: 'Bonjour' },
    });
  });
});
