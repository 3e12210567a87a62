/**
 * Deutsch (Sie-Form): every key of lib/i18n/en.ts, with the same
 * placeholders (the `Catalogue` type and lib/i18n/catalogue_test.ts check
 * both).
 * @module
 */
import type { Catalogue } from "./messages.ts";

export const de = {
  // The page shell (components/Layout.tsx) and the error page.
  "layout.default_name": "Autorisierungsserver",
  "layout.skip": "Zum Inhalt springen",
  "layout.support": "Hilfe und Support",
  "error.status": "Fehler {status}",
  "error.details": "Meldung des Servers:",
  "error.home": "Zur Startseite",
  "error.title.400": "Ungültige Anfrage",
  "error.title.401": "Anmeldung erforderlich",
  "error.title.403": "Zugriff verweigert",
  "error.title.404": "Seite nicht gefunden",
  "error.title.405": "Methode nicht erlaubt",
  "error.title.410": "Nicht mehr verfügbar",
  "error.title.413": "Anfrage zu groß",
  "error.title.415": "Formular nicht unterstützt",
  "error.title.429": "Zu viele Versuche",
  "error.title.500": "Etwas ist schiefgelaufen",
  "error.title.503": "Dienst nicht verfügbar",
  "error.title.other": "Fehler",
  // The start page (routes/index.tsx).
  "start.intro":
    "Ein OAuth-2.0- und OpenID-Connect-Anbieter. Anwendungen schicken Personen hierher, damit sie sich anmelden.",
  "start.discovery": "Discovery-Dokument",
  "start.jwks": "Signaturschlüssel (JWKS)",
  "start.admin": "Verwaltung",
  "start.issuer": "Aussteller: {issuer}",
  // Passkeys (lib/accounts/webauthn/, islands/Passkey*.tsx).
  "passkey.off.ip_issuer":
    "ISSUER ({origin}) ist eine IP-Adresse, und Browser akzeptieren Passkeys nur für einen Domainnamen. Setzen Sie ISSUER auf die https-Adresse einer Domain, die diesen Server erreicht.",
  "passkey.off.http_issuer":
    "ISSUER ({origin}) ist unverschlüsseltes http, und Browser bieten Passkeys nur über https (oder auf localhost) an. Stellen Sie den Server über https bereit und setzen Sie ISSUER auf diese Adresse.",
  "passkey.error.unreadable":
    "Die Antwort des Passkeys konnte nicht gelesen werden.",
  "passkey.error.unverified_reload":
    "Der Passkey konnte nicht überprüft werden. Laden Sie die Seite neu und versuchen Sie es noch einmal.",
  "passkey.error.replayed":
    "Diese Passkey-Antwort wurde bereits verwendet. Laden Sie die Seite neu und versuchen Sie es noch einmal.",
  "passkey.error.registered": "Dieser Passkey ist bereits registriert.",
  // Signing in (lib/accounts/sign_in_gates.ts, lib/oauth/authorize/sign_in.ts).
  "sign_in.error.limited":
    "Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es später noch einmal.",
  "sign_in.error.locked":
    "Dieses Konto ist gesperrt. Wenden Sie sich an Ihre Administration.",
  "sign_in.error.invalid": "Benutzername oder Passwort ist falsch.",
  "sign_in.verify_first":
    "Ihr Konto wartet darauf, dass seine E-Mail-Adresse bestätigt wird. Wir haben einen Link an {email} geschickt; öffnen Sie ihn und melden Sie sich dann an.",
  // Passwords (lib/accounts/passwords.ts).
  "password.mismatch": "Die beiden Passwörter stimmen nicht überein.",
  "password.new_mismatch": "Die beiden neuen Passwörter stimmen nicht überein.",
  "password.same_as_current":
    "Wählen Sie ein anderes Passwort als das bisherige.",
  "password.too_short": "Das Passwort muss mindestens {min} Zeichen lang sein.",
  "password.too_long": "Das Passwort darf höchstens {max} Zeichen lang sein.",
  "password.nul": "Das Passwort darf keine NUL-Zeichen enthalten.",
  "password.is_username": "Das Passwort darf nicht Ihr Benutzername sein.",
  "password.limited":
    "Zu viele falsche Passwörter. Versuchen Sie es später noch einmal.",
  "password.wrong_current": "Das ist nicht Ihr aktuelles Passwort.",
  "account.gone": "Das Konto existiert nicht mehr.",
  "sign_in.verify_first.title": "Bestätigen Sie Ihre E-Mail-Adresse",
  "sign_in.error.change_expired":
    "Das hat zu lange gedauert. Melden Sie sich erneut an, um Ihr neues Passwort festzulegen.",
  "sign_in.error.passkey": "Dieser Passkey konnte nicht überprüft werden.",
  "sign_in.error.passkey_retry":
    "Dieser Passkey konnte nicht überprüft werden. Versuchen Sie es noch einmal oder melden Sie sich auf andere Weise an.",
  "sign_in.error.totp":
    "Dieser Code ist falsch oder wurde bereits verwendet. Geben Sie den aktuellen Code aus Ihrer Authenticator-App ein.",
  "sign_in.error.recovery_code":
    "Dieser Wiederherstellungscode ist falsch oder wurde bereits verwendet.",
  "forgot.limited":
    "Zu viele Anfragen aus Ihrem Netzwerk. Versuchen Sie es später noch einmal.",
  "register.check_mail.title": "Sehen Sie in Ihr Postfach",
  "register.check_mail":
    "Ihr Konto {username} ist angelegt. Wir haben einen Link an {email} geschickt: Öffnen Sie ihn, um die Adresse zu bestätigen, und melden Sie sich dann an.",
  // The sign-in, account choice and consent pages (components/AuthorizationForms.tsx).
  "field.username": "Benutzername",
  "field.password": "Passwort",
  "sign_in.title": "Anmelden",
  "sign_in.to_continue": "um mit {client} fortzufahren",
  "sign_in.submit": "Anmelden",
  "sign_in.or": "oder",
  "sign_in.passkey": "Mit einem Passkey anmelden",
  "sign_in.forgot": "Passwort vergessen?",
  "sign_in.create_account": "Konto erstellen",
  "passkey.elsewhere":
    "Passkeys funktionieren unter der localhost-Adresse dieses Servers: {link}.",
  "passkey.elsewhere.link": "diese Seite unter {origin} öffnen",
  "passkey.island.closed":
    "Die Passkey-Abfrage wurde geschlossen oder ist abgelaufen. Versuchen Sie es noch einmal.",
  "passkey.island.refused":
    "Dieser Browser hat Passkeys für diese Adresse abgelehnt.",
  "passkey.island.failed":
    "Der Passkey konnte nicht verwendet werden. Versuchen Sie es noch einmal oder melden Sie sich auf andere Weise an.",
  "passkey.island.unsupported": "Dieser Browser unterstützt keine Passkeys.",
  "select_account.title": "Konto auswählen",
  "select_account.continue": "Weiter als {username}",
  "select_account.switch": "Anderes Konto verwenden",
  "consent.title": "Zugriff erlauben?",
  "consent.described_by":
    "Beschrieben von {host} – erlauben Sie den Zugriff nur, wenn Sie dieser Website vertrauen.",
  "consent.unverified":
    "{unverified}: Sie hat sich selbst registriert; niemand hier hat geprüft, wer sie betreibt.",
  "consent.unverified_app": "Nicht überprüfte App",
  "consent.resources": "Zugriff auf {resources}",
  "consent.wants": "{client} möchte:",
  "consent.signed_in_as": "Angemeldet als {username}.",
  "consent.allow": "Erlauben",
  "consent.deny": "Ablehnen",
  "scope.openid": "Sie anmelden und wissen, wer Sie sind",
  "scope.profile": "Ihren Namen und Ihr Basisprofil sehen",
  "scope.email": "Ihre E-Mail-Adresse sehen",
  "scope.offline_access":
    "Angemeldet bleiben und in Ihrem Namen handeln, während Sie nicht da sind",
  // Creating an account (lib/accounts/registration.ts).
  "username.empty": "Der Benutzername darf nicht leer sein.",
  "username.invisible":
    "Der Benutzername darf keine Steuer- oder unsichtbaren Formatierungszeichen enthalten (etwa Nullbreitenverbinder oder Richtungssteuerzeichen).",
  "username.space": "Der Benutzername darf keine Leerzeichen enthalten.",
  "username.too_long": "Der Benutzername darf höchstens 100 Zeichen lang sein.",
  "register.email_needed":
    "Zum Bestätigen des Kontos wird eine E-Mail-Adresse benötigt.",
  "register.invite_other_address":
    "Diese Einladung gilt für eine andere Adresse.",
  "register.off":
    "Auf diesem Server können keine Konten selbst erstellt werden.",
  "register.limited":
    "Aus Ihrem Netzwerk wurden zu viele Konten erstellt. Versuchen Sie es später noch einmal.",
  "register.invite_invalid":
    "Diese Einladung ist ungültig: Sie wurde bereits verwendet, ist abgelaufen oder wurde zurückgezogen.",
  "register.username_taken": "Dieser Benutzername ist bereits vergeben.",
  "register.invite_just_used": "Diese Einladung wurde gerade verwendet.",
  "field.not_email": "Muss eine E-Mail-Adresse sein.",
  "field.too_long": "Darf höchstens {max} Zeichen lang sein.",
  // Profile claims (OIDC Core §5.1) as the profile page labels them.
  "claim.name": "Vollständiger Name",
  "claim.given_name": "Vorname",
  "claim.family_name": "Nachname",
  "claim.middle_name": "Zweiter Vorname",
  "claim.nickname": "Spitzname",
  "claim.preferred_username": "Bevorzugter Benutzername",
  "claim.profile": "Profilseite",
  "claim.picture": "Bild-URL",
  "claim.website": "Website",
  "claim.email": "E-Mail-Adresse",
  "claim.gender": "Geschlecht",
  "claim.birthdate": "Geburtsdatum",
  "claim.zoneinfo": "Zeitzone",
  "claim.locale": "Sprache",
  "claim.phone_number": "Telefonnummer",
  // The account pages' frame and notices (lib/accounts/web.ts).
  "account.nav.profile": "Profil",
  "account.nav.password": "Passwort",
  "account.nav.sessions": "Sitzungen",
  "account.nav.apps": "Apps",
  "account.nav.security": "Sicherheit",
  "account.notice.profile_saved": "Ihr Profil ist gespeichert.",
  "account.notice.profile_unchanged": "Es hat sich nichts geändert.",
  "account.notice.profile_verify":
    "Ihr Profil ist gespeichert. Wir haben einen Link an Ihre neue Adresse geschickt: Öffnen Sie ihn, um sie zu bestätigen.",
  "account.notice.email_sent":
    "Wir haben einen Bestätigungslink an Ihre Adresse geschickt.",
  "account.notice.email_not_sent":
    "Es wurde kein Link verschickt: Der Mailversand ist aus, oder Sie haben bereits mehrere angefordert. Versuchen Sie es später noch einmal.",
  "account.notice.password_changed":
    "Ihr Passwort ist geändert. Ihre anderen Sitzungen wurden abgemeldet.",
  "account.notice.session_ended": "Diese Sitzung ist abgemeldet.",
  "account.notice.sessions_ended": "Alle anderen Sitzungen sind abgemeldet.",
  "account.notice.app_revoked":
    "Der Zugriff der App ist entfernt. Sie muss Sie erneut fragen.",
  "account.notice.welcome": "Ihr Konto ist bereit.",
  "account.notice.signed_out": "Sie sind abgemeldet.",
  "account.notice.reset":
    "Ihr Passwort ist geändert. Melden Sie sich damit an.",
  "device.unknown": "Unbekannter Browser",
  "device.browser_on": "{browser} auf {system}",
  "device.browser": "{browser}",
  "device.system": "Ein Browser auf {system}",
  "account.page_title": "{page} · Ihr Konto",
  "account.title": "Ihr Konto",
  "account.signed_in_as": "Angemeldet als {username}",
  "account.sign_out": "Abmelden",
  "account.nav": "Konto",
  // /account/apps and /account/sessions.
  "apps.title": "Apps, denen Sie Zugriff gegeben haben",
  "apps.none": "Sie haben noch keiner App Zugriff gegeben.",
  "apps.since": "seit {time}",
  "apps.remove": "Zugriff entfernen",
  "apps.remove_hint":
    "Wenn Sie den Zugriff entfernen, wird die App sofort abgemeldet; beim nächsten Mal fragt sie Sie erneut.",
  "sessions.title": "Wo Sie angemeldet sind",
  "sessions.hint":
    "Wenn Sie eine Sitzung abmelden, werden auch die Apps abgemeldet, die sich über sie angemeldet haben.",
  "sessions.this_browser": "dieser Browser",
  "sessions.seen":
    "{address} · zuletzt gesehen {last_seen} · angemeldet {signed_in}",
  "sessions.unknown_address": "unbekannte Adresse",
  "sessions.end": "Abmelden",
  "sessions.end_others": "Überall sonst abmelden",
  // Shared form pieces (components/account/fields.tsx).
  "field.new_password": "Neues Passwort",
  "field.new_password_again": "Neues Passwort wiederholen",
  "field.password_hint": "Mindestens {min} Zeichen.",
  "field.email": "E-Mail-Adresse",
  "field.email_optional": "E-Mail-Adresse (optional)",
  "register.invite_label": "Einladungscode oder -link",
  "register.invite_hint": "Konten werden hier nur mit Einladung erstellt.",
  "register.email_hint":
    "Wir schicken dorthin einen Link, um das Konto zu bestätigen.",
  "forgot.unavailable":
    "Die Passwort-Wiederherstellung per E-Mail ist auf diesem Server nicht eingerichtet. Bitten Sie Ihre Administration, Ihnen ein neues Passwort zu setzen.",
  "forgot.sent":
    "Wenn ein Konto passt, haben wir einen Link an seine E-Mail-Adresse geschickt. Er funktioniert einmal, {minutes} Minuten lang.",
  "forgot.intro":
    "Geben Sie Ihren Benutzernamen oder Ihre E-Mail-Adresse ein, und wir schicken Ihnen einen Link, mit dem Sie ein neues Passwort wählen können.",
  "forgot.identifier": "Benutzername oder E-Mail-Adresse",
  "forgot.submit": "Link senden",
  "change_password.title": "Neues Passwort wählen",
  "change_password.asked":
    "Ihre Administration hat {username} gebeten, vor dem Fortfahren ein neues Passwort festzulegen.",
  "change_password.submit": "Passwort festlegen und fortfahren",
  // The account steps inside the sign-in flow (components/account/FlowForms.tsx).
  "flow.back_to_sign_in": "Zurück zur Anmeldung",
  "forgot.title": "Passwort zurücksetzen",
  "register.title": "Konto erstellen",
  "register.submit": "Konto erstellen",
  // /account/password.
  "password_page.title": "Passwort ändern",
  "password_page.intro":
    "Eine Änderung meldet Ihre anderen Sitzungen ab und die Apps, die sich über sie angemeldet haben.",
  "password_page.recent":
    "Sie haben sich gerade erst angemeldet, daher wird Ihr aktuelles Passwort nicht benötigt.",
  "password_page.current": "Aktuelles Passwort",
  "password_page.submit": "Passwort ändern",
  // /account (the profile).
  "profile.title": "Profil",
  "profile.username":
    "Benutzername: {username} (nur Ihre Administration kann ihn ändern)",
  "profile.not_editable":
    "Ihre Administration erlaubt nicht, das Profil hier zu bearbeiten.",
  "profile.email_hint":
    "An eine neue Adresse schicken wir einen Link, um sie zu bestätigen.",
  "profile.submit": "Profil speichern",
  "profile.email_title": "E-Mail-Adresse",
  "profile.no_email": "Ihr Konto hat keine E-Mail-Adresse.",
  "profile.confirmed": "bestätigt",
  "profile.not_confirmed": "nicht bestätigt",
  "profile.send_confirmation": "Bestätigungslink senden",
  "profile.no_mail":
    "Dieser Server verschickt keine E-Mails, daher können Adressen hier nicht bestätigt werden. Fragen Sie Ihre Administration.",
  // The account pages for someone not signed in (components/account/PublicPages.tsx).
  "account_sign_in.title": "Bei Ihrem Konto anmelden",
  "account_sign_in.page": "Anmelden",
  "reset.intro":
    "Damit werden Sie überall abgemeldet, ebenso die Apps, die Sie verwenden.",
  "reset.submit": "Neues Passwort festlegen",
  "verify.intro":
    "Klicken Sie auf die Schaltfläche, um zu bestätigen, dass diese Adresse Ihnen gehört.",
  "verify.submit": "Meine Adresse bestätigen",
  "register.have_account": "Ich habe ein Konto: anmelden",
  // Links from mails and the account pages' notices (routes/account/*).
  "register.off.title": "Konten legt die Administration an",
  "register.off.ask":
    "Auf diesem Server können keine Konten selbst erstellt werden. Bitten Sie Ihre Administration um eines.",
  "link.invalid.title": "Dieser Link funktioniert nicht",
  "reset.link_invalid":
    "Der Link wurde bereits verwendet, ist abgelaufen (Links gelten {minutes} Minuten) oder wurde durch eine Passwortänderung ersetzt. Fordern Sie einen neuen an.",
  "reset.new_link": "Neuen Link senden",
  "verify.done.title": "E-Mail-Adresse bestätigt",
  "verify.done": "Vielen Dank: {email} ist für {username} bestätigt.",
  "verify.to_account": "Zu Ihrem Konto",
  "verify.address_changed":
    "Die E-Mail-Adresse des Kontos hat sich geändert, seit dieser Link verschickt wurde.",
  "verify.link_invalid":
    "Der Link wurde bereits verwendet oder ist abgelaufen. Melden Sie sich an, um einen neuen anzufordern.",
  // Second factors on /account/security (lib/accounts/factors/account_security.ts).
  "factor.error.limited":
    "Zu viele fehlgeschlagene Versuche. Versuchen Sie es später noch einmal.",
  "factor.error.no_match":
    "Das hat nicht gepasst. Versuchen Sie es noch einmal.",
  "factor.error.passkey_other_account":
    "Dieser Passkey konnte für dieses Konto nicht überprüft werden.",
  "factor.error.password": "Das Passwort ist falsch.",
  "factor.error.code": "Dieser Code ist falsch oder wurde bereits verwendet.",
  "factor.error.step_up_first":
    "Bestätigen Sie zuerst mit Ihrem zweiten Faktor, dass Sie es sind.",
  "factor.error.reauth_first":
    "Bestätigen Sie für diese Änderung erneut, dass Sie es sind, und wiederholen Sie sie dann.",
  "factor.error.totp_enrol":
    "Dieser Code passt nicht. Prüfen Sie die Uhrzeit auf Ihrem Gerät und geben Sie den aktuellen Code ein.",
  "factor.error.passkey_name":
    "Geben Sie dem Passkey einen Namen (bis zu 60 Zeichen).",
  "factor.error.no_passkey": "Diesen Passkey gibt es nicht.",
  "factor.error.unknown_action": "Unbekannte Aktion.",
  "security.notice.verified":
    "Bestätigt. Sie können Ihre Anmeldemethoden jetzt verwalten.",
  "security.notice.totp_enabled": "Ihre Authenticator-App ist eingerichtet.",
  "security.notice.totp_exists":
    "Eine Authenticator-App ist bereits eingerichtet.",
  "security.notice.totp_cancelled":
    "Die Einrichtung der Authenticator-App wurde abgebrochen.",
  "security.notice.totp_disabled": "Ihre Authenticator-App ist ausgeschaltet.",
  "security.notice.recovery_none":
    "Wiederherstellungscodes gehören zu einem zweiten Faktor: Richten Sie zuerst einen ein.",
  "security.notice.passkey_added": "Passkey hinzugefügt.",
  "security.notice.passkey_renamed": "Passkey umbenannt.",
  "security.notice.passkey_deleted": "Passkey gelöscht.",
  // The second step of a sign-in (components/SecondFactorForm.tsx).
  "factor.totp_label": "Code aus Ihrer Authenticator-App",
  "factor.recovery_summary": "Einen Wiederherstellungscode verwenden",
  "factor.recovery_label": "Wiederherstellungscode",
  "factor.recovery_hint": "Jeder Wiederherstellungscode funktioniert einmal.",
  "factor.recovery_submit": "Wiederherstellungscode verwenden",
  "factor.use_passkey": "Einen Passkey verwenden",
  "factor.verify": "Überprüfen",
  "second_factor.title": "Bestätigen Sie, dass Sie es sind",
  "second_factor.asks":
    "{client} verlangt für {username} einen zweiten Schritt.",
  "second_factor.asks_passkey":
    "{client} verlangt für {username} eine Anmeldung mit Passkey.",
  "second_factor.none":
    "Für Ihr Konto ist noch kein zweiter Faktor eingerichtet. Fügen Sie auf {link} eine Authenticator-App oder einen Passkey hinzu und fahren Sie dann fort.",
  "second_factor.none_passkey":
    "Ihr Konto hat noch keinen Passkey, den diese App akzeptiert. Fügen Sie auf {link} einen Passkey hinzu und fahren Sie dann fort.",
  "second_factor.security_page": "der Sicherheitsseite Ihres Kontos",
  "second_factor.continue": "Weiter",
  // /account/security (components/account/SecurityPage.tsx).
  "security.title": "Anmeldung und Sicherheit",
  "security.session_amr": "Diese Sitzung hat sich angemeldet mit: {methods}.",
  "security.amr_password": "Passwort",
  "security.never": "nie",
  "security.step_up":
    "Ihr Konto hat einen zweiten Faktor. Bestätigen Sie ihn, bevor Sie ändern, wie Sie sich anmelden.",
  "security.reauth": "Bestätigen Sie Ihr Passwort",
  "security.confirm": "Bestätigen",
  "security.codes.title": "Ihre Wiederherstellungscodes",
  "security.codes.save":
    "Speichern Sie diese jetzt: Sie werden nur einmal angezeigt.",
  "security.codes.use":
    "Jeder meldet Sie einmal an, falls Sie Ihren Authenticator oder Ihre Passkeys verlieren.",
  "security.codes.saved": "Ich habe sie gespeichert",
  "security.passkeys": "Passkeys",
  "security.passkeys.intro":
    "Melden Sie sich mit der Bildschirmsperre Ihres Geräts oder einem Sicherheitsschlüssel statt mit einem Passwort an. Passkeys lassen sich nicht abphishen: Sie funktionieren nur auf dieser Website.",
  "security.passkeys.none": "Noch keine Passkeys.",
  "security.passkey.name_of": "Name des Passkeys {name}",
  "security.passkey.rename": "Umbenennen",
  "security.passkey.synced":
    "Synchronisierter Passkey. Hinzugefügt {added}, zuletzt verwendet {used}.",
  "security.passkey.device_bound":
    "Gerätegebundener Passkey. Hinzugefügt {added}, zuletzt verwendet {used}.",
  "security.passkey.delete": "{name} löschen",
  "security.passkey_name": "Name für den neuen Passkey",
  "security.passkey_name_example": "z. B. Arbeitslaptop",
  "security.passkey_add": "Passkey hinzufügen",
  "passkey.island.exists":
    "Dieses Gerät hat bereits einen Passkey für Ihr Konto.",
  "passkey.island.create_failed":
    "Der Passkey konnte nicht erstellt werden. Versuchen Sie es noch einmal.",
  "security.passkeys.elsewhere":
    "Passkeys brauchen einen Domainnamen, und diese Seite wurde über eine IP-Adresse geöffnet. Öffnen Sie {link} (derselbe Server), um Passkeys hinzuzufügen oder zu verwenden.",
  "security.passkeys.off": "Passkeys sind auf diesem Server aus: {reason}",
  "security.passkeys.bound":
    "Passkeys sind an die Adresse des Servers gebunden (ISSUER, derzeit {issuer}): Ein Betrieb braucht einen https-ISSUER auf einem Domainnamen ({example}); lokal {local}. Wechselt die Domain später, müssen Passkeys neu hinzugefügt werden.",
  "security.totp": "Authenticator-App",
  "security.totp.on":
    "Ein: Bei der Anmeldung wird ein Code aus Ihrer App abgefragt, wenn eine App einen zweiten Faktor verlangt.",
  "security.totp.disable": "Authenticator-App ausschalten",
  "security.totp.scan":
    "Scannen Sie diesen Code mit Ihrer Authenticator-App oder geben Sie den Schlüssel von Hand ein, und tippen Sie dann den sechsstelligen Code ein, den sie anzeigt.",
  "security.totp.qr_alt": "QR-Code für Ihre Authenticator-App",
  "security.totp.key": "Schlüssel:",
  "security.totp.turn_on": "Einschalten",
  "security.totp.cancel": "Abbrechen",
  "security.totp.intro":
    "Verwenden Sie eine App wie einen Passwortmanager oder einen Authenticator, um Einmalcodes zu erzeugen.",
  "security.totp.set_up": "Einrichten",
  "security.recovery": "Wiederherstellungscodes",
  "security.recovery.left":
    "{count} von {total} unbenutzt. Jeder funktioniert einmal anstelle Ihres zweiten Faktors.",
  "security.recovery.regenerate": "Neue Wiederherstellungscodes erstellen",
  "security.recovery.none":
    "Sie erhalten zehn Wiederherstellungscodes, wenn Sie eine Authenticator-App oder einen Passkey hinzufügen.",
  // Logout (components/LogoutPages.tsx, routes/end_session.tsx).
  "logout.signed_out.title": "Sie sind abgemeldet",
  "logout.signed_out.body":
    "Ihre Sitzung auf diesem Server ist beendet. Sie können dieses Fenster schließen.",
  "logout.signed_out.page": "Abgemeldet",
  "logout.confirm.title": "Abmelden?",
  "logout.confirm.body":
    "Eine Anwendung hat darum gebeten, Sie von diesem Server abzumelden.",
  "logout.confirm.submit": "Abmelden",
  "logout.confirm.stay": "Angemeldet bleiben",
  // The form_post answer (lib/oauth/authorize/writer.ts).
  "form_post.title": "Weiter …",
  "form_post.noscript":
    "JavaScript ist ausgeschaltet. Klicken Sie auf „Weiter“, um zur Anwendung zurückzukehren.",
  "form_post.continue": "Weiter",
  // Mails (lib/mail/templates.ts lays them out).
  "mail.hello": "Hallo {username},",
  "mail.hello_anyone": "Hallo,",
  "mail.ignore":
    "Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren.",
  "mail.footer": "Diese E-Mail wurde von {issuer} verschickt.",
  "mail.verify_email.subject": "Bestätigen Sie Ihre E-Mail-Adresse",
  "mail.verify_email.body":
    "bitte bestätigen Sie, dass {email} Ihre Adresse für Ihr Konto bei {issuer} ist.",
  "mail.verify_email.action": "Meine E-Mail-Adresse bestätigen",
  "mail.verify_email.expiry":
    "Der Link funktioniert einmal und läuft in {hours} Stunden ab.",
  "mail.reset_password.subject": "Setzen Sie Ihr Passwort zurück",
  "mail.reset_password.body":
    "jemand hat darum gebeten, das Passwort Ihres Kontos bei {issuer} zurückzusetzen. Um ein neues Passwort zu wählen, öffnen Sie diesen Link:",
  "mail.reset_password.action": "Neues Passwort wählen",
  "mail.reset_password.expiry":
    "Der Link funktioniert einmal und läuft in {minutes} Minuten ab.",
  "mail.reset_password.ignore":
    "Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr Passwort bleibt, wie es ist.",
  "mail.invite.subject": "Sie sind eingeladen, ein Konto zu erstellen",
  "mail.invite.body":
    "Sie sind eingeladen, ein Konto bei {issuer} zu erstellen.",
  "mail.invite.action": "Mein Konto erstellen",
  "mail.invite.expiry":
    "Die Einladung funktioniert einmal und läuft am {expires} ab.",
  "mail.account_changed.subject": "Ihr Konto: {change}",
  "mail.account_changed.body":
    "{change} – bei Ihrem Konto auf {issuer} ({when}, von {address}).",
  "mail.account_changed.action": "Ihr Konto ansehen",
  "mail.account_changed.not_you":
    "Wenn Sie das nicht waren, setzen Sie jetzt Ihr Passwort zurück und informieren Sie Ihre Administration.",
  "mail.change.password_changed": "Ihr Passwort wurde geändert",
  "mail.change.password_reset": "Ihr Passwort wurde zurückgesetzt",
  "mail.change.profile_updated": "Ihr Profil wurde aktualisiert",
  "mail.change.email_changed": "Ihre E-Mail-Adresse wurde geändert",
  "mail.change.email_verified": "Ihre E-Mail-Adresse wurde bestätigt",
  "mail.change.session_ended": "Eine angemeldete Sitzung wurde beendet",
  "mail.change.app_revoked": "Der Zugriff einer App wurde entfernt",
  "mail.unknown_address": "einer unbekannten Adresse",
} as const satisfies Catalogue;
