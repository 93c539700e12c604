/**
 * Property values as the provider server hands them to CRUD calls (raw `Struct.toJavaScript()`, the
 * plugin accepting secrets): secrets arrive wrapped in Pulumi's secret signature. The provider code
 * wants plain values; the engine marks outputs secret again where their inputs were
 * (provider_plugin.go annotateSecrets), and `master` is returned as a secret explicitly.
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
