/** Turns the AWS credential chain's "could not load credentials" into an error that says what to do. */

export const NO_CREDENTIALS_MESSAGE =
    "no AWS credentials found to sign the RDS IAM token: on EC2 attach an instance profile whose role " +
    "allows rds-db:connect; on Lambda or ECS give the function / task role rds-db:connect; on a laptop set " +
    "AWS_PROFILE (after `aws sso login` or `aws configure`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

/** True for the credential provider chain's "nothing found" failure. */
export function isMissingCredentialsError(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    return error.name === "CredentialsProviderError" || /could not load credentials/i.test(error.message);
}

/** The error to surface for a failed signing: the friendly one for missing credentials, else the original. */
export function explainSigningError(error: unknown): unknown {
    return isMissingCredentialsError(error) ? new Error(NO_CREDENTIALS_MESSAGE, { cause: error }) : error;
}
