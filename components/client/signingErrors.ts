/**
 * Turns the AWS credential chain's "could not load credentials" into an error that says what to do,
 * naming the profile when AWS_PROFILE points at one that does not exist (the SDK's own error does not,
 * and with AWS_PROFILE set the chain skips the instance / task role).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const NO_CREDENTIALS_MESSAGE =
    "no AWS credentials found to sign the RDS IAM token: on EC2 attach an instance profile whose role " +
    "allows rds-db:connect; on Lambda or ECS give the function / task role rds-db:connect; on a laptop set " +
    "AWS_PROFILE (after `aws sso login` or `aws configure`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

/** True for the credential provider chain's "nothing found" failure. */
export function isMissingCredentialsError(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    return error.name === "CredentialsProviderError" || /could not load credentials/i.test(error.message);
}

/** Profile names in a shared config (`[default]`, `[profile x]`) or credentials (`[x]`) file. */
function profileNames(file: string, kind: "config" | "credentials"): string[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return [];
    }
    const names: string[] = [];
    for (const line of text.split(/\r?\n/)) {
        const m = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
        if (m === null) continue;
        const section = m[1];
        if (kind === "credentials" || section === "default") names.push(section);
        else if (/^profile\s+/.test(section)) names.push(section.replace(/^profile\s+/, ""));
    }
    return names;
}

/** Why AWS_PROFILE cannot work (it names a profile neither shared file has), else undefined. */
export function missingProfileProblem(env: NodeJS.ProcessEnv): string | undefined {
    const profile = env.AWS_PROFILE;
    if (!profile) return undefined;
    const home = env.HOME ?? os.homedir();
    const configFile = env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config");
    const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials");
    if (
        profileNames(configFile, "config").includes(profile) ||
        profileNames(credentialsFile, "credentials").includes(profile)
    ) {
        return undefined;
    }
    return (
        `AWS_PROFILE is "${profile}", but there is no profile "${profile}" in ${configFile} or ${credentialsFile}: ` +
        `fix the name (\`aws configure list-profiles\` lists them), create it (\`aws configure --profile ${profile}\` ` +
        `or \`aws configure sso --profile ${profile}\`), or unset AWS_PROFILE`
    );
}

/** The error to surface for a failed signing: the friendly one for missing credentials, else the original. */
export function explainSigningError(error: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
    if (!isMissingCredentialsError(error)) return error;
    return new Error(missingProfileProblem(env) ?? NO_CREDENTIALS_MESSAGE, { cause: error });
}
