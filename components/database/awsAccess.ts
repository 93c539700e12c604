/**
 * The stack's AWS settings for the `DatabaseUser` provider's Secrets Manager calls, so it reads the
 * master secret in the same account and with the same identity as the AWS provider that created
 * the database: from the explicit `aws.Provider` the component was given (its `profile`, and its
 * assume-role chain through the provider's `terraformConfig()` method), else from the stack's
 * `aws:profile`, `aws:assumeRoles`, `aws:sharedConfigFiles` and `aws:sharedCredentialsFiles`.
 * Names only: keys and tokens never leave the AWS provider.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AssumeRole, AwsAccess } from "../databaseUser";

interface TerraformAssumeRole {
    readonly role_arn?: string;
    readonly session_name?: string;
    readonly external_id?: string;
}

/** Drops empty fields, so a stack without settings passes nothing and the default chain applies. */
function compact(access: {
    profile?: string;
    sharedConfigFiles?: string[];
    sharedCredentialsFiles?: string[];
    assumeRoles?: AssumeRole[];
}): AwsAccess | undefined {
    const out: Record<string, unknown> = {};
    if (access.profile) out.profile = access.profile;
    if (access.sharedConfigFiles?.length) out.sharedConfigFiles = access.sharedConfigFiles;
    if (access.sharedCredentialsFiles?.length) out.sharedCredentialsFiles = access.sharedCredentialsFiles;
    if (access.assumeRoles?.length) out.assumeRoles = access.assumeRoles;
    return Object.keys(out).length === 0 ? undefined : (out as AwsAccess);
}

function role(r: { roleArn?: string; sessionName?: string; externalId?: string }): AssumeRole {
    return {
        roleArn: r.roleArn as string,
        ...(r.sessionName ? { sessionName: r.sessionName } : {}),
        ...(r.externalId ? { externalId: r.externalId } : {}),
    };
}

/** The settings of the AWS provider `component` uses (explicit or the stack's default). */
export function stackAwsAccess(component: pulumi.Resource): pulumi.Output<AwsAccess | undefined> {
    const explicit = component.getProvider("aws::");
    if (explicit !== undefined && aws.Provider.isInstance(explicit)) {
        return pulumi.all([explicit.profile, explicit.terraformConfig()]).apply(([profile, tf]) => {
            const config = (tf?.result ?? {}) as Record<string, unknown>;
            const roles = (config.assume_role ?? []) as TerraformAssumeRole[];
            return compact({
                profile: profile ?? (config.profile as string | undefined),
                sharedConfigFiles: config.shared_config_files as string[] | undefined,
                sharedCredentialsFiles: config.shared_credentials_files as string[] | undefined,
                assumeRoles: roles
                    .filter((r) => r.role_arn)
                    .map((r) =>
                        role({ roleArn: r.role_arn, sessionName: r.session_name, externalId: r.external_id }),
                    ),
            });
        });
    }
    const config = new pulumi.Config("aws");
    return pulumi.output(
        compact({
            profile: config.get("profile"),
            sharedConfigFiles: config.getObject<string[]>("sharedConfigFiles"),
            sharedCredentialsFiles: config.getObject<string[]>("sharedCredentialsFiles"),
            assumeRoles: (
                config.getObject<{ roleArn?: string; sessionName?: string; externalId?: string }[]>(
                    "assumeRoles",
                ) ?? []
            )
                .filter((r) => r.roleArn)
                .map(role),
        }),
    );
}
