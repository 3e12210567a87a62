/** /account: the profile claims the admin lets people edit, and the address's state. */
import type { VNode } from "preact";
import type { ProfileView } from "../../lib/accounts/profile.ts";
import { Form } from "../Form.tsx";
import { FormMessage, Input } from "./fields.tsx";

export interface ProfilePageProps {
  profile: ProfileView;
  csrf: string;
  /** Field name -> sentence. */
  errors?: Record<string, string>;
  /** The posted values, shown again after an error. */
  values?: Record<string, string>;
  mailOn: boolean;
}

export function ProfilePage(props: ProfilePageProps): VNode {
  const { profile, errors = {} } = props;
  const editable = profile.fields.length > 0;
  return (
    <>
      <section class="card" aria-labelledby="profile">
        <h2 id="profile">Profile</h2>
        <p class="muted">
          Username: <strong>{profile.username}</strong>{" "}
          (only your administrator can change it)
        </p>
        {!editable && (
          <p>Your administrator does not let people edit their profile here.</p>
        )}
        {editable && (
          <Form action="/account" csrf={props.csrf}>
            <input type="hidden" name="_action" value="profile" />
            <FormMessage error={errors[""]} />
            {profile.fields.map((f) => (
              <Input
                key={f.name}
                name={`claim.${f.name}`}
                label={f.label}
                type={f.name === "email" ? "email" : "text"}
                value={props.values?.[f.name] ?? f.value}
                autocomplete={AUTOCOMPLETE[f.name]}
                maxLength={f.name === "email" ? 254 : 2000}
                error={errors[f.name]}
                hint={f.name === "email" && props.mailOn
                  ? "A new address gets a link to confirm it."
                  : undefined}
              />
            ))}
            <button type="submit">Save profile</button>
          </Form>
        )}
      </section>
      <section class="card" aria-labelledby="email">
        <h2 id="email">Email address</h2>
        {profile.email === null
          ? <p>Your account has no email address.</p>
          : (
            <p>
              <span class="mono">{profile.email}</span> {profile.emailVerified
                ? <span class="badge ok">confirmed</span>
                : <span class="badge warn">not confirmed</span>}
            </p>
          )}
        {profile.email !== null && !profile.emailVerified && (
          props.mailOn
            ? (
              <Form action="/account" csrf={props.csrf}>
                <input type="hidden" name="_action" value="send_verification" />
                <button type="submit" class="secondary">
                  Send me a confirmation link
                </button>
              </Form>
            )
            : (
              <p class="muted">
                This server sends no mail, so addresses cannot be confirmed
                here. Ask your administrator.
              </p>
            )
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
