import * as assert from "node:assert/strict";
import { connectPolicyDocument, dbUserArn, dbUserArnFieldProblems } from "../../components/connectPolicy";

const base = { region: "us-east-1", accountId: "291222035571" };

describe("connect policy builders", () => {
    it("builds the dbuser ARN from the DbiResourceId and the case-exact user name", () => {
        assert.equal(
            dbUserArn({ ...base, resourceId: "db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E", username: "User1" }),
            "arn:aws:rds-db:us-east-1:291222035571:dbuser:db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E/User1",
        );
    });

    it("uses the aws-cn partition when asked", () => {
        assert.equal(
            dbUserArn({
                partition: "aws-cn",
                region: "cn-north-1",
                accountId: "123456789012",
                resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWX",
                username: "app",
            }),
            "arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWX/app",
        );
    });

    it("uses the aws-us-gov partition when asked", () => {
        assert.equal(
            dbUserArn({
                partition: "aws-us-gov",
                region: "us-gov-west-1",
                accountId: "123456789012",
                resourceId: "cluster-XYZ234567ABCDEFGHIJKL",
                username: "app",
            }),
            "arn:aws-us-gov:rds-db:us-gov-west-1:123456789012:dbuser:cluster-XYZ234567ABCDEFGHIJKL/app",
        );
    });

    it("refuses an instance identifier and explains the DbiResourceId", () => {
        assert.throws(() => dbUserArn({ ...base, resourceId: "mydb-instance", username: "app" }), {
            message:
                'cannot build rds-db:connect ARN: resourceId "mydb-instance" is not a resource id: use the instance\'s DbiResourceId ("db-…", aws rds describe-db-instances --query "DBInstances[*].DbiResourceId"), the Aurora cluster\'s DbClusterResourceId ("cluster-…") or an RDS Proxy id ("prx-…"), not the database identifier, its ARN or a Pulumi autoname',
        });
    });

    it("refuses a wildcard resource id unless explicitly allowed", () => {
        assert.throws(() => dbUserArn({ ...base, resourceId: "*", username: "app" }), {
            message:
                'cannot build rds-db:connect ARN: resourceId "*" grants every database in the account; pass allowWildcard: true if you really mean it',
        });
        assert.equal(
            dbUserArn({ ...base, resourceId: "*", username: "app", allowWildcard: true }),
            "arn:aws:rds-db:us-east-1:291222035571:dbuser:*/app",
        );
    });

    it("refuses a wildcard user unless explicitly allowed", () => {
        assert.throws(
            () => dbUserArn({ ...base, resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWX", username: "*" }),
            {
                message:
                    'cannot build rds-db:connect ARN: username "*" grants every database user; pass allowWildcard: true if you really mean it',
            },
        );
    });

    it("refuses a malformed account id and region together", () => {
        assert.throws(
            () =>
                dbUserArn({
                    region: "useast1",
                    accountId: "1234",
                    resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWX",
                    username: "app",
                }),
            {
                message:
                    'cannot build rds-db:connect ARN: region "useast1" is not an AWS region such as "us-east-1"; accountId "1234" is not a 12-digit AWS account id',
            },
        );
    });

    it("writes one statement for one user", () => {
        assert.deepEqual(
            connectPolicyDocument([
                { ...base, resourceId: "db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E", username: "user1" },
            ]),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["rds-db:connect"],
                        Resource: [
                            "arn:aws:rds-db:us-east-1:291222035571:dbuser:db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E/user1",
                        ],
                    },
                ],
            },
        );
    });

    it("writes one statement naming both users of one database", () => {
        assert.deepEqual(
            connectPolicyDocument([
                { ...base, resourceId: "db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E", username: "user1" },
                { ...base, resourceId: "db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E", username: "user2" },
            ]),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["rds-db:connect"],
                        Resource: [
                            "arn:aws:rds-db:us-east-1:291222035571:dbuser:db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E/user1",
                            "arn:aws:rds-db:us-east-1:291222035571:dbuser:db-PHEYPFTZYKMPPDYPI2GJ6ZVW6E/user2",
                        ],
                    },
                ],
            },
        );
    });

    it("writes one statement naming users of two databases, an Aurora cluster among them", () => {
        assert.deepEqual(
            connectPolicyDocument([
                { ...base, resourceId: "db-AAAAAAAAAAAAAAAAAAAAAAAAAA", username: "app" },
                {
                    ...base,
                    region: "eu-west-1",
                    resourceId: "cluster-BBBBBBBBBBBBBBBBBBBBBBBBBB",
                    username: "app",
                },
            ]).Statement[0].Resource,
            [
                "arn:aws:rds-db:us-east-1:291222035571:dbuser:db-AAAAAAAAAAAAAAAAAAAAAAAAAA/app",
                "arn:aws:rds-db:eu-west-1:291222035571:dbuser:cluster-BBBBBBBBBBBBBBBBBBBBBBBBBB/app",
            ],
        );
    });

    it("keeps user names that differ only in case as two grants, and drops exact duplicates", () => {
        assert.deepEqual(
            connectPolicyDocument([
                { ...base, resourceId: "db-AAAAAAAAAAAAAAAAAAAAAAAAAA", username: "App" },
                { ...base, resourceId: "db-AAAAAAAAAAAAAAAAAAAAAAAAAA", username: "app" },
                { ...base, resourceId: "db-AAAAAAAAAAAAAAAAAAAAAAAAAA", username: "app" },
            ]).Statement[0].Resource,
            [
                "arn:aws:rds-db:us-east-1:291222035571:dbuser:db-AAAAAAAAAAAAAAAAAAAAAAAAAA/App",
                "arn:aws:rds-db:us-east-1:291222035571:dbuser:db-AAAAAAAAAAAAAAAAAAAAAAAAAA/app",
            ],
        );
    });

    it("refuses an empty list of grants", () => {
        assert.throws(() => connectPolicyDocument([]), {
            message: "connectPolicyDocument needs at least one grant",
        });
    });

    it("reports each unusable field of an ARN with its field name and a code", () => {
        assert.deepEqual(
            dbUserArnFieldProblems({
                partition: "aws",
                region: "cn-north-1",
                accountId: "12",
                resourceId: "*",
                username: "bad user",
            }).map((p) => [p.field, p.code]),
            [
                ["region", "wrong-partition"],
                ["accountId", "bad-account"],
                ["resourceId", "wildcard"],
                ["username", "bad-username"],
            ],
        );
    });
});
