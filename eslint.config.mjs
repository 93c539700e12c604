// ESLint flat config: typescript-eslint recommended rules plus Pulumi's own (type-aware) checks.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "bin/**",
            ".tmp/**",
            ".ci/.tools/**",
            "bench/results/**",
            "local-output/**",
            "cli/**",
            "eslint.config.mjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
            ],
        },
    },

    // Plain CommonJS preloads (loaded with node --require before any TypeScript loader).
    {
        files: ["**/*.cjs"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", process: "readonly", module: "writable", __dirname: "readonly" },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },

    // One-way dependencies (ARCHITECTURE.md): the library imports nothing from the stack program,
    // the local proving ground, the policy pack or the tests; nothing outside test/ imports test/.
    boundary(["components/**/*.ts"], ["local", "stack", "test", "policies", "bench", "index"]),
    boundary(["stack/**/*.ts", "index.ts"], ["local", "test", "policies", "bench"]),
    boundary(["policies/**/*.ts"], ["local", "stack", "test", "bench", "index"]),
    boundary(["local/**/*.ts", "bench/**/*.ts"], ["test"]),
);

/** A no-restricted-imports rule refusing relative imports that reach the given top-level folders. */
function boundary(files, forbidden) {
    return {
        files,
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: forbidden.map((folder) => ({
                        regex: `^(\\.\\./)+${folder}(/|$)`,
                        message: `${files[0].split("/")[0]} must not import ${folder}/: dependencies point one way (see ARCHITECTURE.md).`,
                    })),
                },
            ],
        },
    };
}
