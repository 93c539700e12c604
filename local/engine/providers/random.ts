/**
 * pulumi-resource-random for the tests (the Go module github.com/pulumi/pulumi-random/provider/v4 is
 * not served by the module proxy): RandomId and RandomPassword as terraform-provider-random makes
 * them — real randomness from node:crypto, kept in the state, and replaced when `keepers` or a
 * generating input changes (every input of these resources is ForceNew in terraform-provider-random).
 */
import * as crypto from "node:crypto";
import { Props, TestProvider, UNKNOWN, serve } from "./server";

const ID = "random:index/randomId:RandomId";
const PASSWORD = "random:index/randomPassword:RandomPassword";

function randomId(inputs: Props): { id: string; outputs: Props } {
    const length = Number(inputs.byteLength);
    if (!Number.isInteger(length) || length < 1)
        throw new Error(`byteLength: expected a whole number of at least 1, got ${inputs.byteLength}`);
    const bytes = crypto.randomBytes(length);
    const prefix = String(inputs.prefix ?? "");
    const b64Url = bytes.toString("base64url");
    return {
        id: prefix + b64Url,
        outputs: {
            ...inputs,
            hex: prefix + bytes.toString("hex"),
            b64Std: prefix + bytes.toString("base64"),
            b64Url: prefix + b64Url,
            dec: prefix + BigInt(`0x${bytes.toString("hex")}`).toString(),
        },
    };
}

function randomPassword(inputs: Props): { id: string; outputs: Props } {
    const length = Number(inputs.length);
    if (!Number.isInteger(length) || length < 1)
        throw new Error(`length: expected a whole number of at least 1, got ${inputs.length}`);
    const sets = [
        inputs.upper !== false ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "",
        inputs.lower !== false ? "abcdefghijklmnopqrstuvwxyz" : "",
        inputs.numeric !== false ? "0123456789" : "",
        inputs.special !== false ? String(inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?") : "",
    ];
    const alphabet = sets.join("");
    if (alphabet === "") throw new Error("at least one of upper, lower, numeric and special must be true");
    const result = Array.from({ length }, () => alphabet[crypto.randomInt(alphabet.length)]).join("");
    return { id: "none", outputs: { ...inputs, result } };
}

const provider: TestProvider = {
    name: "random",
    version: "4.21.2",
    check: (_ctx, _olds, news) => news,
    diff(_ctx, _id, olds, oldInputs, news) {
        const keys = [...new Set([...Object.keys(news), ...Object.keys(oldInputs)])].filter(
            (k) => !k.startsWith("__"),
        );
        const diffs = keys.filter(
            (k) =>
                news[k] === UNKNOWN ||
                JSON.stringify(news[k] ?? null) !== JSON.stringify(olds[k] ?? oldInputs[k] ?? null),
        );
        return { changes: diffs.length > 0, diffs, replaces: diffs };
    },
    async create(ctx, inputs) {
        if (ctx.type === ID) return randomId(inputs);
        if (ctx.type === PASSWORD) return randomPassword(inputs);
        throw new Error(`the rds-iam test random provider does not know ${ctx.type}`);
    },
    read: async (_ctx, _id, state) => state,
    update: async (_ctx, _id, olds, news) => ({ ...olds, ...news }),
    delete: async () => undefined,
};

serve(provider);
