/** All policy rules over 1,000 and 5,000 recorded resources. */
import { resourceRules, stackRules } from "../policies/rules";
import { RecordedResource } from "../local/pulumi/mocks";
import {
    fromRecorded,
    runResourceRule,
    runStackRule,
    toPolicyResources,
} from "../local/policies/ruleHarness";
import { bestOf, round } from "./timing";

export async function benchPolicies(recorded: RecordedResource[]): Promise<{ [k: string]: number }> {
    const all = fromRecorded(recorded);
    const out: { [k: string]: number } = {};
    for (const n of [1000, 5000]) {
        // The same mix of resource types at every size: evenly spread over the program's resources.
        const fixtures = Array.from(
            { length: n },
            (_, i) => all[Math.floor((i * all.length) / n) % all.length],
        );
        const ms = await bestOf(3, async () => {
            const resources = toPolicyResources(fixtures); // fresh array: no cached index between runs
            for (const f of fixtures) for (const rule of resourceRules) runResourceRule(rule, f);
            for (const rule of stackRules) runStackRule(rule, resources);
        });
        out[`n${n}Ms`] = round(ms);
    }
    out.ratio5000to1000 = round(out.n5000Ms / out.n1000Ms);
    return out;
}
