/**
 * IAM authentication failures where a reviewer can find them: RDS exports the `iam-db-auth-error`
 * log to CloudWatch Logs when it is among the enabled exports (RDS User Guide, "Troubleshooting for
 * IAM DB authentication"; CreateDBInstance and CreateDBCluster EnableCloudwatchLogsExports list it for
 * RDS for MySQL, MariaDB and PostgreSQL, Aurora MySQL and Aurora PostgreSQL). RDS publishes to
 * `/aws/rds/instance/<identifier>/<log>` (`/aws/rds/cluster/<identifier>/<log>` for Aurora) and makes
 * that group itself, never expiring, if it does not exist (RDS User Guide, "Publishing database logs
 * to Amazon CloudWatch Logs"). The component makes it first, with a retention.
 *
 * Its name needs the identifier Pulumi gives the instance or cluster, so the group is made right
 * after the database, before any user exists: an IAM login can only fail there once a client tries,
 * and until the group exists RDS has nothing to publish to it (a failure in that window makes RDS
 * create the group first; `pulumi up` then fails with ResourceAlreadyExistsException, and the README
 * says how to import it).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

import { iamAuthErrorLogGroupName } from "../awsNames";

export { IAM_AUTH_ERROR_LOG } from "../awsNames";

export function iamAuthErrorLogGroup(
    name: string,
    kind: "instance" | "cluster",
    identifier: pulumi.Output<string>,
    retentionInDays: number,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${name}-iam-auth-errors`,
        { name: identifier.apply((id) => iamAuthErrorLogGroupName(kind, id)), retentionInDays, tags },
        { parent },
    );
}
