/**
 * The policy documents a fake principal carries. Their evaluation is decideConnect.ts (the shared
 * IAM semantics of policies/lib/iam); this file only names the shape.
 */

export interface NamedDocument {
    /** Shown in reasons, e.g. `policy "api-connect" statement 0`. */
    readonly name: string;
    /** The IAM policy document, as an object or JSON text (as Pulumi outputs hold it). */
    readonly document: string | object;
}
