import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { mailTo } from '#test/helpers/ses-inbox.ts';

const { request, stack } = useLocalStack();

describe('the "manage your subscriptions" e-mail', () => {
  it('mails a personal preference link in the contact’s language, with no address in the URL', async () => {
    const contact = await request<{ id: string }>('POST', '/contacts', {
      body: { email: 'Sara@Example.se', locale: 'sv-SE' },
    });
    const res = await request<{ sent: boolean }>('POST', `/contacts/${contact.body.id}/privacy-email`);
    expect(res.status).toBe(202);
    expect(res.body.sent).toBe(true);
    const [mail] = await mailTo(stack().sesUrl, 'Sara@example.se');
    expect(mail?.subject).toBe('Hantera dina prenumerationer');
    const link = /http:\/\/localhost:\d+\/p\/([\w-]+\.[\w-]+)/.exec(mail?.body.text ?? '');
    expect(link).not.toBeNull();
    expect(link?.[0].toLowerCase()).not.toContain('sara');
    expect(mail?.body.html).toContain(link?.[0]);
  });

  it('answers 404 for a contact that does not exist', async () => {
    expect((await request('POST', '/contacts/01h00000000000000000000000/privacy-email')).status).toBe(404);
  });
});
