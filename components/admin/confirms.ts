/**
 * What each destructive action says before it happens: the same words in
 * the ConfirmButton dialog (JavaScript) and on the confirmation page a form
 * gets without it.
 * @module
 */

export interface ConfirmText {
  title: string;
  message: string;
  confirmLabel: string;
  tone?: "danger" | "secondary";
}

export const CONFIRM = {
  deleteScope: (name: string): ConfirmText => ({
    title: `Delete scope ${name}?`,
    message:
      "Clients can no longer request it. A scope that a client's policy still names cannot be deleted.",
    confirmLabel: "Delete scope",
  }),
  deleteResource: (identifier: string): ConfirmText => ({
    title: `Delete API ${identifier}?`,
    message:
      "No new tokens are issued for it; tokens already issued keep their audience until they expire.",
    confirmLabel: "Delete API",
  }),
  revokeInitialAccessToken: (description: string): ConfirmText => ({
    title: `Revoke the initial access token ${description}?`,
    message: "Clients can no longer register with it.",
    confirmLabel: "Revoke token",
  }),
  blockClient: (id: string): ConfirmText => ({
    title: `Disable ${id}?`,
    message:
      "It is refused at every endpoint (a metadata document client is not fetched again) until enabled.",
    confirmLabel: "Disable client",
    tone: "secondary",
  }),
  deleteClient: (id: string): ConfirmText => ({
    title: `Delete client ${id}?`,
    message:
      "Its tokens stop working and its consents are removed. This cannot be undone.",
    confirmLabel: "Delete client",
  }),
  regenerateSecret: (id: string): ConfirmText => ({
    title: `Regenerate the secret of ${id}?`,
    message:
      "The current secret stops working immediately. The new one is shown once.",
    confirmLabel: "Regenerate secret",
    tone: "secondary",
  }),
  retireKey: (kid: string): ConfirmText => ({
    title: `Retire key ${kid}?`,
    message:
      "It stops signing new tokens but stays in the JWKS, so tokens it signed still verify.",
    confirmLabel: "Retire key",
    tone: "secondary",
  }),
  deleteKey: (kid: string, early: boolean): ConfirmText => ({
    title: `Delete key ${kid}?`,
    message: early
      ? "It was retired less than a day ago: tokens it signed may still be in use and fail verification once it leaves the JWKS."
      : "It leaves the JWKS. Tokens it signed have all expired.",
    confirmLabel: "Delete key",
  }),
  disableUser: (username: string): ConfirmText => ({
    title: `Disable ${username}?`,
    message:
      "They are signed out everywhere and their tokens are revoked. You can enable them again later.",
    confirmLabel: "Disable user",
  }),
  resetSecondFactor: (username: string): ConfirmText => ({
    title: `Reset ${username}'s second factor?`,
    message:
      "Their authenticator app, passkeys and recovery codes are removed and they are signed out everywhere. They sign in with their password next.",
    confirmLabel: "Reset second factor",
  }),
  deletePasskey: (name: string): ConfirmText => ({
    title: `Delete passkey ${name}?`,
    message: "It can no longer be used to sign in.",
    confirmLabel: "Delete passkey",
  }),
  deleteUser: (username: string): ConfirmText => ({
    title: `Delete ${username}?`,
    message:
      "The account, its sessions, tokens and consents are removed. This cannot be undone.",
    confirmLabel: "Delete user",
  }),
  revokeConsent: (client: string): ConfirmText => ({
    title: `Revoke consent to ${client}?`,
    message:
      "The client's tokens for this user are revoked, and the user is asked again next time.",
    confirmLabel: "Revoke consent",
  }),
  endSession: (username?: string): ConfirmText => ({
    title: `End this session${username ? ` of ${username}` : ""}?`,
    message: "That browser is signed out and must sign in again.",
    confirmLabel: "End session",
  }),
};
