/** A loopback stand-in for Secrets Manager's GetSecretValue (JSON 1.1 protocol) for the real SDK client. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeSecretsManager {
    readonly endpoint: string;
    /** ARN → SecretString; a missing ARN answers ResourceNotFound. */
    readonly secrets: Map<string, string>;
    /** ARNs the caller may not read (AccessDeniedException). */
    readonly denied: Set<string>;
    readonly requests: string[];
    /** Who called, per request: the access key id and region of the SigV4 signature. */
    readonly callers: { accessKeyId: string; region: string }[];
    close(): Promise<void>;
}

export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
    const secrets = new Map<string, string>();
    const denied = new Set<string>();
    const requests: string[] = [];
    const callers: { accessKeyId: string; region: string }[] = [];
    const server = http.createServer((req, res) => {
        const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ""));
        callers.push({ accessKeyId: scope?.[1] ?? "", region: scope?.[2] ?? "" });
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            const target = String(req.headers["x-amz-target"] ?? "");
            const { SecretId } = JSON.parse(body || "{}") as { SecretId?: string };
            requests.push(`${target} ${SecretId}`);
            const reply = (status: number, payload: unknown) => {
                res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify(payload));
            };
            if (target !== "secretsmanager.GetSecretValue") {
                return reply(400, { __type: "UnknownOperationException", message: target });
            }
            if (denied.has(SecretId ?? "")) {
                return reply(400, {
                    __type: "AccessDeniedException",
                    Message: `User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SecretId}`,
                });
            }
            const value = secrets.get(SecretId ?? "");
            if (value === undefined) {
                return reply(400, {
                    __type: "ResourceNotFoundException",
                    Message: "Secrets Manager can't find the specified secret.",
                });
            }
            return reply(200, {
                ARN: SecretId,
                Name: "rds!db",
                SecretString: value,
                VersionId: "v1",
                VersionStages: ["AWSCURRENT"],
                CreatedDate: 1.7e9,
            });
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        secrets,
        denied,
        requests,
        callers,
        close: () => new Promise((r) => server.close(() => r())),
    };
}
