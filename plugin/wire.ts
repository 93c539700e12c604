/**
 * Property values as the provider server hands them to CRUD calls (raw `Struct.toJavaScript()`, the
 * plugin accepting secrets): secrets arrive wrapped in Pulumi's secret signature. The provider code
 * wants plain values, so they are unwrapped for it, and what it returns is wrapped again where the
 * values it came from were secret (`withSecretsOf`): the engine's own re-marking
 * (provider_plugin.go annotateSecrets) runs only for providers that do not accept secrets, and
 * @pulumi/pulumi's provider server says it does, so a value returned plain is stored plain.
 * `master` (it may hold a password) is also returned as a secret explicitly.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

function isSecretValue(value: unknown): value is { value: unknown } {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
    );
}

/** The value with every secret wrapper removed, deeply. */
export function withoutSecrets(value: unknown): any {
    if (isSecretValue(value)) return withoutSecrets(value.value);
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (typeof value === "object" && value !== null)
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
    return value;
}

/** The value wrapped as a secret, for the engine to store encrypted. */
export function asSecret(value: unknown): Record<string, unknown> {
    return { [specialSigKey]: specialSecretSig, value };
}

/**
 * `plain` with the secretness of `raw` put back, as the engine's annotateSecrets does for providers
 * that take no secrets: keys of both that are objects in both are followed; any other value of
 * `plain` whose counterpart in `raw` holds a secret is made a secret whole. Without it, Check's
 * inputs (what the engine stores as the resource's inputs) carried a secret master password in
 * plaintext into the state.
 */
export function withSecretsOf(plain: unknown, raw: unknown): any {
    if (isSecretValue(plain) || !isObject(plain) || !isObject(raw)) return plain;
    return Object.fromEntries(
        Object.entries(plain).map(([key, value]) => {
            if (!(key in raw)) return [key, value];
            const from = raw[key];
            if (isObject(value) && isObject(from)) return [key, withSecretsOf(value, from)];
            return [key, containsSecrets(from) && !isSecretValue(value) ? asSecret(value) : value];
        }),
    );
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isSecretValue(value);
}

function containsSecrets(value: unknown): boolean {
    if (isSecretValue(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecrets);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecrets);
    return false;
}
