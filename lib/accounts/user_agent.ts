/**
 * A short, human name for a browser's User-Agent ("Firefox on Linux"), for
 * the sessions list. A guess from well-known tokens, never used for any
 * decision; unknown agents are shown as "Unknown browser".
 * @module
 */
import { type Message, message, translate } from "../i18n/messages.ts";

/** Checked in order: Edge and Opera also say Chrome, Chrome also says Safari. */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, "Edge"],
  [/\bOPR\//, "Opera"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  [/\bChrom(?:e|ium)\/|\bCriOS\//, "Chrome"],
  [/\bSafari\//, "Safari"],
  [/\bcurl\//, "curl"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone|\biPad|\biOS\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bLinux\b/, "Linux"],
];

/** The browser and system an agent names, as a message for the page. */
export function userAgentMessage(agent: string | null): Message {
  if (!agent) return message("device.unknown");
  const browser = BROWSERS.find(([re]) => re.test(agent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(agent))?.[1];
  if (browser && system) {
    return message("device.browser_on", { browser, system });
  }
  if (browser) return message("device.browser", { browser });
  if (system) return message("device.system", { system });
  return message("device.unknown");
}

/** "Chrome on Android", "Safari on iOS", "Unknown browser" (in English). */
export function describeUserAgent(agent: string | null): string {
  const m = userAgentMessage(agent);
  return translate("en", m.key, m.values);
}
