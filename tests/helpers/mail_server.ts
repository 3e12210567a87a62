/**
 * A real SMTP server on loopback for tests (npm `smtp-server`, a free
 * port), keeping every mail it receives, parsed (npm `mailparser`). The
 * server under test sends to it through SMTP_URL like to any relay.
 * @module
 */
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailServer {
  /** SMTP_URL and MAIL_FROM for the app under test. */
  env: { SMTP_URL: string; MAIL_FROM: string };
  mails: ReceivedMail[];
  /** Waits for a mail matching `match` (default: any new one) and returns it. */
  next(
    match?: (mail: ReceivedMail) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export const TEST_MAIL_FROM = "Sign-in <no-reply@id.example>";

/** The first link in a mail's text that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = mail.text.match(new RegExp(`${escaped}\\S*`));
  if (!m) throw new Error(`no ${prefix} link in: ${mail.text}`);
  return m[0];
}

export async function startMailServer(): Promise<MailServer> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let taken = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((parsed) => {
        const to = parsed.to
          ? (Array.isArray(parsed.to) ? parsed.to : [parsed.to]).flatMap((a) =>
            a.value.map((v) => v.address ?? "")
          )
          : [];
        mails.push({
          to,
          from: parsed.from?.text ?? "",
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
        });
        for (const wake of waiters) wake();
        callback();
      }, (err) => callback(err));
    },
  });
  await new Promise<void>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve())
  );
  const port = (server.server.address() as { port: number }).port;
  return {
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: TEST_MAIL_FROM },
    mails,
    async next(match = () => true, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const index = mails.findIndex((m, i) => i >= taken && match(m));
        if (index >= 0) {
          taken = index + 1;
          return mails[index];
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `no matching mail within ${timeoutMs} ms (${mails.length} received)`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(left, 200));
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
