"""The Python program runner of rds-iam's test language host (python.ts): started by Run with the
engine's arguments, it configures the pulumi package from PyPI (its public runtime API) and runs the
program's __main__.py in the stack, the way Pulumi's pulumi-language-python-exec is started by the
real host (the same flags and environment; exit code 32 when an error was already shown).
"""

import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

SHOWN_TO_USER = 32  # the host answers Run with "bail": the engine prints nothing more

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(
        traceback.format_exc()
        + "\nThe pulumi package is not installed in the program's Python environment: create the "
        "virtualenv Pulumi.yaml names and run `pip install -r requirements.txt` in it.",
        file=sys.stderr,
    )
    sys.exit(1)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run a Pulumi Python program")
    for flag in (
        "project",
        "root_directory",
        "stack",
        "parallel",
        "dry_run",
        "pwd",
        "monitor",
        "engine",
        "tracing",
        "organization",
    ):
        parser.add_argument(f"--{flag}")
    parser.add_argument("program")
    parser.add_argument("args", nargs="*")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    parallel = int(args.parallel) if args.parallel else None
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=parallel,
            dry_run=args.dry_run == "true",
            organization=args.organization,
            root_directory=args.root_directory,
        )
    )
    sys.argv = [args.program, *args.args]
    if args.pwd:
        os.chdir(args.pwd)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # Blocking work the SDK hands to threads, bounded by the engine's parallelism.
    executor = ThreadPoolExecutor(max_workers=max(parallel or 1, 1) * 4)
    loop.set_default_executor(executor)
    # A failed deployment leaves futures unobserved by design; asyncio's complaints about them are noise.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    try:
        loop.run_until_complete(
            pulumi.runtime.run_in_stack(
                lambda: runpy.run_path(args.program, run_name="__main__")
            )
        )
        return 0
    except pulumi.RunError as e:
        pulumi.log.error(str(e))
        return 1
    except Exception:  # the program's own failure: shown to the user, whatever it is
        pulumi.log.error(
            "Program failed with an unhandled exception:\n" + traceback.format_exc()
        )
        return SHOWN_TO_USER
    finally:
        executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
