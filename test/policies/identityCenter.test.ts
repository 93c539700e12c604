import * as assert from "node:assert/strict";
import { connectStatements, connectTargetsExist } from "../../policies/rules";
import { runResourceRule, runStackRule } from "../../local/policies/ruleHarness";
import { PG_ID, happyStack, permissionSetInlinePolicy } from "./fixtures";

const mandatory = (...messages: string[]) =>
    messages.map((message) => ({ message, enforcement: "mandatory" }));

describe("IAM Identity Center permission sets are judged like any other policy", () => {
    it("rds-iam-connect-statements flags a permission set inline policy granting rds-db:connect on *", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, permissionSetInlinePolicy(["*"])),
            mandatory(
                '"dba-inline" statement 0: resource "*" grants rds-db:connect as every user of every database in every region and account; name the users (arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>).',
            ),
        );
    });

    it("rds-iam-connect-targets-exist checks the users a permission set inline policy grants", () => {
        const wrong = `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/App_RW`;
        assert.deepEqual(
            runStackRule(connectTargetsExist, [...happyStack(), permissionSetInlinePolicy([wrong])]),
            mandatory(
                `"dba-inline" grants ${wrong}, but database "orders" has no DatabaseUser named exactly "App_RW".`,
            ),
        );
    });
});
