"""`python -m experiments COMMAND ...`: the research commands without the rest of the CLI."""

import sys

from sim.params import InputError

from . import cli


def main(argv: list[str] | None = None) -> int:
    from sim.cli import OneLineParser

    parser = OneLineParser(prog="python -m experiments")
    cli.register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as err:
        print(f"conflictsim: error: {err}", file=sys.stderr)
        return cli.EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("conflictsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
