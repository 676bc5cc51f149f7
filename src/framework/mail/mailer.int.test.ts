import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../observability/index.ts';
import { loadTranslations, SUPPORTED_LANGUAGES } from '../i18n/index.ts';
import { createMailer, renderMail } from './index.ts';

const translations = loadTranslations(join(import.meta.dirname, '../../../locales'));

describe('mail', () => {
  it('writes an .eml file and one log line without the body when SMTP_URL is not set', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'acci-mail-unit-'));
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    const mailer = createMailer({ directory, from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'info', format: 'json' }, sink) });
    const sent = await mailer.send({ to: 'ada@example.org', subject: 'Hello', text: 'secret link ?token=abc' });
    assert.equal(sent.transport, 'file');
    assert.equal(readdirSync(directory).length, 1);
    const raw = readFileSync(sent.file!, 'utf8');
    assert.match(raw, /To: ada@example.org/);
    assert.match(raw, /token=3Dabc|token=abc/);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /mail written to file/);
    assert.doesNotMatch(lines[0]!, /token/);
  });

  it('renders every template in all five languages, each different and fully filled', () => {
    const params = { tenant: 'Acme', link: 'https://acci.test/invitations/accept?token=t0k3n', email: 'ada@example.org' };
    const subjects = new Set<string>();
    for (const language of SUPPORTED_LANGUAGES) {
      const mail = renderMail(translations, language, 'invitation', params);
      assert.match(mail.subject, /Acme/);
      assert.match(mail.text, /token=t0k3n/);
      assert.doesNotMatch(mail.text + mail.subject, /\{|\}|mail\.invitation/);
      subjects.add(mail.subject);
    }
    assert.equal(subjects.size, SUPPORTED_LANGUAGES.length);
  });
});
