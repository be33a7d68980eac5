"""Stage 6 (cli): the arguments of a command that searches are query words, not options.

``searcher search Kars -antlaşma`` excludes a word with a dash, as the query language
does; Click would take ``-antlaşma`` for an unknown option.  :class:`QueryCommand`
passes Click its options (and a mistyped one, to say so) and everything else as words.
"""

from __future__ import annotations

import click


class QueryCommand(click.Command):
    """A command whose arguments are query words: a dash-word that is none of its
    options (``-antlaşma``, ``-"Kars Antlaşması"``) is a query word, not an error;
    ``--`` still ends the options.  A word after two dashes that no option spells
    (``--limt``) is a mistyped option, not searched for: Click's usage error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes: dict[str, bool] = {}
        for p in self.get_params(ctx):
            if isinstance(p, click.Option):
                for name in (*p.opts, *p.secondary_opts):
                    takes[name] = not p.is_flag and not p.count
        options: list[str] = []
        words: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                words += args[i:]
                break
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if name in takes:
                options.append(arg)
                if takes[name] and "=" not in arg and i < len(args):
                    options.append(args[i])
                    i += 1
            elif len(arg) > 2 and takes.get(arg[:2]) and arg[2:].isdecimal():
                options.append(arg)  # -n3
            elif arg.startswith("--") and arg[2:3].isalpha():
                options.append(arg)  # a mistyped option (--limt): Click says so, exit 2
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words])
