import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../observability/index.ts';
import { loadTranslations, SUPPORTED_LANGUAGES } from '../i18n/index.ts';
import { createMailer, renderMail } from './index.ts';
import { STALE_PARTIAL_MS } from './mailer.ts';

const translations = loadTranslations(join(import.meta.dirname, '../../../locales'));

describe('mail', () => {
  it('writes an .eml file and one log line without the body when SMTP_URL is not set', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'acci-mail-unit-'));
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    const mailer = createMailer({ directory, from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'info', format: 'json' }, sink) });
    const sent = await mailer.send({ to: 'ada@example.org', subject: 'Hello', text: 'secret link ?token=abc\nsecond line\n'.repeat(20) });
    assert.equal(sent.transport, 'file');
    assert.equal(readdirSync(directory).length, 1);
    const raw = readFileSync(sent.file!, 'utf8');
    assert.match(raw, /To: ada@example.org/);
    assert.match(raw, /token=3Dabc|token=abc/);
    assert.doesNotMatch(raw, /[^\r]\n/, 'every line ends in CRLF (RFC 5322), the body included');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /mail written to file/);
    assert.doesNotMatch(lines[0]!, /token/);
  });

  it('removes half-written mails a killed process left behind, but not one being written now', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'acci-mail-partial-'));
    const stale = join(directory, 'killed-mid-write.eml.partial');
    const fresh = join(directory, 'being-written.eml.partial');
    writeFileSync(stale, 'half a mail');
    writeFileSync(fresh, 'half a mail');
    const old = new Date(Date.now() - STALE_PARTIAL_MS - 60_000);
    utimesSync(stale, old, old);
    const mailer = createMailer({ directory, from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }) });
    await mailer.send({ to: 'ada@example.org', subject: 'Hello', text: 'hi' });
    const names = readdirSync(directory);
    assert.ok(!names.includes('killed-mid-write.eml.partial'), names.join(', '));
    assert.ok(names.includes('being-written.eml.partial'));
    assert.equal(names.filter((n) => n.endsWith('.eml')).length, 1);
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

describe('mail on its own thread', () => {
  it('writes the same .eml files and log lines, answers each send with its own file, at the lowest priority', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'acci-mail-thread-'));
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    const mailer = createMailer({ directory, from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'info', format: 'json' }, sink), thread: true });
    try {
      const recipients = Array.from({ length: 12 }, (_, i) => `user${i}@example.org`);
      const sent = await Promise.all(recipients.map((to, i) => mailer.send({ to, subject: `Hello ${i}`, text: `secret link ?token=t${i}` })));
      assert.equal(readdirSync(directory).length, recipients.length);
      sent.forEach((s, i) => {
        assert.equal(s.transport, 'file');
        assert.match(readFileSync(s.file!, 'utf8'), new RegExp(`To: user${i}@example.org`));
      });
      assert.equal(lines.length, recipients.length);
      assert.ok(lines.every((line) => /mail written to file/.test(line) && !/token/.test(line)));
      if (process.platform === 'linux') {
        // The mail thread lowered its own priority (field 19 of its stat line); this thread did not.
        const niceOf = (statFile: string) => {
          const stat = readFileSync(statFile, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        };
        const nices = readdirSync('/proc/self/task').map((tid) => niceOf(`/proc/self/task/${tid}/stat`));
        assert.ok(nices.includes(19), `a thread at nice 19 among ${nices.join(',')}`);
        assert.equal(niceOf('/proc/thread-self/stat'), 0);
      }
    } finally {
      mailer.close();
    }
  });

  it('fails the mails in flight when closed, and a later send starts a new thread', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'acci-mail-thread-'));
    const mailer = createMailer({ directory, from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }), thread: true });
    try {
      const inFlight = mailer.send({ to: 'ada@example.org', subject: 'Hi', text: 'one' });
      mailer.close();
      await assert.rejects(inFlight, /mailer closed/);
      const sent = await mailer.send({ to: 'bob@example.org', subject: 'Hi', text: 'two' });
      assert.match(readFileSync(sent.file!, 'utf8'), /To: bob@example.org/);
    } finally {
      mailer.close();
    }
  });
});
