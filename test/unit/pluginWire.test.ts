/** plugin/wire.ts: secrets unwrapped for the provider code, and put back on what it returns. */
import * as assert from "node:assert/strict";
import { asSecret, withSecretsOf, withoutSecrets } from "../../plugin/wire";

describe("the plugin's secret wrapping (plugin/wire.ts)", () => {
    const raw = {
        host: "db.example",
        master: { username: "dbmaster", password: asSecret("hunter2") },
        privileges: ["SELECT", asSecret("INSERT")],
        caCertificate: asSecret({ pem: "-----BEGIN" }),
    };

    it("unwraps every secret, deeply", () => {
        assert.deepEqual(withoutSecrets(raw), {
            host: "db.example",
            master: { username: "dbmaster", password: "hunter2" },
            privileges: ["SELECT", "INSERT"],
            caCertificate: { pem: "-----BEGIN" },
        });
    });

    it("puts the secretness of the raw values back on the plain ones, as the engine's annotateSecrets", () => {
        const checked = { ...withoutSecrets(raw), privileges: ["INSERT", "SELECT"], managedBy: "p/s/u" };
        assert.deepEqual(withSecretsOf(checked, raw), {
            host: "db.example",
            // Objects in both are followed: only the password is secret.
            master: { username: "dbmaster", password: asSecret("hunter2") },
            // An array holding a secret is secret whole (its order may have changed).
            privileges: asSecret(["INSERT", "SELECT"]),
            caCertificate: asSecret({ pem: "-----BEGIN" }),
            // Keys the raw values do not have stay as they are.
            managedBy: "p/s/u",
        });
    });

    it("leaves a value already secret, and one with nothing secret behind it, as it is", () => {
        assert.deepEqual(withSecretsOf({ a: asSecret(1), b: 2 }, { a: asSecret(1), b: 2 }), {
            a: asSecret(1),
            b: 2,
        });
        assert.equal(withSecretsOf(undefined, raw), undefined);
    });
});
