/**
 * The scopes seeded on first start (OIDC Core §5.4). They live in the
 * database afterwards and can be edited like any other scope.
 * @module
 */
import type { ScopeValues } from "../db/scopes.ts";

export const DEFAULT_SCOPES: ScopeValues[] = [
  {
    name: "openid",
    description: "Sign you in and know who you are",
    claims: ["sub"],
  },
  {
    name: "profile",
    description: "See your name and basic profile",
    claims: [
      "name",
      "family_name",
      "given_name",
      "middle_name",
      "nickname",
      "preferred_username",
      "profile",
      "picture",
      "website",
      "gender",
      "birthdate",
      "zoneinfo",
      "locale",
      "updated_at",
    ],
  },
  {
    name: "email",
    description: "See your email address",
    claims: ["email", "email_verified"],
  },
  {
    name: "offline_access",
    description: "Stay signed in and act for you while you are away",
    claims: [],
  },
];
