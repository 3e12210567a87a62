/**
 * English: the catalogue every other language translates. Its keys are the
 * message keys (`MessageKey`), its `{placeholders}` the values each message
 * takes; lib/i18n/messages.ts makes the other catalogues match it.
 * @module
 */
export const en = {
  // The page shell (components/Layout.tsx) and the error page.
  "layout.default_name": "Authorization Server",
  "layout.skip": "Skip to content",
  "layout.support": "Help and support",
  "error.status": "Error {status}",
  "error.details": "What the server says:",
  "error.home": "Go to the start page",
  "error.title.400": "Bad request",
  "error.title.401": "Sign-in required",
  "error.title.403": "Forbidden",
  "error.title.404": "Page not found",
  "error.title.405": "Method not allowed",
  "error.title.410": "Gone",
  "error.title.413": "Request too large",
  "error.title.415": "Unsupported form",
  "error.title.429": "Too many attempts",
  "error.title.500": "Something went wrong",
  "error.title.503": "Service unavailable",
  "error.title.other": "Error",
  // The start page (routes/index.tsx).
  "start.intro":
    "An OAuth 2.0 and OpenID Connect provider. Applications send people here to sign in.",
  "start.discovery": "Discovery document",
  "start.jwks": "Signing keys (JWKS)",
  "start.admin": "Administration",
  "start.issuer": "Issuer: {issuer}",
  // Passkeys (lib/accounts/webauthn/, islands/Passkey*.tsx).
  "passkey.off.ip_issuer":
    "ISSUER ({origin}) is an IP address, and browsers accept passkeys only for a domain name. Set ISSUER to the https address of a domain that reaches this server.",
  "passkey.off.http_issuer":
    "ISSUER ({origin}) is plain http, and browsers offer passkeys only over https (or on localhost). Serve the server over https and set ISSUER to that address.",
  "passkey.error.unreadable": "The passkey response could not be read.",
  "passkey.error.unverified_reload":
    "The passkey could not be verified. Reload the page and try again.",
  "passkey.error.replayed":
    "This passkey response was used already. Reload the page and try again.",
  "passkey.error.registered": "This passkey is registered already.",
  // Signing in (lib/accounts/sign_in_gates.ts, lib/oauth/authorize/sign_in.ts).
  "sign_in.error.limited": "Too many failed sign-in attempts. Try again later.",
  "sign_in.error.locked": "This account is locked. Contact your administrator.",
  "sign_in.error.invalid": "The username or password is incorrect.",
  "sign_in.verify_first":
    "Your account is waiting for its email address to be confirmed. We sent a link to {email}; open it, then sign in.",
  // Passwords (lib/accounts/passwords.ts).
  "password.mismatch": "The two passwords are not the same.",
  "password.new_mismatch": "The two new passwords are not the same.",
  "password.same_as_current":
    "Choose a password different from the current one.",
  "password.too_short": "The password must be at least {min} characters.",
  "password.too_long": "The password must be at most {max} characters.",
  "password.nul": "The password must not contain NUL characters.",
  "password.is_username": "The password must not be your username.",
  "password.limited": "Too many wrong passwords. Try again later.",
  "password.wrong_current": "That is not your current password.",
  "account.gone": "The account is gone.",
  "sign_in.verify_first.title": "Confirm your email address",
  "sign_in.error.change_expired":
    "That took too long. Sign in again to set your new password.",
  "sign_in.error.passkey": "That passkey could not be verified.",
  "sign_in.error.passkey_retry":
    "That passkey could not be verified. Try again, or use another way to sign in.",
  "sign_in.error.totp":
    "That code is not right, or was used already. Enter the current code from your authenticator app.",
  "sign_in.error.recovery_code":
    "That recovery code is not right, or was used already.",
  "forgot.limited": "Too many requests from your network. Try again later.",
  "register.check_mail.title": "Check your mail",
  "register.check_mail":
    "Your account {username} is created. We sent a link to {email}: open it to confirm the address, then sign in.",
  // The sign-in, account choice and consent pages (components/AuthorizationForms.tsx).
  "field.username": "Username",
  "field.password": "Password",
  "sign_in.title": "Sign in",
  "sign_in.to_continue": "to continue to {client}",
  "sign_in.submit": "Sign in",
  "sign_in.or": "or",
  "sign_in.passkey": "Sign in with a passkey",
  "sign_in.forgot": "Forgot password?",
  "sign_in.create_account": "Create an account",
  "passkey.elsewhere":
    "Passkeys work at this server's localhost address: {link}.",
  "passkey.elsewhere.link": "open this page at {origin}",
  "passkey.island.closed":
    "The passkey prompt was closed or timed out. Try again.",
  "passkey.island.refused": "This browser refused passkeys for this address.",
  "passkey.island.failed":
    "The passkey could not be used. Try again or sign in another way.",
  "passkey.island.unsupported": "This browser does not support passkeys.",
  "select_account.title": "Choose an account",
  "select_account.continue": "Continue as {username}",
  "select_account.switch": "Use another account",
  "consent.title": "Allow access?",
  "consent.described_by":
    "Described by {host} — only allow if you trust that site.",
  "consent.unverified":
    "{unverified}: it registered itself; nobody here has checked who runs it.",
  "consent.unverified_app": "Unverified app",
  "consent.resources": "Access to {resources}",
  "consent.wants": "{client} wants to:",
  "consent.signed_in_as": "Signed in as {username}.",
  "consent.allow": "Allow",
  "consent.deny": "Deny",
  "scope.openid": "Sign you in and know who you are",
  "scope.profile": "See your name and basic profile",
  "scope.email": "See your email address",
  "scope.offline_access": "Stay signed in and act for you while you are away",
  // Creating an account (lib/accounts/registration.ts).
  "username.empty": "The username must not be empty.",
  "username.invisible":
    "The username must not contain control or invisible formatting characters (such as zero-width joiners or bidirectional controls).",
  "username.space": "The username must not contain spaces.",
  "username.too_long": "The username must be at most 100 characters.",
  "register.email_needed": "An email address is needed to confirm the account.",
  "register.invite_other_address": "This invitation is for another address.",
  "register.off": "This server does not let people create accounts.",
  "register.limited":
    "Too many accounts were created from your network. Try again later.",
  "register.invite_invalid":
    "This invitation is not valid: it was used, has expired or was withdrawn.",
  "register.username_taken": "That username is taken.",
  "register.invite_just_used": "This invitation was just used.",
  "field.not_email": "Must be an email address.",
  "field.too_long": "Must be at most {max} characters.",
  // Profile claims (OIDC Core §5.1) as the profile page labels them.
  "claim.name": "Full name",
  "claim.given_name": "First name",
  "claim.family_name": "Last name",
  "claim.middle_name": "Middle name",
  "claim.nickname": "Nickname",
  "claim.preferred_username": "Preferred username",
  "claim.profile": "Profile page",
  "claim.picture": "Picture URL",
  "claim.website": "Website",
  "claim.email": "Email address",
  "claim.gender": "Gender",
  "claim.birthdate": "Birthdate",
  "claim.zoneinfo": "Time zone",
  "claim.locale": "Language",
  "claim.phone_number": "Phone number",
  // The account pages' frame and notices (lib/accounts/web.ts).
  "account.nav.profile": "Profile",
  "account.nav.password": "Password",
  "account.nav.sessions": "Sessions",
  "account.nav.apps": "Apps",
  "account.nav.security": "Security",
  "account.notice.profile_saved": "Your profile is saved.",
  "account.notice.profile_unchanged": "Nothing changed.",
  "account.notice.profile_verify":
    "Your profile is saved. We sent a link to your new address: open it to confirm it.",
  "account.notice.email_sent": "We sent a confirmation link to your address.",
  "account.notice.email_not_sent":
    "No link was sent: mail is off, or you asked for several already. Try again later.",
  "account.notice.password_changed":
    "Your password is changed. Your other sessions were signed out.",
  "account.notice.session_ended": "That session is signed out.",
  "account.notice.sessions_ended": "Every other session is signed out.",
  "account.notice.app_revoked":
    "The app's access is removed. It must ask you again.",
  "account.notice.welcome": "Your account is ready.",
  "account.notice.signed_out": "You are signed out.",
  "account.notice.reset": "Your password is changed. Sign in with it.",
  "device.unknown": "Unknown browser",
  "device.browser_on": "{browser} on {system}",
  "device.browser": "{browser}",
  "device.system": "A browser on {system}",
  "account.page_title": "{page} · Your account",
  "account.title": "Your account",
  "account.signed_in_as": "Signed in as {username}",
  "account.sign_out": "Sign out",
  "account.nav": "Account",
  // /account/apps and /account/sessions.
  "apps.title": "Apps you let in",
  "apps.none": "You have not given any app access.",
  "apps.since": "since {time}",
  "apps.remove": "Remove access",
  "apps.remove_hint":
    "Removing access signs the app out now; it asks you again next time.",
  "sessions.title": "Where you are signed in",
  "sessions.hint":
    "Signing a session out also signs out the apps that signed in through it.",
  "sessions.this_browser": "this browser",
  "sessions.seen": "{address} · last seen {last_seen} · signed in {signed_in}",
  "sessions.unknown_address": "unknown address",
  "sessions.end": "Sign out",
  "sessions.end_others": "Sign out everywhere else",
  // Shared form pieces (components/account/fields.tsx).
  "field.new_password": "New password",
  "field.new_password_again": "New password, again",
  "field.password_hint": "At least {min} characters.",
  "field.email": "Email address",
  "field.email_optional": "Email address (optional)",
  "register.invite_label": "Invitation code or link",
  "register.invite_hint": "Account creation here is by invitation.",
  "register.email_hint": "We send a link there to confirm the account.",
  "forgot.unavailable":
    "Password recovery by email is not set up on this server. Ask your administrator to set a new password for you.",
  "forgot.sent":
    "If an account matches, we sent a link to its email address. It works once, for {minutes} minutes.",
  "forgot.intro":
    "Enter your username or email address and we will mail you a link to choose a new password.",
  "forgot.identifier": "Username or email address",
  "forgot.submit": "Send the link",
  "change_password.title": "Choose a new password",
  "change_password.asked":
    "Your administrator asked {username} to set a new password before going on.",
  "change_password.submit": "Set password and continue",
  // The account steps inside the sign-in flow (components/account/FlowForms.tsx).
  "flow.back_to_sign_in": "Back to sign in",
  "forgot.title": "Reset your password",
  "register.title": "Create an account",
  "register.submit": "Create account",
  // /account/password.
  "password_page.title": "Change your password",
  "password_page.intro":
    "Changing it signs out your other sessions and the apps signed in through them.",
  "password_page.recent":
    "You signed in a moment ago, so your current password is not needed.",
  "password_page.current": "Current password",
  "password_page.submit": "Change password",
  // /account (the profile).
  "profile.title": "Profile",
  "profile.username":
    "Username: {username} (only your administrator can change it)",
  "profile.not_editable":
    "Your administrator does not let people edit their profile here.",
  "profile.email_hint": "A new address gets a link to confirm it.",
  "profile.submit": "Save profile",
  "profile.email_title": "Email address",
  "profile.no_email": "Your account has no email address.",
  "profile.confirmed": "confirmed",
  "profile.not_confirmed": "not confirmed",
  "profile.send_confirmation": "Send me a confirmation link",
  "profile.no_mail":
    "This server sends no mail, so addresses cannot be confirmed here. Ask your administrator.",
  // The account pages for someone not signed in (components/account/PublicPages.tsx).
  "account_sign_in.title": "Sign in to your account",
  "account_sign_in.page": "Sign in",
  "reset.intro":
    "Setting it signs you out everywhere and signs out the apps you use.",
  "reset.submit": "Set new password",
  "verify.intro": "Press the button to confirm that this address is yours.",
  "verify.submit": "Confirm my address",
  "register.have_account": "I have an account: sign in",
  // Links from mails and the account pages' notices (routes/account/*).
  "register.off.title": "Accounts are made by the administrator",
  "register.off.ask":
    "This server does not let people create accounts. Ask your administrator for one.",
  "link.invalid.title": "This link does not work",
  "reset.link_invalid":
    "The link was used already, has expired (links work for {minutes} minutes) or was replaced by a password change. Ask for a new one.",
  "reset.new_link": "Send me a new link",
  "verify.done.title": "Email address confirmed",
  "verify.done": "Thank you: {email} is confirmed for {username}.",
  "verify.to_account": "Go to your account",
  "verify.address_changed":
    "The account's email address changed since this link was sent.",
  "verify.link_invalid":
    "The link was used already or has expired. Sign in to ask for a new one.",
  // Second factors on /account/security (lib/accounts/factors/account_security.ts).
  "factor.error.limited": "Too many failed attempts. Try again later.",
  "factor.error.no_match": "That did not match. Try again.",
  "factor.error.passkey_other_account":
    "That passkey could not be verified for this account.",
  "factor.error.password": "The password is incorrect.",
  "factor.error.code": "That code is not right, or was used already.",
  "factor.error.step_up_first":
    "Confirm it's you with your second factor first.",
  "factor.error.reauth_first":
    "For this change, confirm it's you again, then repeat it.",
  "factor.error.totp_enrol":
    "That code does not match. Check the time on your device and enter the current code.",
  "factor.error.passkey_name": "Give the passkey a name (up to 60 characters).",
  "factor.error.no_passkey": "No such passkey.",
  "factor.error.unknown_action": "Unknown action.",
  "security.notice.verified":
    "Confirmed. You can now manage your sign-in methods.",
  "security.notice.totp_enabled": "Your authenticator app is set up.",
  "security.notice.totp_exists": "An authenticator app is set up already.",
  "security.notice.totp_cancelled": "Authenticator app setup cancelled.",
  "security.notice.totp_disabled": "Your authenticator app is turned off.",
  "security.notice.recovery_none":
    "Recovery codes come with a second factor: set one up first.",
  "security.notice.passkey_added": "Passkey added.",
  "security.notice.passkey_renamed": "Passkey renamed.",
  "security.notice.passkey_deleted": "Passkey deleted.",
  // The second step of a sign-in (components/SecondFactorForm.tsx).
  "factor.totp_label": "Code from your authenticator app",
  "factor.recovery_summary": "Use a recovery code",
  "factor.recovery_label": "Recovery code",
  "factor.recovery_hint": "Each recovery code works once.",
  "factor.recovery_submit": "Use recovery code",
  "factor.use_passkey": "Use a passkey",
  "factor.verify": "Verify",
  "second_factor.title": "Confirm it's you",
  "second_factor.asks": "{client} asks for a second step for {username}.",
  "second_factor.asks_passkey":
    "{client} asks for a passkey sign-in for {username}.",
  "second_factor.none":
    "Your account has no second factor set up yet. Add an authenticator app or a passkey on {link}, then continue.",
  "second_factor.none_passkey":
    "Your account has no passkey that this app accepts yet. Add a passkey on {link}, then continue.",
  "second_factor.security_page": "your account's security page",
  "second_factor.continue": "Continue",
  // /account/security (components/account/SecurityPage.tsx).
  "security.title": "Sign-in and security",
  "security.session_amr": "This session signed in with: {methods}.",
  "security.amr_password": "password",
  "security.never": "never",
  "security.step_up":
    "Your account has a second factor. Confirm it before changing how you sign in.",
  "security.reauth": "Confirm your password",
  "security.confirm": "Confirm",
  "security.codes.title": "Your recovery codes",
  "security.codes.save": "Save these now: they are shown only once.",
  "security.codes.use":
    "Each one signs you in once if you lose your authenticator or passkeys.",
  "security.codes.saved": "I have saved them",
  "security.passkeys": "Passkeys",
  "security.passkeys.intro":
    "Sign in with your device's screen lock or a security key instead of a password. Passkeys cannot be phished: they only work on this site.",
  "security.passkeys.none": "No passkeys yet.",
  "security.passkey.name_of": "Name of passkey {name}",
  "security.passkey.rename": "Rename",
  "security.passkey.synced": "Synced passkey. Added {added}, last used {used}.",
  "security.passkey.device_bound":
    "Device-bound passkey. Added {added}, last used {used}.",
  "security.passkey.delete": "Delete {name}",
  "security.passkey_name": "Name for the new passkey",
  "security.passkey_name_example": "e.g. Work laptop",
  "security.passkey_add": "Add a passkey",
  "passkey.island.exists":
    "This device already holds a passkey for your account.",
  "passkey.island.create_failed":
    "The passkey could not be created. Try again.",
  "security.passkeys.elsewhere":
    "Passkeys need a domain name, and this page was opened at an IP address. Open {link} (the same server) to add or use passkeys.",
  "security.passkeys.off": "Passkeys are off on this server: {reason}",
  "security.passkeys.bound":
    "Passkeys are bound to the server's address (ISSUER, now {issuer}): a deployment needs an https ISSUER on a domain name ({example}); locally, {local}. Changing the domain later means adding passkeys again.",
  "security.totp": "Authenticator app",
  "security.totp.on":
    "On: signing in asks for a code from your app when an app needs a second factor.",
  "security.totp.disable": "Turn off authenticator app",
  "security.totp.scan":
    "Scan this code with your authenticator app, or enter the key by hand, then type the 6-digit code it shows.",
  "security.totp.qr_alt": "QR code for your authenticator app",
  "security.totp.key": "Key:",
  "security.totp.turn_on": "Turn on",
  "security.totp.cancel": "Cancel",
  "security.totp.intro":
    "Use an app such as a password manager or an authenticator to make one-time codes.",
  "security.totp.set_up": "Set up",
  "security.recovery": "Recovery codes",
  "security.recovery.left":
    "{count} of {total} unused. Each works once in place of your second factor.",
  "security.recovery.regenerate": "Make new recovery codes",
  "security.recovery.none":
    "You get ten recovery codes when you add an authenticator app or a passkey.",
  // Logout (components/LogoutPages.tsx, routes/end_session.tsx).
  "logout.signed_out.title": "You are signed out",
  "logout.signed_out.body":
    "Your session on this server has ended. You can close this window.",
  "logout.signed_out.page": "Signed out",
  "logout.confirm.title": "Sign out?",
  "logout.confirm.body": "An application asked to sign you out of this server.",
  "logout.confirm.submit": "Sign out",
  "logout.confirm.stay": "Stay signed in",
  // The form_post answer (lib/oauth/authorize/writer.ts).
  "form_post.title": "Continuing…",
  "form_post.noscript":
    "JavaScript is off. Press Continue to return to the application.",
  "form_post.continue": "Continue",
  // Mails (lib/mail/templates.ts lays them out).
  "mail.hello": "Hello {username},",
  "mail.hello_anyone": "Hello,",
  "mail.ignore": "If you did not ask for this, you can ignore this mail.",
  "mail.footer": "This mail was sent by {issuer}.",
  "mail.verify_email.subject": "Confirm your email address",
  "mail.verify_email.body":
    "please confirm that {email} is your address for your account at {issuer}.",
  "mail.verify_email.action": "Confirm my email address",
  "mail.verify_email.expiry":
    "The link works once and expires in {hours} hours.",
  "mail.reset_password.subject": "Reset your password",
  "mail.reset_password.body":
    "someone asked to reset the password of your account at {issuer}. To choose a new password, open this link:",
  "mail.reset_password.action": "Choose a new password",
  "mail.reset_password.expiry":
    "The link works once and expires in {minutes} minutes.",
  "mail.reset_password.ignore":
    "If you did not ask for this, you can ignore this mail: your password stays as it is.",
  "mail.invite.subject": "You are invited to create an account",
  "mail.invite.body": "you are invited to create an account at {issuer}.",
  "mail.invite.action": "Create my account",
  "mail.invite.expiry": "The invitation works once and expires on {expires}.",
  "mail.account_changed.subject": "Your account: {change}",
  "mail.account_changed.body":
    "{change} on your account at {issuer} ({when}, from {address}).",
  "mail.account_changed.action": "Review your account",
  "mail.account_changed.not_you":
    "If this was not you, reset your password now and tell your administrator.",
  "mail.change.password_changed": "Your password was changed",
  "mail.change.password_reset": "Your password was reset",
  "mail.change.profile_updated": "Your profile was updated",
  "mail.change.email_changed": "Your email address was changed",
  "mail.change.email_verified": "Your email address was confirmed",
  "mail.change.session_ended": "A signed-in session was ended",
  "mail.change.app_revoked": "An app's access was removed",
  "mail.unknown_address": "an unknown address",
} as const;
