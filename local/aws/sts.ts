/**
 * A loopback stand-in for STS AssumeRole (query protocol, XML answers) for the real SDK clients:
 * hands out temporary credentials named after the role and records who asked (the SigV4 access
 * key id), so tests can see a chain of roles assumed one with the other's credentials.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface AssumeRoleCall {
    /** The access key id that signed the request. */
    readonly callerAccessKeyId: string;
    readonly roleArn: string;
    readonly sessionName: string;
    readonly externalId?: string;
}

export interface FakeSts {
    readonly endpoint: string;
    readonly calls: AssumeRoleCall[];
    /** The temporary access key id handed out for a role ARN. */
    accessKeyIdFor(roleArn: string): string;
    close(): Promise<void>;
}

export async function startFakeSts(): Promise<FakeSts> {
    const calls: AssumeRoleCall[] = [];
    const roles: string[] = [];
    const accessKeyIdFor = (roleArn: string): string => {
        if (!roles.includes(roleArn)) roles.push(roleArn);
        return `ASIAFAKESTS${String(roles.indexOf(roleArn)).padStart(9, "0")}`;
    };
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            const form = new URLSearchParams(body);
            const caller = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
            if (form.get("Action") !== "AssumeRole") {
                res.writeHead(400, { "content-type": "text/xml" });
                res.end(
                    `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${form.get("Action")}</Message></Error></ErrorResponse>`,
                );
                return;
            }
            const roleArn = form.get("RoleArn") ?? "";
            const sessionName = form.get("RoleSessionName") ?? "";
            calls.push({
                callerAccessKeyId: caller,
                roleArn,
                sessionName,
                ...(form.has("ExternalId") ? { externalId: form.get("ExternalId") as string } : {}),
            });
            const expiration = new Date(Date.now() + 3600_000).toISOString();
            res.writeHead(200, { "content-type": "text/xml" });
            res.end(
                `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
                    `<Credentials><AccessKeyId>${accessKeyIdFor(roleArn)}</AccessKeyId>` +
                    `<SecretAccessKey>fake-secret-for-${roleArn.split("/").pop()}</SecretAccessKey>` +
                    `<SessionToken>fake-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
                    `<AssumedRoleUser><Arn>${roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/${sessionName}</Arn>` +
                    `<AssumedRoleId>AROAFAKE:${sessionName}</AssumedRoleId></AssumedRoleUser>` +
                    `</AssumeRoleResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></AssumeRoleResponse>`,
            );
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls,
        accessKeyIdFor,
        close: () => new Promise((r) => server.close(() => r())),
    };
}
