/**
 * Who keeps the master password (DatabaseArgs.masterPassword):
 * - "managed" (default): RDS generates it and keeps it in Secrets Manager (`manageMasterUserPassword`),
 *   rotated by RDS; nothing secret is in the Pulumi state. But "Blue/green deployments don't support
 *   managing master user passwords with AWS Secrets Manager" (RDS and Aurora User Guides, "Limitations
 *   and considerations for … blue/green deployments"), and neither does a read replica of such a source
 *   (RDS User Guide, "Password management with Amazon RDS and AWS Secrets Manager", Limitations).
 * - "generated": a `random.RandomPassword` made once per database lifetime, given to RDS as the
 *   master password and kept in the state only as an encrypted Pulumi secret. The users' provider,
 *   the SQL runner and the admin provider read it from there as they read the managed one.
 * - "iam": made as "generated" (@pulumi/aws cannot create an IAM-only master), then switched to IAM
 *   database authentication (masterAuthentication.ts); the generated password then no longer logs in.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Engine } from "../engines";
import {
    GENERATED_PASSWORD_LENGTH,
    GENERATED_PASSWORD_SYMBOLS,
    MasterPasswordChoice,
    maximumMasterPasswordLength,
} from "./masterPasswordRules";

export { MASTER_PASSWORD_CHOICES, MasterPasswordChoice } from "./masterPasswordRules";

export interface MasterPassword {
    /** What the instance or cluster is given: RDS manages it, or the generated password. */
    readonly serverArgs:
        | { readonly manageMasterUserPassword: true }
        | { readonly manageMasterUserPassword: false; readonly password: pulumi.Output<string> };
    /** The generated password as a Pulumi secret ("generated" and "iam"). */
    readonly generated?: pulumi.Output<string>;
    /** The master logs in with IAM once the database exists ("iam"). */
    readonly iam: boolean;
}

export function masterPassword(
    name: string,
    engine: Engine,
    choice: MasterPasswordChoice,
    parent: pulumi.Resource,
): MasterPassword {
    if (choice === "managed") return { serverArgs: { manageMasterUserPassword: true }, iam: false };
    const generated = new random.RandomPassword(
        `${name}-master-password`,
        {
            length: Math.min(GENERATED_PASSWORD_LENGTH, maximumMasterPasswordLength(engine)),
            special: true,
            overrideSpecial: GENERATED_PASSWORD_SYMBOLS,
        },
        { parent, additionalSecretOutputs: ["result"] },
    );
    const password = pulumi.secret(generated.result);
    return {
        serverArgs: { manageMasterUserPassword: false, password },
        generated: password,
        iam: choice === "iam",
    };
}
