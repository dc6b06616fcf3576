import { describe, expect, it } from "vitest";
import { assuranceOf, type Proof } from "../../src/domain/sign-in/assurance.js";

describe("assuranceOf: aal from what was proven (NIST SP 800-63B-4 §2.2)", () => {
  const cases: [string, Proof[], string, string[]][] = [
    ["a password", [{ method: "pwd" }], "aal1", ["pwd"]],
    ["a reset link or code", [{ method: "email" }], "aal1", ["email"]],
    ["another provider", [{ method: "oauth" }], "aal1", ["oauth"]],
    ["a password and a TOTP code", [{ method: "pwd" }, { method: "otp" }], "aal2", ["pwd", "otp"]],
    ["a reset and a TOTP code", [{ method: "email" }, { method: "otp" }], "aal2", ["email", "otp"]],
    [
      "a reset and a recovery code (Kratos #4317: not two factors)",
      [{ method: "email" }, { method: "recovery_code" }],
      "aal1",
      ["email", "recovery_code"],
    ],
    [
      "a password and a recovery code",
      [{ method: "pwd" }, { method: "recovery_code" }],
      "aal2",
      ["pwd", "recovery_code"],
    ],
    [
      "a provider and a passkey",
      [{ method: "oauth" }, { method: "passkey" }],
      "aal2",
      ["oauth", "passkey"],
    ],
    [
      "a passkey that verified the user",
      [{ method: "passkey", multiFactor: true }],
      "aal2",
      ["passkey"],
    ],
    ["a passkey without user verification", [{ method: "passkey" }], "aal1", ["passkey"]],
    ["the same factor twice", [{ method: "pwd" }, { method: "pwd" }], "aal1", ["pwd"]],
    ["two first factors", [{ method: "pwd" }, { method: "email" }], "aal1", ["pwd", "email"]],
  ];
  it.each(cases)("%s", (_name, proofs, aal, amr) => {
    expect(assuranceOf(proofs)).toEqual({ aal, amr });
  });

  it("refuses a session nobody proved", () => {
    expect(() => assuranceOf([])).toThrow(/at least one proof/);
  });
});
