/**
 * Outgoing mail over SMTP (nodemailer), when SMTP_URL and MAIL_FROM are
 * set; otherwise a mailer that says it is off, and the flows that need
 * mail (password recovery, email verification, invitations by mail,
 * notifications) are off and say so. Sending never holds up the answer:
 * `send` queues the mail and returns, so a page answers in the same time
 * whether or not a mail went out (forgot-password must not tell). Failures
 * are logged without the SMTP URL (it may hold a password) or the address.
 * @module
 */
import nodemailer from "nodemailer";
import type { MailConfig } from "../config.ts";
import type { Logger } from "../log.ts";
import type { RenderedMail } from "./templates.ts";

export interface MailMessage extends RenderedMail {
  to: string;
  /** What kind of mail it is (logged; never the address). */
  kind: string;
}

export interface Mailer {
  /** Whether mail is configured at all. */
  readonly enabled: boolean;
  /** Queues a mail and returns at once; a failure is logged. */
  send(message: MailMessage): void;
  /**
   * Runs `work` (which looks accounts up and sends mail) after the answer,
   * so the answer's timing cannot tell what it found; tracked by `idle`.
   */
  defer(label: string, work: () => Promise<void>): void;
  /** Resolves once every queued mail was handed over (or failed). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The part of nodemailer's SMTP transport used here (nodemailer ships no
 * types, and @types/nodemailer would bring @types/node's globals in).
 */
interface SMTPTransport {
  sendMail(mail: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
  }): Promise<unknown>;
  close(): void;
}

/** A mailer for a server without SMTP_URL: nothing can be sent. */
export const NO_MAILER: Mailer = {
  enabled: false,
  send(message) {
    throw new Error(`mail is not configured (${message.kind})`);
  },
  defer(label) {
    throw new Error(`mail is not configured (${label})`);
  },
  idle: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

/**
 * The mailer for `config` (NO_MAILER when mail is off).
 *
 * @example
 * const mailer = createMailer(config.mail, log);
 * if (mailer.enabled) mailer.send({ kind: "reset_password", to, ...rendered });
 */
export function createMailer(config: MailConfig | null, log: Logger): Mailer {
  if (!config) return NO_MAILER;
  const transport = (nodemailer as {
    createTransport(url: string): SMTPTransport;
  }).createTransport(config.smtpURL);
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const tracked = work.finally(() => pending.delete(tracked));
    pending.add(tracked);
  };
  return {
    enabled: true,
    send(message) {
      const sending = transport.sendMail({
        from: config.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      }).then(
        () => log.log("info", "mail sent", { kind: message.kind }),
        (err: Error) =>
          log.log("error", "mail not sent", {
            kind: message.kind,
            err: `${err.name}: ${err.message}`.slice(0, 300),
          }),
      );
      track(sending);
    },
    defer(label, work) {
      track(
        work().catch((err: Error) =>
          log.log("error", "mail work failed", {
            label,
            err: `${err.name}: ${err.message}`.slice(0, 300),
          })
        ),
      );
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      await this.idle();
      transport.close();
    },
  };
}
