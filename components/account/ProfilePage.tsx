/** /account: the profile claims the admin lets people edit, and the address's state. */
import type { VNode } from "preact";
import type { ProfileView } from "../../lib/accounts/profile.ts";
import type { Message } from "../../lib/i18n/messages.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
import { Form } from "../Form.tsx";
import { FormMessage, Input } from "./fields.tsx";

export interface ProfilePageProps {
  profile: ProfileView;
  csrf: string;
  /** Field name -> what is wrong. */
  errors?: Record<string, Message>;
  /** The posted values, shown again after an error. */
  values?: Record<string, string>;
  mailOn: boolean;
}

export function ProfilePage(props: ProfilePageProps): VNode {
  const { t, text, rich } = useI18n();
  const { profile, errors = {} } = props;
  const editable = profile.fields.length > 0;
  return (
    <>
      <section class="card" aria-labelledby="profile">
        <h2 id="profile">{t("profile.title")}</h2>
        <p class="muted">
          {rich("profile.username", {
            username: <strong>{profile.username}</strong>,
          })}
        </p>
        {!editable && <p>{t("profile.not_editable")}</p>}
        {editable && (
          <Form action="/account" csrf={props.csrf}>
            <input type="hidden" name="_action" value="profile" />
            <FormMessage error={errors[""]} />
            {profile.fields.map((f) => (
              <Input
                key={f.name}
                name={`claim.${f.name}`}
                label={f.label ? text({ key: f.label }) : f.name}
                type={f.name === "email" ? "email" : "text"}
                value={props.values?.[f.name] ?? f.value}
                autocomplete={AUTOCOMPLETE[f.name]}
                maxLength={f.name === "email" ? 254 : 2000}
                error={errors[f.name]}
                hint={f.name === "email" && props.mailOn
                  ? t("profile.email_hint")
                  : undefined}
              />
            ))}
            <button type="submit">{t("profile.submit")}</button>
          </Form>
        )}
      </section>
      <section class="card" aria-labelledby="email">
        <h2 id="email">{t("profile.email_title")}</h2>
        {profile.email === null ? <p>{t("profile.no_email")}</p> : (
          <p>
            <span class="mono">{profile.email}</span> {profile.emailVerified
              ? <span class="badge ok">{t("profile.confirmed")}</span>
              : <span class="badge warn">{t("profile.not_confirmed")}</span>}
          </p>
        )}
        {profile.email !== null && !profile.emailVerified && (
          props.mailOn
            ? (
              <Form action="/account" csrf={props.csrf}>
                <input type="hidden" name="_action" value="send_verification" />
                <button type="submit" class="secondary">
                  {t("profile.send_confirmation")}
                </button>
              </Form>
            )
            : <p class="muted">{t("profile.no_mail")}</p>
        )}
      </section>
    </>
  );
}

/** Browser autofill hints for the standard claims. */
const AUTOCOMPLETE: Record<string, string> = {
  name: "name",
  given_name: "given-name",
  family_name: "family-name",
  middle_name: "additional-name",
  nickname: "nickname",
  email: "email",
  website: "url",
  phone_number: "tel",
  birthdate: "bday",
  locale: "language",
};
